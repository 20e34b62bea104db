from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class BtiHolderRequestAcceptWizard(models.TransientModel):
    """Accept a family's request: the case (the family's own, an existing
    case of the service, or a new one) and the stafettholder."""

    _name = "bti.holder.request.accept.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "BTI Accept a Stafettholder Request"

    request_id = fields.Many2one(
        "bti.holder.request", required=True, ondelete="cascade"
    )
    service_id = fields.Many2one(related="request_id.service_id")
    request_case_id = fields.Many2one(related="request_id.case_id")
    mode = fields.Selection(
        [("new", "Open a new case"), ("link", "Link an existing case")],
        default="new",
        required=True,
    )
    case_id = fields.Many2one(
        "bti.case",
        string="Existing Case",
        domain="[('service_id', '=', service_id), ('state', '!=', 'closed')]",
    )
    holder_id = fields.Many2one(
        "res.users",
        string="Stafettholder",
        required=True,
        domain="[('bti_service_ids', 'in', service_id)]",
    )
    level = fields.Selection(
        selection="_selection_level",
        default="level_1",
        required=True,
        help="The level-0 decision, when the case is at level 0.",
    )
    note = fields.Text(string="Reasons")

    @api.model
    def _selection_level(self):
        """The levels of the level-0 decision (bti_core's decision wizard)."""
        decision = self.env["bti.case.decision.wizard"]._fields["decision"]
        return [
            (key, label)
            for key, label in decision._description_selection(self.env)
            if key.startswith("level_")
        ]

    @api.onchange("mode")
    def _onchange_mode(self):
        if self.mode == "new":
            self.case_id = False

    def action_confirm(self):
        self.ensure_one()
        case = self.request_case_id or (self.case_id if self.mode == "link" else None)
        if self.mode == "link" and not case:
            raise ValidationError(_("Choose the existing case to link."))
        case = self.request_id._bti_accept(
            self.holder_id, case=case, level=self.level, note=self.note
        )
        return case._bti_form_action()
