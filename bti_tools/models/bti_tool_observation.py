from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_UNLOGGED_FIELDS, TOOL_WRITE_FIELDS

# What the author writes in a draft observation, its lines included.
OBSERVATION_FIELDS = frozenset(
    {"period_start", "period_end", "setting", "purpose", "line_ids", "summary"}
)


class BtiToolObservation(models.Model):
    """Observation form (observasjonsskjema): a systematic observation of the
    child over a set period. Each line keeps what the child does (what was
    seen and heard, with its time) apart from the observer's interpretation;
    a summary closes it. An internal working tool of the service: it may be
    shared with the participating services, never with the family."""

    _name = "bti.tool.observation"
    _description = "BTI Observation"
    _inherit = ["bti.tool.mixin"]
    # When the observation ran says nothing about the child.
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS | {"period_start", "period_end"}
    _bti_create_fields = TOOL_CREATE_FIELDS | OBSERVATION_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | OBSERVATION_FIELDS}
    _bti_tool_family = False
    _bti_tool_report = "bti_tools.action_report_tool_observation"

    previous_id = fields.Many2one(
        "bti.tool.observation",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    period_start = fields.Date(
        string="Observed From",
        help="First day of the observation period.",
    )
    period_end = fields.Date(
        string="Observed Until",
        help="Last day of the observation period. Every observation line must "
        "fall inside the period.",
    )
    setting = fields.Char(
        help="Where and in which situation the child was observed, e.g. outdoors "
        "in the kindergarten, free play.",
    )
    purpose = fields.Text(
        string="What to Look For",
        help="What the observation is meant to show: the behaviour, interaction "
        "or skill you look for.",
    )
    line_ids = fields.One2many(
        "bti.tool.observation.line",
        "observation_id",
        string="Observations",
        copy=False,
    )
    summary = fields.Html(
        sanitize=True,
        help="What the observations show together, and what you suggest doing "
        "next. Keep facts and interpretations apart.",
    )

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for observation in self:
            start, end = observation.period_start, observation.period_end
            if start and end and end < start:
                raise ValidationError(
                    _("The observation period cannot end before it starts.")
                )
            observation.line_ids._check_inside_period()

    def _bti_check_finalizable(self):
        for observation in self:
            if not observation.line_ids:
                raise ValidationError(
                    _(
                        "Write down at least one observation (when, and what the "
                        "child does) before making the form final."
                    )
                )
