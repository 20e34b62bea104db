import re

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin

from ..models.family_files import CONTRIBUTION_MAX_BYTES
from .common import PortalCommon

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@tagged("post_install", "-at_install", "bti")
class TestPortalContribution(PortalCommon, BtiJsonRpcMixin, HttpCase):
    """The family writes in the log, over HTTP as a real portal session: the
    participating services and the family read it, nobody else; every
    refusal leaves nothing behind."""

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _get(self, url):
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def _csrf(self):
        # The session's token, as every page of the portal carries it.
        page = self._get("/my/bti")
        match = re.search(r'csrf_token: "([^"]+)"', page.text)
        self.assertTrue(match, "the page carries the token")
        return match.group(1)

    def _post(self, case_id, text, upload=None, csrf=True):
        data = {"text": text}
        if csrf:
            data["csrf_token"] = self._csrf()
        files = {"attachment": upload} if upload else None
        # Refused requests are logged by odoo.http: expected here.
        with mute_logger("odoo.http"):
            return self.url_open(
                f"/my/bti/{case_id}/log/write",
                data=data,
                files=files,
                allow_redirects=False,
            )

    def _contributions(self):
        self.env.invalidate_all()
        families = self.mother | self.other_user.partner_id
        return (
            self.env["bti.log.entry"]
            .sudo()
            .search(
                [("kind", "=", "family"), ("family_partner_id", "in", families.ids)]
            )
        )

    def _files(self):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search_count([("res_model", "=", "bti.log.entry")])
        )

    def _assert_nothing_created(self, files_before):
        self.assertFalse(self._contributions(), "no entry")
        self.assertEqual(self._files(), files_before, "no file")

    # ------------------------------------------------------------------
    def test_contribution_reaches_the_services_and_the_family(self):
        self._login(self.mother_user)
        response = self._post(
            self.case.id,
            "Noah sleeps badly <script>alert(1)</script>\nSince Monday.",
            upload=("letter.pdf", PDF, "application/pdf"),
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f"/my/bti/{self.case.id}/log?sent=1", response.headers["Location"]
        )
        entry = self._contributions()
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.state, "published")
        self.assertEqual(entry.visibility, "family")
        self.assertEqual(entry.family_partner_id, self.mother)
        self.assertEqual(entry.author_id, self.mother_user)
        self.assertEqual(entry.author_service_id, self.case.service_id)
        self.assertNotIn("<script", entry.body)
        self.assertIn("Noah sleeps badly", entry.body)
        self.assertEqual(entry.attachment_ids.mimetype, "application/pdf")
        self.assertEqual(entry.attachment_ids.res_id, entry.id)
        self.assertFalse(entry.attachment_ids.public)
        # The participating services read it.
        for user in (self.school_teacher, self.kg_teacher):
            Entry = self.env["bti.log.entry"].with_user(user)
            self.assertIn(entry, Entry.search([("case_id", "=", self.case.id)]))
        # The stafettholder is told: a to-do without content.
        activity = self.case.activity_ids.filtered(
            lambda a: (
                a.user_id == self.kg_teacher
                and "wrote in the stafettlogg" in (a.summary or "")
            )
        )
        self.assertTrue(activity)
        self.assertNotIn("sleeps", activity.summary)
        # The family reads it, and the file.
        page = self._get(f"/my/bti/{self.case.id}/log?sent=1")
        self.assertEqual(page.headers.get("Cache-Control"), "no-store")
        self.assertIn("Noah sleeps badly", page.text)
        self.assertNotIn("<script>alert(1)", page.text)
        download = self._get(f"/my/bti/file/{entry.attachment_ids.id}")
        self.assertEqual(download.content, PDF)
        # Another family never.
        self._login(self.other_user)
        self.assertEqual(self._get(f"/my/bti/{self.case.id}/log").status_code, 404)
        own = self._get(f"/my/bti/{self.other_case.id}/log")
        self.assertNotIn("Noah sleeps badly", own.text)
        self.assertNotEqual(
            self._get(f"/my/bti/file/{entry.attachment_ids.id}").status_code, 200
        )
        Entry = self.env["bti.log.entry"].with_user(self.other_user)
        self.assertFalse(Entry.search([("id", "=", entry.id)]))

    def test_both_parents_with_parental_responsibility(self):
        """The family's logins are found as the system: a parent does not read
        the other parent's contact, and writing still works (a regression:
        publishing told the family through a partner the writer cannot read)."""
        self.case.guardian_ids.filtered(
            lambda g: g.partner_id == self.father
        ).with_user(self.kg_teacher).parental_responsibility = True
        self._login(self.mother_user)
        response = self._post(self.case.id, "Both of us are worried.")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self._contributions()), 1)
        # The other parent hears that something is new (not the writer).
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("email_to", "ilike", self.father_user.email)])
        )
        self.assertTrue(mails)

    def test_forged_case_id_is_not_found(self):
        files = self._files()
        self._login(self.mother_user)
        for case_id in (self.other_case.id, 999999):
            response = self._post(case_id, "Forged")
            self.assertEqual(response.status_code, 404, case_id)
        self._assert_nothing_created(files)
        # Over RPC too: the other family's case, or a staff member.
        error, _result = self._call_kw(
            "bti.case", "action_family_contribute", [self.other_case.id], "Forged"
        )
        self.assertTrue(error)
        self._login(self.school_teacher)
        error, _result = self._call_kw(
            "bti.case", "action_family_contribute", [self.case.id], "Forged"
        )
        self.assertTrue(error)
        self._assert_nothing_created(files)

    def test_missing_csrf_is_refused(self):
        files = self._files()
        self._login(self.mother_user)
        response = self._post(self.case.id, "No token", csrf=False)
        self.assertEqual(response.status_code, 400)
        self._assert_nothing_created(files)

    def test_program_renamed_pdf_and_oversized_file_are_refused(self):
        files = self._files()
        self._login(self.mother_user)
        refused = {
            "cannot be sent": ("letter.pdf", EXE, "application/pdf"),
            "too large": (
                "big.pdf",
                PDF + b"0" * (CONTRIBUTION_MAX_BYTES - len(PDF) + 1),
                "application/pdf",
            ),
        }
        for message, upload in refused.items():
            response = self._post(self.case.id, "With a file", upload=upload)
            self.assertEqual(response.status_code, 400, upload[0])
            self.assertIn(message, response.text)
            self.assertEqual(response.headers.get("Cache-Control"), "no-store")
            # The text is kept for another try.
            self.assertIn("With a file", response.text)
        # Much larger: refused by Odoo before the form is read.
        response = self._post(
            self.case.id,
            "Much larger",
            upload=("huge.pdf", PDF + b"0" * (12 * 1024 * 1024), "application/pdf"),
        )
        self.assertNotIn(response.status_code, (200, 303))
        self._assert_nothing_created(files)

    def test_empty_or_too_long_text_is_refused(self):
        files = self._files()
        self._login(self.mother_user)
        response = self._post(self.case.id, "   ")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Write something", response.text)
        response = self._post(self.case.id, "x" * 5001)
        self.assertEqual(response.status_code, 400)
        self.assertIn("too long", response.text)
        self._assert_nothing_created(files)

    def test_only_while_the_log_is_open(self):
        case = self._new_case(
            guardian_ids=[Command.create({"partner_id": self.mother.id})]
        )
        self._login(self.mother_user)
        page = self._get(f"/my/bti/{case.id}/log")
        self.assertEqual(page.status_code, 200)
        self.assertIn("once a consent is given", page.text)
        self.assertNotIn(f"/my/bti/{case.id}/log/write", page.text)
        data = {"text": "Before consent", "csrf_token": self._csrf()}
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/bti/{case.id}/log/write", data=data, allow_redirects=False
            )
        self.assertEqual(response.status_code, 400)
        self.assertIn("once a consent is given", response.text)
        self.assertFalse(self._contributions())

    def test_anonymous_gets_nothing(self):
        files = self._files()
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/bti/{self.case.id}/log/write",
                data={"text": "Anonymous"},
                allow_redirects=False,
            )
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Shared Entry Alpha", response.text)
        self._assert_nothing_created(files)
