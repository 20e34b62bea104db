from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext, is_html_empty

from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_UNLOGGED_FIELDS, TOOL_WRITE_FIELDS

# What the employee who wonders writes (TOOLS.md, tool 1).
NOTE_FIELDS = frozenset(
    {
        "seen_heard",
        "child_said_did",
        "interaction",
        "duration",
        "earlier_concerns",
        "area_ids",
        "strengths",
        "open_questions",
        "leader_consulted_id",
        "leader_consulted_date",
        "violence_suspected",
    }
)
# Who the note is about, while it has no case yet.
CHILD_FIELDS = frozenset(
    {"service_id", "child_partner_id", "child_name", "national_id", "birth_date"}
)


class BtiToolWonderNote(models.Model):
    """The wonder note (undringsnotat): written at once by the employee who
    wonders, before sharing it. Internal to the service.

    It is started from a case, or from the BTI menu without one (the child,
    known or new, and the service). Making it final opens the level-0 case
    with its decision deadline, or links the child's open case of the
    service. A suspicion of violence or abuse marks the case (the family is
    kept out of it) and puts contacting the child welfare service first.
    """

    _name = "bti.tool.wonder_note"
    _description = "Wonder Note"
    _inherit = ["bti.tool.mixin"]
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS | {"service_id"}
    _bti_create_fields = TOOL_CREATE_FIELDS | NOTE_FIELDS | CHILD_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | NOTE_FIELDS | CHILD_FIELDS}
    _bti_tool_family = False
    _bti_tool_report = "bti_tools.action_report_tool_wonder_note"

    case_id = fields.Many2one(
        required=False,
        help="The case of the child. Without one, making the note final opens "
        "a level-0 case (or links the child's open case of the service).",
    )
    previous_id = fields.Many2one(
        "bti.tool.wonder_note",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    service_id = fields.Many2one(
        "bti.service",
        help="The service you wonder in; it owns the case.",
    )
    child_partner_id = fields.Many2one(
        "res.partner",
        string="Known Child",
        help="The child, if already known in BTI to you.",
    )
    child_name = fields.Char(string="Child's Name", help="A child not yet in BTI.")
    national_id = fields.Char(
        string="National Identity Number",
        help="Fødselsnummer or D-number (11 digits), if known.",
    )
    birth_date = fields.Date()
    seen_heard = fields.Html(
        string="What Did You See or Hear?",
        sanitize=True,
        help="Observations, not conclusions: what, when, where.",
    )
    child_said_did = fields.Html(
        string="What Did the Child Say or Do?",
        sanitize=True,
        help="The child's own words as they were said.",
    )
    interaction = fields.Html(
        string="The Interaction",
        sanitize=True,
        help="What in the interaction between the child and its surroundings "
        "made you wonder?",
    )
    duration = fields.Char(string="For How Long?")
    earlier_concerns = fields.Html(sanitize=True)
    area_ids = fields.Many2many("bti.tool.wonder.area", string="Areas")
    strengths = fields.Html(
        sanitize=True, help="What goes well: the child's and the family's resources."
    )
    open_questions = fields.Html(sanitize=True)
    leader_consulted_id = fields.Many2one("res.users")
    leader_consulted_date = fields.Date(string="Consulted On")
    violence_suspected = fields.Boolean(
        string="Suspected Violence or Abuse",
        tracking=True,
        help="Violence, sexual abuse or serious neglect is suspected: the parents "
        "are NOT told or involved first. Contact the child welfare service (and "
        "the police) directly.",
    )

    # ------------------------------------------------------------------
    # Defaults and system values
    # ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "service_id" in fields_list and not values.get("service_id"):
            values["service_id"] = values.get("author_service_id") or (
                self._bti_opening_services()[:1].id
            )
        return values

    @api.model
    def _bti_opening_services(self):
        """The user's services that may open cases."""
        return self.env.user.bti_service_ids.filtered("may_open_cases")

    @api.model
    def _bti_check_child_partner(self, vals):
        """The known child is one the author may read: naming another (a
        BTI child of somebody else's case) would open a case on it, and so
        give the author that confidential person."""
        self.env["res.partner"].browse(
            vals.get("child_partner_id") or ()
        )._bti_check_nameable()

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        for vals in vals_list:
            self._bti_check_child_partner(vals)
            if vals.get("case_id") or self.env.context.get("default_case_id"):
                continue
            # No case yet: the note is written for a service of the author's.
            service = self.env["bti.service"].browse(vals.get("service_id"))
            if not self.env.su and service not in self._bti_opening_services():
                raise AccessError(
                    _(
                        "Write a wonder note for a service of yours that may open "
                        "BTI cases."
                    )
                )
            vals["author_service_id"] = service.id
        vals_list = super()._bti_prepare_create_vals(vals_list)
        for vals in vals_list:
            if vals.get("case_id"):
                vals["service_id"] = vals.get("author_service_id")
        return vals_list

    def _bti_prepare_write_vals(self, vals):
        vals = super()._bti_prepare_write_vals(vals)
        self._bti_check_child_partner(vals)
        if "service_id" in vals and not self.env.su:
            service = self.env["bti.service"].browse(vals["service_id"])
            if self.case_id or service not in self._bti_opening_services():
                raise AccessError(
                    _(
                        "Write a wonder note for a service of yours that may open "
                        "BTI cases."
                    )
                )
            vals["author_service_id"] = service.id
        return vals

    @api.onchange("national_id")
    def _onchange_national_id(self):
        if self.national_id:
            case_model = self.env["bti.case"]
            try:
                self.birth_date = case_model._national_id_check(self.national_id)
            except ValidationError:
                return  # the constraint explains it on saving
            self.national_id = case_model._national_id_compact(self.national_id)

    @api.constrains("national_id", "birth_date")
    def _check_national_id(self):
        for note in self.filtered("national_id"):
            self.env["bti.case"]._national_id_check(note.national_id, note.birth_date)

    def _bti_label(self):
        label = super()._bti_label()
        # sudo-free: the reader reads the note; the case's reference only.
        return f"{label} – {self.case_id.name}" if self.case_id else label

    # ------------------------------------------------------------------
    # Making it final
    # ------------------------------------------------------------------
    def _bti_check_finalizable(self):
        for note in self:
            if is_html_empty(note.seen_heard):
                raise ValidationError(
                    _(
                        "Write what you saw or heard before making the wonder note "
                        "final: observations, not conclusions."
                    )
                )
            if not note.case_id and not (note.child_partner_id or note.child_name):
                raise ValidationError(
                    _("Name the child (a known child or a new one) the note is about.")
                )
            if not note.case_id and not note.service_id:
                raise ValidationError(_("Choose the service you wonder in."))

    def _bti_before_finalize(self):
        for note in self:
            if not note.case_id:
                note._bti_system_write({"case_id": note._bti_open_case().id})
            elif note.violence_suspected and not note.case_id.violence_suspicion:
                note.case_id.action_mark_violence_suspicion()

    def _bti_after_finalize(self):
        self.ensure_one()
        case = self.case_id
        if self.violence_suspected:
            self._bti_route_to_child_welfare(case)
        return case._bti_form_action()

    def _bti_open_case(self):
        """The child's open case of the service, or a new level-0 case."""
        Case = self.env["bti.case"]
        if self.child_partner_id:
            existing = Case.search(
                [
                    ("subject_partner_id", "=", self.child_partner_id.id),
                    ("service_id", "=", self.service_id.id),
                    ("state", "!=", "closed"),
                ],
                limit=1,
            )
            if existing:
                if self.violence_suspected and not existing.violence_suspicion:
                    existing.action_mark_violence_suspicion()
                return existing
        child = self.child_partner_id or self.env["res.partner"].create(
            {"name": self.child_name}
        )
        vals = {
            "subject_partner_id": child.id,
            "subject_kind": "child",
            "service_id": self.service_id.id,
            "wondering": self._bti_wondering_summary(),
            "violence_suspicion": self.violence_suspected,
        }
        if self.national_id:
            vals["national_id"] = self.national_id
            vals["birth_date"] = Case._national_id_check(
                self.national_id, self.birth_date
            )
        elif self.birth_date:
            vals["birth_date"] = self.birth_date
        step = self._bti_note_step()
        if step:
            vals["step_id"] = step.id
        case = Case.create(vals)
        case.message_post(
            body=_("Opened from a wonder note of %s.", self.env.user.name),
            subtype_xmlid="mail.mt_note",
        )
        return case

    def _bti_note_step(self):
        """The level-0 step whose guide card names the wonder note (the note
        is that step done), in the service's guide; none if no card does."""
        card = self.env["bti.guide.step"].search(
            [
                ("guide_id.family", "=", self.service_id.guide_family),
                ("level_code", "=", 0),
                ("tool_type_ids.model", "=", self._name),
            ],
            limit=1,
        )
        return card.level_step_id

    def _bti_wondering_summary(self):
        text = html2plaintext(self.seen_heard or "").strip()
        return Markup("<p>%s</p>") % (text[:500] or _("See the wonder note."))

    def _bti_route_to_child_welfare(self, case):
        """The violence exception: the leaders of the service (or the author)
        get the task of contacting the child welfare service now."""
        # sudo: the leaders of the owning service, to address the activity;
        # names leave only as the activity's user.
        leaders = case.sudo().service_id.leader_ids
        for user in leaders or self.env.user:
            case.activity_schedule(
                "bti_tools.mail_activity_type_bti_child_welfare",
                date_deadline=fields.Date.context_today(self),
                user_id=user.id,
                note=_(
                    "A wonder note suspects violence or abuse. Do not tell the "
                    "parents first: contact the child welfare service (and the "
                    "police) now."
                ),
            )

    @api.constrains("child_partner_id", "case_id")
    def _check_child(self):
        for note in self.filtered(lambda n: n.case_id and n.child_partner_id):
            # sudo: compares partner ids only.
            if note.case_id.sudo().subject_partner_id != note.child_partner_id:
                raise ValidationError(_("The known child is not the case's child."))

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        if "case_id" in vals and self.filtered("case_id"):
            raise UserError(_("A wonder note stays with its case."))
        return super().write(vals)
