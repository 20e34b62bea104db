from odoo import _, api, fields, models

from .bti_log_content_mixin import (
    CONTENT_CREATE_FIELDS,
    CONTENT_UNLOGGED_FIELDS,
    CONTENT_WRITE_FIELDS,
)

# What a user writes in an open goal; a reached or dropped goal is a record
# (only its place in the list moves). Its status changes through its buttons.
GOAL_FIELDS = frozenset(
    {"name", "description", "area_id", "date_target", "sequence", "measure_ids"}
)


class BtiGoal(models.Model):
    """A goal for the child in a development area, served by measures."""

    _name = "bti.goal"
    _description = "BTI Goal"
    _inherit = ["bti.log.content.mixin", "mail.activity.mixin"]
    _order = "state_sequence, sequence, id"
    _bti_unlogged_fields = CONTENT_UNLOGGED_FIELDS | {"state_sequence"}
    _bti_create_fields = CONTENT_CREATE_FIELDS | GOAL_FIELDS
    _bti_write_fields = {
        "*": frozenset({"sequence"}),
        "open": CONTENT_WRITE_FIELDS | GOAL_FIELDS,
    }

    name = fields.Char(string="Goal", required=True, tracking=True)
    description = fields.Html(sanitize=True)
    area_id = fields.Many2one(
        "bti.development.area",
        string="Development Area",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    sequence = fields.Integer(default=10)
    date_target = fields.Date(string="Target Date", tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("reached", "Reached"), ("dropped", "Dropped")],
        required=True,
        default="open",
        readonly=True,
        tracking=True,
        index=True,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    state_note = fields.Text(string="Why", readonly=True)
    measure_ids = fields.One2many("bti.measure", "goal_id", string="Measures")
    measure_count = fields.Integer(compute="_compute_measure_count")

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"open": 0, "reached": 1, "dropped": 2}
        for goal in self:
            goal.state_sequence = order.get(goal.state, 9)

    @api.depends("measure_ids")
    def _compute_measure_count(self):
        for goal in self:
            goal.measure_count = len(goal.measure_ids)

    def _bti_label(self):
        return self.name or ""

    def _bti_neutral_label(self):
        return _("Goal #%s", self.id or "")

    def _bti_set_state(self, state, note=False):
        self.case_id._bti_check_log_writable()
        self._bti_system_write({"state": state, "state_note": note})
        return True

    def action_reached(self):
        self._bti_check_action("action_reached")
        return self._bti_set_state("reached")

    def action_drop(self):
        self._bti_check_action("action_drop")
        return self._bti_set_state("dropped")

    def action_reopen(self):
        self._bti_check_action("action_reopen")
        return self._bti_set_state("open")
