from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .bti_tool_line_mixin import LINE_UNLOGGED_FIELDS

# What the author writes about a person on a draft map.
PERSON_FIELDS = frozenset(
    {"sequence", "partner_id", "name", "sector_id", "ring", "kind", "note"}
)
RINGS = [("1", "Close"), ("2", "Important"), ("3", "Further out")]
KINDS = [("resource", "Resource"), ("strain", "Strain"), ("both", "Both")]


class BtiToolNetworkPerson(models.Model):
    """A person around the child on a network map: a contact, or just a
    name; in a sector (family, friends …) and a ring of closeness; a
    resource, a strain or both for the child; with a note."""

    _name = "bti.tool.network.person"
    _description = "BTI Network Map Person"
    _inherit = ["bti.tool.line.mixin"]
    _order = "map_id, sequence, id"
    _bti_tool_parent = "map_id"
    _bti_unlogged_fields = LINE_UNLOGGED_FIELDS
    _bti_create_fields = PERSON_FIELDS | {"map_id"}
    _bti_write_fields = {"draft": PERSON_FIELDS}

    map_id = fields.Many2one(
        "bti.tool.network_map",
        string="Network Map",
        required=True,
        ondelete="cascade",
        index=True,
    )
    case_id = fields.Many2one(related="map_id.case_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        ondelete="restrict",
        help="The person as a contact, if they are one (a guardian, a colleague "
        "…). Optional: a name is enough.",
    )
    # Not required in the ORM: the constraints below say what is missing in
    # words a user understands (the ORM's message names only the column).
    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        copy=True,
        help="How the person is called on the map, e.g. Grandma Kari. With a "
        "contact chosen, the contact's name.",
    )
    sector_id = fields.Many2one(
        "bti.tool.network.sector",
        ondelete="restrict",
        # A person keeps an archived sector.
        context={"active_test": False},
        domain="[('active', '=', True)]",
        help="Where the person belongs in the child's life: family, relatives, "
        "friends, school/kindergarten, professionals, leisure.",
    )
    ring = fields.Selection(
        RINGS,
        help="How close the person is to the child: the inner ring is the closest.",
    )
    kind = fields.Selection(
        KINDS,
        string="Resource or Strain",
        default="resource",
        help="Whether the person is a resource for the child, a strain, or both.",
    )
    note = fields.Text(help="What the person means to the child, in a few words.")

    @api.depends("partner_id")
    def _compute_name(self):
        for person in self:
            if person.partner_id:
                person.name = person.partner_id.name
            else:
                person.name = person.name

    # ------------------------------------------------------------------
    # A contact must be one the author may read; the name follows it.
    # ------------------------------------------------------------------
    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        vals_list = super()._bti_prepare_create_vals(vals_list)
        self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        )._bti_check_nameable()
        for vals in vals_list:
            if vals.get("partner_id"):
                vals.pop("name", None)
        return vals_list

    def _bti_prepare_write_vals(self, vals):
        vals = super()._bti_prepare_write_vals(vals)
        if vals.get("partner_id"):
            self.env["res.partner"].browse(vals["partner_id"])._bti_check_nameable()
            vals = dict(vals)
            vals.pop("name", None)
        return vals

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _bti_person_label(self):
        return self.name or self.partner_id.name or _("a person")

    @api.constrains("name", "partner_id", "sector_id", "ring", "kind")
    def _check_person(self):
        for person in self:
            if not (person.name or "").strip() and not person.partner_id:
                raise ValidationError(
                    _(
                        "Give each person on the network map a name, or choose "
                        "a contact."
                    )
                )
            if not person.sector_id:
                raise ValidationError(
                    _("Choose the sector of %s.", person._bti_person_label())
                )
            if not person.ring:
                raise ValidationError(
                    _(
                        "Choose how close %s is to the child: the ring close, "
                        "important or further out.",
                        person._bti_person_label(),
                    )
                )
            if not person.kind:
                raise ValidationError(
                    _(
                        "Say whether %s is a resource, a strain or both.",
                        person._bti_person_label(),
                    )
                )
