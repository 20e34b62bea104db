import hashlib
import hmac
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

from odoo.addons.bti_core.models.bti_case_guardian import (
    GUARDIAN_RELATIONS as CASE_GUARDIAN_RELATIONS,
)

from .family_text import family_text

# What a family may write: limits that keep a request a request.
MAX_NAME = 120
MAX_WORRY = 4000
MAX_PHONE = 30
MAX_AGE_YEARS = 25
# The public form: at most this many requests from one address per hour.
PUBLIC_PER_HOUR = 3
DEFAULT_DEADLINE_DAYS = 14

# The guardian relations of bti_core, and the young person asking for
# themselves (before "other").
RELATIONS = [
    *CASE_GUARDIAN_RELATIONS[:-1],
    ("self", "The young person themselves"),
    CASE_GUARDIAN_RELATIONS[-1],
]
# The guardian relation a request's relation becomes on a new case.
GUARDIAN_RELATIONS = {key for key, _label in CASE_GUARDIAN_RELATIONS} - {"other"}


class BtiHolderRequest(models.Model):
    """A family asks for a stafettholder and a log: from the portal for a case
    they follow, or through the public form (no login, no case needed).

    Nothing of a request is set by a user: the family's words arrive through
    the checks of :meth:`_bti_submit`, and the leaders of the chosen service
    answer through :meth:`_bti_accept` and :meth:`_bti_decline`. The leaders
    of that service read it (their queue); the family reads its own requests
    in the portal, if sent with a login; the public reads nothing."""

    _name = "bti.holder.request"
    _description = "BTI Stafettholder Request"
    _inherit = [
        "bti.protected.mixin",
        "bti.access.logged",
        "bti.mail.thread",
        "mail.activity.mixin",
    ]
    _order = "state_sequence, deadline, id desc"
    _bti_no_copy = True
    _bti_create_fields = frozenset()
    _bti_write_fields = {}
    _bti_frozen_states = frozenset({"accepted", "declined"})
    _bti_unlogged_fields = frozenset(
        {
            "name",
            "channel",
            "service_id",
            "deadline",
            "state_sequence",
            "decision_date",
            "decided_by_id",
            "client_key",
            "requester_user_id",
            "holder_id",
        }
    )

    name = fields.Char(string="Reference", readonly=True, copy=False, index=True)
    channel = fields.Selection(
        [("portal", "Portal (a case the family follows)"), ("public", "Public form")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("new", "New"), ("accepted", "Accepted"), ("declined", "Declined")],
        required=True,
        default="new",
        readonly=True,
        tracking=True,
        index=True,
    )
    state_sequence = fields.Integer(
        compute="_compute_state_sequence", store=True, readonly=True
    )
    service_id = fields.Many2one(
        "bti.service",
        string="Service Asked",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    case_id = fields.Many2one(
        "bti.case",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The case the family asked from, or the case opened or linked when "
        "the request was accepted.",
    )
    requester_user_id = fields.Many2one(
        "res.users",
        string="Sent by Login",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    requester_name = fields.Char(string="Name", readonly=True)
    requester_relation = fields.Selection(
        RELATIONS, string="Relation to the Child", readonly=True
    )
    requester_email = fields.Char(string="E-mail", readonly=True)
    requester_phone = fields.Char(string="Phone", readonly=True)
    child_name = fields.Char(string="Child's Name", readonly=True)
    child_birth_date = fields.Date(string="Child's Birth Date", readonly=True)
    worry = fields.Text(string="The Worry in Their Own Words", readonly=True)
    deadline = fields.Date(readonly=True, index=True, tracking=True)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_overdue")
    holder_id = fields.Many2one(
        "res.users", string="Stafettholder", readonly=True, ondelete="restrict"
    )
    decided_by_id = fields.Many2one(
        "res.users", string="Answered by", readonly=True, ondelete="restrict"
    )
    decision_date = fields.Date(string="Answered on", readonly=True)
    decline_reason = fields.Text(
        readonly=True, help="Shown to the family in the portal."
    )
    # A keyed hash of the sender's network address (never the address): the
    # public form's rate limit counts by it.
    client_key = fields.Char(readonly=True, index="btree_not_null", copy=False)

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"new": 0, "accepted": 1, "declined": 2}
        for request in self:
            request.state_sequence = order.get(request.state, 9)

    def _compute_is_overdue(self):
        today = self.env["bti.access.policy"]._today()
        for request in self:
            request.is_overdue = (
                request.state == "new"
                and bool(request.deadline)
                and request.deadline < today
            )

    def _search_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue requests."))
        today = self.env["bti.access.policy"]._today()
        domain = [("state", "=", "new"), ("deadline", "<", today)]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("name", "child_name")
    def _compute_display_name(self):
        for request in self:
            request.display_name = request.name or _("New request")

    # ------------------------------------------------------------------
    # Who may do what (the action table: security/action_policy.csv)
    # ------------------------------------------------------------------
    def _bti_action_case(self):
        # The roles are the request's own (below), not the roles on its case.
        return self.env["bti.case"]

    def _bti_record_roles(self, user):
        roles = set()
        # sudo: the roles are the check itself; only names of roles leave.
        request_sudo = self.sudo()
        if user in request_sudo.service_id.leader_ids and user.has_group(
            "bti_core.group_bti_user"
        ):
            roles.add("leader")
        return roles

    def _bti_mail_case(self):
        return self.case_id

    # ------------------------------------------------------------------
    # Arriving: the family's words, checked, written by the system
    # ------------------------------------------------------------------
    @api.model
    def _bti_deadline_days(self):
        # sudo: a setting of the administrators that every request follows.
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bti_portal.holder_request_days", DEFAULT_DEADLINE_DAYS)
        )
        try:
            return max(int(value), 1)
        except (TypeError, ValueError):
            return DEFAULT_DEADLINE_DAYS

    @api.model
    def _bti_receiving_services(self):
        """The services a family may ask: their members may open cases, and
        they have leaders who answer."""
        # sudo: the public form lists the names of the municipality's
        # services; names and ids only leave.
        return (
            self.env["bti.service"]
            .sudo()
            .search([("may_open_cases", "=", True), ("leader_ids", "!=", False)])
        )

    @api.model
    def _bti_client_key(self, address):
        """A keyed hash of a network address (the database secret as key):
        the same sender is recognised without keeping their address."""
        # sudo: the database secret, as a key only.
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        digest = hmac.new(
            (secret or "").encode(), (address or "").encode(), hashlib.sha256
        )
        return digest.hexdigest()[:32]

    @api.model
    def _bti_clean_text(self, value, label, limit, required=True):
        return family_text(
            self.env, value, limit, _("Fill in: %s.", label) if required else None
        )

    @api.model
    def _bti_check_contact(self, values):
        """Name, relation and a way to reach the family (e-mail or phone)."""
        name = self._bti_clean_text(
            values.get("requester_name"), _("Your name"), MAX_NAME
        )
        relation = values.get("requester_relation")
        if relation not in dict(RELATIONS):
            raise ValidationError(_("Choose how you are related to the child."))
        email = self._bti_clean_text(
            values.get("requester_email"), _("E-mail"), MAX_NAME, required=False
        )
        phone = self._bti_clean_text(
            values.get("requester_phone"), _("Phone"), MAX_PHONE, required=False
        )
        if email and not email_normalize(email):
            raise ValidationError(_("The e-mail address is not valid."))
        if phone and not all(c.isdigit() or c in "+ -()" for c in phone):
            raise ValidationError(_("The phone number is not valid."))
        if not (email or phone):
            raise ValidationError(
                _(
                    "Give an e-mail address or a phone number, so the service can "
                    "reach you."
                )
            )
        return {
            "requester_name": name,
            "requester_relation": relation,
            "requester_email": email_normalize(email) if email else False,
            "requester_phone": phone or False,
        }

    @api.model
    def _bti_check_child(self, values):
        child_name = self._bti_clean_text(
            values.get("child_name"), _("The child's name"), MAX_NAME
        )
        birth_date = values.get("child_birth_date")
        if isinstance(birth_date, str):
            birth_date = self._bti_parse_date(birth_date)
        if not birth_date:
            raise ValidationError(
                _("Give the child's birth date as day.month.year, e.g. 24.12.2019.")
            )
        today = self.env["bti.access.policy"]._today()
        if birth_date > today:
            raise ValidationError(_("The birth date cannot be in the future."))
        if birth_date.year < today.year - MAX_AGE_YEARS:
            raise ValidationError(
                _("BTI is for children and young people up to %s years.", MAX_AGE_YEARS)
            )
        return {"child_name": child_name, "child_birth_date": birth_date}

    @api.model
    def _bti_parse_date(self, text):
        """A date as Norwegians write it (24.12.2019, also with / or -) or as
        a date field sends it (2019-12-24); None if it is none."""
        text = text.strip()
        for pattern in ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return None

    @api.model
    def _bti_check_service(self, service_id):
        try:
            service_id = int(service_id)
        except (TypeError, ValueError):
            service_id = 0
        service = self._bti_receiving_services().filtered(lambda s: s.id == service_id)
        if not service:
            raise ValidationError(_("Choose the service you would like to ask."))
        return service

    @api.model
    def _bti_submit_public(self, values, address):
        """The public form: a request of a family without a case (or without
        a login). The answer never depends on whether the child is known: no
        case is looked up here, the leaders link one when they answer. At
        most :data:`PUBLIC_PER_HOUR` requests per sender and hour."""
        vals = {
            **self._bti_check_child(values),
            **self._bti_check_contact(values),
            "worry": self._bti_clean_text(
                values.get("worry"), _("What you are worried about"), MAX_WORRY
            ),
            "service_id": self._bti_check_service(values.get("service_id")).id,
            "channel": "public",
            "client_key": self._bti_client_key(address),
        }
        if not self.env.user._is_public() and self.env.user.has_group(
            "base.group_portal"
        ):
            vals["requester_user_id"] = self.env.uid
        since = fields.Datetime.now() - timedelta(hours=1)
        # sudo: counts the sender's own recent requests (by the hashed
        # address); only a number is used.
        recent = self.sudo().search_count(
            [("client_key", "=", vals["client_key"]), ("create_date", ">=", since)]
        )
        if recent >= PUBLIC_PER_HOUR:
            raise UserError(
                _(
                    "Too many requests were sent from here in the last hour. "
                    "Try again later, or call the service."
                )
            )
        return self._bti_submit(vals)

    @api.model
    def _bti_submit(self, vals):
        """Write a checked request and put it in the leaders' queue."""
        vals["deadline"] = self.env["bti.access.policy"]._today() + timedelta(
            days=self._bti_deadline_days()
        )
        # sudo: families and the public have no right on requests; every
        # value was checked by the caller and the system writes exactly these.
        request_sudo = (
            self.sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
            .create(vals)
        )
        request_sudo._bti_system_write(
            {"name": self.env["ir.sequence"].sudo().next_by_code("bti.holder.request")}
        )
        # No assignment e-mail from the sender's (public or portal) login: the
        # leaders find the to-do in their activities and their queue.
        quiet_sudo = request_sudo.with_context(mail_activity_quick_update=True)
        for leader in request_sudo.service_id.leader_ids:
            quiet_sudo.activity_schedule(
                "bti_portal.mail_activity_type_bti_holder_request",
                date_deadline=request_sudo.deadline,
                user_id=leader.id,
            )
        return request_sudo.with_env(self.env)

    # ------------------------------------------------------------------
    # Answering: the leaders of the service asked
    # ------------------------------------------------------------------
    def action_accept(self):
        """Open the answer: a new or an existing case, and the stafettholder."""
        self.ensure_one()
        self._bti_check_action("action_accept")
        return {
            "type": "ir.actions.act_window",
            "name": _("Accept the request"),
            "res_model": "bti.holder.request.accept.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_decline(self):
        self.ensure_one()
        self._bti_check_action("action_decline")
        return {
            "type": "ir.actions.act_window",
            "name": _("Decline the request"),
            "res_model": "bti.holder.request.decline.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def _bti_check_holder(self, holder):
        # sudo: membership and the service's flag only.
        service_sudo = self.sudo().service_id
        if not holder or holder not in service_sudo.member_ids:
            raise ValidationError(
                _("The stafettholder must be a member of %s.", service_sudo.name)
            )
        if not service_sudo.may_hold_baton:
            raise ValidationError(
                _("Members of %s may not hold the baton.", service_sudo.name)
            )

    def _bti_accept(self, holder, case=None, level="level_1", note=False):
        """Accept: the family's case (asked from the portal), an existing case
        of the service the leader links, or a new level-0 case; then
        ``holder`` becomes the stafettholder (the level-0 decision to
        ``level`` when the case is at level 0, a handover proposal when
        another member holds the baton)."""
        self.ensure_one()
        self._bti_check_action("action_accept")
        self._bti_check_holder(holder)
        case = self.case_id or case
        if case:
            # The leader reads the case through the usual rules.
            case.check_access("read")
            if case.service_id != self.service_id:
                raise ValidationError(
                    _("Link a case of %s, the service asked.", self.service_id.name)
                )
            if case.state == "closed":
                raise ValidationError(_("Case %s is closed.", case.name))
        else:
            # sudo: membership only, to refuse with a clear message.
            if self.env.user not in self.sudo().service_id.member_ids:
                raise UserError(
                    _(
                        "Only a member of %s can open a case: link an existing "
                        "case, or ask a member of the service.",
                        self.sudo().service_id.name,
                    )
                )
            case = self._bti_open_case()
        if case.state == "wondering":
            case._bti_decide(
                level,
                note or _("A stafettholder at the family's request."),
                holder=holder,
            )
        elif case.holder_id != holder:
            self.env["bti.baton"]._bti_propose(case, holder, self.service_id, note)
        self._bti_system_write(
            {
                "state": "accepted",
                "case_id": case.id,
                "holder_id": holder.id,
                "decided_by_id": self.env.uid,
                "decision_date": self.env["bti.access.policy"]._today(),
            }
        )
        self._bti_answered()
        case.activity_schedule(
            act_type_xmlid="mail.mail_activity_data_todo",
            user_id=holder.id,
            summary=_(
                "Contact the family who asked for a stafettholder (%s)", self.name
            ),
        )
        case.message_post(
            body=_("Opened at the family's request %s.", self.name)
            if case.create_date >= self.create_date
            else _("Linked to the family's request %s.", self.name),
            subtype_xmlid="mail.mt_note",
        )
        return case

    def _bti_open_case(self):
        """A new level-0 case of the service asked, for the child of the
        request, with the one who asked as a contact. Parental responsibility
        is not taken from a web form: the leader confirms it on the case
        before the family gets any access."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        child = Partner.create({"name": self.child_name})
        youth = self.requester_relation == "self"
        if youth:
            child.write({"email": self.requester_email, "phone": self.requester_phone})
        vals = {
            "subject_partner_id": child.id,
            "subject_kind": "youth" if youth else "child",
            "service_id": self.service_id.id,
            "birth_date": self.child_birth_date,
            "wondering": _("A family asked for a stafettholder (%s).", self.name),
        }
        if self.requester_relation in GUARDIAN_RELATIONS:
            contact = Partner.create(
                {
                    "name": self.requester_name,
                    "email": self.requester_email,
                    "phone": self.requester_phone,
                }
            )
            vals["guardian_ids"] = [
                (
                    0,
                    0,
                    {
                        "partner_id": contact.id,
                        "relation": self.requester_relation,
                        "parental_responsibility": False,
                        "note": _(
                            "From request %s: confirm parental responsibility.",
                            self.name,
                        ),
                    },
                )
            ]
        return self.env["bti.case"].create(vals)

    def _bti_decline(self, reason):
        self.ensure_one()
        self._bti_check_action("action_decline")
        reason = reason.strip() if isinstance(reason, str) else ""
        if len(reason) < 10:
            raise ValidationError(
                _("Give the family a reason (at least a sentence) for declining.")
            )
        self._bti_system_write(
            {
                "state": "declined",
                "decline_reason": reason[:MAX_WORRY],
                "decided_by_id": self.env.uid,
                "decision_date": self.env["bti.access.policy"]._today(),
            }
        )
        self._bti_answered()
        return True

    def _bti_answered(self):
        """The leaders' to-dos are done; the family hears that there is an
        answer (never what it is, by e-mail): in the portal if they asked
        with a login, else by the neutral e-mail of the service."""
        self.activity_feedback(
            ["bti_portal.mail_activity_type_bti_holder_request"],
            feedback=dict(self._fields["state"].selection).get(self.state),
        )
        # sudo: the flag only; nothing reaches a family under the suspicion.
        if self.sudo().case_id.violence_suspicion:
            return
        if self.requester_user_id:
            template = self.env.ref("bti_portal.mail_template_family_news")
            # sudo: renders the login's name and the login address only.
            template.sudo().send_mail(self.requester_user_id.id, force_send=False)
        elif self.requester_email:
            template = self.env.ref("bti_portal.mail_template_holder_request_answered")
            # sudo: the service's name and contact only; the family has no login.
            template.sudo().send_mail(self.id, force_send=False)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A request for a stafettholder is kept as documentation."))
