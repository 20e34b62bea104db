from . import portal
from . import contribution
from . import meeting
