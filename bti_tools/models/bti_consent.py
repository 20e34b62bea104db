from odoo import models


class BtiConsent(models.Model):
    _inherit = "bti.consent"

    def action_print_form(self):
        """The consent form on paper: a draft to be signed by the family, or
        the terms of a recorded consent."""
        self.ensure_one()
        self._bti_check_action("action_print_form")
        self.check_access("read")
        return self.env.ref("bti_tools.action_report_consent_form").report_action(self)

    def _bti_form_services(self):
        """Every service of the municipality on the form, the covered ones
        ticked: the family sees what is and is not included."""
        # sudo: the names of the municipality's services (public information),
        # for the printed form.
        services = self.env["bti.service"].sudo().search([])
        return services | self.service_ids.sudo()
