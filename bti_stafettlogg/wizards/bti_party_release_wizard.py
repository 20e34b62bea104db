from odoo import fields, models


class BtiPartyReleaseWizard(models.TransientModel):
    """Tell a participating service, kindly, that it is no longer needed."""

    _name = "bti.party.release.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Release a Party from a BTI Case"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade")
    participant_id = fields.Many2one(
        "bti.case.participant",
        string="Service",
        required=True,
        ondelete="cascade",
        domain="[('case_id', '=', case_id), ('is_owner', '=', False)]",
    )
    reason = fields.Char(
        required=True, default=lambda self: self.env._("Our part is done")
    )

    def action_confirm(self):
        self.ensure_one()
        self.participant_id.action_remove(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
