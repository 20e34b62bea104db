from odoo import api, models


class MailLinkPreview(models.Model):
    """No calls home: the server never fetches the links of a message."""

    _inherit = "mail.link.preview"

    @api.model
    def _is_link_preview_enabled(self):
        return False

    @api.model
    def _create_from_message_and_notify(self, message, request_url=None):
        return self.browse()
