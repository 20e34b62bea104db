from . import bti_measure_evaluate_wizard
from . import bti_case_appoint_wizard
from . import bti_party_release_wizard
