from odoo import fields, models


class BtiCaseHistory(models.Model):
    """Who moved a case to which level and step, and when."""

    _name = "bti.case.history"
    _description = "BTI Case Level History"
    _inherit = ["bti.protected.mixin"]
    _order = "date desc, id desc"
    # System records: written by the case's transitions, read by users.
    _bti_create_fields = frozenset()
    _bti_write_fields = {}

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", required=True, ondelete="restrict")
    level_id = fields.Many2one("bti.level", ondelete="restrict")
    step_id = fields.Many2one("bti.level.step", ondelete="set null")
    state = fields.Selection(
        [("wondering", "Wondering"), ("active", "Active"), ("closed", "Closed")]
    )
    kind = fields.Selection(
        [
            ("create", "Opened"),
            ("change", "Level or step changed"),
            ("close", "Closed"),
        ],
        required=True,
    )
