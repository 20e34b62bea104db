import re

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin

from .common import PortalCommon


@tagged("post_install", "-at_install", "bti")
class TestPortalMeeting(PortalCommon, BtiJsonRpcMixin, HttpCase):
    """The family's meetings over HTTP, as real portal sessions: the invited
    family answers (the calendar attendee follows) and downloads the
    calendar file; nobody else does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meeting = cls._meeting(
            visibility="family", agenda="<p>Agenda Oscar</p>", location="Room Papa"
        )
        cls.meeting.with_user(cls.kg_teacher).action_send_invitations()

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _get(self, url):
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def _url(self, what, case=None, meeting=None):
        case = case or self.case
        meeting = meeting or self.meeting
        return f"/my/bti/{case.id}/meetings/{meeting.id}/{what}"

    def _answer(self, answer, case=None, meeting=None, csrf=True):
        data = {"answer": answer}
        if csrf:
            # The session's token, as every page of the portal carries it.
            page = self._get("/my/bti")
            match = re.search(r'csrf_token: "([^"]+)"', page.text)
            data["csrf_token"] = match.group(1) if match else ""
        with mute_logger("odoo.http"):
            return self.url_open(
                self._url("answer", case, meeting), data=data, allow_redirects=False
            )

    def _state(self, partner):
        self.env.invalidate_all()
        attendee = self.meeting.calendar_event_id.attendee_ids.filtered(
            lambda a: a.partner_id == partner
        )
        return attendee.state

    # ------------------------------------------------------------------
    def test_family_sees_answers_and_downloads(self):
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}/meetings")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers.get("Cache-Control"), "no-store")
        self.assertIn("Room Papa", page.text)
        self.assertIn("Agenda Oscar", page.text)
        self.assertIn(self._url("meeting.ics"), page.text)
        self.assertIn(
            f"/my/bti/{self.case.id}/meetings",
            self._get(f"/my/bti/{self.case.id}").text,
            "the case pages link to the meetings",
        )
        self.assertEqual(self._state(self.mother), "needsAction")
        response = self._answer("accept")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._state(self.mother), "accepted")
        # The organizer (the stafettholder) is told.
        message = self.meeting.message_ids.filtered(
            lambda m: "accepted the invitation" in (m.body or "")
        )
        self.assertIn(self.kg_teacher.partner_id, message.partner_ids)
        response = self._answer("decline")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._state(self.mother), "declined")
        self.assertEqual(self._state(self.father), "needsAction", "only her own")
        ics = self._get(self._url("meeting.ics"))
        self.assertEqual(ics.status_code, 200)
        self.assertEqual(ics.headers.get("Cache-Control"), "no-store")
        self.assertIn("text/calendar", ics.headers.get("Content-Type"))
        self.assertIn(b"BEGIN:VCALENDAR", ics.content)

    def test_another_family_cannot_answer_or_download(self):
        self._login(self.other_user)
        for case in (self.case, self.other_case):
            self.assertEqual(self._answer("accept", case=case).status_code, 404)
            self.assertEqual(self._get(self._url("meeting.ics", case)).status_code, 404)
        self.assertEqual(self._get(f"/my/bti/{self.case.id}/meetings").status_code, 404)
        error, _result = self._call_kw(
            "bti.meeting", "action_family_accept", [self.meeting.id]
        )
        self.assertTrue(error)
        self.assertEqual(self._state(self.mother), "needsAction")
        # Nor the father without parental responsibility, though on the event.
        self._login(self.father_user)
        self.assertEqual(self._answer("accept").status_code, 404)
        self.assertEqual(self._get(self._url("meeting.ics")).status_code, 404)
        self.assertEqual(self._state(self.father), "needsAction")

    def test_missing_csrf_is_refused(self):
        self._login(self.mother_user)
        self.assertEqual(self._answer("accept", csrf=False).status_code, 400)
        self.assertEqual(self._state(self.mother), "needsAction")

    def test_meeting_not_shared_with_the_family(self):
        meeting = self._meeting(location="Room Quebec")
        meeting.with_user(self.kg_teacher).action_send_invitations()
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{self.case.id}/meetings")
        self.assertNotIn("Room Quebec", page.text)
        self.assertEqual(self._answer("accept", meeting=meeting).status_code, 404)
        self.assertEqual(
            self._get(self._url("meeting.ics", meeting=meeting)).status_code, 404
        )

    def test_minutes_shared_with_the_family_are_in_the_log(self):
        self.meeting.with_user(self.kg_teacher).write(
            {"minutes": "<p>Minutes Romeo</p>"}
        )
        self.meeting.with_user(self.kg_teacher).action_hold()
        self._login(self.mother_user)
        self.assertIn("Minutes Romeo", self._get(f"/my/bti/{self.case.id}/log").text)
        # Held, it is no longer answered.
        self.assertNotIn(
            "Room Papa", self._get(f"/my/bti/{self.case.id}/meetings").text
        )
        error, _result = self._call_kw(
            "bti.meeting", "action_family_accept", [self.meeting.id]
        )
        self.assertTrue(error)

    def test_nothing_while_violence_is_suspected(self):
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self._login(self.mother_user)
        self.assertEqual(self._get(f"/my/bti/{self.case.id}/meetings").status_code, 404)
        self.assertEqual(self._get(self._url("meeting.ics")).status_code, 404)
        self.assertEqual(self._answer("accept").status_code, 404)

    def test_anonymous_gets_nothing(self):
        response = self._get(f"/my/bti/{self.case.id}/meetings")
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        self.assertNotIn(
            b"BEGIN:VCALENDAR", self._get(self._url("meeting.ics")).content
        )
        self.assertNotEqual(self._answer("accept", csrf=False).status_code, 200)
        self.assertEqual(self._state(self.mother), "needsAction")
