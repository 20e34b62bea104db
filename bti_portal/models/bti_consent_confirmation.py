from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiConsentConfirmation(models.Model):
    """One signer's own answer to a consent form, given in the portal: who
    (the person and their login), when, and the answer. Written by the system
    only, after the checks of :meth:`bti.consent.action_confirm_online`;
    nobody changes or deletes it: it documents the consent."""

    _name = "bti.consent.confirmation"
    _description = "BTI Consent Confirmation"
    _inherit = ["bti.protected.mixin", "bti.access.logged"]
    _order = "date, id"
    _log_access = False
    _bti_no_copy = True
    # Nothing is set or changed by a user: the system creates the rows.
    _bti_create_fields = frozenset()
    _bti_write_fields = {}

    consent_id = fields.Many2one(
        "bti.consent", required=True, readonly=True, ondelete="cascade", index=True
    )
    case_id = fields.Many2one(
        "bti.case",
        related="consent_id.case_id",
        store=True,
        readonly=True,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    user_id = fields.Many2one(
        "res.users", string="Login", required=True, readonly=True, ondelete="restrict"
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    answer = fields.Selection(
        [("given", "Consents"), ("refused", "Does not consent")],
        required=True,
        readonly=True,
    )

    _sql_constraints = [
        (
            "consent_partner_unique",
            "unique(consent_id, partner_id)",
            "Each person answers a consent form once.",
        ),
    ]

    def write(self, vals):
        self.check_access("write")  # users: no right at all (AccessError)
        if vals:
            raise UserError(_("An answer to a consent form cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Answers to a consent form are kept as documentation."))
