from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    bti_holder_request_days = fields.Integer(
        string="Answer a Stafettholder Request Within (days)",
        default=14,
        config_parameter="bti_portal.holder_request_days",
        help="The leaders of the service asked answer a family's request for "
        "a stafettholder within this many days.",
    )

    @api.constrains("bti_holder_request_days")
    def _check_bti_holder_request_days(self):
        for settings in self:
            if settings.bti_holder_request_days < 1:
                raise ValidationError(
                    _("The answer deadline must be at least one day.")
                )
