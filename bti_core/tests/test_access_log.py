from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import BtiCommon


@tagged("post_install", "-at_install", "bti")
class TestAccessLog(BtiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._level2_case()

    def _rows(self, case=None):
        return (
            self.env["bti.access.log"]
            .sudo()
            .search([("case_id", "=", (case or self.case).id)], order="id")
        )

    def _new_rows(self, before, case=None):
        return self._rows(case) - before

    def test_read_writes_one_row(self):
        before = self._rows()
        start = fields.Datetime.now().replace(microsecond=0)
        result = self.case.with_user(self.kg_teacher).read(["name", "state"])
        self.assertEqual(result[0]["name"], self.case.name)
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.user_id, self.kg_teacher)
        self.assertEqual(row.service_id, self.kindergarten)
        self.assertEqual(row.case_id, self.case)
        self.assertEqual(row.action, "read")
        self.assertGreaterEqual(row.date, start)

    def test_read_by_participating_service(self):
        before = self._rows()
        self.case.with_user(self.school_teacher).read(["name"])
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.user_id, self.school_teacher)
        self.assertEqual(row.service_id, self.school)
        self.assertEqual(row.action, "read")

    def test_read_of_several_cases(self):
        other = self._new_case()
        before = self._rows() | self._rows(other)
        (self.case | other).with_user(self.kg_teacher).read(["name"])
        rows = (self._rows() | self._rows(other)) - before
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.case_id, self.case | other)
        self.assertEqual(set(rows.mapped("action")), {"read"})

    def test_web_read_writes_one_row(self):
        before = self._rows()
        result = self.case.with_user(self.school_teacher).web_read(
            {"name": {}, "state": {}, "level_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(result[0]["id"], self.case.id)
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.user_id, row.service_id, row.case_id, row.action),
            (self.school_teacher, self.school, self.case, "read"),
        )

    def test_list_writes_none(self):
        other = self._new_case()
        before = self._rows() | self._rows(other)
        result = (
            self.env["bti.case"]
            .with_user(self.kg_teacher)
            .web_search_read(
                [("id", "in", (self.case | other).ids)], {"name": {}, "state": {}}
            )
        )
        self.assertEqual(result["length"], 2)
        self.assertEqual(
            (self._rows() | self._rows(other)) - before, self.env["bti.access.log"]
        )

    def test_superuser_reads_not_logged(self):
        before = self._rows()
        self.case.read(["name"])
        self.case.with_user(self.kg_teacher).sudo().read(["name"])
        self.assertFalse(self._new_rows(before))

    def test_no_row_without_access(self):
        before = self._rows()
        with self.assertRaises(AccessError):
            self.case.with_user(self.cws_worker).read(["name"])
        self.assertFalse(self._new_rows(before))

    def test_export_writes_export_row(self):
        # Exporting needs Odoo's own export right on top of BTI access.
        self.kg_teacher.groups_id = [
            fields.Command.link(self.env.ref("base.group_allow_export").id)
        ]
        before = self._rows()
        result = self.case.with_user(self.kg_teacher).export_data(["name", "state"])
        self.assertEqual(result["datas"][0][0], self.case.name)
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.action, "export")
        self.assertEqual(row.user_id, self.kg_teacher)
        self.assertEqual(row.service_id, self.kindergarten)
        self.assertIn("name", row.detail)
        self.assertIn("state", row.detail)

    def test_print_writes_print_row(self):
        report = self.env.ref("bti_core.action_report_bti_case")
        before = self._rows()
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.school_teacher)
            ._render_qweb_html("bti_core.action_report_bti_case", self.case.ids)
        )
        self.assertIn(
            self.case.name, html.decode() if isinstance(html, bytes) else html
        )
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.action, "print")
        self.assertEqual(row.user_id, self.school_teacher)
        self.assertEqual(row.service_id, self.school)
        self.assertEqual(row.detail, report.name)

    def test_users_cannot_forge_rows(self):
        self.case.with_user(self.kg_teacher).read(["name"])
        row = self._rows()[-1:]
        Log = self.env["bti.access.log"]
        for user in (self.kg_teacher, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Log.with_user(user).create(
                        {"user_id": user.id, "case_id": self.case.id, "action": "read"}
                    )
                with self.assertRaises(AccessError):
                    row.with_user(user).write({"user_id": self.kg_teacher2.id})
                with self.assertRaises(AccessError):
                    row.with_user(user).unlink()
        # Administrators review, they do not edit.
        with self.assertRaises(AccessError):
            row.with_user(self.bti_admin).write({"action": "export"})
        with self.assertRaises(AccessError):
            row.with_user(self.bti_admin).unlink()
        with self.assertRaises(AccessError):
            Log.with_user(self.bti_admin).create(
                {
                    "user_id": self.bti_admin.id,
                    "case_id": self.case.id,
                    "action": "read",
                }
            )
        self.assertEqual(row.user_id, self.kg_teacher)

    def test_superuser_cannot_change_rows(self):
        self.case.with_user(self.kg_teacher).read(["name"])
        row = self._rows()[-1:]
        with self.assertRaises(UserError):
            row.write({"user_id": self.kg_teacher2.id})
        with self.assertRaises(UserError):
            row.sudo().unlink()
        self.assertTrue(row.exists())
        self.assertEqual(row.user_id, self.kg_teacher)

    def test_administrator_reads_log(self):
        self.case.with_user(self.school_teacher).read(["name"])
        rows = (
            self.env["bti.access.log"]
            .with_user(self.bti_admin)
            .search([("case_id", "=", self.case.id)])
        )
        self.assertTrue(rows)
        self.assertIn(self.school_teacher, rows.user_id)
        rows.read(["date", "user_id", "service_id", "case_id", "action"])

    def test_employee_cannot_read_log(self):
        self.case.with_user(self.kg_teacher).read(["name"])
        for user in (self.kg_teacher, self.kg_leader, self.outsider):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["bti.access.log"].with_user(user).search(
                        [("case_id", "=", self.case.id)]
                    )
                with self.assertRaises(AccessError):
                    self._rows().with_user(user).read(["user_id"])
