from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import BtiCommon


@tagged("post_install", "-at_install")
class TestHttpDownloads(BtiCommon, HttpCase):
    """Printing and downloading over HTTP, from the side of those who must not see:
    the case report route and /web/content for a case's attachment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._level2_case()  # kindergarten owns it; the school joined
        cls.attachment = (
            cls.env["ir.attachment"]
            .with_user(cls.kg_teacher)
            .create(
                {
                    "name": "observation.txt",
                    "raw": b"Observation of the child",
                    "res_model": "bti.case",
                    "res_id": cls.case.id,
                }
            )
        )
        for user in (cls.kg_teacher, cls.ppt_advisor, cls.outsider, cls.bti_admin):
            user.password = user.login

    def _prints_of(self, user):
        return self.env["bti.access.log"].search_count(
            [
                ("case_id", "=", self.case.id),
                ("user_id", "=", user.id),
                ("model", "=", "bti.case"),
                ("action", "=", "print"),
            ]
        )

    def _downloads_of(self, user):
        return self.env["bti.access.log"].search(
            [
                ("case_id", "=", self.case.id),
                ("user_id", "=", user.id),
                ("action", "=", "download"),
            ]
        )

    def test_report_route(self):
        url = f"/report/html/bti_core.report_bti_case/{self.case.id}"
        self.authenticate(self.kg_teacher.login, self.kg_teacher.login)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case.name, response.text)
        self.assertEqual(self._prints_of(self.kg_teacher), 1, "the print is logged")
        for user in (self.ppt_advisor, self.outsider, self.bti_admin):
            self.authenticate(user.login, user.login)
            with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
                response = self.url_open(url)
            self.assertNotEqual(response.status_code, 200, user.login)
            self.assertNotIn(self.case.name, response.text, user.login)
            self.assertNotIn(
                self.case.subject_partner_id.name, response.text, user.login
            )
            self.assertEqual(self._prints_of(user), 0, user.login)

    def test_attachment_download(self):
        url = f"/web/content/{self.attachment.id}?download=true"
        self.authenticate(self.kg_teacher.login, self.kg_teacher.login)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"Observation of the child")
        download = self._downloads_of(self.kg_teacher)
        self.assertEqual(len(download), 1, "the download is logged")
        self.assertEqual(
            (download.model, download.service_id, download.detail),
            ("bti.case", self.kindergarten, f"File #{self.attachment.id}"),
        )
        for user in (self.ppt_advisor, self.outsider, self.bti_admin):
            self.authenticate(user.login, user.login)
            with mute_logger("odoo.http"):
                response = self.url_open(url)
            self.assertIn(response.status_code, (403, 404), user.login)
            self.assertNotIn(b"Observation", response.content, user.login)
            self.assertFalse(self._downloads_of(user), user.login)
