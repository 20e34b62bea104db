from . import bti_tool_share_wizard
from . import bti_tool_transition_sign_wizard
from . import bti_tool_cwr_feedback_wizard
