from odoo import api, fields, models


class BtiCaseAppointWizard(models.TransientModel):
    _name = "bti.case.appoint.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Appoint Someone in a BTI Case"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade")
    role = fields.Selection(
        [
            ("log_keeper", "Keeps the log"),
            ("watcher", "Watches the child's development"),
            ("contact", "Contact person of the family"),
        ],
        required=True,
    )
    allowed_user_ids = fields.Many2many(
        "res.users", compute="_compute_allowed_user_ids"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Who",
        required=True,
        domain="[('id', 'in', allowed_user_ids)]",
    )
    note = fields.Text(string="Message")

    @api.depends("case_id")
    def _compute_allowed_user_ids(self):
        for wizard in self:
            # The members of the participating services, to choose from.
            services = wizard.case_id._bti_taking_part_services()
            wizard.allowed_user_ids = services.member_ids

    def action_confirm(self):
        self.ensure_one()
        self.case_id._bti_appoint(self.role, self.user_id, self.note)
        return {"type": "ir.actions.act_window_close"}
