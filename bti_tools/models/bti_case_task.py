from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiCaseTask(models.Model):
    """A task of an action guide card on a case: ticked off by whom and when.

    The system puts the tasks of every card of a step on the case when the
    case enters the step; the case's panel shows those of the reader's guide.
    """

    _name = "bti.case.task"
    _description = "BTI Case Checklist Task"
    _inherit = ["bti.protected.mixin"]
    _order = "sequence, id"
    # Ticking is the actions'; the rest is the system's.
    _bti_create_fields = frozenset()
    _bti_write_fields = {}

    case_id = fields.Many2one(
        "bti.case", required=True, ondelete="cascade", index=True, readonly=True
    )
    guide_task_id = fields.Many2one(
        "bti.guide.task",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    name = fields.Char(related="guide_task_id.name")
    sequence = fields.Integer(related="guide_task_id.sequence", store=True)
    guide_step_id = fields.Many2one(
        related="guide_task_id.guide_step_id", store=True, index=True
    )
    level_step_id = fields.Many2one(
        related="guide_task_id.guide_step_id.level_step_id", store=True
    )
    family = fields.Selection(related="guide_task_id.guide_step_id.family", store=True)
    done = fields.Boolean(readonly=True)
    done_by_id = fields.Many2one("res.users", readonly=True)
    done_date = fields.Datetime(string="Done On", readonly=True)

    _sql_constraints = [
        (
            "task_unique",
            "unique(case_id, guide_task_id)",
            "A task is on a case's checklist once.",
        ),
    ]

    @api.model
    def _bti_add_for_cases(self, cases):
        """Put the tasks of the cards of each case's step on its checklist."""
        # sudo: system bookkeeping when a case enters a step; the rows hold
        # no content and are read under the case's rules.
        self_sudo = self.sudo()
        existing = {
            (row.case_id.id, row.guide_task_id.id)
            for row in self_sudo.search([("case_id", "in", cases.ids)])
        }
        tasks = (
            self.env["bti.guide.task"]
            .sudo()
            .search([("guide_step_id.level_step_id", "in", cases.step_id.ids)])
        )
        vals_list = [
            {"case_id": case.id, "guide_task_id": task.id}
            for case in cases
            for task in tasks
            if task.guide_step_id.level_step_id == case.step_id
            and (case.id, task.id) not in existing
        ]
        return self_sudo.create(vals_list)

    @api.model
    def _bti_add_for_tasks(self, tasks):
        """New tasks reach the open cases that stand at their card's step."""
        # sudo: as _bti_add_for_cases; the cases are found by their step only.
        cases = (
            self.env["bti.case"]
            .sudo()
            .search(
                [
                    ("step_id", "in", tasks.guide_step_id.level_step_id.ids),
                    ("state", "!=", "closed"),
                ]
            )
        )
        if cases:
            self._bti_add_for_cases(cases)

    def _bti_action_state(self):
        # sudo: inside the action check, the case's state only.
        return self.case_id.sudo().state

    def action_tick(self):
        self._bti_check_action("action_tick")
        if self.filtered("done"):
            raise UserError(_("The task is already ticked off."))
        self._bti_system_write(
            {
                "done": True,
                "done_by_id": self.env.uid,
                "done_date": fields.Datetime.now(),
            }
        )
        return True

    def action_untick(self):
        self._bti_check_action("action_untick")
        self._bti_system_write({"done": False, "done_by_id": False, "done_date": False})
        return True
