from collections.abc import Mapping

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_WRITE_FIELDS

# What the employee writes in a draft motivational conversation (TOOLS.md,
# tool 10).
MI_FIELDS = frozenset(
    {
        "person_partner_id",
        "change",
        "agenda",
        "phase",
        "importance",
        "importance_why",
        "confidence",
        "confidence_why",
        "own_words",
        "plan",
    }
)
# The person's answers on the two scales: a whole number from 0 to 10, where
# 0 is an answer as good as any other (a selection, so that "not answered
# yet" is not read as 0).
SCORE_FIELDS = ("importance", "confidence")
SCORES = [(str(score), str(score)) for score in range(11)]
SCORE_VALUES = frozenset(value for value, _label in SCORES)
PHASES = [
    ("engage", "Engage"),
    ("focus", "Focus"),
    ("evoke", "Evoke"),
    ("plan", "Plan"),
]


class BtiToolMiGuide(models.Model):
    """The motivational conversation (motiverende samtale) with the child or
    young person, or a guardian: the change talked about, an agenda chosen
    with the person, where the conversation is (engage, focus, evoke, plan),
    and the two scales: "on a scale from 0 to 10, how important is this
    change to you?" and "how confident are you that you can make it?", each
    with "why not lower?". The person's own words are kept apart from the
    employee's plan.

    Made with the person: it may be shared with the family. Repeated
    conversations on a case show the scores over time (the graph view, on the
    stored numbers of the two answers).
    """

    _name = "bti.tool.mi_guide"
    _description = "Motivational Conversation"
    _inherit = ["bti.tool.mixin"]
    _bti_create_fields = TOOL_CREATE_FIELDS | MI_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | MI_FIELDS}
    _bti_tool_report = "bti_tools.action_report_tool_mi_guide"

    previous_id = fields.Many2one(
        "bti.tool.mi_guide",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    person_partner_id = fields.Many2one(
        "res.partner",
        string="Who We Talk With",
        ondelete="restrict",
        tracking=True,
        help="The child or young person of the case, or one of the guardians. "
        "Required to make the form final.",
    )
    violence_suspicion = fields.Boolean(
        related="case_id.violence_suspicion",
        string="Suspicion of Violence or Abuse",
        help="While the case carries it, nothing reaches the family.",
    )
    change = fields.Char(
        string="The Change",
        help="The change talked about, in a few words: what the person wants, or "
        "is thinking about, doing differently. Required to make the form final.",
    )
    agenda = fields.Html(
        sanitize=True,
        help="What to talk about, chosen together with the person.",
    )
    phase = fields.Selection(
        PHASES,
        string="Where the Conversation Is",
        default="engage",
        tracking=True,
        help="Engage: build the relationship. Focus: agree on what to talk about. "
        "Evoke: draw out the person's own reasons for change. Plan: how and when.",
    )
    importance = fields.Selection(
        SCORES,
        string="Importance (0–10)",
        help='"On a scale from 0 to 10, how important is this change to you?" '
        "Required to make the form final; 0 is an answer too.",
    )
    importance_why = fields.Text(
        string="Importance: Why Not Lower?",
        help='"Why not lower?" – the person\'s own reasons why the change matters.',
    )
    confidence = fields.Selection(
        SCORES,
        string="Confidence (0–10)",
        help='"On a scale from 0 to 10, how confident are you that you can make '
        'this change?" (mestringstro). Required to make the form final; 0 is an '
        "answer too.",
    )
    confidence_why = fields.Text(
        string="Confidence: Why Not Lower?",
        help='"Why not lower?" – what the person already has, or can do, that '
        "makes the change possible.",
    )
    own_words = fields.Html(
        string="In the Person's Own Words",
        sanitize=True,
        help="What the person said, as they said it: kept apart from your own "
        "interpretation.",
    )
    plan = fields.Html(
        sanitize=True,
        help="The next steps the person chose: what, when, and who helps.",
    )
    # The answers as numbers, for the graph over time (the average per day).
    importance_score = fields.Integer(
        string="Importance",
        compute="_compute_scores",
        store=True,
        aggregator="avg",
    )
    confidence_score = fields.Integer(
        string="Confidence",
        compute="_compute_scores",
        store=True,
        aggregator="avg",
    )

    @api.depends("importance", "confidence")
    def _compute_scores(self):
        for conversation in self:
            conversation.importance_score = int(conversation.importance or 0)
            conversation.confidence_score = int(conversation.confidence or 0)

    def _bti_label(self):
        label = super()._bti_label()
        return f"{label} – {self.change}" if self.change else label

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.model
    def _bti_clean_scores(self, vals):
        """``vals`` with each score as the selection holds it, or a clear
        refusal: a score is a whole number from 0 to 10 (an RPC client may
        send anything; the ORM's own refusal is no message for a person)."""
        vals = dict(vals)
        for name in SCORE_FIELDS:
            if name not in vals:
                continue
            value = vals[name]
            if value is None or value is False or value == "":
                vals[name] = False
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or value.strip() not in SCORE_VALUES:
                raise ValidationError(
                    _(
                        "%(field)s: a score is a whole number from 0 to 10, "
                        "not %(value)s.",
                        field=self._fields[name]._description_string(self.env),
                        value=vals[name],
                    )
                )
            vals[name] = value.strip()
        return vals

    @api.model
    def _bti_check_vals_shape(self, vals_list):
        # The scores first, in their own words: a number is taken as the
        # selection holds it (the prepare hooks clean them the same way).
        if isinstance(vals_list, (list, tuple)):
            vals_list = [
                self._bti_clean_scores(vals) if isinstance(vals, Mapping) else vals
                for vals in vals_list
            ]
        return super()._bti_check_vals_shape(vals_list)

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        vals_list = [self._bti_clean_scores(vals) for vals in vals_list]
        return super()._bti_prepare_create_vals(vals_list)

    def _bti_prepare_write_vals(self, vals):
        return super()._bti_prepare_write_vals(self._bti_clean_scores(vals))

    @api.constrains("person_partner_id", "case_id")
    def _check_person(self):
        for conversation in self.filtered("person_partner_id"):
            case_sudo = conversation.case_id.sudo()  # sudo: compares partner ids only
            family = case_sudo.subject_partner_id | case_sudo.guardian_ids.partner_id
            if conversation.person_partner_id not in family:
                raise ValidationError(
                    _(
                        "%s is not the child or young person, or a guardian, in "
                        "this case: a motivational conversation is held with one "
                        "of them.",
                        conversation.person_partner_id.name,
                    )
                )

    def _bti_check_finalizable(self):
        for conversation in self:
            if not conversation.person_partner_id:
                raise ValidationError(
                    _(
                        "Say who you talked with before making the motivational "
                        "conversation final."
                    )
                )
            if not (conversation.change or "").strip():
                raise ValidationError(
                    _(
                        "Write the change you talked about before making the "
                        "motivational conversation final."
                    )
                )
            missing = [
                conversation._fields[name]._description_string(self.env)
                for name in SCORE_FIELDS
                if not conversation[name]
            ]
            if missing:
                raise ValidationError(
                    _(
                        "Record the person's answer on both scales before making "
                        "the motivational conversation final (0 is an answer "
                        "too). Missing: %s.",
                        ", ".join(missing),
                    )
                )

    # ------------------------------------------------------------------
    # Windows
    # ------------------------------------------------------------------
    @api.model
    def _bti_tool_window(self, case, view_mode="list,form", res_id=False):
        # The conversations of a case are also read over time.
        if view_mode == "list,form":
            view_mode = "list,form,graph"
        return super()._bti_tool_window(case, view_mode=view_mode, res_id=res_id)
