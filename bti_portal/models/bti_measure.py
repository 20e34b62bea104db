from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from odoo.addons.bti_stafettlogg.models.bti_measure import OPEN_STATES

from .family_text import family_text

# What a family writes about one of its measures at most, in characters.
FAMILY_COMMENT_MAX_CHARS = 2000


class BtiMeasure(models.Model):
    """The family's own measures (``responsible_kind == 'family'``): the
    family says in the portal that it has done one, and comments on it. What
    it says is written by the system after the checks (the fields are in no
    allow-list); the staff state does not change: evaluating the measure is
    the services' work."""

    _inherit = "bti.measure"

    family_done_date = fields.Date(
        string="Done According to the Family",
        readonly=True,
        copy=False,
        help="The day the family said in the portal that it has done this measure. "
        "The measure is still evaluated by the services.",
    )
    family_comment = fields.Text(
        string="The Family's Comment",
        readonly=True,
        copy=False,
        help="The family's latest comment on this measure, written in the portal. "
        "Earlier comments are in the chatter.",
    )
    family_comment_partner_id = fields.Many2one(
        "res.partner",
        string="Comment By",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The member of the family who wrote the latest comment.",
    )

    def _bti_family_may_report(self):
        """Whether the current (portal) user may report on this measure now:
        the family's own measure, open, in a log that is open."""
        self.ensure_one()
        # sudo: the kind and state decide; only a bool leaves.
        measure_sudo = self.sudo()
        return (
            measure_sudo.responsible_kind == "family"
            and measure_sudo.state in OPEN_STATES
            and self._bti_may("action_family_report")
            and self.case_id._bti_family_log_open()
        )

    def _bti_check_family_report(self, done, comment):
        """Refuse a report that says nothing or a comment that is too long.
        Returns the cleaned comment; nothing is written here."""
        comment = family_text(self.env, comment, FAMILY_COMMENT_MAX_CHARS)
        if not done and not comment:
            raise UserError(
                _("Write a comment, or tick the box if you have done this.")
            )
        return comment

    def action_family_report(self, done=False, comment=None):
        """The family says that it has done its own measure (``done``) and/or
        comments on it. The portal user has no write right on measures: the
        fields are written by the system after the checks (the action table's
        ``family`` role in an open state, the family's record rule on the
        measure, a measure the family itself is responsible for, the log open
        after consent, the comment). Marking done does not evaluate the
        measure, and a later report does not undo it."""
        self.ensure_one()
        self._bti_check_action("action_family_report")
        # The family reads the measure through its own rules (also over RPC):
        # shared with the family, of a case it may see.
        self.check_access("read")
        # sudo: the kind, the state and the case's reference; the user reads
        # the measure (checked above).
        measure_sudo = self.sudo()
        if measure_sudo.responsible_kind != "family":
            raise UserError(
                _(
                    "Only a measure the family itself is responsible for can be "
                    "reported on here. Talk to the stafettholder about this one."
                )
            )
        if not self.case_id._bti_family_log_open():
            raise UserError(
                _(
                    "You can write in the log once a consent is given. "
                    "Talk to the stafettholder or the service."
                )
            )
        # Only a JSON true (or the portal's ticked box) marks it done.
        newly_done = done is True and not measure_sudo.family_done_date
        comment = self._bti_check_family_report(newly_done, comment)
        partner = self.env.user.partner_id
        vals = {}
        if newly_done:
            vals["family_done_date"] = self.env["bti.access.policy"]._today()
        if comment:
            vals.update(
                {"family_comment": comment, "family_comment_partner_id": partner.id}
            )
        if newly_done and comment:
            headline = _(
                "%s says the family has done this, and comments:", partner.name
            )
        elif newly_done:
            headline = _("%s says the family has done this.", partner.name)
        else:
            headline = _("%s comments:", partner.name)
        body = Markup("<p>%s</p>") % headline
        if comment:
            body += plaintext2html(comment)
        # All or nothing: the fields, the note and the to-do.
        with self.env.cr.savepoint():
            # sudo: the portal user may not write measures; every check above
            # passed, and the system writes exactly these fields.
            measure_sudo._bti_system_write(vals)
            # sudo: the portal user may not post on the measure; an internal
            # note (the family reads no notes), mailed to nobody, that keeps
            # every report; the author is the family member, who does not
            # follow the measure.
            measure_sudo.with_context(mail_create_nosubscribe=True).message_post(
                body=body,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            case_sudo = measure_sudo.case_id
            # sudo: the portal user may not schedule activities on the case;
            # the to-do names no content, only the case's reference.
            case_sudo._bti_todo_for_responsible(
                _(
                    "The family reported on one of its measures in the stafettlogg "
                    "of case %s",
                    case_sudo.name,
                )
            )
        return True
