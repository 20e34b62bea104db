from . import test_portal_http
from . import test_family_access
from . import test_accessibility
from . import test_portal_contribution
from . import test_portal_meeting
from . import test_family_news
from . import test_portal_consent
from . import test_portal_access_log
