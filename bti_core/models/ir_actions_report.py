from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_html(self, report_ref, docids, data=None):
        result = super()._render_qweb_html(report_ref, docids, data=data)
        report = self._get_report(report_ref)
        if (
            report.model.startswith("bti.")
            and docids
            and (
                report.model == "bti.case"
                or "case_id" in self.env[report.model]._fields
            )
        ):
            records = self.env[report.model].browse(docids)
            cases = records if report.model == "bti.case" else records.case_id
            self.env["bti.access.log"]._log(cases, "print", detail=report.name)
        return result
