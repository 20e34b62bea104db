import os

from odoo import Command, _, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

# What a family writes into the log at most, in characters.
CONTRIBUTION_MAX_CHARS = 5000
# The largest file a family attaches, in bytes: below Odoo's 10 MB limit of
# a form in memory (odoo.http), so that a file too large is told on the page.
CONTRIBUTION_MAX_BYTES = 8 * 1024 * 1024
# The files a family may attach: recognised by their leading bytes (a renamed
# program is refused), and by a name ending that matches what they are.
CONTRIBUTION_FILE_TYPES = {
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
}


def contribution_file_type(file_name, content):
    """The mimetype of an allowed file, or None."""
    ending = os.path.splitext(file_name or "")[1].lower()
    for mimetype, (signatures, endings) in CONTRIBUTION_FILE_TYPES.items():
        if content.startswith(signatures) and ending in endings:
            return mimetype
    return None


class BtiCase(models.Model):
    _inherit = "bti.case"

    def _bti_family_log_open(self):
        """Whether the family may write in the log of this case now: it is
        open only after consent, and never when closed."""
        self.ensure_one()
        # sudo: the state and the consents decide; only a bool leaves.
        return self.sudo().state != "closed" and bool(
            self.env["bti.access.policy"]._valid_consents(self)
        )

    def _bti_check_contribution(self, text, file_name, file_content):
        """Refuse a contribution that is empty, too long, or with a file that
        is not an allowed type or too large. Nothing is written here."""
        text = (text or "").strip() if isinstance(text, str) else ""
        if not text:
            raise UserError(_("Write something before you send it."))
        if len(text) > CONTRIBUTION_MAX_CHARS:
            raise UserError(
                _(
                    "The text is too long: at most %(max)s characters "
                    "(you wrote %(count)s).",
                    max=CONTRIBUTION_MAX_CHARS,
                    count=len(text),
                )
            )
        mimetype = None
        if file_content or file_name:
            if not isinstance(file_content, bytes) or not file_content:
                raise UserError(_("The file is empty or could not be read."))
            if len(file_content) > CONTRIBUTION_MAX_BYTES:
                raise UserError(
                    _(
                        "The file is too large: at most %s MB.",
                        CONTRIBUTION_MAX_BYTES // (1024 * 1024),
                    )
                )
            mimetype = contribution_file_type(file_name, file_content)
            if not mimetype:
                raise UserError(
                    _(
                        "This type of file cannot be sent. "
                        "You can send a PDF, JPEG or PNG file."
                    )
                )
        return text, mimetype

    def action_family_contribute(self, text=None, file_name=None, file_content=None):
        """The family writes in the log: a published entry of kind "family",
        shared with the family and the participating services. The portal
        user has no right to create entries: the entry is written by the
        system after the checks (the action table's ``family`` role, the
        family's record rule on the case, the log open after consent, the
        text and the file)."""
        self.ensure_one()
        self._bti_check_action("action_family_contribute")
        # The family reads the case through its own rules (also over RPC).
        self.check_access("read")
        if not self._bti_family_log_open():
            raise UserError(
                _(
                    "You can write in the log once a consent is given. "
                    "Talk to the stafettholder or the service."
                )
            )
        text, mimetype = self._bti_check_contribution(text, file_name, file_content)
        partner = self.env.user.partner_id
        # sudo: the portal user creates no log content themselves; every check
        # above passed, and the system writes exactly this entry.
        Entry = (
            self.env["bti.log.entry"]
            .sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
        )
        # All or nothing: a refusal inside leaves no file and no entry.
        with self.env.cr.savepoint():
            attachments = self.env["ir.attachment"]
            if mimetype:
                # sudo: as the entry; claimed by the entry below, never public.
                attachments = (
                    self.env["ir.attachment"]
                    .sudo()
                    .create(
                        {
                            "name": os.path.basename(file_name.replace("\\", "/")),
                            "raw": file_content,
                            "mimetype": mimetype,
                            "res_model": "bti.log.entry",
                            "res_id": 0,
                            "public": False,
                        }
                    )
                )
            # The author is the portal user who wrote it (the content mixin needs
            # a user, and the family_partner_id names them too); the author's
            # service is the owning service, which answers for the case and its
            # log: the family belongs to no service, every log content names one,
            # and the owning service so reads it whatever its read scope.
            entry = Entry.create(
                {
                    "case_id": self.id,
                    "kind": "family",
                    "subject": _("From %s", partner.name),
                    "body": plaintext2html(text),
                    "visibility": "family",
                    "family_partner_id": partner.id,
                    "author_id": self.env.uid,
                    # sudo: the owning service's id only, as below its name.
                    "author_service_id": self.sudo().service_id.id,
                    "attachment_ids": [Command.set(attachments.ids)],
                }
            )
            entry.action_publish()
            # sudo: the portal user may not schedule activities on the case;
            # the to-do names no content.
            self.sudo()._bti_todo_for_responsible(
                _("The family wrote in the stafettlogg of case %s", self.sudo().name)
            )
        return True
