from odoo import models

from .bti_mail_thread import check_message_kwargs


class MailThread(models.AbstractModel):
    """No calls home: no web push (it goes through the browser vendors' push
    services). On BTI models whose chatter is Odoo's own (services, the
    measure catalogue, mapping templates), the chatter's arguments are
    checked in shape as on the others (bti.mail.thread)."""

    _inherit = "mail.thread"

    def _notify_thread_by_web_push(
        self, message, recipients_data, msg_vals=False, **kwargs
    ):
        return

    def message_post(self, **kwargs):
        if self._name.startswith("bti."):
            check_message_kwargs(self.env, kwargs)
        return super().message_post(**kwargs)

    def message_notify(self, **kwargs):
        if self._name.startswith("bti."):
            check_message_kwargs(self.env, kwargs)
        return super().message_notify(**kwargs)
