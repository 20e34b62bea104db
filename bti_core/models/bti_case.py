from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..rules import age as age_rules
from ..rules import national_id
from .boolean_search import boolean_search

# Fields a closed case still lets the system write (chatter, activities).
CLOSED_WRITABLE_FIELDS = {
    "message_main_attachment_id",
    "message_follower_ids",
    "activity_ids",
    "holder_id",
}
# Fields only the transitions write (decide, close) or the ORM computes (holder):
# a client writing them directly would skip the checks of the transitions.
TRANSITION_FIELDS = {
    "state",
    "level_id",
    "holder_id",
    "decision",
    "decision_date",
    "decision_user_id",
    "decision_note",
    "close_reason",
    "close_note",
    "close_date",
}
# Context token of the transitions; RPC clients cannot forge an object.
_TRANSITION = object()


class BtiCase(models.Model):
    """One BTI case: a child, a young person or a pregnant woman, with family.

    Visibility is decided by :meth:`_bti_accessible_domain`, which the record
    rules of this model and of every model hanging under a case use through the
    searchable field ``is_accessible``.
    """

    _name = "bti.case"
    _description = "BTI Case"
    _inherit = ["bti.mail.thread", "mail.activity.mixin", "bti.access.logged"]
    _order = "id desc"
    _rec_names_search = ["name"]

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
        index="trigram",
    )
    active = fields.Boolean(default=True)
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
        help="Fødselsnummer or D-number (11 digits).",
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
    consent_state = fields.Selection(
        [
            ("none", "No consent"),
            ("given", "Consent given"),
            ("refused", "Consent refused"),
            ("ended", "Consent withdrawn or expired"),
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
    # Access
    # ------------------------------------------------------------------
    @api.model
    def _bti_accessible_domain(self, user=None):
        """The cases ``user`` may see: the privacy policy of BTI in one place.

        Staff see a case when they are members of an active participating
        service whose access a valid consent grants; the owning service is a
        participant that needs no consent (created with the case, never
        removed), so its members see the case from the first wondering on.
        The stafettholder and a proposed holder see it the same way: a baton
        can only go to a member of such a service, and when a consent is
        withdrawn from the holder's service the holder loses access with it.
        Leaders also see the cases of the services they lead.
        """
        participations = self._bti_access_participations(user)
        if participations is None:
            return expression.FALSE_DOMAIN
        # One semi-join with no OR: PostgreSQL answers it from the indexes.
        column = SQL.identifier(participations.table, "case_id")
        return [("id", "in", participations.subselect(column))]

    @api.model
    def _bti_accessible_case_ids(self, user=None):
        """The ids of the cases ``user`` may see (None: not a BTI user)."""
        participations = self._bti_access_participations(user)
        if participations is None:
            return None
        column = SQL.identifier(participations.table, "case_id")
        return [row[0] for row in self.env.execute_query(participations.select(column))]

    @api.model
    def _bti_access_participations(self, user=None):
        """Query of the participations through which ``user`` sees cases."""
        services = self._bti_access_services(user)
        if services is None:
            return None
        # sudo: this IS the access check; it must not recurse into the rules.
        return (
            self.env["bti.case.participant"]
            .sudo()
            ._search(
                [("access_granted", "=", True), ("service_id", "in", services.ids)]
            )
        )

    @api.model
    def _bti_access_services(self, user=None):
        """The services through which ``user`` reaches cases: those they belong
        to, and those they lead if they are a leader (None: not a BTI user)."""
        user = user or self.env.user
        if not user.has_group("bti_core.group_bti_user"):
            return None
        # sudo: memberships decide access; reading them needs no right of its own.
        services = user.sudo().bti_service_ids
        if user.has_group("bti_core.group_bti_leader"):
            services |= user.sudo().bti_led_service_ids
        return services

    # Per user (the cache is shared by all users of a transaction), and
    # recomputed as soon as a consent or a participation changes.
    @api.depends_context("uid")
    @api.depends("participant_ids.access_granted", "participant_ids.service_id")
    def _compute_is_accessible(self):
        ids = [case_id for case_id in self.ids if isinstance(case_id, int)]
        domain = expression.AND([[("id", "in", ids)], self._bti_accessible_domain()])
        # sudo: the policy domain is applied explicitly, not through the rules.
        accessible = (
            self.sudo().with_context(active_test=False).search(domain) if ids else ()
        )
        for case in self:
            case.is_accessible = case in accessible

    @api.model
    def _search_is_accessible(self, operator, value):
        return boolean_search(self, self._bti_accessible_domain(), operator, value)

    def _bti_valid_consents(self, on_date=None):
        """The given consents of this case that are valid on ``on_date``."""
        self.ensure_one()
        on_date = on_date or self.env["bti.access.policy"]._today()
        # sudo: consents decide access; a joining service cannot read them yet.
        return self.sudo().consent_ids.filtered(
            lambda c: (
                c.state == "given"
                and (not c.valid_from or c.valid_from <= on_date)
                and (not c.valid_until or c.valid_until >= on_date)
            )
        )

    def _bti_consents_covering(self, service, on_date=None):
        """The given, currently valid consents of this case that cover ``service``."""
        return self._bti_valid_consents(on_date).filtered(
            lambda c: service in c.service_ids
        )

    def _bti_taking_part_services(self):
        """The services taking part in this case with access (as superuser:
        participation decides; callers compare or list them)."""
        self.ensure_one()
        return self.sudo().participant_ids.filtered("access_granted").service_id

    def _bti_access_service_for(self, user):
        """Map case id -> the service through which ``user`` reaches the case.

        Runs as superuser (only ids are returned): it names the service in the
        access-log row of a read the user has already been allowed."""
        services = self._bti_access_services(user) or self.env["bti.service"]
        result = {}
        for case in self.sudo():
            participant = case.participant_ids.filtered(
                lambda p: p.access_granted and p.service_id in services
            )[:1]
            result[case.id] = participant.service_id.id or False
        return result

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
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
            batons = case.baton_ids.sudo()
            case.holder_id = batons.filtered(lambda b: b.state == "active")[
                :1
            ].holder_id

    @api.depends("baton_ids.state")
    def _compute_pending_baton(self):
        for case in self:
            case.pending_baton_id = case.baton_ids.filtered(
                lambda b: b.state == "proposed"
            )[:1]

    @api.depends("consent_ids.state")
    def _compute_consent_state(self):
        for case in self:
            states = set(case.consent_ids.mapped("state"))
            if "given" in states:
                case.consent_state = "given"
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
            case.user_may_manage = case._bti_may_manage(user)

    def _bti_may_manage(self, user):
        """Holder, a leader of a service in the case, or (while a wondering)
        a member of the owning service may take decisions on the case."""
        self.ensure_one()
        # sudo: a permission check over leaders and members; it returns a bool.
        case = self.sudo()
        if case.state == "closed":
            return False
        if case.holder_id == user:
            return True
        services = case.service_id | case._bti_taking_part_services()
        if user in services.leader_ids:
            return True
        return case.state == "wondering" and user in case.service_id.member_ids

    def _bti_check_may_manage(self):
        user = self.env.user
        for case in self:
            if not case._bti_may_manage(user):
                raise UserError(
                    _(
                        "Only the stafettholder or a service leader may do this on "
                        "case %s.",
                        case.name,
                    )
                )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("national_id", "birth_date")
    def _check_national_id(self):
        for case in self.filtered("national_id"):
            try:
                parsed = national_id.parse(case.national_id)
            except national_id.InvalidNationalId as exc:
                raise ValidationError(
                    _(
                        "%(number)s is not a valid Norwegian national identity number "
                        "(fødselsnummer or D-number): %(reason)s.",
                        number=case.national_id,
                        reason=self._national_id_reason(exc.reason),
                    )
                ) from exc
            if case.birth_date and case.birth_date != parsed.birth_date:
                raise ValidationError(
                    _("The national identity number does not match the birth date.")
                )

    @api.model
    def _national_id_reason(self, reason):
        return {
            "format": _("it must be 11 digits"),
            "checksum": _("the control digits are wrong"),
            "date": _("it does not contain a valid date"),
        }.get(reason, reason)

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
        if self.national_id and national_id.is_valid(self.national_id):
            self.national_id = national_id.normalize(self.national_id)
            self.birth_date = national_id.parse(self.national_id).birth_date

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bti_core.wondering_deadline_days", 14)
        )
        today = self.env["bti.access.policy"]._today()
        for vals in vals_list:
            if not self.env.su:
                # A case starts as a wondering at level 0; only the transitions move it.
                for fname in TRANSITION_FIELDS:
                    vals.pop(fname, None)
            # The reference always comes from the sequence, never from the client.
            vals["name"] = self.env["ir.sequence"].next_by_code("bti.case") or _("New")
            if vals.get("national_id"):
                vals["national_id"] = national_id.normalize(vals["national_id"])
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
            service = self.env["bti.service"].sudo().browse(service_id)
            owner = {
                "service_id": service_id,
                "user_id": self.env.uid
                if self.env.user in service.member_ids
                else False,
            }
            vals["participant_ids"] = [Command.create(owner)] + list(
                vals.get("participant_ids") or []
            )
        cases = super().create(vals_list)
        for case in cases:
            case._bti_mark_confidential()
            case._bti_history("create")
            if case.state == "wondering":
                case._bti_schedule_decision()
        return cases

    def write(self, vals):
        if set(vals) - CLOSED_WRITABLE_FIELDS:
            closed = self.filtered(lambda c: c.state == "closed")
            if closed:
                raise UserError(
                    _("Case %s is closed and can no longer be changed.", closed[0].name)
                )
        if (
            TRANSITION_FIELDS & set(vals)
            and not self.env.su
            and self.env.context.get("bti_transition") is not _TRANSITION
        ):
            raise UserError(
                _(
                    "The state, decision and stafettholder of a case change only "
                    "through its actions."
                )
            )
        if "service_id" in vals and not self.env.su:
            if any(case.service_id.id != vals["service_id"] for case in self):
                raise UserError(
                    _(
                        "The owning service of a case cannot be changed: add the other "
                        "service as a participant and hand the baton over."
                    )
                )
        if vals.get("national_id"):
            vals["national_id"] = national_id.normalize(vals["national_id"])
        level_changes = "level_id" in vals or "step_id" in vals
        if "level_id" in vals and "step_id" not in vals:
            level = self.env["bti.level"].browse(vals["level_id"])
            vals["step_id"] = level._first_step().id
        if level_changes:
            vals.setdefault("date_step", fields.Datetime.now())
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

    # ------------------------------------------------------------------
    # Access log hooks: opening (form read), export and print
    # ------------------------------------------------------------------
    def read(self, fields=None, load="_classic_read"):  # pylint: disable=redefined-outer-name
        result = super().read(fields=fields, load=load)
        if not self._bti_is_listing():
            self.env["bti.access.log"]._log(self, "read")
        return result

    # Reading a case writes the access log, so it needs a read/write cursor.
    read._readonly = False

    def web_read(self, specification):
        return super().web_read(specification)

    web_read._readonly = False

    @api.model
    def search_read(
        self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs
    ):  # pylint: disable=redefined-outer-name
        # Integrations read cases with search_read: each returned case is an opening.
        result = super().search_read(
            domain=domain,
            fields=fields,
            offset=offset,
            limit=limit,
            order=order,
            **read_kwargs,
        )
        if result and not self._bti_is_listing():
            self.env["bti.access.log"]._log(
                self.browse([row["id"] for row in result]), "read"
            )
        return result

    search_read._readonly = False

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self.env["bti.access.log"]._log(
            self, "export", detail=", ".join(fields_to_export)[:250]
        )
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _bti_wizard(self, model, name, extra_context=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id, **(extra_context or {})},
        }

    def action_open_decision(self):
        self._bti_check_may_manage()
        return self._bti_wizard("bti.case.decision.wizard", _("Decide"))

    def action_open_close(self):
        self._bti_check_may_manage()
        return self._bti_wizard("bti.case.close.wizard", _("Close Case"))

    def action_open_handover(self):
        self._bti_check_may_manage()
        return self._bti_wizard("bti.baton.propose.wizard", _("Hand Over the Baton"))

    def action_accept_baton(self):
        self.ensure_one()
        return self.pending_baton_id.action_accept()

    def action_refuse_baton(self):
        self.ensure_one()
        return self.pending_baton_id.action_refuse()

    def action_view_access_log(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Access Log"),
            "res_model": "bti.access.log",
            "view_mode": "list",
            "domain": [("case_id", "=", self.id)],
        }

    def _bti_user_service(self, user):
        """The service of the case through which ``user`` may hold the baton."""
        self.ensure_one()
        # sudo: a lookup of the user's own participation; returns a service.
        participants = self.sudo().participant_ids.filtered(
            lambda p: p.access_granted and user in p.service_id.member_ids
        )
        holders = participants.filtered(lambda p: p.service_id.may_hold_baton)
        return (holders or participants)[:1].service_id

    def _bti_start_baton(self, user):
        """Make ``user`` the first stafettholder (no one to accept from)."""
        self.ensure_one()
        service = self._bti_user_service(user)
        # sudo: users cannot create batons (see bti.baton); the callers checked
        # that the user may manage the case.
        baton = (
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
        return baton

    def _bti_decide(self, decision, note=False):
        """Take the level-0 decision or, on an active case, change its level."""
        self.ensure_one()
        self._bti_check_may_manage()
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
            if not self._bti_user_service(self.env.user).may_hold_baton:
                raise UserError(
                    _(
                        "You cannot take the baton: your service does not take part in "
                        "case %s or may not hold the baton.",
                        self.name,
                    )
                )
            self.with_context(bti_transition=_TRANSITION).write({"level_id": level.id})
            self._bti_start_baton(self.env.user)
            self.with_context(bti_transition=_TRANSITION).state = "active"
            self.activity_feedback(
                ["bti_core.mail_activity_type_bti_decision"], feedback=note or False
            )
        else:
            if level == self.level_id:
                raise UserError(_("Case %s is already at this level.", self.name))
            self.with_context(bti_transition=_TRANSITION).write({"level_id": level.id})
        return True

    def _bti_record_decision(self, decision, note):
        self.with_context(bti_transition=_TRANSITION).write(
            {
                "decision": decision,
                "decision_date": self.env["bti.access.policy"]._today(),
                "decision_user_id": self.env.uid,
                "decision_note": note,
            }
        )

    def _bti_close(self, reason, note=False, date=False):
        self.ensure_one()
        if self.state == "closed":
            raise UserError(_("Case %s is already closed.", self.name))
        if not reason:
            raise UserError(_("Give a reason for closing the case."))
        now = fields.Datetime.now()
        # Ending the baton periods is part of closing; users cannot write batons.
        self.sudo().baton_ids.filtered(
            lambda b: b.state in ("proposed", "active")
        ).write({"state": "ended", "date_end": now})
        self.with_context(bti_transition=_TRANSITION).write(
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
