from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiBatonProposeWizard(models.TransientModel):
    _name = "bti.baton.propose.wizard"
    _description = "Hand Over the Baton"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade")
    allowed_service_ids = fields.Many2many(
        "bti.service", compute="_compute_allowed_service_ids"
    )
    service_id = fields.Many2one(
        "bti.service", required=True, domain="[('id', 'in', allowed_service_ids)]"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Next Stafettholder",
        required=True,
        domain="[('bti_service_ids', 'in', service_id)]",
    )
    note = fields.Text(string="Message to the Successor")

    @api.depends("case_id")
    def _compute_allowed_service_ids(self):
        for wizard in self:
            participants = wizard.case_id.participant_ids.filtered(
                lambda p: p.access_granted and p.service_id.may_hold_baton
            )
            wizard.allowed_service_ids = participants.service_id

    @api.onchange("service_id")
    def _onchange_service_id(self):
        if self.service_id and self.user_id not in self.service_id.member_ids:
            self.user_id = (
                self.env["bti.case.participant"]
                .search(
                    [
                        ("case_id", "=", self.case_id.id),
                        ("service_id", "=", self.service_id.id),
                    ],
                    limit=1,
                )
                .user_id
            )

    def action_confirm(self):
        self.ensure_one()
        if self.service_id not in self.allowed_service_ids:
            raise UserError(
                _(
                    "%s does not take part in the case or may not hold the baton.",
                    self.service_id.name,
                )
            )
        self.env["bti.baton"]._bti_propose(
            self.case_id, self.user_id, self.service_id, self.note
        )
        return {"type": "ir.actions.act_window_close"}
