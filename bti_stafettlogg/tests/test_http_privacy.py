"""Downloading and printing the stafettlogg over HTTP, from the side of those
who must not see: attachments of entries, the printed log, the archive copy."""

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import StafettloggCommon

DENIED = (403, 404)


@tagged("post_install", "-at_install")
class TestStafettloggHttpPrivacy(StafettloggCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (
            cls.kg_teacher,
            cls.kg_teacher2,
            cls.kg_leader,
            cls.school_teacher,
            cls.cws_worker,
            cls.outsider,
            cls.bti_admin,
        ):
            user.password = user.login
        cls.service_file = cls._upload(cls.kg_teacher, b"SECRET-KG-FILE observation")
        cls.service_entry = cls._entry(
            body="<p>SECRET-KG-ENTRY only for the kindergarten</p>",
            visibility="service",
            attachment_ids=[Command.set(cls.service_file.ids)],
        )
        cls.shared_file = cls._upload(cls.kg_teacher, b"Shared plan for the school")
        cls.shared_entry = cls._entry(
            body="<p>SHARED-ENTRY for every participant</p>",
            attachment_ids=[Command.set(cls.shared_file.ids)],
        )

    @classmethod
    def _upload(cls, user, content):
        # As the web client uploads a file for a record not saved yet.
        return (
            cls.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": "observation.txt",
                    "raw": content,
                    "res_model": "bti.log.entry",
                    "res_id": 0,
                }
            )
            .with_env(cls.env)
        )

    def _get(self, user, url):
        self.authenticate(user.login, user.login)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            return self.url_open(url)

    def _prints_of(self, user, case=None):
        return self.env["bti.access.log"].search_count(
            [
                ("case_id", "=", (case or self.case).id),
                ("user_id", "=", user.id),
                ("model", "=", "bti.case"),
                ("action", "=", "print"),
            ]
        )

    def _downloads_of(self, user, model):
        return self.env["bti.access.log"].search(
            [
                ("case_id", "=", self.case.id),
                ("user_id", "=", user.id),
                ("model", "=", model),
                ("action", "=", "download"),
            ]
        )

    # ------------------------------------------------------------------
    # Attachments of entries
    # ------------------------------------------------------------------
    def test_entry_attachment_download(self):
        self.assertEqual(
            (self.service_file.res_model, self.service_file.res_id),
            ("bti.log.entry", self.service_entry.id),
            "the upload belongs to its entry",
        )
        self.assertFalse(self.service_file.public)
        url = f"/web/content/{self.service_file.id}?download=true"
        for user in (self.kg_teacher, self.kg_teacher2):
            response = self._get(user, url)
            self.assertEqual(response.status_code, 200, user.login)
            self.assertEqual(response.content, b"SECRET-KG-FILE observation")
            download = self._downloads_of(user, "bti.log.entry")
            self.assertEqual(len(download), 1, f"{user.login}: the download is logged")
            self.assertEqual(download.detail, f"File #{self.service_file.id}")
        for user in (
            self.school_teacher,
            self.cws_worker,
            self.outsider,
            self.bti_admin,
        ):
            response = self._get(user, url)
            self.assertIn(response.status_code, DENIED, user.login)
            self.assertNotIn(b"SECRET-KG-FILE", response.content, user.login)
            self.assertFalse(self._downloads_of(user, "bti.log.entry"), user.login)
        # The school reads the shared entry's file; another service does not.
        url = f"/web/content/{self.shared_file.id}?download=true"
        response = self._get(self.school_teacher, url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"Shared plan for the school")
        for user in (self.cws_worker, self.outsider):
            response = self._get(user, url)
            self.assertIn(response.status_code, DENIED, user.login)
            self.assertNotIn(b"Shared plan", response.content, user.login)

    def test_entry_attachment_after_withdrawal(self):
        url = f"/web/content/{self.shared_file.id}?download=true"
        self.assertEqual(self._get(self.school_teacher, url).status_code, 200)
        consent = self.case.consent_ids.filtered(lambda c: self.school in c.service_ids)
        consent.with_user(self.kg_teacher).action_withdraw("The family withdrew it")
        response = self._get(self.school_teacher, url)
        self.assertIn(response.status_code, DENIED)
        self.assertNotIn(b"Shared plan", response.content)

    # ------------------------------------------------------------------
    # The printed stafettlogg
    # ------------------------------------------------------------------
    def test_print_refused_without_access(self):
        for converter in ("pdf", "html"):
            url = (
                f"/report/{converter}/bti_stafettlogg.report_stafettlogg/{self.case.id}"
            )
            for user in (self.cws_worker, self.outsider, self.bti_admin):
                with self.subTest(converter=converter, user=user.login):
                    response = self._get(user, url)
                    self.assertNotEqual(response.status_code, 200)
                    for text in (
                        self.case.name,
                        self.case.subject_partner_id.name,
                        "SHARED-ENTRY",
                        "SECRET-KG-ENTRY",
                    ):
                        self.assertNotIn(text, response.text)
                    self.assertEqual(self._prints_of(user), 0)

    def test_print_shows_the_readers_part_only(self):
        url = f"/report/html/bti_stafettlogg.report_stafettlogg/{self.case.id}"
        response = self._get(self.school_teacher, url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case.name, response.text)
        self.assertIn("SHARED-ENTRY", response.text)
        self.assertNotIn("SECRET-KG-ENTRY", response.text)
        self.assertEqual(self._prints_of(self.school_teacher), 1, "the print is logged")
        # The kindergarten's print holds its own entry.
        response = self._get(self.kg_teacher2, url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("SECRET-KG-ENTRY", response.text)
        self.assertEqual(self._prints_of(self.kg_teacher2), 1)
        # The PDF route is logged as well.
        url = f"/report/pdf/bti_stafettlogg.report_stafettlogg/{self.case.id}"
        response = self._get(self.school_teacher, url)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(b"SECRET-KG-ENTRY", response.content)
        self.assertEqual(self._prints_of(self.school_teacher), 2)

    # ------------------------------------------------------------------
    # The archive copy of a closed case
    # ------------------------------------------------------------------
    def test_archive_copy_only_to_the_leaders(self):
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        archive = self.case.log_archive_ids
        self.assertEqual(len(archive), 1)
        url = f"/web/content/bti.log.archive/{archive.id}/document?download=true"
        response = self._get(self.kg_leader, url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            len(self._downloads_of(self.kg_leader, "bti.log.archive")),
            1,
            "the download of the archive copy is logged",
        )
        # The copy is complete: it holds the kindergarten-only entry too.
        self.assertIn(b"SECRET-KG-ENTRY", response.content)
        self.assertIn(b"SHARED-ENTRY", response.content)
        # sudo: the attachment behind the binary field, to try it by id.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "bti.log.archive"),
                    ("res_field", "=", "document"),
                    ("res_id", "=", archive.id),
                ]
            )
        )
        self.assertEqual(len(attachment), 1)
        for user in (
            self.kg_teacher,
            self.kg_teacher2,
            self.school_teacher,
            self.cws_worker,
            self.outsider,
            self.bti_admin,
        ):
            for deny_url in (url, f"/web/content/{attachment.id}?download=true"):
                with self.subTest(user=user.login, url=deny_url):
                    response = self._get(user, deny_url)
                    self.assertIn(response.status_code, DENIED)
                    self.assertNotIn(b"SECRET-KG-ENTRY", response.content)
                    self.assertNotIn(b"SHARED-ENTRY", response.content)
                    self.assertFalse(self._downloads_of(user, "bti.log.archive"))
