from odoo import api, fields, models


class BtiConsentPaperWizard(models.TransientModel):
    """The signed consent form comes back on paper: the scan, who received
    it and when, who signed, and whether the family consented or refused."""

    _name = "bti.consent.paper.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Register a Signed Consent Form"

    consent_id = fields.Many2one("bti.consent", required=True, ondelete="cascade")
    case_id = fields.Many2one(related="consent_id.case_id")
    outcome = fields.Selection(
        [("given", "The family consents"), ("refused", "The family refuses")],
        required=True,
        default="given",
    )
    signer_partner_ids = fields.Many2many(related="consent_id.signer_partner_ids")
    signed_by_partner_ids = fields.Many2many(
        "res.partner",
        string="Signed By",
        default=lambda self: self._default_signed_by(),
    )
    youth_required = fields.Boolean(related="consent_id.youth_required")
    youth_consented = fields.Boolean(string="The Young Person Consents")
    document = fields.Binary(string="Scan of the Signed Form", required=True)
    document_name = fields.Char()
    received_by_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
    )
    received_date = fields.Date(
        string="Received On",
        required=True,
        default=lambda self: self.env["bti.access.policy"]._today(),
    )

    @api.model
    def _default_signed_by(self):
        consent_id = self.env.context.get("default_consent_id")
        # A client's context may carry anything: an id or nothing.
        if type(consent_id) is not int:
            return False
        consent = self.env["bti.consent"].browse(consent_id)
        return consent.exists().signer_partner_ids

    def action_confirm(self):
        self.ensure_one()
        self.consent_id._bti_register_paper(
            self.outcome,
            self.signed_by_partner_ids,
            self.document,
            self.document_name,
            self.received_by_id,
            self.received_date,
            youth_consented=self.youth_consented,
        )
        return {"type": "ir.actions.act_window_close"}
