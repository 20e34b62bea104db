from odoo import api, models

from odoo.addons.bti_core.models.bti_access_logged import TECHNICAL_FIELDS


class BtiToolLineMixin(models.AbstractModel):
    """A line of a BTI tool (an observation line, an answer): read and written
    with its form, frozen when the form is final, access-logged under its case.

    A line model declares ``_bti_tool_parent`` (the name of its many2one to
    the form), a stored ``case_id`` related to the form's case, and its
    allow-lists.
    """

    _name = "bti.tool.line.mixin"
    _description = "BTI Tool Line"
    _inherit = ["bti.access.logged", "bti.protected.mixin"]
    _bti_tool_parent = ""
    _bti_frozen_states = frozenset({"final"})
    _bti_no_copy = True

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # A form opened from a case carries default_case_id; a line's case is
        # its form's, never a default.
        values.pop("case_id", None)
        return values

    @api.depends(lambda self: [self._bti_tool_parent])
    @api.depends_context("uid")
    def _compute_display_name(self):
        # A line is named by its form (in messages such as "... is a closed
        # record"), never by its content.
        for line in self:
            # sudo: the link to the form only; its label is computed as the
            # user (neutral to whom may not read it).
            form = line.sudo()[self._bti_tool_parent].with_env(self.env)
            line.display_name = form.display_name or self._description

    def _bti_tool_form(self):
        return self[self._bti_tool_parent]

    def _bti_guard_state(self):
        # sudo: the state of the form decides, also inside a check for a
        # user who may not read it.
        return self.sudo()._bti_tool_form().state or "draft"

    def _bti_action_case(self):
        return self._bti_tool_form().case_id

    def _bti_action_state(self):
        return self._bti_guard_state()

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        self._bti_tool_form().case_id._bti_check_log_writable()
        return super().write(vals)

    # After the ORM's access check: a user who may not read the line learns
    # nothing about its form (not even that it is final).
    @api.ondelete(at_uninstall=False)
    def _unlink_except_final_form(self):
        if self.filtered(lambda line: line._bti_guard_state() == "final"):
            self._bti_refuse_fields([self._bti_tool_parent], self[:1])


# Fields of a line that say nothing about the child (bti.access.logged).
LINE_UNLOGGED_FIELDS = TECHNICAL_FIELDS | {"sequence"}
