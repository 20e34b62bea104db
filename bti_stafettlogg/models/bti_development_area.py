from odoo import fields, models


class BtiDevelopmentArea(models.Model):
    """A development area a goal is set in (language, social, wellbeing...).

    Kept by BTI administrators; the defaults come as data.
    """

    _name = "bti.development.area"
    _description = "BTI Development Area"
    _order = "sequence, id"
    _inherit = ["bti.protected.mixin"]
    # What the administrators keep (their access rights allow nobody else to write).
    _bti_create_fields = frozenset(
        {"name", "code", "sequence", "description", "active"}
    )
    _bti_write_fields = {"*": _bti_create_fields}

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "The code of a development area must be unique.",
        ),
    ]
