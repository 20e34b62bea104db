from odoo import fields, models


class BtiBatonRefuseWizard(models.TransientModel):
    _name = "bti.baton.refuse.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Refuse the Baton"

    baton_id = fields.Many2one("bti.baton", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.baton_id.action_refuse(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
