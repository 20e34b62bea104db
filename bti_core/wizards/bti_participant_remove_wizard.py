from odoo import fields, models


class BtiParticipantRemoveWizard(models.TransientModel):
    _name = "bti.participant.remove.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Remove a Service from a BTI Case"

    participant_id = fields.Many2one(
        "bti.case.participant", required=True, ondelete="cascade"
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.participant_id.action_remove(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
