from . import bti_tool_share_wizard
from . import bti_tool_transition_sign_wizard
