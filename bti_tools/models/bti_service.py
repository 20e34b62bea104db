from odoo import fields, models

from odoo.addons.bti_core.models.bti_service import BtiService as CoreService


class BtiService(models.Model):
    """Whether a service is a school: the service kind (basis, help …) does not
    tell a school from a kindergarten, and a transition form is passed on to
    a school only."""

    _inherit = "bti.service"
    _bti_create_fields = CoreService._bti_create_fields | {"is_school"}
    _bti_write_fields = {"*": _bti_create_fields}

    is_school = fields.Boolean(
        string="School",
        tracking=True,
        help="A school: kindergartens pass transition forms on to it.",
    )
