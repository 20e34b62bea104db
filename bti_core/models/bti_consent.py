from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..rules import age as age_rules

# The terms of a consent: frozen once it is recorded.
CONSENT_TERMS = {
    "case_id",
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
    "recorded_by_id",
}
ALLOWED_TRANSITIONS = {("given", "withdrawn"), ("given", "expired")}


class BtiConsent(models.Model):
    """A consent, or a recorded refusal, to share information between services.

    Consent is given to services, not to named people. Its terms cannot change
    once recorded: it can only be withdrawn (or expire), and a new consent is
    recorded for new terms. Users create and read consents; the state changes
    only through :meth:`action_withdraw` and the expiry job.
    """

    _name = "bti.consent"
    _description = "BTI Consent"
    _inherit = ["bti.mail.thread"]
    _mail_post_access = "read"
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name")
    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade", index=True)
    state = fields.Selection(
        [
            ("given", "Given"),
            ("refused", "Refused"),
            ("withdrawn", "Withdrawn"),
            ("expired", "Expired"),
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
    date = fields.Date(required=True, default=lambda self: self.env["bti.access.policy"]._today())
    valid_from = fields.Date(required=True, default=lambda self: self.env["bti.access.policy"]._today())
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
    withdrawn_date = fields.Date(readonly=True)
    withdrawn_by_id = fields.Many2one("res.users", readonly=True)
    withdrawn_reason = fields.Text(readonly=True)

    @api.model
    def _default_valid_until(self):
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
                date=consent.date,
            )

    @api.depends("case_id.birth_date", "date")
    def _compute_youth_required(self):
        threshold = self._youth_consent_age()
        for consent in self:
            consent.youth_required = consent._bti_youth_required(threshold)

    @api.model
    def _youth_consent_age(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(
                "bti_core.youth_consent_age", age_rules.DEFAULT_YOUTH_CONSENT_AGE
            )
        )
        return int(value)

    def _bti_youth_required(self, threshold):
        case = self.case_id.sudo()  # a rule over the subject's age; returns a bool
        if case.subject_kind == "pregnant":
            return False
        return age_rules.youth_must_consent(
            case.birth_date, self.date or self.env["bti.access.policy"]._today(), threshold
        ) and not age_rules.is_adult(case.birth_date, self.date)

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
            # Constraints check the terms as the system, whoever records them.
            case = consent.case_id.sudo()
            if consent.valid_until and consent.valid_until < consent.valid_from:
                raise ValidationError(_("A consent cannot end before it starts."))
            if consent.state == "given" and not consent.service_ids:
                raise ValidationError(_("A consent must name the services it covers."))
            if not consent.given_by_partner_ids:
                raise ValidationError(_("Record who gave or refused the consent."))
            allowed = case.guardian_ids.filtered("parental_responsibility").partner_id
            if case.subject_kind == "pregnant" or age_rules.is_adult(
                case.birth_date, consent.date
            ):
                allowed |= case.subject_partner_id
            if consent._bti_youth_required(threshold):
                allowed |= case.subject_partner_id
            strangers = consent.given_by_partner_ids - allowed
            if strangers:
                raise ValidationError(
                    _(
                        "%s may not consent on behalf of the child: only guardians "
                        "with "
                        "parental responsibility (and the young person) can.",
                        ", ".join(strangers.mapped("name")),
                    )
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
        for vals in vals_list:
            if vals.get("state", "given") not in ("given", "refused"):
                raise UserError(_("A consent is recorded as given or refused."))
        consents = super().create(vals_list)
        for consent in consents:
            case = consent.case_id
            if case.state == "closed":
                raise UserError(_("Case %s is closed.", case.name))
            case.message_post(
                body=_("Consent recorded: %s.", consent.name),
                subtype_xmlid="mail.mt_note",
            )
        return consents

    def write(self, vals):
        # Users have no write right at all: say so before explaining the terms.
        self.check_access("write")
        changed_terms = CONSENT_TERMS & set(vals)
        if changed_terms:
            raise UserError(
                _(
                    "A recorded consent cannot be changed. Withdraw it, or record "
                    "a new "
                    "consent with the new terms."
                )
            )
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
        for consent in self:
            if consent.state != "given":
                raise UserError(_("Only a given consent can be withdrawn."))
            # The family withdraws; the user only records it. Users have no
            # write right on consents, so that the terms stay untouched.
            consent.sudo().write(
                {
                    "state": "withdrawn",
                    "withdrawn_date": self.env["bti.access.policy"]._today(),
                    "withdrawn_by_id": self.env.uid,
                    "withdrawn_reason": reason or False,
                }
            )
            consent._bti_notify_ended(_("Consent withdrawn"))
        return True

    def _bti_notify_ended(self, summary):
        """Tell the stafettholder (or the owning service) that access has ended."""
        # As the system: the user who records a withdrawal for their own service
        # has just lost access to the case.
        for consent in self.sudo():
            case = consent.case_id
            services = ", ".join(consent.service_ids.mapped("name"))
            body = _(
                "%(what)s: %(services)s no longer have access to case %(case)s.",
                what=summary,
                services=services,
                case=case.name,
            )
            case.message_post(body=body, subtype_xmlid="mail.mt_note")
            responsible = (
                case.holder_id or case.participant_ids.filtered("is_owner").user_id[:1]
            )
            if responsible:
                case.activity_schedule(
                    act_type_xmlid="mail.mail_activity_data_todo",
                    user_id=responsible.id,
                    summary=_(
                        "%(what)s on case %(case)s", what=summary, case=case.name
                    ),
                )

    @api.model
    def _cron_expire(self):
        today = self.env["bti.access.policy"]._today()
        expired = self.search([("state", "=", "given"), ("valid_until", "<", today)])
        expired.write({"state": "expired"})
        expired._bti_notify_ended(_("Consent expired"))
        # Consents that start today change access without any write: recompute.
        starting = self.search([("state", "=", "given"), ("valid_from", "=", today)])
        participants = (expired | starting).case_id.participant_ids
        self.env.add_to_compute(participants._fields["access_granted"], participants)
        participants._recompute_recordset(["access_granted"])
        return True
