from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, is_html_empty

from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_UNLOGGED_FIELDS, TOOL_WRITE_FIELDS

# The parts of the form (TOOLS.md, tool 11): what the parents and the
# kindergarten teacher fill in and merge at the closing meeting.
FAMILY_FIELDS = ("family_wants_known", "family_thoughts")
CHILD_FIELDS = (
    "child_likes",
    "child_looks_forward",
    "child_good_at",
    "child_wonders",
    "child_wants_known",
)
KINDERGARTEN_FIELDS = (
    "kg_interests",
    "kg_play",
    "kg_language",
    "kg_multilingual",
    "kg_languages",
    "kg_social",
    "kg_motor",
    "kg_adaptation",
)
PART_FIELDS = FAMILY_FIELDS + CHILD_FIELDS + KINDERGARTEN_FIELDS
# Everything a declined form loses: the parts, and where and when the child
# starts school (only the decision, its date and the signatures are kept).
CONTENT_FIELDS = PART_FIELDS + (
    "recipient_service_id",
    "school_start_date",
    "closing_meeting_date",
)
TRANSITION_FIELDS = frozenset(CONTENT_FIELDS)
DECISIONS = [
    ("pending", "Pending"),
    ("pass_on", "Pass on to the school"),
    ("declined", "Declined"),
]


