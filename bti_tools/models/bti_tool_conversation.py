from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_UNLOGGED_FIELDS, TOOL_WRITE_FIELDS

# What the author writes in a draft conversation: before, during and after.
CONVERSATION_FIELDS = frozenset(
    {
        "with_whom",
        # before
        "purpose",
        "staff_ids",
        "family_partner_ids",
        "situations",
        "must_be_said",
        "writer_id",
        "planned_duration",
        "interpreter_needed",
        "interpreter_language",
        "invitation",
        # during
        "recognise_concern",
        "their_view",
        "disagreement",
        "child_voice",
        "child_words",
        # after
        "agreements",
        "followup_date",
        "followup_user_id",
    }
)

# The staff of a necessary conversation: few enough not to overwhelm.
MAX_STAFF = 2


class BtiToolConversation(models.Model):
    """The necessary conversation (samtaleskjema, "den nødvendige samtalen")
    with the parents or with the child: prepared (before), recorded (during)
    and followed up (after). The child's own words are a field of their own.

    Made with the family: it may be shared with them, and the family's copy
    leaves the internal preparation out. On a suspicion of violence or abuse
    the conversation with the parents is not held: the child welfare service
    is contacted instead (the form says so).
    """

    _name = "bti.tool.conversation"
    _description = "BTI Conversation"
    _inherit = ["bti.tool.mixin"]
    # With whom is the kind of conversation, not its content.
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS | {"with_whom"}
    _bti_create_fields = TOOL_CREATE_FIELDS | CONVERSATION_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | CONVERSATION_FIELDS}
    _bti_tool_report = "bti_tools.action_report_tool_conversation"
    _bti_tool_family_report = "bti_tools.action_report_tool_conversation_family"

    previous_id = fields.Many2one(
        "bti.tool.conversation",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    with_whom = fields.Selection(
        [
            ("parents", "With the parents"),
            ("child", "With the child or young person"),
        ],
        string="Conversation",
        required=True,
        default="parents",
        tracking=True,
    )
    violence_suspicion = fields.Boolean(
        related="case_id.violence_suspicion",
        string="Suspicion of Violence or Abuse",
        help="While the case carries it, nothing reaches the family.",
    )

    # Before ----------------------------------------------------------------
    purpose = fields.Text(
        help="Why the conversation is held: what you wonder about or are "
        "concerned about, said plainly. Required to make the form final.",
    )
    staff_ids = fields.Many2many(
        "res.users",
        "bti_tool_conversation_staff_rel",
        "conversation_id",
        "user_id",
        string="Staff Taking Part",
        default=lambda self: self.env.user,
        help="At most two. In a conversation with the parents, one of them "
        "should be a leader.",
    )
    family_partner_ids = fields.Many2many(
        "res.partner",
        "bti_tool_conversation_partner_rel",
        "conversation_id",
        "partner_id",
        string="Family Taking Part",
        help="The guardians, or the child or young person, taking part.",
    )
    situations = fields.Html(
        string="Concrete Situations",
        sanitize=True,
        help="What you saw and heard, with dates: concrete situations, also "
        "those where the child does well.",
    )
    must_be_said = fields.Html(
        string="What Must Be Said",
        sanitize=True,
        help="What has to be said in the conversation, whatever turn it takes.",
    )
    writer_id = fields.Many2one(
        "res.users",
        string="Who Writes",
        ondelete="set null",
        help="Who of the staff takes notes during the conversation.",
    )
    planned_duration = fields.Float(
        help="How long the conversation is planned to be, in hours and minutes."
    )
    interpreter_needed = fields.Boolean(
        help="An interpreter is needed (never a family member or a child)."
    )
    interpreter_language = fields.Char(help="The language the interpreter speaks.")
    invitation = fields.Html(
        sanitize=True,
        help="The invitation: the purpose, the time, how long it will take and "
        "who takes part.",
    )

    # During ----------------------------------------------------------------
    recognise_concern = fields.Selection(
        [
            ("yes", "Yes"),
            ("partly", "Partly"),
            ("no", "No"),
            ("not_asked", "Not asked"),
        ],
        string="Do They Recognise and Share the Concern?",
    )
    their_view = fields.Html(
        sanitize=True,
        help="How they see the situation, in their own terms.",
    )
    disagreement = fields.Html(
        string="Where We Disagree",
        sanitize=True,
        help="Disagreement is allowed: write down where you see things differently.",
    )
    child_voice = fields.Html(
        string="The Child's Voice",
        sanitize=True,
        help="How the child is doing in the parents' eyes. Do not quote the child "
        "where it could burden the child's loyalty to the parents.",
    )
    child_words = fields.Html(
        string="The Child's Own Words",
        sanitize=True,
        help="What the child said, in the child's own words. Never promise to keep "
        "a secret; ask no leading questions; explain who will be told; the "
        "child may stop at any time.",
    )

    # After -----------------------------------------------------------------
    agreements = fields.Html(
        sanitize=True,
        help="What was agreed: who does what, by when. Required to make the form "
        "final.",
    )
    followup_date = fields.Date(
        string="Follow-up Date",
        help="When what was agreed is followed up. Making the form final gives the "
        "follow-up person an activity on that day.",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Who Follows Up",
        ondelete="set null",
        default=lambda self: self.env.user,
    )

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains("staff_ids")
    def _check_staff(self):
        for conversation in self:
            if len(conversation.staff_ids) > MAX_STAFF:
                raise ValidationError(
                    _(
                        "At most %s staff take part in the conversation, so that "
                        "the family is not outnumbered.",
                        MAX_STAFF,
                    )
                )

    @api.constrains("family_partner_ids", "case_id")
    def _check_family_partners(self):
        for conversation in self.filtered("family_partner_ids"):
            case_sudo = conversation.case_id.sudo()  # sudo: compares partner ids only
            family = case_sudo.subject_partner_id | case_sudo.guardian_ids.partner_id
            strangers = conversation.family_partner_ids - family
            if strangers:
                raise ValidationError(
                    _(
                        "%s is not the person or a guardian in this case.",
                        ", ".join(strangers.mapped("name")),
                    )
                )

    @api.constrains("interpreter_needed", "interpreter_language")
    def _check_interpreter(self):
        for conversation in self:
            if (
                conversation.interpreter_needed
                and not (conversation.interpreter_language or "").strip()
            ):
                raise ValidationError(
                    _("Say which language the interpreter is needed for.")
                )

    def _bti_check_finalizable(self):
        for conversation in self:
            if not (conversation.purpose or "").strip():
                raise ValidationError(
                    _("Write the purpose of the conversation before making it final.")
                )
            if is_html_empty(conversation.agreements):
                raise ValidationError(
                    _(
                        "Write down what was agreed before making the conversation "
                        "final (also when nothing was agreed: say so)."
                    )
                )
            # Whoever follows up reads the final form (the read rule: final
            # and readable to them), else the activity would point them to a
            # form, and a case, they may not see.
            follower = conversation.followup_user_id
            if (
                conversation.followup_date
                and follower
                and not conversation.with_user(follower).is_readable
            ):
                raise ValidationError(
                    _(
                        "%s may not read this conversation and so cannot follow it "
                        "up: choose someone who may read it, or share it with their "
                        "service.",
                        follower.name,
                    )
                )

    def _bti_after_finalize(self):
        self.ensure_one()
        if self.followup_date:
            # sudo: the form is final, closed to every user's writes, and
            # scheduling subscribes the follow-up person to it (a write); who
            # follows up may read it (_bti_check_finalizable).
            self.sudo().activity_schedule(
                "bti_tools.mail_activity_type_bti_follow_up",
                date_deadline=self.followup_date,
                user_id=self.followup_user_id.id or self.env.uid,
                summary=_(
                    "Follow up the conversation about case %s", self.case_id.name
                ),
            )
        return True

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_print_family(self):
        """The family's copy on paper (for a family without a digital login):
        without the internal preparation."""
        self.ensure_one()
        self._bti_check_action("action_print_family")
        # sudo: the flag only, for a reader of the form.
        if self.case_id.sudo().violence_suspicion:
            raise UserError(
                _(
                    "While violence or abuse is suspected, nothing is given to "
                    "the family."
                )
            )
        return self.env.ref(self._bti_tool_family_report).report_action(self)
