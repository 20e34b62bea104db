from . import models
from . import wizards


def post_init_hook(env):
    """The open cases of an existing database get the checklists of their
    steps (new cases get them when they enter a step)."""
    cases = env["bti.case"].search([("state", "!=", "closed")])
    env["bti.case.task"]._bti_add_for_cases(cases)
