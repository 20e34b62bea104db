from . import bti_case_decision_wizard
from . import bti_case_close_wizard
from . import bti_baton_propose_wizard
from . import bti_baton_refuse_wizard
from . import bti_participant_remove_wizard
from . import bti_consent_paper_wizard
