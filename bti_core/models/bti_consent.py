from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..rules import age as age_rules
from .bti_access_logged import TECHNICAL_FIELDS

# The terms a user records; once recorded they are frozen (nothing is
# writable): a consent is withdrawn, or a new one recorded for new terms.
CONSENT_TERMS = frozenset(
    {
        "case_id",
        "state",
        "service_ids",
        "info_category_ids",
        "purpose",
        "collected_from",
        "given_by_partner_ids",
        "youth_consented",
        "date",
        "valid_from",
        "valid_until",
        "form",
        "document",
        "document_name",
        "exclusions",
        "child_view",
    }
)
# A draft is the consent form handed to the family: what they sign must be
# what is stored, so its terms are frozen too. It becomes given or refused
# when the signed paper is registered (or, later, when the family confirms
# it online), or is cancelled and a new draft prepared for new terms.
ALLOWED_TRANSITIONS = {
    ("draft", "given"),
    ("draft", "refused"),
    ("draft", "cancelled"),
    ("given", "withdrawn"),
    ("given", "expired"),
}
CREATE_STATES = ("draft", "given", "refused")


class BtiConsent(models.Model):
    """A consent, or a recorded refusal, to share information between services.

    Consent is given to services, not to named people. Its terms cannot change
    once recorded: it can only be withdrawn (or expire), and a new consent is
    recorded for new terms. A consent may first be prepared as a draft (the
    consent form the family signs): a draft grants nothing, and becomes given
    or refused when the signed paper is registered. Users create and read
    consents; the state changes only through the actions (registering the
    paper, cancelling a draft, withdrawal) and the expiry job.
    """

    _name = "bti.consent"
    _description = "BTI Consent"
    _inherit = [
        "bti.mail.thread",
        "bti.protected.mixin",
        "bti.access.logged",
        "bti.access.source",
    ]
    _bti_no_copy = True
    # What decides access and the expiry job read (bti.access.logged): who is
    # covered, from when to when. The terms and who gave them are content.
    _bti_unlogged_fields = TECHNICAL_FIELDS | {
        "service_ids",
        "info_category_ids",
        "date",
        "valid_from",
        "valid_until",
        "date_reminded",
    }
    _mail_post_access = "read"
    _bti_create_fields = CONSENT_TERMS
    _bti_write_fields = {}
    # A recorded consent is documentation: even the system changes it only in
    # its transitions (withdrawal, expiry, the reminder's date).
    _bti_frozen_states = frozenset(
        {"draft", "given", "refused", "withdrawn", "expired", "cancelled"}
    )
    _order = "date desc, id desc"
    # The name is computed: a name search looks for the case's reference.
    _rec_names_search = ["case_id.name"]

    name = fields.Char(compute="_compute_name")
    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade", index=True)
    state = fields.Selection(
        [
            ("draft", "Awaiting Signatures"),
            ("given", "Given"),
            ("refused", "Refused"),
            ("withdrawn", "Withdrawn"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="given",
        tracking=True,
        index=True,
    )
    service_ids = fields.Many2many("bti.service", string="Services Covered")
    info_category_ids = fields.Many2many(
        "bti.info.category", string="Types of Information"
    )
    purpose = fields.Text(required=True)
    collected_from = fields.Text(string="Information Collected From")
    exclusions = fields.Text(
        string="Topics or Persons Excluded",
        help="What the family does not want shared, or with whom.",
    )
    child_view = fields.Text(
        string="The Child's View",
        help="The child is heard from about the age of 7.",
    )
    given_by_partner_ids = fields.Many2many(
        "res.partner",
        string="Given By",
        help="Guardians with parental responsibility, the young person, or the "
        "pregnant woman herself.",
    )
    youth_consented = fields.Boolean(
        string="The Young Person Consents",
        help="Required from the municipality's age threshold (15 or 16).",
    )
    youth_required = fields.Boolean(compute="_compute_youth_required")
    date = fields.Date(required=True, default=lambda self: self._bti_today())
    valid_from = fields.Date(required=True, default=lambda self: self._bti_today())
    valid_until = fields.Date(default=lambda self: self._default_valid_until())
    form = fields.Selection(
        [("written", "Written"), ("oral", "Oral, recorded")],
        required=True,
        default="written",
    )
    document = fields.Binary(string="Scanned Document", attachment=True)
    document_name = fields.Char()
    recorded_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, required=True
    )
    signer_partner_ids = fields.Many2many(
        "res.partner",
        compute="_compute_signer_partner_ids",
        string="Must Sign",
        help="Guardians with parental responsibility and, from the co-consent "
        "age, the young person (or the adult or pregnant woman herself).",
    )
    received_by_id = fields.Many2one(
        "res.users",
        string="Signed Paper Received By",
        readonly=True,
        copy=False,
    )
    received_date = fields.Date(
        string="Signed Paper Received On", readonly=True, copy=False
    )
    withdrawn_date = fields.Date(readonly=True)
    withdrawn_by_id = fields.Many2one("res.users", readonly=True)
    withdrawn_reason = fields.Text(readonly=True)
    date_reminded = fields.Date(
        readonly=True,
        copy=False,
        help="Technical: when the stafettholder was reminded that it ends.",
    )

    @api.model
    def _default_valid_until(self):
        # sudo: a setting of the administrators that every consent follows.
        months = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bti_core.consent_validity_months", 12)
        )
        if months <= 0:
            return False
        return self.env["bti.access.policy"]._today() + relativedelta(months=months)

    @api.depends("case_id.name", "date", "state")
    def _compute_name(self):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for consent in self:
            consent.name = _(
                "%(state)s consent of %(date)s",
                state=labels.get(consent.state),
                date=format_date(self.env, consent.date) if consent.date else "",
            )

    @api.depends("case_id.birth_date", "date")
    def _compute_signer_partner_ids(self):
        threshold = self._youth_consent_age()
        for consent in self:
            consent.signer_partner_ids = consent._bti_allowed_signers(threshold)

    def _bti_allowed_signers(self, threshold):
        """Who may (and, for a consent to be given, must) sign: guardians with
        parental responsibility, and the subject from the co-consent age or
        when adult or pregnant (an adult is past any co-consent age)."""
        self.ensure_one()
        return self.case_id._bti_consenting_partners(self.date, threshold)

    @api.model
    def _bti_refuse_strangers(self, partners, signers):
        # sudo: names of the people on the case, for the reader of the consent.
        strangers = (partners - signers).sudo()
        if strangers:
            raise ValidationError(
                _(
                    "%s may not consent on behalf of the child: "
                    "only guardians with parental responsibility "
                    "(and the young person) can.",
                    ", ".join(strangers.mapped("name")),
                )
            )

    @api.depends("case_id.birth_date", "date")
    def _compute_youth_required(self):
        threshold = self._youth_consent_age()
        for consent in self:
            consent.youth_required = consent._bti_youth_required(threshold)

    @api.model
    def _youth_consent_age(self):
        # sudo: a setting of the administrators that every consent follows.
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(
                "bti_core.youth_consent_age", age_rules.DEFAULT_YOUTH_CONSENT_AGE
            )
        )
        return int(value)

    def _bti_youth_required(self, threshold):
        # sudo: a rule over the subject's age; returns a bool.
        case_sudo = self.case_id.sudo()
        if case_sudo.subject_kind == "pregnant":
            return False
        return age_rules.youth_must_consent(
            case_sudo.birth_date,
            self.date or self.env["bti.access.policy"]._today(),
            threshold,
        ) and not age_rules.is_adult(case_sudo.birth_date, self.date)

    @api.constrains(
        "state",
        "service_ids",
        "given_by_partner_ids",
        "youth_consented",
        "valid_from",
        "valid_until",
    )
    def _check_terms(self):
        threshold = self._youth_consent_age()
        for consent in self:
            if consent.valid_until and consent.valid_until < consent.valid_from:
                raise ValidationError(_("A consent cannot end before it starts."))
            if consent.state in ("draft", "given") and not consent.service_ids:
                raise ValidationError(_("A consent must name the services it covers."))
            if consent.state in ("draft", "cancelled"):
                # Nobody has signed yet: the signers are read off the case.
                continue
            if consent.state in ("withdrawn", "expired"):
                # Who gave it was checked when it was given; the guardian
                # lines may have changed since, and a consent must still end.
                continue
            if not consent.given_by_partner_ids:
                raise ValidationError(_("Record who gave or refused the consent."))
            consent._bti_refuse_strangers(
                consent.given_by_partner_ids, consent._bti_allowed_signers(threshold)
            )
            if (
                consent.state == "given"
                and consent._bti_youth_required(threshold)
                and not (consent.youth_consented)
            ):
                raise ValidationError(
                    _(
                        "The young person is %(age)s or older and must consent too.",
                        age=threshold,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._bti_check_vals_shape(vals_list)
        for vals in vals_list:
            if vals.get("state", "given") not in CREATE_STATES:
                raise UserError(
                    _(
                        "A consent is recorded as given or refused, or prepared "
                        "as a form awaiting signatures."
                    )
                )
        consents = super().create(vals_list)
        for consent in consents:
            case = consent.case_id
            if case.state == "closed":
                raise UserError(_("Case %s is closed.", case.name))
            if consent.state == "draft":
                body = _("Consent form prepared for signing: %s.", consent.name)
            else:
                body = _("Consent recorded: %s.", consent.name)
            case.message_post(body=body, subtype_xmlid="mail.mt_note")
        return consents

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                # Whoever records it, as the real user: never named by the client.
                vals["recorded_by_id"] = self.env.uid
        return vals_list

    def write(self, vals):
        # Users have no write right at all: say so before the allow-list does.
        self.check_access("write")
        self._bti_check_vals_shape([vals])
        if "state" in vals:
            for consent in self:
                if (consent.state, vals["state"]) not in ALLOWED_TRANSITIONS:
                    raise UserError(
                        _(
                            "A consent cannot go from %(old)s to %(new)s.",
                            old=consent.state,
                            new=vals["state"],
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Consents are kept as documentation; withdraw instead."))

    def action_withdraw(self, reason=None):
        """Withdraw the consent: the services it covered lose access at once."""
        self.check_access("read")
        self._bti_check_action("action_withdraw")
        for consent in self:
            # The family withdraws; the user only records it. Users have no
            # write right on consents, so that the terms stay untouched.
            consent_sudo = consent.sudo()
            consent_sudo._bti_system_write(
                {
                    "state": "withdrawn",
                    "withdrawn_date": self.env["bti.access.policy"]._today(),
                    "withdrawn_by_id": self.env.uid,
                    "withdrawn_reason": reason or False,
                }
            )
            consent._bti_notify_ended(_("Consent withdrawn"))
        return True

    def action_register_paper(self):
        """Open the wizard that registers the signed consent form."""
        self.ensure_one()
        self.check_access("read")
        self._bti_check_action("action_register_paper")
        return {
            "type": "ir.actions.act_window",
            "name": _("Register the signed consent form"),
            "res_model": "bti.consent.paper.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_consent_id": self.id},
        }

    def _bti_register_paper(
        self,
        outcome,
        signed_by,
        document,
        document_name,
        received_by,
        received_date,
        youth_consented=False,
    ):
        """The family's answer on paper: the draft becomes given or refused,
        with the scan as its document. All checks before any write."""
        self.ensure_one()
        self.check_access("read")
        self._bti_check_action("action_register_paper")
        today = self.env["bti.access.policy"]._today()
        self._bti_check_answer_state(outcome)
        if not document:
            raise ValidationError(_("Attach the scan of the signed consent form."))
        if not received_by:
            raise ValidationError(_("Record who received the signed consent form."))
        if not received_date or received_date > today:
            raise ValidationError(
                _("The signed form was received today or earlier: give that date.")
            )
        signed_by = self._bti_check_signed_by(outcome, signed_by, youth_consented)
        valid_from = max(self.valid_from or received_date, received_date)
        # sudo: users never write a consent; registering the family's answer is
        # the system's transition, after the checks above (action table, the
        # draft state, scan, receiver, date, signers) and the terms constraint.
        self.sudo()._bti_system_write(
            {
                "state": outcome,
                "given_by_partner_ids": [Command.set(signed_by.ids)],
                "youth_consented": bool(youth_consented),
                "form": "written",
                "document": document,
                "document_name": document_name or _("Signed consent form"),
                "date": received_date,
                "valid_from": valid_from,
                "received_by_id": received_by.id,
                "received_date": received_date,
            }
        )
        labels = dict(self._fields["state"]._description_selection(self.env))
        self.case_id.message_post(
            body=_(
                "Signed consent form registered: %(state)s, received by %(user)s "
                "on %(date)s.",
                state=labels[outcome],
                user=received_by.name,
                date=format_date(self.env, received_date),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    # The checks of the family's answer to a consent form, shared by every way
    # it comes back (the signed paper here; bti_portal: each signer online).
    def _bti_check_answer_state(self, outcome):
        """Only a form awaiting signatures is answered, as given or refused."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("Only a consent form awaiting signatures is registered."))
        if outcome not in ("given", "refused"):
            raise UserError(_("Register the consent as given or refused."))

    def _bti_check_signed_by(self, outcome, signed_by, youth_consented=False):
        """Who answered: only those who may consent (guardians with parental
        responsibility, the young person from the co-consent age), and for a
        given consent all of them. Returns ``signed_by``, with the young
        person when they consented."""
        self.ensure_one()
        if not signed_by:
            raise ValidationError(_("Record who signed the consent form."))
        signers = self._bti_allowed_signers(self._youth_consent_age())
        # sudo: the case's people (names only), for the reader of the consent.
        subject = self.case_id.sudo().subject_partner_id
        if youth_consented and subject in signers.sudo():
            signed_by |= subject.sudo(False)
        self._bti_refuse_strangers(signed_by, signers)
        missing = (signers - signed_by).sudo()
        if outcome == "given" and missing:
            raise ValidationError(
                _(
                    "Everyone who must consent signs the consent form: %s has not.",
                    ", ".join(missing.mapped("name")),
                )
            )
        return signed_by

    def action_cancel_draft(self):
        """Cancel a consent form that was not signed (new terms need a new
        form): it grants nothing and stays as documentation."""
        self.check_access("read")
        self._bti_check_action("action_cancel_draft")
        # sudo: users never write a consent; cancelling a draft is the
        # system's transition after the action table's check.
        self.sudo()._bti_system_write({"state": "cancelled"})
        for consent in self:
            consent.case_id.message_post(
                body=_("Consent form cancelled: %s.", consent.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _bti_notify_ended(self, summary):
        """Tell the stafettholder (or the owning service) that access has ended,
        after the baton has left a holder whose service lost access with it."""
        # As the system: the user who records a withdrawal for their own service
        # has just lost access to the case.
        for consent_sudo in self.sudo():
            case = consent_sudo.case_id
            case._bti_keep_holder_with_access()
            services = ", ".join(consent_sudo.service_ids.mapped("name"))
            body = _(
                "%(what)s: %(services)s no longer have access to case %(case)s.",
                what=summary,
                services=services,
                case=case.name,
            )
            case.message_post(body=body, subtype_xmlid="mail.mt_note")
            case._bti_todo_for_responsible(
                _("%(what)s on case %(case)s", what=summary, case=case.name)
            )

    @api.model
    def _cron_expire(self):
        """Daily: show the state of consents that ended (access already ended
        on the day itself, at query time), move the baton if it must, and
        remind the stafettholder of consents that end soon."""
        today = self.env["bti.access.policy"]._today()
        expired = self.search([("state", "=", "given"), ("valid_until", "<", today)])
        expired._bti_system_write({"state": "expired"})
        expired._bti_notify_ended(_("Consent expired"))
        self._bti_remind_ending(today)
        return True

    @api.model
    def _bti_reminder_days(self):
        # sudo: a setting of the administrators, read by the reminder job.
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bti_core.consent_reminder_days", 30)
        )
        return int(value)

    @api.model
    def _bti_remind_ending(self, today):
        """One activity for the stafettholder (else the owning service's contact
        person) per consent that ends within the reminder period, so that a new
        consent can be asked for in time."""
        days = self._bti_reminder_days()
        if days <= 0:
            return
        ending = self.search(
            [
                ("state", "=", "given"),
                ("valid_until", "!=", False),
                ("valid_until", "<=", today + relativedelta(days=days)),
                ("date_reminded", "=", False),
                ("case_id.state", "!=", "closed"),
            ]
        )
        for consent in ending:
            case = consent.case_id
            case._bti_todo_for_responsible(
                _(
                    "The consent of case %(case)s ends on %(date)s: ask the "
                    "family for a new one",
                    case=case.name,
                    date=format_date(self.env, consent.valid_until),
                ),
                date_deadline=consent.valid_until,
            )
        ending._bti_system_write({"date_reminded": today})
