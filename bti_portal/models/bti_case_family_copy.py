from odoo import _, models
from odoo.exceptions import AccessError, UserError

FAMILY_COPY_REPORT = "bti_stafettlogg.action_report_stafettlogg_family"


class BtiCase(models.Model):
    """The family's copy of the log, downloaded from the portal: the same
    document as the paper copy the services print for the family
    (bti_stafettlogg's family report), for the family member who reads the
    case in the portal."""

    _inherit = "bti.case"

    def _bti_family_copy_filename(self):
        """A neutral name: the case reference, never the child's name."""
        self.ensure_one()
        # sudo: the reference only, of a case the user reads.
        return f"stafettlogg-{self.sudo().name}.pdf"

    def _bti_family_copy_pdf(self):
        """The family's copy as PDF bytes, for the current portal user.

        The user must read the case through the family's record rule (never a
        closed case, nothing while violence or abuse is suspected). The
        report shows the services, people and participations of the case,
        which the portal user may not read: it renders as the system, and its
        content is limited explicitly by the family's domain
        (``bti.access.policy._family_copy_domain``, applied by
        ``_bti_stafettlogg_content(family=True)``): what was shared with the
        family and published; for the parents of a young person of 16 or
        older no health information unless the young person allows it, the
        young person's own copy with it (decided by who reads, see
        bti_portal's ``_family_copy_domain``). The environment keeps the
        user: the access log records the print as theirs."""
        self.ensure_one()
        self.check_access("read")
        if not self.is_family_case:
            raise AccessError(_("Only the family of the case gets its copy here."))
        self._bti_check_family_access_open()
        # sudo: see above; the content is the family's domain, not the
        # system's rights. force_report_rendering: the family gets a PDF,
        # never the HTML Odoo's test mode would return instead (the flag
        # changes nothing outside tests).
        report_sudo = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(force_report_rendering=True)
        )
        content, kind = report_sudo._render_qweb_pdf(FAMILY_COPY_REPORT, self.ids)
        if kind != "pdf":
            raise UserError(_("The copy could not be made. Try again later."))
        return content
