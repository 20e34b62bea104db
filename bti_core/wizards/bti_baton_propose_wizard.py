from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiBatonProposeWizard(models.TransientModel):
    _name = "bti.baton.propose.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Hand Over the Baton"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade")
    holder_id = fields.Many2one(related="case_id.holder_id", string="Stafettholder")
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
        # Members of the chosen service (of any service that may take the
        # baton before one is chosen), not the present stafettholder.
        domain="[('bti_service_ids', 'in', service_id and [service_id] "
        "or allowed_service_ids), ('id', '!=', holder_id)]",
    )
    note = fields.Text(string="Message to the Successor")

    @api.model
    def _bti_allowed_services(self, case):
        participants = case.participant_ids.filtered(
            lambda p: p.access_granted and p.service_id.may_hold_baton
        )
        return participants.service_id

    @api.model
    def _bti_default_successor(self, case, service):
        """The service's contact person in the case, else its only member
        other than the stafettholder; never the stafettholder herself."""
        contact = (
            self.env["bti.case.participant"]
            .search(
                [("case_id", "=", case.id), ("service_id", "=", service.id)],
                limit=1,
            )
            .user_id
        )
        if contact and contact != case.holder_id:
            return contact
        others = service.member_ids - case.holder_id
        return others if len(others) == 1 else self.env["res.users"]

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        case = self.env["bti.case"].browse(values.get("case_id"))
        if case and "service_id" in fields_list and not values.get("service_id"):
            # Only one service can take the baton: choose it.
            services = self._bti_allowed_services(case)
            if len(services) == 1:
                values["service_id"] = services.id
                if "user_id" in fields_list and not values.get("user_id"):
                    successor = self._bti_default_successor(case, services)
                    values["user_id"] = successor.id or False
        return values

    @api.depends("case_id")
    def _compute_allowed_service_ids(self):
        for wizard in self:
            wizard.allowed_service_ids = self._bti_allowed_services(wizard.case_id)

    @api.onchange("service_id")
    def _onchange_service_id(self):
        if self.service_id and (
            self.user_id not in self.service_id.member_ids
            or self.user_id == self.case_id.holder_id
        ):
            self.user_id = self._bti_default_successor(self.case_id, self.service_id)

    @api.onchange("user_id")
    def _onchange_user_id(self):
        if self.user_id and not self.service_id:
            # _origin: in the dialog the lines are new records of the same ids.
            services = self.allowed_service_ids._origin & self.user_id.bti_service_ids
            self.service_id = services[:1]

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
