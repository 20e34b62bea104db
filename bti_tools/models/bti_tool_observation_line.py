from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

# What the author writes on a line of a draft observation.
LINE_FIELDS = frozenset({"sequence", "time", "what_child_does", "interpretation"})


class BtiToolObservationLine(models.Model):
    """One observation: when, what the child does (seen and heard, no
    conclusions), and, kept apart, the observer's interpretation."""

    _name = "bti.tool.observation.line"
    _description = "BTI Observation Line"
    _inherit = ["bti.tool.line.mixin"]
    _order = "observation_id, time, sequence, id"
    _bti_tool_parent = "observation_id"
    _bti_create_fields = LINE_FIELDS | {"observation_id"}
    _bti_write_fields = {"draft": LINE_FIELDS}

    observation_id = fields.Many2one(
        "bti.tool.observation",
        required=True,
        ondelete="cascade",
        index=True,
    )
    case_id = fields.Many2one(related="observation_id.case_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    # Not required in the ORM: the constraint below says what is missing in
    # words a user understands (the ORM's message names only the column).
    time = fields.Datetime(string="When", help="When it was seen or heard.")
    what_child_does = fields.Text(
        string="What the Child Does",
        help="What you saw and heard, as concretely as possible: what the child "
        "did and said, with whom. No conclusions here.",
    )
    interpretation = fields.Text(
        string="My Interpretation",
        help="What you think it may mean. Kept apart from the observation itself.",
    )

    @api.constrains("observation_id", "time", "what_child_does")
    def _check_line(self):
        for line in self:
            if not line.time:
                raise ValidationError(
                    _("Every observation line needs the time it was seen.")
                )
            if not (line.what_child_does or "").strip():
                raise ValidationError(
                    _("Every observation line needs what the child does.")
                )
        self._check_inside_period()

    def _check_inside_period(self):
        policy = self.env["bti.access.policy"]
        for line in self.filtered("time"):
            observation = line.observation_id
            start, end = observation.period_start, observation.period_end
            if start and end and end < start:
                # The form's own check says what is wrong: the period.
                continue
            day = policy._date_of(line.time)
            if (start and day < start) or (end and day > end):
                raise ValidationError(
                    _(
                        "The observation of %(day)s lies outside the observation "
                        "period (%(start)s – %(end)s).",
                        day=format_date(self.env, day),
                        start=format_date(self.env, start) if start else "…",
                        end=format_date(self.env, end) if end else "…",
                    )
                )
