from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.report import ReportController


def _readonly_unless_bti(_controller):
    # Printing a BTI report writes the access log, which needs a read/write
    # transaction; every other report keeps web's read-only one.
    return "/bti_" not in request.httprequest.path


class BtiReportController(ReportController):
    @http.route(readonly=_readonly_unless_bti)
    def report_routes(self, reportname, docids=None, converter=None, **data):
        return super().report_routes(
            reportname, docids=docids, converter=converter, **data
        )
