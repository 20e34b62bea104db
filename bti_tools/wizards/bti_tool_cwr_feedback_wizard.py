from odoo import api, fields, models

from ..models.bti_tool_child_welfare_report import OUTCOMES


class BtiToolCwrFeedbackWizard(models.TransientModel):
    """The receiving child welfare service's feedback to the reporter: the
    outcome of its review and a few words."""

    _name = "bti.tool.cwr.feedback.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Feedback on a Report to Child Welfare"

    report_id = fields.Many2one(
        "bti.tool.child_welfare_report",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    outcome = fields.Selection(OUTCOMES, required=True)
    note = fields.Text(
        string="Feedback",
        help="What the reporter should know: no more than the reporter needs "
        "(the child welfare service's own duty of confidentiality applies).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            # Refused before anything is typed: only the receiving service.
            wizard.report_id._bti_check_action("action_give_feedback")
        return wizards

    def action_confirm(self):
        self.ensure_one()
        self.report_id._bti_give_feedback(self.outcome, self.note)
        return {"type": "ir.actions.act_window_close"}
