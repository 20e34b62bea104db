from . import bti_access_policy
from . import bti_case_content_mixin
from . import bti_case
from . import bti_log_entry
from . import bti_meeting
from . import bti_consent
from . import bti_consent_confirmation
