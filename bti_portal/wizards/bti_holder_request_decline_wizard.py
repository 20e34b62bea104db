from odoo import fields, models


class BtiHolderRequestDeclineWizard(models.TransientModel):
    """Decline a family's request, with the reason the family reads."""

    _name = "bti.holder.request.decline.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "BTI Decline a Stafettholder Request"

    request_id = fields.Many2one(
        "bti.holder.request", required=True, ondelete="cascade"
    )
    reason = fields.Text(
        required=True,
        help="The family reads this in the portal. Write it so that a parent "
        "understands it, and say where they can turn.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.request_id._bti_decline(self.reason)
        return {"type": "ir.actions.act_window_close"}
