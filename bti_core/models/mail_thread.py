from odoo import models


class MailThread(models.AbstractModel):
    """No calls home: no web push (it goes through the browser vendors' push
    services)."""

    _inherit = "mail.thread"

    def _notify_thread_by_web_push(
        self, message, recipients_data, msg_vals=False, **kwargs
    ):
        return
