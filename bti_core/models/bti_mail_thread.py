from odoo import _, api, fields, models


class BtiMailThread(models.AbstractModel):
    """Chatter of a record that belongs to a BTI case.

    * Messages reach only the people of the case: staff who may read the record
      and the family (the person and the guardians); a service that left the
      case can still be told so, explicitly. Anyone else, also an explicit
      recipient or a follower who lost access, is dropped.
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
        case = self._bti_mail_case().sudo()
        family = set((case.subject_partner_id | case.guardian_ids.partner_id).ids)
        past_staff = set()
        if self._name == "bti.case":
            participants = case.with_context(active_test=False).participant_ids
            past_staff = set(participants.service_id.member_ids.partner_id.ids)
        return family, past_staff

    def _bti_may_receive(self, partner, family, past_staff):
        """Whether ``partner`` (a sudo record) may receive messages of ``self``."""
        if partner.id in family:
            return True
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
        # sudo: a recipient may be a child or guardian the poster's rights hide
        # in Contacts; only their users and ids are looked at.
        partners = self.env["res.partner"].sudo().browse(partner_ids)
        return [
            partner.id
            for partner in partners
            if self._bti_may_receive(partner, family, past_staff)
        ]

    def message_post(self, **kwargs):
        if kwargs.get("partner_ids"):
            kwargs["partner_ids"] = self._bti_filter_partner_ids(
                list(kwargs["partner_ids"])
            )
        return super().message_post(**kwargs)

    def message_notify(self, **kwargs):
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
        # Explicit recipients were filtered when the message was posted.
        if msg_vals:
            explicit = set(msg_vals.get("partner_ids") or [])
        else:
            explicit = set(message.sudo().partner_ids.ids)  # ids only, to filter
        return [
            data
            for data in recipients
            if data["id"] in family
            or data["id"] in explicit
            or (
                data.get("uid")
                and not data.get("share")
                and self._bti_user_may_read(data["uid"])
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


class MailMail(models.Model):
    _inherit = "mail.mail"

    bti_content_free = fields.Boolean(
        help="Technical: a BTI notification; its attachments are never sent."
    )

    def _prepare_outgoing_list(
        self, mail_server=False, recipients_follower_status=None
    ):
        emails = super()._prepare_outgoing_list(
            mail_server=mail_server,
            recipients_follower_status=recipients_follower_status,
        )
        if self.bti_content_free:
            for email in emails:
                email["attachments"] = []
        return emails
