from odoo import api, models

from .bti_access_log import ACTION_CONTEXT, DETAIL_CONTEXT


class IrActionsReport(models.Model):
    """A BTI report that renders is a print in the access log: what it reads
    is logged as "print" (bti.access.logged), and so are its records, even
    when their values were already in the cache."""

    _inherit = "ir.actions.report"

    @api.model
    def _render_qweb_html(self, report_ref, docids, data=None):
        report, this = self._bti_print_env(report_ref)
        result = super(IrActionsReport, this)._render_qweb_html(
            report_ref, docids, data=data
        )
        this._bti_log_print(report, docids)
        return result

    @api.model
    def _render_qweb_text(self, report_ref, docids, data=None):
        report, this = self._bti_print_env(report_ref)
        result = super(IrActionsReport, this)._render_qweb_text(
            report_ref, docids, data=data
        )
        this._bti_log_print(report, docids)
        return result

    @api.model
    def _bti_print_env(self, report_ref):
        report = self._get_report(report_ref)
        if not report.model.startswith("bti."):
            return report, self
        return report, self.with_context(
            **{ACTION_CONTEXT: "print", DETAIL_CONTEXT: report.name}
        )

    @api.model
    def _bti_log_print(self, report, docids):
        if report.model.startswith("bti.") and docids:
            records = self.env[report.model].browse(docids)
            self.env["bti.access.log"]._bti_log_records(records, "print", report.name)
