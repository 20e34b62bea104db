from . import test_portal_http
from . import test_family_access
from . import test_accessibility
from . import test_portal_consent
from . import test_portal_access_log
