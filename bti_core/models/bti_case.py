from collections.abc import Mapping

from stdnum import exceptions as stdnum_exceptions
from stdnum.no import fodselsnummer

from odoo import SUPERUSER_ID, Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date

from ..rules import age as age_rules
from .boolean_search import boolean_search
from .bti_access_logged import TECHNICAL_FIELDS
from .bti_query_shape import check_field_names

# What a user sets when opening a case. Everything else (reference, state,
# level, decision, closing, holder, violence suspicion…) is set by the system
# or by the case's actions.
CASE_CREATE_FIELDS = frozenset(
    {
        "subject_kind",
        "birth_date",
        "national_id",
        "expected_date",
        "guardian_ids",
        "service_id",
        "wondering",
        "violence_suspicion",
        "decision_deadline",
        "step_id",
        "color",
    }
)
# What a user changes on an open case; a closed case is a record: nothing.
CASE_OPEN_FIELDS = frozenset(
    {
        "subject_kind",
        "birth_date",
        "national_id",
        "expected_date",
        "guardian_ids",
        "participant_ids",
        "consent_ids",
        "wondering",
        "step_id",
        "decision_deadline",
        "color",
    }
)

# Stored fields of a case that are not content (bti.access.logged): the
# reference, where the case stands and who holds it, and the lines that decide
# access. Reading only these (a label, a list of references, an access check)
# is not logged; the child, the family, the wondering and the decisions are.
CASE_UNLOGGED_FIELDS = TECHNICAL_FIELDS | {
    "name",
    "service_id",
    "level_id",
    "level_code",
    "step_id",
    "date_step",
    "holder_id",
    "decision_deadline",
    "participant_ids",
    "baton_ids",
    "history_ids",
}


