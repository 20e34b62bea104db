from odoo import fields, models

FAMILIES = [
    ("kindergarten_school", "Kindergarten and school"),
    ("help", "Municipal help service"),
    ("adult", "Adult service"),
]


class BtiGuide(models.Model):
    """An action guide (handlingsveileder) of one family of services: a card
    per level step. The content is the municipality's: administrators edit it."""

    _name = "bti.guide"
    _description = "BTI Action Guide"
    _inherit = ["bti.protected.mixin"]
    _order = "family, id"
    _bti_create_fields = frozenset(
        {"name", "family", "description", "step_ids", "active"}
    )
    _bti_write_fields = {"*": _bti_create_fields}

    name = fields.Char(required=True)
    family = fields.Selection(FAMILIES, required=True)
    description = fields.Html(sanitize=True)
    active = fields.Boolean(default=True)
    step_ids = fields.One2many("bti.guide.step", "guide_id", string="Cards")

    _sql_constraints = [
        ("family_unique", "unique(family)", "Each family of services has one guide."),
    ]
