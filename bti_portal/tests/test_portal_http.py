from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin

from .common import PortalCommon


@tagged("post_install", "-at_install", "bti")
class TestPortalHttp(PortalCommon, BtiJsonRpcMixin, HttpCase):
    """The family's pages over HTTP, as real portal sessions: each family sees
    its own case and what was shared with it, nobody else sees anything, on
    every route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attachment = (
            cls.env["ir.attachment"]
            .with_user(cls.kg_teacher)
            .create(
                {
                    "name": "family-letter.txt",
                    "raw": b"Attachment Hotel",
                    "res_model": "bti.log.entry",
                    "res_id": 0,
                }
            )
        )
        cls.attached_entry = cls._entry(
            subject="Attached Entry Kilo",
            visibility="family",
            attachment_ids=[Command.set(cls.attachment.ids)],
        )

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _get(self, url):
        # Refused requests are logged by odoo.http: expected here.
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def _case_urls(self, case):
        return [f"/my/bti/{case.id}", f"/my/bti/{case.id}/log"]

    def _assert_nothing(self, user_desc, case=None):
        case = case or self.case
        for url in self._case_urls(case):
            response = self._get(url)
            self.assertEqual(response.status_code, 404, f"{user_desc}: {url}")
            self.assertNotIn("Shared Entry Alpha", response.text)
        listing = self._get("/my/bti")
        self.assertNotIn(case.name, listing.text, user_desc)

    # ------------------------------------------------------------------
    def test_family_reads_its_case_and_what_is_shared(self):
        self._login(self.mother_user)
        listing = self._get("/my/bti")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.case.name, listing.text)
        self.assertNotIn(self.other_case.name, listing.text)
        page = self._get(f"/my/bti/{self.case.id}")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers.get("Cache-Control"), "no-store")
        self.assertIn(self.case.subject_partner_id.name, page.text)
        self.assertIn(self.kg_teacher.name, page.text, "the stafettholder")
        self.assertIn(self.school.name, page.text, "a service taking part")
        self.assertIn("Cooperation around the child", page.text, "the consent")
        log = self._get(f"/my/bti/{self.case.id}/log")
        self.assertEqual(log.status_code, 200)
        self.assertEqual(log.headers.get("Cache-Control"), "no-store")
        self.assertIn("Shared Entry Alpha", log.text)
        self.assertIn("Family body Alpha", log.text)
        self.assertIn("Family Goal Echo", log.text)
        self.assertIn(f"/my/bti/file/{self.attachment.id}", log.text)
        for hidden in (
            "Services Entry Bravo",
            "Own Service Entry Charlie",
            "Draft Entry Delta",
            "Service Goal Foxtrot",
        ):
            self.assertNotIn(hidden, log.text)
        download = self._get(f"/my/bti/file/{self.attachment.id}")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, b"Attachment Hotel")
        self.assertEqual(download.headers.get("Cache-Control"), "no-store")
        # Odoo's own route stays closed to the portal.
        self.assertNotEqual(
            self._get(f"/web/content/{self.attachment.id}").status_code, 200
        )
        home = self._get("/my/home")
        self.assertIn("/my/bti", home.text)

    def test_the_reads_are_in_the_access_log(self):
        self._login(self.mother_user)
        self._get(f"/my/bti/{self.case.id}/log")
        rows = (
            self.env["bti.access.log"]
            .sudo()
            .search([("user_id", "=", self.mother_user.id)])
        )
        self.assertIn("bti.log.entry", rows.mapped("model"))
        self.assertIn("bti.case", rows.mapped("model"))

    def test_another_family_sees_nothing(self):
        self._login(self.other_user)
        self._assert_nothing("another family")
        self.assertEqual(self._get(f"/my/bti/{self.other_case.id}").status_code, 200)
        for url in (
            f"/my/bti/file/{self.attachment.id}",
            f"/web/content/{self.attachment.id}?download=true",
        ):
            download = self._get(url)
            self.assertNotEqual(download.status_code, 200, url)
            self.assertNotIn(b"Attachment Hotel", download.content)
        error, result = self._call_kw(
            "bti.log.entry",
            "search_read",
            [("case_id", "=", self.case.id)],
            fields=["subject"],
        )
        self.assertFalse(result)
        error, _result = self._call_kw(
            "bti.log.entry", "read", [self.family_entry.id], ["subject"]
        )
        self.assertEqual(error, "odoo.exceptions.AccessError")

    def test_anonymous_is_sent_to_login(self):
        for url in [*self._case_urls(self.case), "/my/bti"]:
            response = self._get(url)
            self.assertEqual(response.status_code, 303, url)
            self.assertIn("/web/login", response.headers["Location"])
        for url in (
            f"/my/bti/file/{self.attachment.id}",
            f"/web/content/{self.attachment.id}?download=true",
        ):
            self.assertNotIn(b"Attachment Hotel", self._get(url).content)

    def test_guardian_without_parental_responsibility_sees_nothing(self):
        self._login(self.father_user)
        self._assert_nothing("father without parental responsibility")

    def test_nothing_while_violence_is_suspected(self):
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self._login(self.mother_user)
        self._assert_nothing("family under a violence suspicion")
        Entry = self.env["bti.log.entry"].with_user(self.mother_user)
        self.assertFalse(Entry.search([]))

    def test_nothing_after_the_case_is_closed(self):
        self.case.sudo()._bti_close("goal_reached")
        self._login(self.mother_user)
        self._assert_nothing("family of a closed case")

    def test_reports_refused_or_family_content_only(self):
        self._login(self.other_user)
        for report in (
            "bti_stafettlogg.report_stafettlogg",
            "bti_stafettlogg.report_stafettlogg_family",
        ):
            response = self._get(f"/report/html/{report}/{self.case.id}")
            self.assertNotEqual(response.status_code, 200, report)
            self.assertNotIn("Shared Entry Alpha", response.text)
        # Even the family's own case prints nothing beyond what it reads.
        self._login(self.mother_user)
        response = self._get(
            f"/report/html/bti_stafettlogg.report_stafettlogg/{self.case.id}"
        )
        self.assertNotIn("Services Entry Bravo", response.text)
        self.assertNotIn("Own Service Entry Charlie", response.text)

    def test_parents_of_a_16_year_old_without_health_information(self):
        case, youth, parent = self._youth_case(16)
        self._entry(
            case=case,
            user=self.nurse,
            subject="Health Entry India",
            visibility="family",
            info_category_id=self.cat_health.id,
        )
        self._entry(
            case=case,
            user=self.nurse,
            subject="General Entry Juliett",
            visibility="family",
        )
        youth_user = self._portal_user("family_youth", youth)
        parent_user = self._portal_user("family_parent", parent)
        self._login(parent_user)
        log = self._get(f"/my/bti/{case.id}/log").text
        self.assertIn("General Entry Juliett", log)
        self.assertNotIn("Health Entry India", log)
        self._login(youth_user)
        log = self._get(f"/my/bti/{case.id}/log").text
        self.assertIn("Health Entry India", log)
        # The young person allows it: the parents see it too.
        case.sudo()._bti_system_write({"youth_shares_health": True})
        self._login(parent_user)
        self.assertIn("Health Entry India", self._get(f"/my/bti/{case.id}/log").text)

    def test_family_writes_nothing_over_rpc(self):
        self._login(self.mother_user)
        attempts = {
            "write an entry": (
                "bti.log.entry",
                "write",
                [self.family_entry.id],
                {"subject": "Forged"},
            ),
            "create an entry": (
                "bti.log.entry",
                "create",
                [{"case_id": self.case.id, "body": "<p>Forged</p>"}],
            ),
            "write the case": ("bti.case", "write", [self.case.id], {"note": "x"}),
            # Withdrawing is the family's own (test_portal_consent); cancelling
            # a consent form is the services'.
            "cancel a consent": (
                "bti.consent",
                "action_cancel_draft",
                [self.consent.id],
            ),
        }
        for what, (model, method, *args) in attempts.items():
            error, _result = self._call_kw(model, method, *args)
            self.assertTrue(error, what)
        self.assertEqual(self.family_entry.subject, "Shared Entry Alpha")
        self.assertEqual(self.consent.state, "given")
