from . import portal
from . import contribution
from . import meeting
from . import consent
from . import holder_request
from . import measure
from . import family_copy
