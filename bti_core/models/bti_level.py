from odoo import api, fields, models


class BtiLevel(models.Model):
    """A BTI level (nivå 0-3): where a case stands."""

    _name = "bti.level"
    _description = "BTI Level"
    _inherit = ["bti.protected.mixin"]
    # Configuration, kept by BTI administrators.
    _bti_create_fields = frozenset(
        {
            "code",
            "name",
            "description",
            "step_ids",
            "color",
        }
    )
    _bti_write_fields = {"*": _bti_create_fields}
    _order = "code"

    code = fields.Integer(required=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    step_ids = fields.One2many("bti.level.step", "level_id", string="Steps")
    color = fields.Integer()

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each level code may be used once."),
        (
            "code_range",
            "CHECK(code >= 0 AND code <= 3)",
            "The level code must be 0, 1, 2 or 3.",
        ),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for level in self:
            level.display_name = f"{level.code} – {level.name}" if level.name else ""

    def _first_step(self):
        self.ensure_one()
        return self.step_ids.sorted(lambda s: (s.sequence, s.id))[:1]
