from odoo import _, models


class IrAttachment(models.Model):
    """A file of a BTI record that is downloaded is a "download" in the access
    log of the record's case."""

    _inherit = "ir.attachment"

    def _to_http_stream(self):
        # Every download of a stored file passes here, after the access check:
        # /web/content and /web/image by attachment id or by a record's
        # binary field (ir.binary._record_to_stream), the zip of a message's
        # files, discuss.
        stream = super()._to_http_stream()
        self._bti_log_download()
        return stream

    def _bti_log_download(self):
        # sudo: which record the file belongs to; the caller checked the
        # right to read the file itself.
        attachment = self.sudo()
        model = attachment.res_model
        if not (model and model.startswith("bti.") and model in self.env):
            return
        if not attachment.res_id:
            return
        self.env["bti.access.log"]._bti_log_records(
            self.env[model].browse(attachment.res_id),
            "download",
            _("File #%s", attachment.id),
        )
