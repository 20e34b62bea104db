from odoo import models


class BtiCase(models.Model):
    """E-mail to the family when the log has something new for them: that
    there is something new and where to log in, never what it is."""

    _inherit = "bti.case"

    def _bti_announce_log_entry(self, entry):
        res = super()._bti_announce_log_entry(entry)
        self._bti_tell_family_of(entry)
        return res

    def _bti_tell_family_of(self, entry):
        self.ensure_one()
        if entry.visibility != "family":
            return
        # sudo: the flags only; no family e-mail while violence is suspected
        # or on a closed case.
        case_sudo = self.sudo()
        if case_sudo.violence_suspicion or case_sudo.state == "closed":
            return
        template = self.env.ref("bti_portal.mail_template_family_news")
        for user in self.family_user_ids:
            if user == entry.sudo().author_id:
                continue
            # Only a member of the family who reads the entry hears of it (the
            # parents of a young person of 16 do not hear of health notes).
            if not entry.with_user(user).is_family_readable:
                continue
            # sudo: the template renders the user's name and the login address
            # only; the family's login cannot send mail itself.
            template.sudo().send_mail(user.id, force_send=False)
