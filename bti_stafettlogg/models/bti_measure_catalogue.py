from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ARENAS = [
    ("home", "Home"),
    ("kindergarten", "Kindergarten"),
    ("school", "School"),
    ("leisure", "Leisure"),
    ("health", "Health"),
    ("other", "Other"),
]
# What the administrators keep (their access rights allow nobody else to write).
CATALOGUE_FIELDS = frozenset(
    {
        "name",
        "sequence",
        "description",
        "service_id",
        "arena",
        "age_min",
        "age_max",
        "level_ids",
        "referral",
        "contact_user_id",
        "contact_info",
        "capacity",
        "waiting_weeks",
        "url",
        "active",
    }
)


class BtiMeasureCatalogue(models.Model):
    """The municipality's catalogue of measures (tiltaksoversikt): what it
    offers, who owns it, for whom, and how to refer. Kept by administrators;
    every BTI employee reads it and plans measures from it."""

    _name = "bti.measure.catalogue"
    _description = "BTI Catalogue of Measures"
    _inherit = ["bti.chatter.shape", "bti.protected.mixin"]
    _order = "sequence, name"
    _bti_create_fields = CATALOGUE_FIELDS
    _bti_write_fields = {"*": CATALOGUE_FIELDS}

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    description = fields.Html(translate=True, sanitize=True)
    service_id = fields.Many2one(
        "bti.service", string="Owning Service", required=True, tracking=True
    )
    arena = fields.Selection(ARENAS, default="other")
    age_min = fields.Integer(string="From Age", default=0)
    age_max = fields.Integer(string="To Age", default=18)
    level_ids = fields.Many2many("bti.level", string="Levels")
    referral = fields.Html(string="How to Refer", translate=True, sanitize=True)
    contact_user_id = fields.Many2one("res.users", string="Contact Person")
    contact_info = fields.Char(string="Contact", help="Phone, e-mail or where to ask.")
    capacity = fields.Char(string="Capacity or Waiting Time")
    waiting_weeks = fields.Integer(string="Waiting Time (weeks)")
    url = fields.Char(string="Read More")
    measure_count = fields.Integer(compute="_compute_measure_count")
    active = fields.Boolean(default=True)

    @api.constrains("age_min", "age_max")
    def _check_ages(self):
        for item in self:
            if item.age_min < 0 or item.age_max < item.age_min:
                raise ValidationError(_("The age group of %s is not valid.", item.name))

    @api.depends_context("uid")
    def _compute_measure_count(self):
        # The user's own rights count: only the measures they may read.
        counts = dict(
            self.env["bti.measure"]._read_group(
                [("catalogue_id", "in", self.ids)], ["catalogue_id"], ["__count"]
            )
        )
        for item in self:
            item.measure_count = counts.get(item, 0)

    def _bti_context_case(self):
        """The case the catalogue was opened from, if any."""
        if self.env.context.get("active_model") == "bti.case":
            case_id = self.env.context.get("active_id")
            if isinstance(case_id, int):
                return self.env["bti.case"].browse(case_id).exists()
        return self.env["bti.case"]

    def _bti_action_case(self):
        return self._bti_context_case()

    def _bti_record_roles(self, user):
        roles = super()._bti_record_roles(user)
        # Opened from the menu, no case is chosen yet: every BTI employee plans
        # from the catalogue, and the measure's own rules decide in which case.
        if not self._bti_context_case() and user.has_group("bti_core.group_bti_user"):
            roles.add("participant")
        return roles

    def action_plan_measure(self):
        """Plan a measure from this offer: the measure form, filled in."""
        self.ensure_one()
        self._bti_check_action("action_plan_measure")
        context = {
            "default_catalogue_id": self.id,
            "default_name": self.name,
            "default_arena": self.arena,
            "default_responsible_kind": "service",
            "default_responsible_service_id": self.service_id.id,
        }
        if self._bti_context_case():
            context["default_case_id"] = self._bti_context_case().id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bti_stafettlogg.action_bti_measure_plan"
        )
        action["context"] = context
        return action
