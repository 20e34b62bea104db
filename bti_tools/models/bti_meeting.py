from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class BtiMeeting(models.Model):
    """The agenda to send beforehand and the approved minutes, on paper."""

    _inherit = "bti.meeting"

    def action_print_agenda(self):
        self.ensure_one()
        self._bti_check_action("action_print_agenda")
        self.check_access("read")
        if is_html_empty(self.agenda):
            raise UserError(_("Write the agenda before printing it."))
        return self.env.ref("bti_tools.action_report_bti_meeting_agenda").report_action(
            self
        )

    def action_print_minutes(self):
        self.ensure_one()
        self._bti_check_action("action_print_minutes")
        self.check_access("read")
        if self.state != "held":
            raise UserError(_("The minutes are printed once they are approved."))
        return self.env.ref(
            "bti_tools.action_report_bti_meeting_minutes"
        ).report_action(self)

    def _bti_print_measures(self):
        """The new measures of the meeting the reader may read (the print
        never fails on one they may not)."""
        self.ensure_one()
        return self.measure_ids._filtered_access("read")
