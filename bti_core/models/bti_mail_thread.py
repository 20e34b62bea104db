from collections.abc import Set

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

from .abstract_guard import refuse_abstract
from .bti_vals_shape import is_id, storable_text

# The arguments of message_post and message_notify that BTI reads itself
# (the recipients are filtered) or that name records: lists of ids and ids.
MESSAGE_ID_LISTS = ("partner_ids", "attachment_ids")
MESSAGE_IDS = ("author_id", "parent_id", "subtype_id")


def check_message_kwargs(env, kwargs):
    """Refuse, naming the argument, recipients or attachments that are not a
    list of ids and an author, parent or subtype that is not an id: JSON-RPC
    carries anything, and the recipients are read before Odoo's own code."""
    for name in MESSAGE_ID_LISTS + MESSAGE_IDS:
        value = kwargs.get(name)
        if value is None or value is False:
            continue
        if name in MESSAGE_ID_LISTS:
            fits = isinstance(value, (list, tuple, Set)) and all(
                is_id(item) for item in value
            )
        else:
            fits = is_id(value)
        if not fits:
            raise UserError(env._("%(name)s is not valid for a message.", name=name))
    for name, value in kwargs.items():
        # NUL bytes and lone surrogates fail in psycopg2 (an ERROR in the log).
        if isinstance(value, str) and not storable_text(value):
            raise UserError(env._("%(name)s is not valid for a message.", name=name))
    types = env["mail.message"]._fields["message_type"].get_values(env)
    if "message_type" in kwargs and kwargs["message_type"] not in types:
        raise UserError(
            env._("%(name)s is not valid for a message.", name="message_type")
        )


