from odoo import api, fields, models


class BtiCaseDecisionWizard(models.TransientModel):
    """The level-0 decision, or a level change on an active case."""

    _name = "bti.case.decision.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "BTI Case Decision"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade")
    case_state = fields.Selection(related="case_id.state")
    violence_suspicion = fields.Boolean(related="case_id.violence_suspicion")
    decision = fields.Selection(
        [
            ("level_1", "Level 1 – measures inside my service"),
            ("level_2", "Level 2 – cooperation of two services"),
            ("level_3", "Level 3 – complex cooperation of several services"),
            ("close", "Close – no further concern"),
            ("child_welfare", "Report to the child welfare service"),
        ],
        required=True,
        default="level_1",
    )
    note = fields.Text(string="Reasons")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        case = self.env["bti.case"].browse(values.get("case_id"))
        if case.exists() and case.state == "active":
            values["decision"] = f"level_{min(case.level_id.code + 1, 3)}"
        return values

    def action_confirm(self):
        self.ensure_one()
        self.case_id._bti_decide(self.decision, self.note)
        return {"type": "ir.actions.act_window_close"}
