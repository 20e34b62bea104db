from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class BtiCase(models.Model):
    """A new meeting's agenda from the meeting template of its kind."""

    _inherit = "bti.case"

    def _bti_meeting_agenda(self, kind):
        """The points of the active meeting template of ``kind`` (kept by the
        administrators), followed by what the stafettlogg holds about the
        case: the consent, the running measures, the open goals, the baton.
        Without a template, the stafettlogg's own agenda."""
        self.ensure_one()
        Template = self.env["bti.meeting.template"]
        template = Template._bti_for_kind(kind) if Template.has_access("read") else None
        if not template or is_html_empty(template.agenda):
            return super()._bti_meeting_agenda(kind)
        return template.agenda + self._bti_meeting_agenda_facts(kind)

    def _bti_meeting_agenda_facts(self, kind):
        """The part of the agenda filled in from the case."""
        return self.env["ir.qweb"]._render(
            "bti_tools.meeting_agenda_case_facts",
            self._bti_meeting_agenda_values(kind),
        )


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