class BtiMailThread(models.AbstractModel):
    """Chatter of a record that belongs to a BTI case.

    * Messages reach only the people of the case: staff who may read the record
      and the family (the person and the guardians); a service that left the
      case can still be told so, explicitly. Anyone else, also an explicit
      recipient or a follower who lost access, is dropped.
    * While the case carries a suspicion of violence or abuse, the family is
      dropped too: nothing of the case reaches it until the child welfare
      service or a leader lifts the mark.
    * Notification e-mails carry no content: a fixed text saying that
      something new is in case X, with a link; no subject of the author's, no
      attachments. The content stays behind the login and the record rules.
    """

    _name = "bti.mail.thread"
    _description = "BTI Chatter"
    _inherit = ["mail.thread"]

    def _bti_mail_case(self):
        """The case this record belongs to (override on the case itself)."""
        return self.case_id

    def _bti_people(self):
        """Partner ids who may be named on this record's messages: the family of
        the case, and (on the case itself) the staff of every service that ever
        took part, so that a service that left can still be told so, kindly."""
        # sudo: the people of the case decide who may be mailed; only ids leave.
        case_sudo = self._bti_mail_case().sudo()
        family = set(
            (case_sudo.subject_partner_id | case_sudo.guardian_ids.partner_id).ids
        )
        past_staff = set()
        if self._name == "bti.case":
            participants_sudo = case_sudo.with_context(
                active_test=False
            ).participant_ids
            past_staff = set(participants_sudo.service_id.member_ids.partner_id.ids)
        return family, past_staff

    def _bti_family_silenced(self):
        """Whether the case of these records carries a suspicion of violence or
        abuse: then nothing of it reaches the family."""
        # sudo: the flag of the case decides who is mailed; only a bool leaves.
        return any(self._bti_mail_case().sudo().mapped("violence_suspicion"))

    def _bti_check_family_reachable(self):
        """Refuse to reach the family while the case carries the suspicion."""
        # sudo: the flag and the reference of the case only.
        for case_sudo in self._bti_mail_case().sudo():
            if case_sudo.violence_suspicion:
                raise ValidationError(
                    _(
                        "Case %s is marked with a suspicion of violence or abuse: "
                        "nothing reaches the family (no invitation, notification "
                        "or e-mail) until the child welfare service or a leader "
                        "lifts the mark.",
                        case_sudo.name,
                    )
                )

    def _bti_may_receive(self, partner, family, past_staff, silenced=False):
        """Whether ``partner`` (a sudo record) may receive messages of ``self``;
        while ``silenced`` (a suspicion of violence or abuse), the family may not,
        not even a member who is also staff."""
        if partner.id in family:
            return not silenced
        users = partner.user_ids.filtered(lambda u: not u.share)
        return bool(users) and (
            partner.id in past_staff
            or any(self._bti_user_may_read(user.id) for user in users)
        )

    def _bti_filter_partner_ids(self, partner_ids):
        """Keep the explicit recipients who are people of the case: anyone else
        named on a message could read it (Odoo lets recipients read messages)."""
        if not self or not partner_ids:
            return partner_ids
        family, past_staff = self._bti_people()
        silenced = self._bti_family_silenced()
        # sudo: a recipient may be a child or guardian the poster's rights hide
        # in Contacts; only their users and ids are looked at.
        partners_sudo = self.env["res.partner"].sudo().browse(partner_ids)
        return [
            partner.id
            for partner in partners_sudo
            if self._bti_may_receive(partner, family, past_staff, silenced)
        ]

    def message_post(self, **kwargs):
        refuse_abstract(self)
        check_message_kwargs(self.env, kwargs)
        if kwargs.get("partner_ids"):
            kwargs["partner_ids"] = self._bti_filter_partner_ids(
                list(kwargs["partner_ids"])
            )
        return super().message_post(**kwargs)

    def activity_send_mail(self, template_id):
        # Odoo browses the template with what the client sent: text reaches
        # PostgreSQL as an id.
        if "activity_ids" not in self._fields or not is_id(template_id):
            raise UserError(
                self.env._("%(name)s is not valid for a message.", name="template_id")
            )
        return super().activity_send_mail(template_id)

    def message_notify(self, **kwargs):
        refuse_abstract(self)
        check_message_kwargs(self.env, kwargs)
        if kwargs.get("partner_ids"):
            kwargs["partner_ids"] = self._bti_filter_partner_ids(
                list(kwargs["partner_ids"])
            )
        return super().message_notify(**kwargs)

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if not self:
            return recipients
        family, _past_staff = self._bti_people()
        # The suspicion of violence or abuse silences the family, whoever named
        # or followed it (also a message posted before the mark, sent later).
        silenced = family if self._bti_family_silenced() else set()
        # Explicit recipients were filtered when the message was posted.
        if msg_vals:
            explicit = set(msg_vals.get("partner_ids") or [])
        else:
            explicit = set(message.sudo().partner_ids.ids)  # ids only, to filter
        return [
            data
            for data in recipients
            if data["id"] not in silenced
            and (
                data["id"] in family
                or data["id"] in explicit
                or (
                    data.get("uid")
                    and not data.get("share")
                    and self._bti_user_may_read(data["uid"])
                )
            )
        ]

    def _bti_user_may_read(self, uid):
        return self.with_user(uid).has_access("read")

    def _notify_by_email_render_layout(
        self, message, recipients_group, msg_vals=False, render_values=None
    ):
        msg_vals = dict(
            msg_vals or {}, email_layout_xmlid="bti_core.mail_notification_bti"
        )
        case = self._bti_mail_case()
        render_values = dict(
            render_values or {},
            # sudo: the reference only; a family recipient has no user to read it.
            bti_case_name=case.sudo().name if case else "",
            bti_text=self._bti_notification_text(),
        )
        return super()._notify_by_email_render_layout(
            message, recipients_group, msg_vals=msg_vals, render_values=render_values
        )

    def _notify_by_email_get_final_mail_values(
        self, recipient_ids, mail_values, additional_values=None
    ):
        values = super()._notify_by_email_get_final_mail_values(
            recipient_ids, mail_values, additional_values=additional_values
        )
        case = self._bti_mail_case()
        # sudo: the reference only, as in the body.
        values["subject"] = _("New in BTI case %s", case.sudo().name if case else "")
        values["bti_content_free"] = True
        return values

    @api.model
    def _bti_notification_text(self):
        return _(
            "There is something new in this BTI case. Log in to read it: the content "
            "is not sent by e-mail."
        )
