from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiToolShareWizard(models.TransientModel):
    """Share a final BTI tool in the log: with whom, and a few words."""

    _name = "bti.tool.share.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Share a BTI Tool in the Log"

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Integer(required=True, readonly=True)
    visibility = fields.Selection(
        [
            ("participants", "All participating services"),
            ("family", "Shared with the family"),
        ],
        string="Share With",
        required=True,
        default="participants",
    )
    may_reach_family = fields.Boolean(
        default=lambda self: self.env.context.get("bti_tool_family", False)
    )
    note = fields.Html(
        string="Message",
        sanitize=True,
        help="What the readers of the log should know about the form.",
    )

    def _bti_tool(self):
        self.ensure_one()
        if not self.res_model.startswith("bti.tool.") or self.res_model not in self.env:
            raise UserError(_("Only a BTI tool is shared in the log."))
        tool = self.env[self.res_model].browse(self.res_id).exists()
        if not tool or not hasattr(tool, "_bti_share"):
            raise UserError(_("Only a BTI tool is shared in the log."))
        return tool

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            tool = wizard._bti_tool()
            # The real rule, not the client's flag.
            wizard.may_reach_family = tool._bti_tool_may_reach_family()
        return wizards

    def action_confirm(self):
        self.ensure_one()
        tool = self._bti_tool()
        return tool._bti_share(self.visibility, self.note)._bti_form_action()
