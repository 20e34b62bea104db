from odoo import fields, models, tools


class MailMail(models.Model):
    """Outgoing e-mails of BTI records.

    * A BTI notification never carries attachments.
    * The last line of defence of a suspicion of violence or abuse: an e-mail
      about a case that carries it (or about its content, or a calendar event
      of one of its meetings) is not sent to the family, also when it was
      queued before the case was marked.
    """

    _inherit = "mail.mail"

    bti_content_free = fields.Boolean(
        help="Technical: a BTI notification; its attachments are never sent."
    )

    def _bti_thread_record(self):
        """The BTI record this e-mail is about (a sudo record), if any: the
        record of the message, or the meeting of a calendar event."""
        self.ensure_one()
        # sudo: the mail queue is the system's; only the record's case is asked.
        # sudo: the e-mail's document decides who it must not reach; only the
        # record (to ask it) and partner ids leave these helpers.
        model, res_id = self.sudo().model, self.sudo().res_id
        if model == "calendar.event" and res_id:
            event_sudo = self.env["calendar.event"].sudo().browse(res_id).exists()
            model, res_id = event_sudo.res_model, event_sudo.res_id
        if not (model and res_id and model in self.env):
            return None
        record_sudo = self.env[model].sudo().browse(res_id).exists()
        if not record_sudo or not hasattr(record_sudo, "_bti_family_silenced"):
            return None
        return record_sudo

    def _bti_silenced_family(self):
        """Partner ids and addresses of the family this e-mail must not reach."""
        record_sudo = self._bti_thread_record()
        if record_sudo is None or not record_sudo._bti_family_silenced():
            return set(), set()
        family, _past_staff = record_sudo._bti_people()
        partners_sudo = self.env["res.partner"].sudo().browse(family)
        emails = {
            email
            for partner in partners_sudo
            for email in tools.mail.email_normalize_all(partner.email or "")
        }
        return family, emails

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
        family, family_emails = self._bti_silenced_family()
        if family:
            emails = [
                email
                for email in emails
                if (email.get("partner_id") or self.env["res.partner"]).id not in family
                and not set(email.get("email_to_normalized") or ()) & family_emails
            ]
        return emails