class BtiCase(models.Model):
    """One BTI case: a child, a young person or a pregnant woman, with family.

    Visibility is decided by ``bti.access.policy._case_domain``, which the
    record rules of this model and of every model hanging under a case use
    through the searchable field ``is_accessible``.
    """

    _name = "bti.case"
    _description = "BTI Case"
    _inherit = [
        "bti.mail.thread",
        "mail.activity.mixin",
        "bti.access.logged",
        "bti.protected.mixin",
    ]
    _order = "id desc"
    _rec_names_search = ["name"]
    _bti_unlogged_fields = CASE_UNLOGGED_FIELDS
    _bti_create_fields = CASE_CREATE_FIELDS | {"subject_partner_id"}
    _bti_write_fields = {
        "wondering": CASE_OPEN_FIELDS | {"subject_partner_id"},
        "active": CASE_OPEN_FIELDS,
    }
    _bti_frozen_states = frozenset({"closed"})
    _bti_no_copy = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
        index="trigram",
    )
    # Cases are closed, never archived: readonly, so the UI offers no "Archive".
    active = fields.Boolean(default=True, readonly=True)
    subject_partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        tracking=True,
        index=True,
        ondelete="restrict",
        help="The child, young person or pregnant woman the case is about.",
    )
    subject_kind = fields.Selection(
        [
            ("child", "Child"),
            ("youth", "Young person"),
            ("pregnant", "Pregnant woman"),
        ],
        required=True,
        default="child",
        tracking=True,
    )
    birth_date = fields.Date()
    national_id = fields.Char(
        string="National Identity Number",
        help="Fødselsnummer, D-number or H-number (11 digits).",
        copy=False,
    )
    expected_date = fields.Date(string="Expected Date of Birth")
    age = fields.Integer(compute="_compute_age")
    # Defined before guardian_ids on purpose: one2many lines are created in field
    # order, and the owning service's participant must exist first, since it is
    # what lets its members (who write the guardians) see the case.
    participant_ids = fields.One2many(
        "bti.case.participant", "case_id", string="Participants"
    )
    guardian_ids = fields.One2many("bti.case.guardian", "case_id", string="Guardians")
    service_id = fields.Many2one(
        "bti.service",
        string="Owning Service",
        required=True,
        tracking=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self._default_service(),
    )
    level_id = fields.Many2one(
        "bti.level",
        required=True,
        tracking=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self._default_level(),
        group_expand="_read_group_level_ids",
    )
    level_code = fields.Integer(related="level_id.code", store=True)
    step_id = fields.Many2one(
        "bti.level.step",
        tracking=True,
        ondelete="restrict",
        domain="[('level_id', '=', level_id)]",
    )
    date_step = fields.Datetime(string="In Step Since", readonly=True, copy=False)
    step_deadline = fields.Date(compute="_compute_step_deadline")
    state = fields.Selection(
        [
            ("wondering", "Wondering"),
            ("active", "Active"),
            ("closed", "Closed"),
        ],
        required=True,
        default="wondering",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    wondering = fields.Html(
        string="Description of the Wondering",
        sanitize=True,
        help="What was observed, concretely: the basis of the note of wondering.",
    )
    violence_suspicion = fields.Boolean(
        string="Suspicion of Violence or Abuse",
        tracking=True,
        help="On suspicion of violence or sexual abuse the parents are NOT informed "
        "first: contact the child welfare service or the police directly.",
    )
    user_may_mark_suspicion = fields.Boolean(
        compute="_compute_user_may_suspicion",
        help="Technical: the current user may mark a suspicion of violence or abuse.",
    )
    user_may_lift_suspicion = fields.Boolean(
        compute="_compute_user_may_suspicion",
        help="Technical: the current user may lift the suspicion of violence or "
        "abuse (the child welfare service or a leader).",
    )
    decision_deadline = fields.Date(tracking=True, copy=False, index=True)
    decision = fields.Selection(
        [
            ("close", "Close"),
            ("level_1", "Level 1"),
            ("level_2", "Level 2"),
            ("level_3", "Level 3"),
            ("child_welfare", "Report to the child welfare service"),
        ],
        string="Level-0 Decision",
        readonly=True,
        tracking=True,
        copy=False,
    )
    decision_date = fields.Date(readonly=True, copy=False)
    decision_user_id = fields.Many2one(
        "res.users", string="Decided By", readonly=True, copy=False
    )
    decision_note = fields.Text(readonly=True, copy=False)
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    close_reason = fields.Selection(
        [
            ("no_concern", "No further concern"),
            ("goal_reached", "Goal reached"),
            ("consent_withdrawn", "Consent withdrawn"),
            ("individual_plan", "Individual plan or child coordinator takes over"),
            ("moved", "Moved"),
            ("child_welfare", "Reported to the child welfare service"),
            ("other", "Other"),
        ],
        readonly=True,
        tracking=True,
        copy=False,
    )
    close_note = fields.Text(readonly=True, copy=False)
    close_date = fields.Date(readonly=True, copy=False, tracking=True)
    baton_ids = fields.One2many("bti.baton", "case_id", string="Baton History")
    consent_ids = fields.One2many("bti.consent", "case_id", string="Consents")
    history_ids = fields.One2many("bti.case.history", "case_id", string="Level History")
    holder_id = fields.Many2one(
        "res.users",
        string="Stafettholder",
        compute="_compute_holder",
        store=True,
        index=True,
        tracking=True,
    )
    pending_baton_id = fields.Many2one("bti.baton", compute="_compute_pending_baton")
    # The pending handover on the case form: who, by whom, since when.
    pending_holder_id = fields.Many2one(
        "res.users",
        string="Proposed Stafettholder",
        compute="_compute_pending_baton",
    )
    pending_service_id = fields.Many2one(
        "bti.service", string="Proposed Service", compute="_compute_pending_baton"
    )
    pending_proposed_by_id = fields.Many2one(
        "res.users", string="Proposed By", compute="_compute_pending_baton"
    )
    pending_date_proposed = fields.Datetime(
        string="Proposed On", compute="_compute_pending_baton"
    )
    pending_handover_text = fields.Char(
        string="Pending Handover", compute="_compute_pending_baton"
    )
    consent_state = fields.Selection(
        [
            ("none", "No consent"),
            ("given", "Consent given"),
            ("refused", "Consent refused"),
            ("ended", "Consent withdrawn or expired"),
            ("pending", "Consent form awaiting signatures"),
        ],
        compute="_compute_consent_state",
    )
    is_accessible = fields.Boolean(
        compute="_compute_is_accessible",
        search="_search_is_accessible",
        help="Technical: the current user may see this case.",
    )
    user_is_holder = fields.Boolean(compute="_compute_user_flags")
    user_is_proposed = fields.Boolean(compute="_compute_user_flags")
    user_may_manage = fields.Boolean(compute="_compute_user_flags")
    user_may_cancel_handover = fields.Boolean(
        compute="_compute_user_flags",
        help="Technical: the current user may withdraw the pending handover.",
    )
    color = fields.Integer()

    _sql_constraints = [
        ("name_unique", "unique(name)", "The case reference must be unique."),
    ]

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    @api.model
    def _default_service(self):
        return self.env.user.bti_service_ids.filtered("may_open_cases")[:1]

    @api.model
    def _default_level(self):
        return self.env["bti.level"].search([("code", "=", 0)], limit=1)

    @api.model
    def _read_group_level_ids(self, levels, domain):
        return levels.search([])

    # ------------------------------------------------------------------
    # Access: asked of bti.access.policy, the one policy module
    # ------------------------------------------------------------------
    # Per user (the cache is shared by all users of a transaction), and
    # recomputed as soon as a consent or a participation changes.
    @api.depends_context("uid")
    @api.depends("participant_ids.access_granted", "participant_ids.service_id")
    def _compute_is_accessible(self):
        policy = self.env["bti.access.policy"]
        accessible_sudo = policy._matching(self, policy._case_domain())
        for case in self:
            case.is_accessible = case in accessible_sudo

    def modified(self, fnames, create=False, before=False):
        # Public over RPC; the ORM itself passes lists and dicts of names.
        names = list(fnames) if isinstance(fnames, Mapping) else fnames
        check_field_names(self, names, known=True, optional=False)
        # The child of a case is among the persons its readers see.
        if create or "subject_partner_id" in fnames:
            self.env["bti.access.policy"]._forget_granted()
        return super().modified(fnames, create=create, before=before)

    @api.model
    def _search_is_accessible(self, operator, value):
        domain = self.env["bti.access.policy"]._case_domain()
        return boolean_search(self, domain, operator, value)

    def _bti_consenting_partners(self, on_date=None, threshold=None):
        """Who consents for this case on ``on_date`` (default today): the
        guardians with parental responsibility and, from the co-consent age
        ``threshold`` (or when pregnant), the subject. The one rule of the
        consent's signers and of the family's logins."""
        self.ensure_one()
        if threshold is None:
            threshold = self.env["bti.consent"]._youth_consent_age()
        on_date = on_date or self.env["bti.access.policy"]._today()
        # sudo: the rule over the case's guardians and age; partners leave to
        # callers that read the case or checked the action table.
        case_sudo = self.sudo()
        partners = case_sudo.guardian_ids.filtered("parental_responsibility").partner_id
        if case_sudo.subject_kind == "pregnant" or age_rules.youth_must_consent(
            case_sudo.birth_date, on_date, threshold
        ):
            partners |= case_sudo.subject_partner_id
        return partners.sudo(False)

    def _bti_taking_part_services(self):
        """The services taking part in this case with access (as superuser:
        participation decides; callers compare or list them)."""
        self.ensure_one()
        # sudo: participation decides access; the services leave to be compared.
        return self.sudo().participant_ids.filtered("access_granted").service_id

    def _bti_access_service_for(self, user):
        """Map case id -> the service through which ``user`` reaches the case:
        it names the service in the access-log row of a read the user has
        already been allowed, and the author's service of new content."""
        ids = [case_id for case_id in self.ids if isinstance(case_id, int)]
        found = self.env["bti.access.policy"]._access_service_by_case(ids, user)
        return {case_id: found.get(case_id, False) for case_id in self.ids}

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    # Many2one labels and breadcrumbs are read with sudo (web_read): the label
    # names the child only for a person who may read the case (and that is a
    # read of the case, logged); everyone else, and the system (jobs, whose
    # labels are stored on activities), gets the reference alone.
    @api.depends_context("uid")
    @api.depends("name", "subject_partner_id.name")
    def _compute_display_name(self):
        saved = self.filtered(lambda c: isinstance(c.id, int))
        readable = (
            saved.sudo(False)._filtered_access("read")
            if self.env.uid != SUPERUSER_ID
            else saved.browse()
        )
        for case in self:
            if case in readable or not isinstance(case.id, int):
                # sudo: the child's name, for a reader of the case.
                child = case.subject_partner_id.sudo().name
                case.display_name = (
                    f"{case.name} – {child}" if child and case.name else case.name
                )
            else:
                case.display_name = case.name

    @api.depends("birth_date")
    def _compute_age(self):
        today = self.env["bti.access.policy"]._today()
        for case in self:
            case.age = age_rules.age_on(case.birth_date, today) or 0

    @api.depends("step_id", "date_step")
    def _compute_step_deadline(self):
        for case in self:
            days = case.step_id.deadline_days
            case.step_deadline = (
                age_rules.deadline(case.date_step, days)
                if days and case.date_step
                else False
            )

    @api.depends("decision_deadline", "state")
    def _compute_is_overdue(self):
        today = self.env["bti.access.policy"]._today()
        for case in self:
            case.is_overdue = bool(
                case.state == "wondering"
                and case.decision_deadline
                and case.decision_deadline < today
            )

    @api.model
    def _search_is_overdue(self, operator, value):
        today = self.env["bti.access.policy"]._today()
        domain = [("state", "=", "wondering"), ("decision_deadline", "<", today)]
        if (operator == "=") != bool(value):
            return ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends("baton_ids.state", "baton_ids.holder_id")
    def _compute_holder(self):
        for case in self:
            # sudo: the stored holder must not depend on who triggers the compute.
            batons_sudo = case.baton_ids.sudo()
            case.holder_id = batons_sudo.filtered(lambda b: b.state == "active")[
                :1
            ].holder_id

    @api.depends(
        "baton_ids.state",
        "baton_ids.holder_id",
        "baton_ids.service_id",
        "baton_ids.proposed_by_id",
        "baton_ids.date_proposed",
    )
    def _compute_pending_baton(self):
        for case in self:
            pending = case.baton_ids.filtered(lambda b: b.state == "proposed")[:1]
            case.pending_baton_id = pending
            case.pending_holder_id = pending.holder_id
            case.pending_service_id = pending.service_id
            case.pending_proposed_by_id = pending.proposed_by_id
            case.pending_date_proposed = pending.date_proposed
            case.pending_handover_text = (
                _(
                    "Handover proposed to %(holder)s (%(service)s) by %(proposer)s on "
                    "%(date)s. It waits for the successor's answer; until then the "
                    "current stafettholder keeps the baton.",
                    holder=pending.holder_id.name,
                    # sudo: a service's name is configuration every employee reads.
                    service=pending.service_id.sudo().name,
                    proposer=pending.proposed_by_id.name or "",
                    date=format_date(self.env, pending.date_proposed),
                )
                if pending
                else False
            )

    @api.depends("consent_ids.state")
    def _compute_consent_state(self):
        for case in self:
            states = set(case.consent_ids.mapped("state"))
            if "given" in states:
                case.consent_state = "given"
            elif "draft" in states:
                case.consent_state = "pending"
            elif states & {"withdrawn", "expired"}:
                case.consent_state = "ended"
            elif "refused" in states:
                case.consent_state = "refused"
            else:
                case.consent_state = "none"

    @api.depends_context("uid")
    @api.depends("holder_id", "baton_ids.state", "baton_ids.holder_id", "state")
    def _compute_user_flags(self):
        user = self.env.user
        for case in self:
            case.user_is_holder = case.holder_id == user
            case.user_is_proposed = case.pending_baton_id.holder_id == user
            case.user_may_manage = case._bti_may("action_open_decision")
            case.user_may_cancel_handover = bool(
                case.pending_baton_id
                and case._bti_may("action_cancel_handover")
                and case.pending_baton_id._bti_may("action_cancel")
            )

    @api.depends_context("uid")
    @api.depends("state", "violence_suspicion", "participant_ids.access_granted")
    def _compute_user_may_suspicion(self):
        for case in self:
            saved = isinstance(case.id, int)
            case.user_may_mark_suspicion = saved and case._bti_may(
                "action_mark_violence_suspicion"
            )
            case.user_may_lift_suspicion = saved and case._bti_may(
                "action_lift_violence_suspicion"
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("national_id", "birth_date")
    def _check_national_id(self):
        for case in self.filtered("national_id"):
            self._national_id_check(case.national_id, case.birth_date)

    @api.model
    def _national_id_check(self, number, birth_date=None):
        """Refuse, in words, a number that is no valid Norwegian national
        identity number or does not match ``birth_date`` (also used by forms
        that name a child before its case exists)."""
        try:
            found = self._national_id_birth_date(number)
        except stdnum_exceptions.ValidationError as exc:
            raise ValidationError(
                _(
                    "%(number)s is not a valid Norwegian national identity number "
                    "(fødselsnummer, D-number or H-number): %(reason)s.",
                    number=number,
                    reason=self._national_id_reason(exc),
                )
            ) from exc
        if birth_date and birth_date != found:
            raise ValidationError(
                _("The national identity number does not match the birth date.")
            )
        return found

    @api.model
    def _national_id_compact(self, number):
        """The number without the spaces, dots and dashes people type into it."""
        return fodselsnummer.compact((number or "").replace(".", ""))

    @api.model
    def _national_id_birth_date(self, number):
        """The birth date in a valid fødselsnummer, D-number or H-number.

        :raises stdnum.exceptions.ValidationError: when the number is not valid
        """
        return fodselsnummer.get_birth_date(
            fodselsnummer.validate(self._national_id_compact(number))
        )

    @api.model
    def _national_id_reason(self, error):
        """Why python-stdnum refused a number, in the user's language."""
        if isinstance(
            error, stdnum_exceptions.InvalidLength | stdnum_exceptions.InvalidFormat
        ):
            return _("it must be 11 digits")
        if isinstance(error, stdnum_exceptions.InvalidChecksum):
            return _("the control digits are wrong")
        # InvalidComponent: no such date, an unknown century, a birth date in
        # the future or an FH-number (which holds no birth date).
        return _("it does not contain a valid date")

    @api.constrains("step_id", "level_id")
    def _check_step_level(self):
        for case in self:
            if case.step_id and case.step_id.level_id != case.level_id:
                raise ValidationError(
                    _(
                        "The step %(step)s does not belong to level %(level)s.",
                        step=case.step_id.name,
                        level=case.level_id.display_name,
                    )
                )

    @api.constrains("state", "level_id", "baton_ids")
    def _check_holder(self):
        for case in self:
            # Two holders at once are refused by bti.baton's own constraint.
            active = case.baton_ids.filtered(lambda b: b.state == "active")
            if case.state == "active" and case.level_id.code >= 1 and not active:
                raise ValidationError(
                    _(
                        "An active case at level 1–3 must have a stafettholder (%s).",
                        case.name,
                    )
                )

    @api.constrains("service_id")
    def _check_service_may_open(self):
        for case in self:
            if not case.service_id.may_open_cases and case.state == "wondering":
                raise ValidationError(
                    _("The service %s may not open BTI cases.", case.service_id.name)
                )

    @api.onchange("national_id")
    def _onchange_national_id(self):
        if not self.national_id:
            return
        try:
            birth_date = self._national_id_birth_date(self.national_id)
        except stdnum_exceptions.ValidationError:
            return  # the constraint explains it on saving
        self.national_id = self._national_id_compact(self.national_id)
        self.birth_date = birth_date

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def _bti_action_case(self):
        return self

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        # sudo: a setting of the administrators that every user's case follows.
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bti_core.wondering_deadline_days", 14)
        )
        today = self.env["bti.access.policy"]._today()
        for vals in vals_list:
            self.env["res.partner"].browse(
                vals.get("subject_partner_id") or ()
            )._bti_check_nameable()
            # The reference always comes from the sequence, never from the client.
            vals["name"] = self.env["ir.sequence"].next_by_code("bti.case") or _("New")
            if vals.get("national_id"):
                vals["national_id"] = self._national_id_compact(vals["national_id"])
            # The form sends an empty deadline: fill it in then too.
            if not vals.get("decision_deadline"):
                vals["decision_deadline"] = age_rules.deadline(today, days)
            vals.setdefault("date_step", fields.Datetime.now())
            if not vals.get("step_id"):
                # Set here, not written after create: a write would log a level change.
                level_id = vals.get("level_id") or self.default_get(["level_id"]).get(
                    "level_id"
                )
                level = self.env["bti.level"].browse(level_id)
                vals["step_id"] = level._first_step().id if level else False
            service_id = vals.get("service_id") or self.default_get(["service_id"]).get(
                "service_id"
            )
            # sudo: only to read the members; the create rule checks the service.
            service_sudo = self.env["bti.service"].sudo().browse(service_id)
            owner = {
                "service_id": service_id,
                "user_id": self.env.uid
                if self.env.user in service_sudo.member_ids
                else False,
            }
            vals["participant_ids"] = [Command.create(owner)] + list(
                vals.get("participant_ids") or []
            )
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        for case in cases:
            case._bti_mark_confidential()
            case._bti_history("create")
            if case.state == "wondering":
                case._bti_schedule_decision()
        return cases

    def _bti_prepare_write_vals(self, vals):
        vals = dict(vals)
        if vals.get("subject_partner_id"):
            self.env["res.partner"].browse(
                vals["subject_partner_id"]
            )._bti_check_nameable()
        if vals.get("national_id"):
            vals["national_id"] = self._national_id_compact(vals["national_id"])
        level_changes = "level_id" in vals or "step_id" in vals
        if "level_id" in vals and "step_id" not in vals:
            level = self.env["bti.level"].browse(vals["level_id"])
            vals["step_id"] = level._first_step().id
        if level_changes:
            vals.setdefault("date_step", fields.Datetime.now())
        return vals

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        level_changes = "level_id" in vals or "step_id" in vals
        res = super().write(vals)
        if level_changes:
            self._bti_history("change")
        if {"subject_partner_id", "guardian_ids"} & set(vals):
            self._bti_mark_confidential()
        return res

    def _bti_mark_confidential(self):
        partners = self.subject_partner_id | self.guardian_ids.partner_id
        partners._bti_mark_confidential()

    def _bti_history(self, kind):
        # History rows are system records: users only read them.
        self.env["bti.case.history"].sudo().create(
            [
                {
                    "case_id": case.id,
                    "level_id": case.level_id.id,
                    "step_id": case.step_id.id,
                    "state": case.state,
                    "user_id": self.env.uid,
                    "kind": kind,
                }
                for case in self
            ]
        )

    def _bti_schedule_decision(self):
        activity_type = self.env.ref("bti_core.mail_activity_type_bti_decision")
        for case in self:
            case.activity_schedule(
                act_type_xmlid="bti_core.mail_activity_type_bti_decision",
                date_deadline=case.decision_deadline,
                summary=activity_type.summary,
                user_id=self.env.uid,
            )

    def _bti_mail_case(self):
        return self

    def message_post(self, **kwargs):
        # A message stores the label of its record and shows it to whoever it
        # reaches: the reference only, not the child's name of display_name.
        if len(self) == 1 and not kwargs.get("record_name"):
            # sudo: the poster may post on the case; its reference only.
            kwargs["record_name"] = self.sudo().name
        return super().message_post(**kwargs)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _bti_wizard(self, xml_id, extra_context=None):
        """The window action ``xml_id`` of a wizard, opened on this case."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["context"] = {"default_case_id": self.id, **(extra_context or {})}
        return action

    def action_open_decision(self):
        self._bti_check_action("action_open_decision")
        return self._bti_wizard("bti_core.action_bti_case_decision_wizard")

    def action_open_close(self):
        self._bti_check_action("action_open_close")
        return self._bti_wizard("bti_core.action_bti_case_close_wizard")

    def action_open_handover(self):
        self._bti_check_action("action_open_handover")
        return self._bti_wizard("bti_core.action_bti_baton_propose_wizard")

    def action_accept_baton(self):
        self.ensure_one()
        self._bti_check_action("action_accept_baton")
        return self.pending_baton_id.action_accept()

    def action_refuse_baton(self):
        self.ensure_one()
        self._bti_check_action("action_refuse_baton")
        return self.pending_baton_id.action_refuse()

    def action_cancel_handover(self):
        """Withdraw the pending handover (the baton's own check applies too:
        who proposed it, the stafettholder or a leader)."""
        self.ensure_one()
        self._bti_check_action("action_cancel_handover")
        if not self.pending_baton_id:
            raise UserError(_("Case %s has no pending handover.", self.name))
        return self.pending_baton_id.action_cancel()

    def action_view_access_log(self):
        self.ensure_one()
        self._bti_check_action("action_view_access_log")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bti_core.action_bti_access_log"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_mark_violence_suspicion(self):
        """Mark a suspicion of violence or sexual abuse: from now on nothing of
        the case reaches the family (no notification, e-mail or invitation)
        until the child welfare service or a leader lifts the mark."""
        self._bti_check_action("action_mark_violence_suspicion")
        for case in self:
            if case.violence_suspicion:
                raise UserError(
                    _(
                        "Case %s is already marked with a suspicion "
                        "of violence or abuse.",
                        case.name,
                    )
                )
            case._bti_system_write({"violence_suspicion": True})
            case.message_post(
                body=_(
                    "%s marked a suspicion of violence or abuse: "
                    "nothing of this case reaches the family until "
                    "the child welfare service or a leader lifts the mark.",
                    self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._bti_violence_suspicion_changed()
        return True

    def action_lift_violence_suspicion(self):
        """Lift the suspicion of violence or abuse: the family is reachable again."""
        self._bti_check_action("action_lift_violence_suspicion")
        for case in self:
            if not case.violence_suspicion:
                raise UserError(
                    _(
                        "Case %s is not marked with a suspicion of violence or abuse.",
                        case.name,
                    )
                )
            case._bti_system_write({"violence_suspicion": False})
            case.message_post(
                body=_(
                    "%s lifted the suspicion of violence or abuse: the family can be "
                    "informed and invited again.",
                    self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._bti_violence_suspicion_changed()
        return True

    def _bti_violence_suspicion_changed(self):
        """Hook of the addons that reach the family (meetings, the portal), run
        after the suspicion was marked or lifted on these cases."""
        return True

    def _bti_case_transition_write(self, vals):
        """Write fields only the transitions of the case write, for the addons
        that extend the case (after their own checks)."""
        return self._bti_system_write(vals)

    def _bti_user_service(self, user):
        """The service of the case through which ``user`` may hold the baton."""
        self.ensure_one()
        # sudo: a lookup of the user's own participation; returns a service.
        participants_sudo = self.sudo().participant_ids.filtered(
            lambda p: p.access_granted and user in p.service_id.member_ids
        )
        holders_sudo = participants_sudo.filtered(lambda p: p.service_id.may_hold_baton)
        return (holders_sudo or participants_sudo)[:1].service_id

    def _bti_start_baton(self, user):
        """Make ``user`` the first stafettholder (no one to accept from)."""
        self.ensure_one()
        service = self._bti_user_service(user)
        # sudo: users cannot create batons (see bti.baton); the callers checked
        # that the user may manage the case.
        baton_sudo = (
            self.env["bti.baton"]
            .sudo()
            .create(
                {
                    "case_id": self.id,
                    "holder_id": user.id,
                    "service_id": service.id,
                    "state": "active",
                    "proposed_by_id": self.env.uid,
                    "date_start": fields.Datetime.now(),
                }
            )
        )
        self.message_post(
            body=_("%s is now the stafettholder.", user.name),
            subtype_xmlid="mail.mt_note",
        )
        return baton_sudo.with_env(self.env)

    def _bti_todo_for_responsible(self, summary, **values):
        """A to-do for the stafettholder, else the owning service's contact
        person (nothing when neither is known)."""
        self.ensure_one()
        responsible = (
            self.holder_id or self.participant_ids.filtered("is_owner").user_id[:1]
        )
        if responsible:
            self.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo",
                user_id=responsible.id,
                summary=summary,
                **values,
            )

    def _bti_keep_holder_with_access(self):
        """Keep the baton's invariants after access changed (a consent was
        withdrawn or expired): the stafettholder can open the case, and a
        pending handover waits only for someone who could. When the holder's
        service lost access, the baton passes at once to a leader of the
        owning service (never zero holders), who is told and hands it on as
        usual."""
        now = fields.Datetime.now()
        # sudo: a consequence of the withdrawal, which was checked; the user
        # who recorded it may have lost access to the case with it.
        for case_sudo in self.sudo().filtered(lambda c: c.state != "closed"):
            taking_part = case_sudo._bti_taking_part_services()
            pending = case_sudo.pending_baton_id
            if pending and pending.service_id not in taking_part:
                pending.write({"state": "ended", "date_end": now})
                case_sudo.activity_unlink(["bti_core.mail_activity_type_bti_baton"])
            active = case_sudo.baton_ids.filtered(lambda b: b.state == "active")
            if not active or active.service_id in taking_part:
                continue
            owner = case_sudo.service_id
            successor = (
                (owner.leader_ids & owner.member_ids)[:1]
                or owner.leader_ids[:1]
                or case_sudo.participant_ids.filtered("is_owner").user_id[:1]
                or owner.member_ids[:1]
            )
            active.write({"state": "ended", "date_end": now})
            # The unique index checks row by row: end the old period first.
            active.flush_recordset(["state"])
            self.env["bti.baton"].sudo().create(
                {
                    "case_id": case_sudo.id,
                    "holder_id": successor.id,
                    "service_id": owner.id,
                    "state": "active",
                    "proposed_by_id": self.env.uid,
                    "date_start": now,
                }
            )
            body = _(
                "%(service)s no longer has access to case %(case)s: the baton passed "
                "from %(old)s to %(new)s of the owning service, who hands it on.",
                service=active.service_id.name,
                case=case_sudo.name,
                old=active.holder_id.name,
                new=successor.name,
            )
            case_sudo.message_post(body=body, subtype_xmlid="mail.mt_note")
            case_sudo.activity_schedule(
                act_type_xmlid="bti_core.mail_activity_type_bti_baton",
                user_id=successor.id,
                summary=_(
                    "You hold the baton of case %s: hand it on to a service "
                    "taking part",
                    case_sudo.name,
                ),
            )

    def _bti_decide(self, decision, note=False, holder=None):
        """Take the level-0 decision or, on an active case, change its level.
        Going to a level from level 0, ``holder`` (default: the user deciding)
        becomes the first stafettholder."""
        self.ensure_one()
        holder = holder or self.env.user
        self._bti_check_action("action_open_decision")
        if decision in ("close", "child_welfare"):
            reason = "child_welfare" if decision == "child_welfare" else "no_concern"
            if self.state == "wondering":
                self._bti_record_decision(decision, note)
            self._bti_close(reason, note)
            return True
        code = int(decision.split("_")[1])
        level = self.env["bti.level"].search([("code", "=", code)], limit=1)
        if not level:
            raise UserError(_("Level %s is not configured.", code))
        if self.state == "wondering":
            self._bti_record_decision(decision, note)
            if not self._bti_user_service(holder).may_hold_baton:
                if holder == self.env.user:
                    raise UserError(
                        _(
                            "You cannot take the baton: your service does not take "
                            "part in case %s or may not hold the baton.",
                            self.name,
                        )
                    )
                raise UserError(
                    _(
                        "%(user)s cannot take the baton: their service does not take "
                        "part in case %(case)s or may not hold the baton.",
                        user=holder.name,
                        case=self.name,
                    )
                )
            self._bti_system_write({"level_id": level.id})
            self._bti_start_baton(holder)
            self._bti_system_write({"state": "active"})
            self.activity_feedback(
                ["bti_core.mail_activity_type_bti_decision"], feedback=note or False
            )
        else:
            if level == self.level_id:
                raise UserError(_("Case %s is already at this level.", self.name))
            self._bti_system_write({"level_id": level.id})
        return True

    def _bti_record_decision(self, decision, note):
        self._bti_system_write(
            {
                "decision": decision,
                "decision_date": self.env["bti.access.policy"]._today(),
                "decision_user_id": self.env.uid,
                "decision_note": note,
            }
        )

    def _bti_close(self, reason, note=False, date=False):
        self.ensure_one()
        self._bti_check_action("action_open_close")
        if self.state == "closed":
            raise UserError(_("Case %s is already closed.", self.name))
        if not reason:
            raise UserError(_("Give a reason for closing the case."))
        now = fields.Datetime.now()
        # sudo: ending the baton periods is part of closing; users cannot write
        # batons.
        self.sudo().baton_ids.filtered(
            lambda b: b.state in ("proposed", "active")
        ).write({"state": "ended", "date_end": now})
        self._bti_system_write(
            {
                "state": "closed",
                "close_reason": reason,
                "close_note": note,
                "close_date": date or self.env["bti.access.policy"]._today(),
            }
        )
        self._bti_history("close")
        self.activity_unlink(
            [
                "bti_core.mail_activity_type_bti_decision",
                "bti_core.mail_activity_type_bti_baton",
            ]
        )
        return True
