from odoo import fields, models


class BtiLevelStep(models.Model):
    """One step (trinn) of a level; municipalities rename, reorder and add them."""

    _name = "bti.level.step"
    _description = "BTI Level Step"
    _inherit = ["bti.protected.mixin"]
    # Configuration, kept by BTI administrators.
    _bti_create_fields = frozenset(
        {
            "level_id",
            "sequence",
            "name",
            "description",
            "deadline_days",
            "is_decision",
            "fold",
        }
    )
    _bti_write_fields = {"*": _bti_create_fields}
    _order = "level_id, sequence, id"

    level_id = fields.Many2one(
        "bti.level", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    deadline_days = fields.Integer(
        help="Days a case may stay in this step before its deadline; 0 for none."
    )
    is_decision = fields.Boolean(
        string="Decision Step",
        help="The step where the level-0 decision is taken.",
    )
    fold = fields.Boolean(help="Folded in the kanban view.")
