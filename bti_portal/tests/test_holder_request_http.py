import re

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin

from .test_holder_request import HolderRequestCommon


@tagged("post_install", "-at_install", "bti")
class TestHolderRequestHttp(HolderRequestCommon, BtiJsonRpcMixin, HttpCase):
    """The public form and the family's request, over HTTP: anonymous, as a
    portal session, and forged."""

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _csrf(self, url="/bti/request"):
        page = self.url_open(url)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.assertTrue(match, f"{url} carries the form's token")
        return match.group(1)

    def _send(self, csrf=True, **overrides):
        data = self._values(**overrides)
        if csrf:
            data["csrf_token"] = self._csrf()
        with mute_logger("odoo.http"):
            return self.url_open("/bti/request", data=data, allow_redirects=False)

    @staticmethod
    def _page(response):
        # The page without what differs per request (the token).
        return re.sub(r'csrf_token[^>]*"[0-9a-f]{20,}[^"]*"', "", response.text)

    def test_anonymous_sees_the_form_and_nothing_else(self):
        response = self.url_open("/bti/request")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertIn("Test Kindergarten", response.text)
        self.assertNotIn("No Leader", response.text)
        self.assertIn('lang="en-US"', response.text)
        self._send()
        request = self._all_requests()
        self.assertEqual(len(request), 1)
        # The public reads nothing of it, by any route.
        error, _result = self._call_kw(
            "bti.holder.request", "search_read", [], ["worry"]
        )
        self.assertTrue(error)
        with mute_logger("odoo.http"):
            page = self.url_open(f"/web/content/bti.holder.request/{request.id}/worry")
        self.assertNotIn("cries", page.text)

    def test_sending_says_the_same_whatever_the_child(self):
        unknown = self._send(child_name="Nobody Known")
        known_case = self.case.sudo()
        known = self._send(
            child_name=known_case.subject_partner_id.name,
            child_birth_date=str(known_case.birth_date),
        )
        self.assertEqual(unknown.status_code, 303)
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known.headers["Location"], unknown.headers["Location"])
        self.assertTrue(known.headers["Location"].endswith("/bti/request/sent"))
        sent = self.url_open("/bti/request/sent")
        self.assertEqual(sent.status_code, 200)
        self.assertNotIn(known_case.subject_partner_id.name, sent.text)
        self.assertEqual(len(self._all_requests()), 2)

    def test_without_the_token_nothing_is_stored(self):
        response = self._send(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._all_requests())

    def test_a_robot_filling_the_hidden_field_stores_nothing(self):
        response = self._send(homepage="http://spam.example.com")
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self._all_requests())

    def test_bad_input_shows_the_form_again_with_the_error(self):
        response = self._send(requester_email="", requester_phone="")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Give an e-mail address or a phone number", response.text)
        self.assertIn("Emil Public", response.text, "what was written is kept")
        self.assertFalse(self._all_requests())

    def test_rate_limit(self):
        for _i in range(3):
            self.assertEqual(self._send().status_code, 303)
        response = self._send()
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many requests", response.text)
        self.assertEqual(len(self._all_requests()), 3)

    def test_the_family_asks_and_reads_the_answer(self):
        self._login(self.mother_user)
        url = f"/my/bti/{self.wondering.id}"
        page = self.url_open(url)
        self.assertIn("Ask for a stafettholder", page.text)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"{url}/request",
                data={"worry": "We need help.", "csrf_token": self._csrf(url)},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 303)
        request = self._all_requests()
        self.assertEqual(request.requester_user_id, self.mother_user)
        page = self.url_open(url)
        self.assertIn("You asked for a stafettholder", page.text)
        reason = "The health station is the right place: call them on 22 22 22 22."
        request.with_user(self.kg_leader)._bti_decline(reason)
        page = self.url_open("/my/bti")
        self.assertEqual(page.headers.get("Cache-Control"), "no-store")
        self.assertIn(reason, page.text)
        # Another family reads neither the request nor the answer.
        self._login(self.other_user)
        page = self.url_open("/my/bti")
        self.assertNotIn(reason, page.text)
        error, result = self._call_kw(
            "bti.holder.request", "search_read", [], ["decline_reason"]
        )
        self.assertFalse(result)
        error, result = self._call_kw(
            "bti.holder.request", "read", [request.id], ["decline_reason"]
        )
        self.assertTrue(error)

    def test_forged_requests_on_another_familys_case(self):
        self._login(self.other_user)
        url = f"/my/bti/{self.wondering.id}/request"
        with mute_logger("odoo.http"):
            response = self.url_open(
                url,
                data={"worry": "Forged.", "csrf_token": self._csrf("/bti/request")},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 404)
        # Over JSON-RPC: another family, and the father, who has no parental
        # responsibility.
        for user in (self.other_user, self.father_user):
            self._login(user)
            error, _result = self._call_kw(
                "bti.case",
                "action_family_request_holder",
                [self.wondering.id],
                worry="Forged.",
            )
            self.assertTrue(error, user.login)
        self.assertFalse(self._all_requests())
