from odoo import fields, models


class BtiToolWonderArea(models.Model):
    """An area a wonder note is tagged with (food, friends, behaviour …)."""

    _name = "bti.tool.wonder.area"
    _description = "BTI Wonder Note Area"
    _inherit = ["bti.protected.mixin"]
    _order = "sequence, id"
    _bti_create_fields = frozenset({"name", "sequence", "active", "color"})
    _bti_write_fields = {"*": _bti_create_fields}

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
