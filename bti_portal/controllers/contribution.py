from odoo import _
from odoo.exceptions import UserError
from odoo.http import request, route

from ..models.family_files import (
    CONTRIBUTION_MAX_BYTES,
    CONTRIBUTION_MAX_CHARS,
)
from .portal import BtiFamilyPortal


class BtiFamilyContribution(BtiFamilyPortal):
    """Write to the log: the form on the log page, and its POST (CSRF
    checked by Odoo). The checks and the writing are the case's
    (action_family_contribute); the page shows what went wrong, and nothing
    is half-written."""

    @route()
    def bti_case_log(self, case_id, **kw):
        response = super().bti_case_log(case_id, **kw)
        case = getattr(response, "qcontext", {}).get("case")
        if case:
            response.qcontext.update(self._bti_contribution_values(case))
            response.qcontext["contribution_sent"] = kw.get("sent") == "1"
        return response

    def _bti_contribution_values(self, case):
        return {
            "may_contribute": case._bti_family_log_open(),
            "contribution_max_chars": CONTRIBUTION_MAX_CHARS,
            "contribution_max_mb": CONTRIBUTION_MAX_BYTES // (1024 * 1024),
            "contribution_text": "",
            "contribution_error": False,
        }

    @route(
        ["/my/bti/<int:case_id>/log/write"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        # Anything much larger is refused before it is read.
        max_content_length=2 * CONTRIBUTION_MAX_BYTES,
    )
    def bti_case_contribute(self, case_id, text=None, attachment=None, **kw):
        case = self._bti_family_case(case_id)
        if not case:
            return request.not_found()
        file_name = file_content = None
        if attachment is not None and getattr(attachment, "filename", None):
            file_name = attachment.filename
            # One byte more than allowed tells a file that is too large.
            file_content = attachment.read(CONTRIBUTION_MAX_BYTES + 1)
        try:
            case.action_family_contribute(
                text=text, file_name=file_name, file_content=file_content
            )
        except UserError as error:
            response = self.bti_case_log(case_id)
            response.qcontext.update(
                {
                    "contribution_text": text if isinstance(text, str) else "",
                    "contribution_error": error.args[0]
                    if error.args
                    else _("It could not be sent."),
                }
            )
            response.status_code = 400
            return response
        return request.redirect(f"/my/bti/{case.id}/log?sent=1", local=True)
