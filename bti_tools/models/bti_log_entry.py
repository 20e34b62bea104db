from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiLogEntry(models.Model):
    """A log entry may share a BTI tool: it links the form (set by the system
    when the tool is shared, bti.tool.mixin._bti_share)."""

    _inherit = "bti.log.entry"

    tool_model = fields.Char(readonly=True, copy=False)
    tool_res_id = fields.Many2oneReference(
        string="Tool", model_field="tool_model", readonly=True, copy=False
    )
    tool_label = fields.Char(string="Shared Tool", compute="_compute_tool_label")

    @api.depends("tool_model", "tool_res_id")
    def _compute_tool_label(self):
        for entry in self:
            tool = entry._bti_tool()
            entry.tool_label = tool.display_name if tool else False

    def _bti_tool(self):
        self.ensure_one()
        if not self.tool_model or self.tool_model not in self.env:
            return None
        return self.env[self.tool_model].browse(self.tool_res_id).exists()

    def action_open_tool(self):
        self.ensure_one()
        self._bti_check_action("action_open_tool")
        tool = self._bti_tool()
        if not tool or not tool.has_access("read"):
            raise UserError(_("You may not read the shared form."))
        return tool._bti_tool_window(self.case_id, view_mode="form", res_id=tool.id)
