from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from . import network_svg
from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_UNLOGGED_FIELDS, TOOL_WRITE_FIELDS

# What the author writes in a draft map, its persons included.
MAP_FIELDS = frozenset({"person_ids", "center_label", "note"})


class BtiToolNetworkMap(models.Model):
    """The network map (nettverkskart): the people around the child, drawn
    with the child in the centre, in sectors (family, relatives, friends,
    school/kindergarten, professionals, leisure) and rings of closeness
    (close, important, further out); each person a resource, a strain or
    both, with a note.

    Made with the family: shown to the family by default, and it may be
    shared with them. The drawing is SVG made on the server, the same in the
    form and in the PDF.
    """

    _name = "bti.tool.network_map"
    _description = "BTI Network Map"
    _inherit = ["bti.tool.mixin"]
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS
    _bti_create_fields = TOOL_CREATE_FIELDS | MAP_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | MAP_FIELDS}
    _bti_tool_report = "bti_tools.action_report_tool_network_map"

    previous_id = fields.Many2one(
        "bti.tool.network_map",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    # Made with the family: theirs to see unless the author says otherwise.
    visibility = fields.Selection(default=lambda self: self._default_visibility())
    violence_suspicion = fields.Boolean(
        related="case_id.violence_suspicion",
        string="Suspicion of Violence or Abuse",
        help="While the case carries it, nothing reaches the family.",
    )
    person_ids = fields.One2many(
        "bti.tool.network.person",
        "map_id",
        string="Persons",
        copy=False,
    )
    person_count = fields.Integer(string="Persons (count)", compute="_compute_count")
    center_label = fields.Char(
        string="In the Centre",
        help="How the child is named in the middle of the drawing: the first "
        "name, or what the child wants to be called. Left empty, the drawing "
        "says 'Child'.",
    )
    note = fields.Html(
        sanitize=True,
        help="What the map shows together: who the child can lean on, where "
        "the strains are, who could become a resource.",
    )
    svg = fields.Html(
        string="Drawing",
        compute="_compute_svg",
        sanitize=False,
        help="The map drawn as rings and sectors, with every person placed.",
    )

    @api.model
    def _default_visibility(self):
        """The family sees the map: it is made with them. Not while the case
        carries a suspicion of violence or abuse: then nothing is shown to
        the family, and the map is kept among the participating services."""
        case = self.env["bti.case"].browse(self.env.context.get("default_case_id"))
        # sudo: the flag only, for the default of a new form.
        if case.exists() and case.sudo().violence_suspicion:
            return "participants"
        return "family"

    @api.depends("person_ids")
    def _compute_count(self):
        for network in self:
            network.person_count = len(network.person_ids)

    # ------------------------------------------------------------------
    # The drawing
    # ------------------------------------------------------------------
    @api.depends(
        "center_label",
        "person_ids.name",
        "person_ids.sector_id",
        "person_ids.ring",
        "person_ids.kind",
        "person_ids.sequence",
    )
    @api.depends_context("lang")
    def _compute_svg(self):
        Sector = self.env["bti.tool.network.sector"]
        active = Sector.search([("active", "=", True)])
        words = self._bti_svg_words()
        Person = self.env["bti.tool.network.person"]
        rings = dict(Person._fields["ring"]._description_selection(self.env))
        kinds = dict(Person._fields["kind"]._description_selection(self.env))
        for network in self:
            persons = network.person_ids.sorted(lambda p: (p.sequence, p.id or 0))
            # Every active sector, so that maps compare; and the archived
            # ones this map still uses.
            sectors = (active | persons.sector_id).sorted(
                lambda s: (s.sequence, s.id or 0)
            )
            drawn = [
                {
                    "name": person.name or "",
                    "sector_id": person.sector_id.id,
                    "ring": int(person.ring) if person.ring else 0,
                    "kind": person.kind,
                    "title": " – ".join(
                        part
                        for part in (
                            person.name,
                            person.sector_id.name,
                            rings.get(person.ring),
                            kinds.get(person.kind),
                        )
                        if part
                    ),
                }
                for person in persons
                if person.name and person.sector_id and person.ring
            ]
            # Markup: network_svg.draw escapes every text it writes.
            network.svg = Markup(
                network_svg.draw(
                    [
                        {"id": sector.id, "name": sector.name, "color": sector.color}
                        for sector in sectors
                    ],
                    drawn,
                    (network.center_label or "").strip() or _("Child"),
                    words,
                )
            )

    def _bti_report_persons(self):
        """The persons in the print: by sector, then from the closest ring."""
        self.ensure_one()
        return self.person_ids.sorted(
            lambda p: (p.sector_id.sequence, p.sector_id.id, p.ring or "9", p.sequence)
        )

    @api.model
    def _bti_svg_words(self):
        return {
            "title": _("Network map"),
            "resource": _("Resource"),
            "strain": _("Strain"),
            "both": _("Both"),
            "rings": _("Rings from the centre: 1 close · 2 important · 3 further out"),
        }

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _bti_check_finalizable(self):
        for network in self:
            if not network.person_ids:
                raise ValidationError(
                    _(
                        "Place at least one person on the network map before "
                        "making it final."
                    )
                )
