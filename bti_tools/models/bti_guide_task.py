from odoo import api, fields, models


class BtiGuideTask(models.Model):
    """A task of a guide card, ticked off per case (bti.case.task)."""

    _name = "bti.guide.task"
    _description = "BTI Action Guide Task"
    _inherit = ["bti.protected.mixin"]
    _order = "guide_step_id, sequence, id"
    _bti_create_fields = frozenset({"guide_step_id", "sequence", "name"})
    _bti_write_fields = {"*": frozenset({"sequence", "name"})}

    guide_step_id = fields.Many2one(
        "bti.guide.step", string="Card", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Task", required=True)

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        # Cases already at the card's step get the new task on their checklist.
        self.env["bti.case.task"]._bti_add_for_tasks(tasks)
        return tasks
