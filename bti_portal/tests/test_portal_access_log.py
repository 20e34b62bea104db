import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin

from .common import PortalCommon


@tagged("post_install", "-at_install", "bti")
class TestPortalAccessLog(PortalCommon, BtiJsonRpcMixin, HttpCase):
    """Who has looked: the family reads the access log of its own case
    (through its record rule), never another case's; nobody else reads it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def reader(login, name):
            user = new_test_user(
                cls.env, login=login, groups="bti_core.group_bti_user", name=name
            )
            cls.kindergarten.member_ids = [Command.link(user.id)]
            return user

        cls.printer = reader("paula_printer", "Paula Printer")
        cls.other_reader = reader("oscar_reader", "Oscar Reader")

    def setUp(self):
        super().setUp()
        Log = self.env["bti.access.log"]
        # A real read by the school, of the log of this case.
        self.env["bti.log.entry"].with_user(self.school_teacher).search_read(
            [("case_id", "=", self.case.id)], ["body"]
        )
        Log.with_user(self.printer)._bti_log_records(
            self.case.with_user(self.printer), action="print"
        )
        Log.with_user(self.other_reader)._bti_log_records(
            self.other_case.with_user(self.other_reader)
        )
        self._new_request()
        rows = Log.sudo().search([("case_id", "=", self.case.id)])
        self.assertIn(self.school_teacher, rows.user_id)
        self.assertIn(self.printer, rows.user_id)

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _get(self, url):
        # Refused requests are logged by odoo.http: expected here.
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def test_family_sees_who_has_looked(self):
        self._login(self.mother_user)
        case_page = self._get(f"/my/bti/{self.case.id}")
        self.assertIn(f"/my/bti/{self.case.id}/access", case_page.text)
        page = self._get(f"/my/bti/{self.case.id}/access")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers.get("Cache-Control"), "no-store")
        self.assertIn('<a href="/my/bti">My cases</a>', page.text, "breadcrumbs")
        self.assertIn(self.school_teacher.name, page.text)
        self.assertIn(self.school.name, page.text)
        self.assertIn("The log", page.text)
        self.assertIn(self.printer.name, page.text)
        self.assertIn("Printed", page.text)
        self.assertNotIn(self.other_reader.name, page.text)
        # The family's own reads are left out: one line per staff row.
        staff_rows = (
            self.env["bti.access.log"]
            .sudo()
            .search_count(
                [("case_id", "=", self.case.id), ("user_id.share", "=", False)]
            )
        )
        body = re.search(r"<tbody>(.*)</tbody>", page.text, re.S).group(1)
        self.assertEqual(body.count("<tr"), staff_rows)

    def test_another_case_never(self):
        self._login(self.other_user)
        response = self._get(f"/my/bti/{self.case.id}/access")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.printer.name, response.text)
        own = self._get(f"/my/bti/{self.other_case.id}/access")
        self.assertEqual(own.status_code, 200)
        self.assertIn(self.other_reader.name, own.text)
        self.assertNotIn(self.printer.name, own.text)
        self.assertNotIn(self.school_teacher.name, own.text)
        # Through the record rule too, over JSON-RPC.
        error, result = self._call_kw(
            "bti.access.log", "search_read", [], fields=["case_id"]
        )
        self.assertFalse(error)
        self.assertTrue(result)
        self.assertEqual({r["case_id"][0] for r in result}, {self.other_case.id})
        mine = (
            self.env["bti.access.log"]
            .sudo()
            .search([("case_id", "=", self.case.id)], limit=1)
        )
        error, _result = self._call_kw("bti.access.log", "read", mine.ids, ["user_id"])
        self.assertEqual(error, "odoo.exceptions.AccessError")

    def test_nobody_else(self):
        response = self._get(f"/my/bti/{self.case.id}/access")
        self.assertEqual(response.status_code, 303, "anonymous")
        self.assertIn("/web/login", response.headers["Location"])
        self._login(self.father_user)
        response = self._get(f"/my/bti/{self.case.id}/access")
        self.assertEqual(response.status_code, 404, "no parental responsibility")
        self.assertNotIn(self.printer.name, response.text)
        # While violence is suspected, the family sees nothing of it either.
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self._login(self.mother_user)
        response = self._get(f"/my/bti/{self.case.id}/access")
        self.assertEqual(response.status_code, 404)
        error, result = self._call_kw(
            "bti.access.log", "search_read", [], fields=["case_id"]
        )
        self.assertFalse([r for r in result or [] if r["case_id"][0] == self.case.id])