class BtiToolTransition(models.Model):
    """The transition form kindergarten → school (overgangsskjema): the
    family's part, the child's own answers and the kindergarten's part,
    merged at the closing meeting and signed by the guardians with parental
    responsibility and the kindergarten teacher, in the system or on paper.

    Made with the family: it may be shared with them in the log. Until the
    parents decide, it stays in the kindergarten (visibility "service", the
    default): passing it on does not widen the visibility (that would open it
    to every participating service) but grants the receiving school alone
    read access to this form (bti.tool.recipient.mixin), with the parents'
    signatures and a valid consent covering the school, never while violence
    or abuse is suspected. If the parents decline, the content is erased:
    only the decision, its date and the signatures are kept, and nothing is
    ever passed on.
    """

    _name = "bti.tool.transition"
    _description = "Transition Form"
    # The recipient mixin first: its role joins the chain of _bti_record_roles
    # before the protected mixin ends it.
    _inherit = ["bti.tool.recipient.mixin", "bti.tool.mixin"]
    # The decision and the grant are bookkeeping, not content.
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS | {
        "decision",
        "decision_date",
        "recipient_granted",
        "recipient_date",
    }
    _bti_create_fields = TOOL_CREATE_FIELDS | TRANSITION_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | TRANSITION_FIELDS}
    _bti_tool_report = "bti_tools.action_report_tool_transition"

    previous_id = fields.Many2one(
        "bti.tool.transition",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    violence_suspicion = fields.Boolean(
        string="Suspicion of Violence or Abuse",
        compute="_compute_violence_suspicion",
        help="While the case carries it, the form is not passed on and nothing "
        "reaches the family.",
    )

    # The family's part ----------------------------------------------------
    family_wants_known = fields.Html(
        string="What We Want the School to Know",
        sanitize=True,
        help="Written by the parents: what they want the school to know about "
        "their child.",
    )
    family_thoughts = fields.Html(
        string="Our Thoughts About Starting School",
        sanitize=True,
        help="Written by the parents: what they look forward to, and what they "
        "wonder or worry about.",
    )

    # The child's own answers (ours: a few fixed questions) -----------------
    child_likes = fields.Text(
        string="What I Like to Do", help="The child's own words, as the child said it."
    )
    child_looks_forward = fields.Text(
        string="What I Look Forward to at School",
        help="The child's own words, as the child said it.",
    )
    child_good_at = fields.Text(
        string="What I Am Good At", help="The child's own words, as the child said it."
    )
    child_wonders = fields.Text(
        string="What I Wonder About",
        help="The child's own words, as the child said it.",
    )
    child_wants_known = fields.Text(
        string="What I Want My Teacher to Know",
        help="The child's own words, as the child said it.",
    )

    # The kindergarten's part ----------------------------------------------
    kg_interests = fields.Html(
        string="Interests and Strengths",
        sanitize=True,
        help="What the child likes and masters: build on it at school.",
    )
    kg_play = fields.Html(
        string="Play",
        sanitize=True,
        help="How and with whom the child plays.",
    )
    kg_language = fields.Html(
        string="Language",
        sanitize=True,
        help="How the child understands and uses language.",
    )
    kg_multilingual = fields.Boolean(
        string="Multilingual Background",
        help="The child grows up with more than one language.",
    )
    kg_languages = fields.Char(
        string="Languages Spoken",
        help="The languages the child speaks or hears at home, e.g. Norwegian "
        "and Arabic.",
    )
    kg_social = fields.Html(
        string="Social Skills",
        sanitize=True,
        help="Friendships, taking turns, joining a group, handling conflicts.",
    )
    kg_motor = fields.Html(
        string="Motor Skills",
        sanitize=True,
        help="Gross and fine motor skills: running, climbing, drawing, dressing.",
    )
    kg_adaptation = fields.Html(
        string="Needs for Adaptation",
        sanitize=True,
        help="What the school should prepare or adapt so that the child gets a "
        "good start.",
    )

    # The receiving school ---------------------------------------------------
    school_start_date = fields.Date(string="Planned School Start")
    closing_meeting_date = fields.Date(
        string="Closing Meeting",
        help="The meeting where the parents and the kindergarten merge their "
        "parts and sign.",
    )

    # The parents' decision and the signatures -------------------------------
    decision = fields.Selection(
        DECISIONS,
        string="The Parents' Decision",
        required=True,
        default="pending",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    decision_date = fields.Date(readonly=True, copy=False)
    signed_partner_ids = fields.Many2many(
        "res.partner",
        "bti_tool_transition_signed_partner_rel",
        "transition_id",
        "partner_id",
        string="Signed by the Guardians",
        readonly=True,
        copy=False,
    )
    teacher_id = fields.Many2one(
        "res.users",
        string="Signed by the Kindergarten Teacher",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    signed_date = fields.Date(
        string="Signed In the System On", readonly=True, copy=False
    )
    scan = fields.Binary(
        string="Signed Paper Form", attachment=True, readonly=True, copy=False
    )
    scan_name = fields.Char(string="File Name", readonly=True, copy=False)
    scan_received_by_id = fields.Many2one(
        "res.users",
        string="Paper Received By",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    scan_date = fields.Date(string="Signed On Paper On", readonly=True, copy=False)
    signature_summary = fields.Char(
        string="Signatures",
        compute="_compute_signatures",
        compute_sudo=True,
    )
    signatures_complete = fields.Boolean(
        compute="_compute_signatures",
        compute_sudo=True,
        help="Every guardian with parental responsibility and the kindergarten "
        "teacher signed in the system, or the signed paper form is registered.",
    )
    user_may_pass_on = fields.Boolean(compute="_compute_user_may")
    user_may_sign = fields.Boolean(compute="_compute_user_may")
    user_may_decline = fields.Boolean(compute="_compute_user_may")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    @api.depends("case_id")
    def _compute_violence_suspicion(self):
        # Only to readers of the case: a receiving school reads the form, never
        # a mark of its case.
        readable = self.case_id._filtered_access("read")
        for form in self:
            form.violence_suspicion = bool(
                form.case_id in readable and form.case_id.sudo().violence_suspicion
            )

    @api.depends(
        "signed_partner_ids",
        "teacher_id",
        "signed_date",
        "scan_name",
        "scan_date",
        "case_id.guardian_ids.parental_responsibility",
    )
    def _compute_signatures(self):
        for form in self:
            form.signatures_complete = not form._bti_missing_signatures()
            parts = []
            if form.signed_partner_ids or form.teacher_id:
                names = form.signed_partner_ids.mapped("name")
                if form.teacher_id:
                    names.append(_("%s (kindergarten teacher)", form.teacher_id.name))
                parts.append(
                    _(
                        "In the system by %(names)s on %(date)s",
                        names=", ".join(names),
                        date=format_date(self.env, form.signed_date),
                    )
                )
            if form.scan_date:
                parts.append(
                    _(
                        "On paper on %(date)s, received by %(user)s",
                        date=format_date(self.env, form.scan_date),
                        user=form.scan_received_by_id.name,
                    )
                )
            form.signature_summary = "; ".join(parts) or _("Not signed yet")

    @api.depends_context("uid")
    @api.depends("state", "decision", "recipient_granted")
    def _compute_user_may(self):
        for form in self:
            saved = isinstance(form.id, int)
            form.user_may_pass_on = saved and form._bti_may("action_pass_on")
            form.user_may_sign = saved and form._bti_may("action_sign")
            form.user_may_decline = saved and form._bti_may("action_decline")

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains("recipient_service_id")
    def _check_recipient_is_school(self):
        for form in self.filtered("recipient_service_id"):
            # sudo: a flag of the service's configuration.
            if not form.recipient_service_id.sudo().is_school:
                raise ValidationError(
                    _(
                        "%s is not a school: a transition form is passed on to a "
                        "school only.",
                        form.recipient_service_id.sudo().name,
                    )
                )

    @api.constrains("school_start_date", "closing_meeting_date")
    def _check_dates(self):
        for form in self:
            if (
                form.school_start_date
                and form.closing_meeting_date
                and form.closing_meeting_date > form.school_start_date
            ):
                raise ValidationError(
                    _("The closing meeting is held before school starts.")
                )

    def _bti_check_finalizable(self):
        for form in self:
            empty = all(
                is_html_empty(form[name])
                if form._fields[name].type == "html"
                else not form[name]
                for name in PART_FIELDS
            )
            if empty:
                raise ValidationError(
                    _(
                        "Fill in at least one part of the transition form before "
                        "making it final."
                    )
                )

    def _bti_tool_reference(self):
        # sudo: the case's reference only, for the print frame of a school the
        # form was passed on to: it reads this form, not its case.
        return self.case_id.sudo().name or ""
