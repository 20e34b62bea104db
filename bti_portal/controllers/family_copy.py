from odoo.exceptions import UserError
from odoo.http import content_disposition, request, route

from .portal import BtiFamilyPortal


class BtiFamilyCopy(BtiFamilyPortal):
    """The family's copy of the log as a PDF: the paper copy the services
    print for the family (only what was shared with the family), downloaded
    by the family member who reads the case. Checked and rendered by the
    case (_bti_family_copy_pdf); a case the user may not read is "not
    found"."""

    @route(
        ["/my/bti/<int:case_id>/copy.pdf"],
        type="http",
        auth="user",
        methods=["GET"],
    )
    def bti_family_copy(self, case_id, **kw):
        case = self._bti_family_case(case_id)
        if not case:
            return request.not_found()
        try:
            content = case._bti_family_copy_pdf()
        except UserError:
            # AccessError and ValidationError included: not the family's.
            return request.not_found()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(content))),
                (
                    "Content-Disposition",
                    content_disposition(case._bti_family_copy_filename()),
                ),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
