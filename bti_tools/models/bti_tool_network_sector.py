import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


class BtiToolNetworkSector(models.Model):
    """A sector of the network map (family, relatives, friends,
    school/kindergarten, professionals, leisure): a part of the circle the
    persons around the child are placed in. Kept by administrators; every
    map is drawn with all active sectors, so that maps can be compared."""

    _name = "bti.tool.network.sector"
    _description = "BTI Network Map Sector"
    _inherit = ["bti.protected.mixin"]
    _order = "sequence, id"
    _bti_create_fields = frozenset({"name", "sequence", "color", "active"})
    _bti_write_fields = {"*": _bti_create_fields}

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="The order of the sectors, clockwise from the top."
    )
    color = fields.Char(
        default="#9e9e9e",
        help="The colour the sector is tinted with in the drawing, as #rrggbb.",
    )
    active = fields.Boolean(
        default=True,
        help="An archived sector is no longer offered; maps that use it still show it.",
    )

    @api.constrains("color")
    def _check_color(self):
        for sector in self:
            if sector.color and not _COLOR_RE.match(sector.color):
                raise ValidationError(
                    _(
                        "The colour of sector %(sector)s must be written as #rrggbb "
                        "(e.g. #4e79a7), not %(color)s.",
                        sector=sector.name,
                        color=sector.color,
                    )
                )
