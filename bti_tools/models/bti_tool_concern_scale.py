from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .bti_tool_concern_indicator import SCALE_KINDS, STEPS
from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_UNLOGGED_FIELDS, TOOL_WRITE_FIELDS

# What the assessor fills in (TOOLS.md, tool 5).
SCALE_FIELDS = frozenset(
    {
        "kind",
        "indicator_ids",
        "step_override",
        "override_reason",
        "observations",
        "note",
    }
)


class BtiToolConcernScale(models.Model):
    """The concern scale (bekymringsskala): a snapshot of how the child, or
    the parents, are seen by one employee. The assessor ticks the indicators
    they see; the highest step ticked is the scale's step, which they may set
    higher (never lower) with their reason. Steps 1-2: be attentive; 3-4:
    grounds for concern; 4 leads to telling the child welfare service.

    An internal working tool of the service: never shown to the family, and
    shared in the log with the participating services only.
    """

    _name = "bti.tool.concern_scale"
    _description = "Concern Scale"
    _inherit = ["bti.tool.mixin"]
    # Which of the two scales it is says nothing about the child.
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS | {"kind"}
    _bti_create_fields = TOOL_CREATE_FIELDS | SCALE_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | SCALE_FIELDS}
    _bti_tool_family = False
    _bti_tool_report = "bti_tools.action_report_tool_concern_scale"

    previous_id = fields.Many2one(
        "bti.tool.concern_scale",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    kind = fields.Selection(
        SCALE_KINDS, string="Scale", required=True, default="child", tracking=True
    )
    indicator_ids = fields.Many2many(
        "bti.tool.concern.indicator",
        "bti_tool_concern_scale_indicator_rel",
        "scale_id",
        "indicator_id",
        string="Indicators",
        domain="[('kind', '=', kind)]",
        # A ticked indicator stays on the scale after it is archived.
        context={"active_test": False},
        help="The indicators of the scale you see; the highest step among them "
        "is the scale's step.",
    )
    computed_step = fields.Selection(
        STEPS,
        string="Step of the Indicators",
        compute="_compute_computed_step",
        store=True,
        help="The highest step among the ticked indicators.",
    )
    step_override = fields.Selection(
        STEPS,
        string="Set Higher",
        tracking=True,
        help="Your own assessment, when it is graver than the indicators say: "
        "only higher than their step, and with your reason.",
    )
    override_reason = fields.Text(string="Reason for Setting It Higher")
    step = fields.Selection(
        STEPS,
        compute="_compute_step",
        store=True,
        index=True,
        help="The step of the indicators, or the one you set higher.",
    )
    step_number = fields.Integer(
        string="Step (number)",
        compute="_compute_step_number",
        store=True,
        aggregator="max",
    )
    heading = fields.Char(compute="_compute_heading")
    step_label = fields.Char(string="Meaning", compute="_compute_heading")
    observations = fields.Html(
        string="What You See",
        sanitize=True,
        help="Observations, not conclusions: what, when, where, how often.",
    )
    note = fields.Html(sanitize=True)

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    # Only the ticking: the step of a final scale is kept as it was decided,
    # whatever an administrator later changes in the indicators.
    @api.depends("indicator_ids")
    def _compute_computed_step(self):
        for scale in self:
            steps = scale.indicator_ids.mapped("step")
            scale.computed_step = max(steps) if steps else False

    @api.depends("computed_step", "step_override")
    def _compute_step(self):
        for scale in self:
            steps = [s for s in (scale.computed_step, scale.step_override) if s]
            scale.step = max(steps) if steps else False

    @api.depends("step")
    def _compute_step_number(self):
        for scale in self:
            scale.step_number = int(scale.step) if scale.step else 0

    @api.depends("step", "kind")
    def _compute_heading(self):
        for scale in self:
            if not scale.step:
                scale.heading = False
                scale.step_label = False
                continue
            scale.heading = (
                _("Grounds for concern")
                if scale.step in ("3", "4")
                else _("Be attentive")
            )
            scale.step_label = scale._bti_step_labels()[scale.step]

    def _bti_step_labels(self):
        """What each step means on this scale (the child's or the parents')."""
        if self.kind == "parents":
            return {
                "1": _("Families with generally good wellbeing"),
                "2": _(
                    "Reduced wellbeing: irregular attendance, missed meetings, "
                    "broken agreements, changing capacity to care"
                ),
                "3": _(
                    "Signals from guardians with their own difficulties: illness, "
                    "smell of alcohol, irritation, isolation, anxiety, reduced care"
                ),
                "4": _(
                    "Signals where the child welfare service or the police must be told"
                ),
            }
        return {
            "1": _("Generally good wellbeing"),
            "2": _("Reduced wellbeing"),
            "3": _("Needs adaptation: clearly poor wellbeing, changed behaviour"),
            "4": _(
                "Signals where the child welfare service or the police must be told"
            ),
        }

    def _bti_kind_label(self):
        return dict(self._fields["kind"]._description_selection(self.env)).get(
            self.kind, ""
        )

    def _bti_report_steps(self):
        """The four steps of the print: heading, meaning, ticked indicators."""
        self.ensure_one()
        labels = self._bti_step_labels()
        return [
            {
                "step": step,
                "heading": _("Grounds for concern")
                if step in ("3", "4")
                else _("Be attentive"),
                "label": labels[step],
                "indicators": self.indicator_ids.filtered(
                    lambda i, step=step: i.step == step
                ),
            }
            for step, _label in STEPS
        ]

    def _bti_label(self):
        label = super()._bti_label()
        return f"{label} – {self._bti_kind_label()}" if self.kind else label

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.onchange("kind")
    def _onchange_kind(self):
        self.indicator_ids = self.indicator_ids.filtered(lambda i: i.kind == self.kind)

    @api.constrains("kind", "indicator_ids")
    def _check_indicator_kind(self):
        for scale in self:
            if scale.indicator_ids.filtered(lambda i, s=scale: i.kind != s.kind):
                raise ValidationError(
                    _(
                        "A concern scale of %s holds only the indicators of that "
                        "scale.",
                        scale._bti_kind_label().lower(),
                    )
                )

    @api.constrains("indicator_ids", "step_override", "override_reason")
    def _check_override(self):
        for scale in self.filtered("step_override"):
            if scale.computed_step and scale.step_override < scale.computed_step:
                raise ValidationError(
                    _(
                        "The step follows from the ticked indicators; it can only "
                        "be set higher, with a reason."
                    )
                )
            if not (scale.override_reason or "").strip():
                raise ValidationError(
                    _("Give your reason for setting the step higher.")
                )

    def _bti_check_finalizable(self):
        for scale in self:
            if not scale.step:
                raise ValidationError(
                    _(
                        "Tick the indicators you see, or set the step with your "
                        "reason, before making the concern scale final."
                    )
                )
            if scale.step in ("3", "4"):
                seen = scale.indicator_ids.filtered(lambda i, s=scale: i.step == s.step)
                reasoned = scale.step_override == scale.step and bool(
                    (scale.override_reason or "").strip()
                )
                if not (seen or reasoned):
                    raise ValidationError(
                        _(
                            "A concern scale at step 3 or 4 needs the indicators "
                            "you see, or your reason."
                        )
                    )

    # ------------------------------------------------------------------
    # Windows and actions
    # ------------------------------------------------------------------
    @api.model
    def _bti_tool_window(self, case, view_mode="list,form", res_id=False):
        # The scales of a case are also read over time.
        if view_mode == "list,form":
            view_mode = "list,form,graph"
        return super()._bti_tool_window(case, view_mode=view_mode, res_id=res_id)

    def action_report_child_welfare(self):
        """Step 4: tell the child welfare service. Opens a new report to child
        welfare on the case, with the scale's observations; on an active case
        the current user also gets the task on the case (the duty to inform
        is personal). On a case at level 0, the decision "report to the child
        welfare service" is recorded on the case once the report is sent."""
        self.ensure_one()
        self._bti_check_action("action_report_child_welfare")
        if self.step != "4":
            raise UserError(
                _(
                    "Only a concern scale at step 4 leads to telling the child "
                    "welfare service."
                )
            )
        case = self.case_id
        if case.state not in ("wondering", "active"):
            raise UserError(_("Case %s is closed.", case.name))
        if case.state == "active":
            self._bti_schedule_child_welfare_task(case)
        Report = self.env["bti.tool.child_welfare_report"]
        action = Report._bti_tool_window(case, view_mode="form")
        action["context"] = {
            **action["context"],
            "default_observations": self.observations or False,
        }
        return action

    def _bti_schedule_child_welfare_task(self, case):
        activity_type = self.env.ref("bti_tools.mail_activity_type_bti_child_welfare")
        pending = case.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type and a.user_id == self.env.user
        )
        if pending:
            return
        case.activity_schedule(
            "bti_tools.mail_activity_type_bti_child_welfare",
            date_deadline=self._bti_today(),
            user_id=self.env.uid,
            summary=_("Concern scale at step 4: tell the child welfare service"),
            note=_(
                "A concern scale is at step 4: signals where the child welfare "
                "service (and the police) must be told. Do not tell the parents "
                "first if violence or abuse is suspected."
            ),
        )
