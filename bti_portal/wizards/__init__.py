from . import bti_family_access_wizard
