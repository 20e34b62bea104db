from odoo import fields, models


class BtiInfoCategory(models.Model):
    """A category of information (general, health, school, child welfare...).

    Services are allowed to read some categories, and a consent names the
    categories it lets the covered services share.
    """

    _name = "bti.info.category"
    _description = "BTI Information Category"
    _inherit = ["bti.protected.mixin"]
    # Configuration, kept by BTI administrators.
    _bti_create_fields = frozenset(
        {
            "name",
            "code",
            "sequence",
            "is_health",
            "description",
            "active",
        }
    )
    _bti_write_fields = {"*": _bti_create_fields}
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    is_health = fields.Boolean(
        string="Health Information",
        help="Special-category health information (GDPR art. 9).",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "The code of an information category must be unique.",
        ),
    ]
