from . import test_guide
from . import test_tool_framework
from . import test_wonder_note
