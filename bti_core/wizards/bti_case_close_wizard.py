from odoo import fields, models


class BtiCaseCloseWizard(models.TransientModel):
    _name = "bti.case.close.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Close BTI Case"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade")
    reason = fields.Selection(
        lambda self: self.env["bti.case"]._fields["close_reason"].selection,
        required=True,
    )
    date = fields.Date(
        required=True, default=lambda self: self.env["bti.access.policy"]._today()
    )
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self.case_id._bti_close(self.reason, self.note, self.date)
        return {"type": "ir.actions.act_window_close"}
