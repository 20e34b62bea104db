from . import bti_family_access_wizard
from . import bti_holder_request_accept_wizard
from . import bti_holder_request_decline_wizard
