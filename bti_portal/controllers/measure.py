from odoo import _
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request, route

from ..models.bti_measure import FAMILY_COMMENT_MAX_CHARS
from .portal import BtiFamilyPortal


class BtiFamilyMeasures(BtiFamilyPortal):
    """The family's own measures on the log page: it says it has done one,
    and comments on it (POST, CSRF checked by Odoo). The checks and the
    writing are the measure's (action_family_report); the page shows what
    went wrong."""

    @route()
    def bti_case_log(self, case_id, **kw):
        response = super().bti_case_log(case_id, **kw)
        qcontext = getattr(response, "qcontext", {})
        case = qcontext.get("case")
        if case:
            measures = qcontext.get("measures") or request.env["bti.measure"]
            qcontext.update(
                {
                    "measure_may_report": {
                        measure.id
                        for measure in measures
                        if measure._bti_family_may_report()
                    },
                    "measure_comment_max_chars": FAMILY_COMMENT_MAX_CHARS,
                    "measure_reported": kw.get("reported") == "1",
                    "measure_error": False,
                    "measure_error_id": False,
                    "measure_comment": "",
                }
            )
        return response

    def _bti_family_measure(self, case, measure_id):
        """The measure of ``case`` as the portal user reads it, or None."""
        measure = request.env["bti.measure"].browse(measure_id).exists()
        try:
            measure.check_access("read")
        except (AccessError, MissingError):
            return None
        if not measure or measure.case_id != case:
            return None
        return measure

    @route(
        ["/my/bti/<int:case_id>/measure/<int:measure_id>/report"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def bti_measure_report(self, case_id, measure_id, done=None, comment=None, **kw):
        case = self._bti_family_case(case_id)
        measure = case and self._bti_family_measure(case, measure_id)
        if not measure:
            return request.not_found()
        try:
            measure.action_family_report(done=bool(done), comment=comment)
        except UserError as error:
            response = self.bti_case_log(case_id)
            response.qcontext.update(
                {
                    "measure_error": error.args[0]
                    if error.args
                    else _("It could not be sent."),
                    "measure_error_id": measure.id,
                    "measure_comment": comment if isinstance(comment, str) else "",
                }
            )
            response.status_code = 400
            return response
        return request.redirect(
            f"/my/bti/{case.id}/log?reported=1#bti_measure_{measure.id}", local=True
        )
