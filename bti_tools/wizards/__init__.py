from . import bti_tool_share_wizard
