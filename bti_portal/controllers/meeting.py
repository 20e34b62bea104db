from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request, route

from .portal import BtiFamilyPortal


class BtiFamilyMeetings(BtiFamilyPortal):
    """The family's meetings: the upcoming meetings shared with the family,
    answered from the page (POST, CSRF checked by Odoo), and the calendar
    file of each. The meetings are read as the portal user, through the
    family's record rules."""

    def _bti_family_meeting(self, case, meeting_id):
        """The meeting of ``case`` as the portal user reads it, or None."""
        meeting = request.env["bti.meeting"].browse(meeting_id).exists()
        try:
            meeting.check_access("read")
        except (AccessError, MissingError):
            return None
        if not meeting or meeting.case_id != case:
            return None
        return meeting

    def _bti_meetings_values(self, case):
        meetings = request.env["bti.meeting"].search(
            [("case_id", "=", case.id), ("state", "=", "invited")], order="start"
        )
        meetings = meetings.filtered(lambda m: m._bti_family_is_upcoming())
        return {
            "meetings": meetings,
            "attendee_state": {
                meeting.id: meeting._bti_family_attendee().state for meeting in meetings
            },
        }

    @route(["/my/bti/<int:case_id>/meetings"], type="http", auth="user", website=True)
    def bti_case_meetings(self, case_id, answered=None, **kw):
        case = self._bti_family_case(case_id)
        if not case:
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(self._bti_case_values(case))
        values.update(self._bti_meetings_values(case))
        values.update(
            {
                "page_name": "bti_case_meetings",
                "answered": answered if answered in ("accepted", "declined") else None,
                "meeting_error": False,
            }
        )
        return self._bti_render("bti_portal.portal_my_bti_meetings", values)

    @route(
        ["/my/bti/<int:case_id>/meetings/<int:meeting_id>/answer"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def bti_meeting_answer(self, case_id, meeting_id, answer=None, **kw):
        case = self._bti_family_case(case_id)
        meeting = case and self._bti_family_meeting(case, meeting_id)
        if not meeting or answer not in ("accept", "decline"):
            return request.not_found()
        try:
            if answer == "accept":
                meeting.action_family_accept()
            else:
                meeting.action_family_decline()
        except UserError as error:
            response = self.bti_case_meetings(case_id)
            response.qcontext["meeting_error"] = error.args[0] if error.args else ""
            response.status_code = 400
            return response
        state = "accepted" if answer == "accept" else "declined"
        return request.redirect(
            f"/my/bti/{case.id}/meetings?answered={state}", local=True
        )

    @route(
        ["/my/bti/<int:case_id>/meetings/<int:meeting_id>/meeting.ics"],
        type="http",
        auth="user",
    )
    def bti_meeting_ics(self, case_id, meeting_id, **kw):
        """The calendar file of a meeting the user reads and is invited to."""
        case = self._bti_family_case(case_id)
        meeting = case and self._bti_family_meeting(case, meeting_id)
        if not meeting or not meeting._bti_family_attendee():
            return request.not_found()
        content = meeting._bti_family_ics()
        if not content:
            return request.not_found()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Disposition", 'attachment; filename="meeting.ics"'),
                ("Cache-Control", "no-store"),
            ],
        )
