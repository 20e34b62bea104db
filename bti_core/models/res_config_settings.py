from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    bti_youth_consent_age = fields.Selection(
        [("15", "15 years"), ("16", "16 years")],
        string="Youth Consent Age",
        default="15",
        config_parameter="bti_core.youth_consent_age",
        help="From this age the young person co-consents.",
    )
    bti_wondering_deadline_days = fields.Integer(
        string="Level-0 Decision Deadline (days)",
        default=14,
        config_parameter="bti_core.wondering_deadline_days",
    )
    bti_consent_validity_months = fields.Integer(
        string="Default Consent Validity (months)",
        default=12,
        config_parameter="bti_core.consent_validity_months",
        help="0 means no end date by default.",
    )

    bti_consent_reminder_days = fields.Integer(
        string="Remind Before a Consent Ends (days)",
        default=30,
        config_parameter="bti_core.consent_reminder_days",
        help="The stafettholder gets an activity this many days before a consent "
        "ends, to ask for a new one in time. 0: no reminder.",
    )
    bti_timezone = fields.Selection(
        "_tz_get",
        string="Municipality Time Zone",
        default="Europe/Oslo",
        config_parameter="bti_core.timezone",
        help="BTI dates (decisions, closing, consent validity) follow the "
        "municipality's local date, the same for every user.",
    )

    @api.model
    def _tz_get(self):
        return self.env["res.partner"]._fields["tz"].selection(self.env["res.partner"])

    @api.constrains(
        "bti_wondering_deadline_days",
        "bti_consent_validity_months",
        "bti_consent_reminder_days",
    )
    def _check_bti_numbers(self):
        for settings in self:
            if settings.bti_wondering_deadline_days < 1:
                raise ValidationError(
                    _("The decision deadline must be at least one day.")
                )
            if settings.bti_consent_validity_months < 0:
                raise ValidationError(_("The consent validity cannot be negative."))
            if settings.bti_consent_reminder_days < 0:
                raise ValidationError(_("The consent reminder cannot be negative."))
