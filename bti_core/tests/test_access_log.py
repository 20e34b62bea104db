import logging
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .access_log_common import AccessLogMatrix, LogSpec
from .common import BtiCommon

# The content of a case, and fields that are not (bti.case CASE_UNLOGGED_FIELDS).
CASE_CONTENT = ["name", "wondering"]
CASE_TECHNICAL = ["name", "state", "level_id", "holder_id"]


@tagged("post_install", "-at_install", "bti")
class TestAccessLog(BtiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._level2_case()

    def _rows(self, case=None, model="bti.case"):
        domain = [("case_id", "=", (case or self.case).id)]
        if model:
            domain.append(("model", "=", model))
        return self.env["bti.access.log"].sudo().search(domain, order="id")

    def _new_rows(self, before, case=None, model="bti.case"):
        return self._rows(case, model) - before

    def test_read_writes_one_row(self):
        before = self._rows()
        start = fields.Datetime.now().replace(microsecond=0)
        result = self.case.with_user(self.kg_teacher).read(CASE_CONTENT)
        self.assertEqual(result[0]["name"], self.case.name)
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.user_id, self.kg_teacher)
        self.assertEqual(row.service_id, self.kindergarten)
        self.assertEqual(row.case_id, self.case)
        self.assertEqual(row.model, "bti.case")
        self.assertEqual(row.action, "read")
        self.assertGreaterEqual(row.date, start)

    def test_row_names_the_record_type(self):
        self.case.with_user(self.kg_teacher).read(CASE_CONTENT)
        row = self._rows()[-1:]
        labels = dict(row._fields["model"]._description_selection(self.env))
        self.assertEqual(labels["bti.case"], "BTI Case")
        self.assertIn("bti.consent", labels)
        self.assertIn("bti.case.guardian", labels)
        self.assertNotIn("bti.service", labels, "only models under a case")

    def test_read_by_participating_service(self):
        before = self._rows()
        self.case.with_user(self.school_teacher).read(["subject_partner_id"])
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.user_id, self.school_teacher)
        self.assertEqual(row.service_id, self.school)
        self.assertEqual(row.action, "read")

    def test_read_of_several_cases(self):
        other = self._new_case()
        self._new_request()
        before = self._rows() | self._rows(other)
        (self.case | other).with_user(self.kg_teacher).read(CASE_CONTENT)
        rows = (self._rows() | self._rows(other)) - before
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.case_id, self.case | other)
        self.assertEqual(set(rows.mapped("action")), {"read"})

    def test_repeated_reads_one_row_per_request(self):
        before = self._rows()
        case = self.case.with_user(self.kg_teacher)
        for _i in range(3):
            case.read(CASE_CONTENT)
            case.web_read({"wondering": {}})
            self.env.invalidate_all()
        self.assertEqual(len(self._new_rows(before)), 1)
        # The next request logs again.
        self._new_request()
        case.read(CASE_CONTENT)
        self.assertEqual(len(self._new_rows(before)), 2)

    def test_web_read_writes_one_row(self):
        before = self._rows()
        result = self.case.with_user(self.school_teacher).web_read(
            {
                "name": {},
                "state": {},
                "wondering": {},
                "level_id": {"fields": {"display_name": {}}},
            }
        )
        self.assertEqual(result[0]["id"], self.case.id)
        row = self._new_rows(before)
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.user_id, row.service_id, row.case_id, row.action),
            (self.school_teacher, self.school, self.case, "read"),
        )

    def test_form_reads_its_lines(self):
        """The form of a case reads its guardians and consents: each kind of
        record read is a row of its own."""
        before = self.env["bti.access.log"].sudo().search([]).ids
        self.case.with_user(self.kg_teacher).web_read(
            {
                "wondering": {},
                "guardian_ids": {"fields": {"partner_id": {}, "note": {}}},
                "consent_ids": {"fields": {"purpose": {}, "state": {}}},
            }
        )
        rows = self.env["bti.access.log"].sudo().search([("id", "not in", before)])
        self.assertEqual(
            sorted(rows.mapped("model")),
            ["bti.case", "bti.case.guardian", "bti.consent"],
        )
        self.assertEqual(rows.case_id, self.case)
        self.assertEqual(rows.user_id, self.kg_teacher)

    def test_list_with_content_is_read(self):
        other = self._new_case()
        self._new_request()
        before = self._rows() | self._rows(other)
        result = (
            self.env["bti.case"]
            .with_user(self.kg_teacher)
            .web_search_read(
                [("id", "in", (self.case | other).ids)],
                {"name": {}, "subject_partner_id": {"fields": {"display_name": {}}}},
            )
        )
        self.assertEqual(result["length"], 2)
        rows = (self._rows() | self._rows(other)) - before
        self.assertEqual(rows.case_id, self.case | other)
        self.assertEqual(set(rows.mapped("action")), {"read"})

    def test_list_of_references_writes_none(self):
        other = self._new_case()
        self._new_request()
        before = self._rows(model=None) | self._rows(other, model=None)
        Case = self.env["bti.case"].with_user(self.kg_teacher)
        result = Case.web_search_read(
            [("id", "in", (self.case | other).ids)],
            {"name": {}, "state": {}, "level_id": {"fields": {"display_name": {}}}},
        )
        self.assertEqual(result["length"], 2)
        self.env.invalidate_all()
        # In code: the reference and state of a case do not fetch its content.
        for case in (self.case | other).with_user(self.kg_teacher):
            self.assertTrue(case.name and case.state)
        self.assertEqual(
            (self._rows(model=None) | self._rows(other, model=None)) - before,
            self.env["bti.access.log"],
        )

    def test_label_naming_the_child_is_a_read(self):
        """The label of a case names the child for a reader of the case
        (name_search, many2one labels, breadcrumbs): that is a read of it."""
        before = self._rows()
        result = (
            self.env["bti.case"].with_user(self.kg_teacher).name_search(self.case.name)
        )
        self.assertIn(self.case.subject_partner_id.name, result[0][1])
        self.assertEqual(len(self._new_rows(before)), 1)

    def test_system_reads_not_logged(self):
        before = self._rows(model=None)
        self.assertEqual(self.env.uid, 1)
        self.case.read(CASE_CONTENT)
        self.case.guardian_ids.read(["partner_id"])
        self.assertFalse(self._new_rows(before, model=None))

    def test_superuser_read_on_behalf_of_a_user_logged(self):
        """A controller or report reading as superuser for a user logs the user."""
        before = self._rows()
        self.case.with_user(self.kg_teacher).sudo().read(CASE_CONTENT)
        row = self._new_rows(before)
        self.assertEqual((row.user_id, row.action), (self.kg_teacher, "read"))
        self.assertEqual(row.service_id, self.kindergarten)

    def test_no_row_without_access(self):
        before = self._rows(model=None)
        with self.assertRaises(AccessError):
            self.case.with_user(self.cws_worker).read(CASE_CONTENT)
        with self.assertRaises(AccessError):
            self.case.guardian_ids.with_user(self.cws_worker).read(["partner_id"])
        self.assertFalse(self._new_rows(before, model=None))

    def test_forged_context_only_changes_the_label(self):
        """The action travels in the context: a client that forges it gets a
        row all the same (an unknown label is a read)."""
        before = self._rows()
        case = self.case.with_user(self.kg_teacher)
        case.with_context(bti_access_action="nothing").read(CASE_CONTENT)
        self.assertEqual(self._new_rows(before).mapped("action"), ["read"])
        self.env.invalidate_all()
        case.with_context(bti_access_action="print", bti_no_access_log=True).read(
            CASE_CONTENT
        )
        self.assertEqual(self._new_rows(before).mapped("action"), ["read", "print"])

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

    def test_print_of_cached_records_logged(self):
        """Records already in the cache render without a fetch: the print is
        logged all the same."""
        case = self.case.with_user(self.school_teacher)
        # Every column of the case in the cache.
        case.read([name for name, f in case._fields.items() if f.column_type])
        before = self._rows()
        self.env["ir.actions.report"].with_user(self.school_teacher)._render_qweb_html(
            "bti_core.action_report_bti_case", self.case.ids
        )
        self.assertEqual(self._new_rows(before).mapped("action"), ["print"])

    def test_case_with_a_log_cannot_be_deleted(self):
        self.case.with_user(self.kg_teacher).read(CASE_CONTENT)
        rows = self._rows(model=None)
        self.assertTrue(rows)
        with (
            self.assertRaises(psycopg2.IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.case.unlink()
        self.assertTrue(self.case.exists())
        self.assertEqual(rows.exists(), rows)

    def test_users_cannot_forge_rows(self):
        self.case.with_user(self.kg_teacher).read(CASE_CONTENT)
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
        self.case.with_user(self.kg_teacher).read(CASE_CONTENT)
        row = self._rows()[-1:]
        with self.assertRaises(UserError):
            row.write({"user_id": self.kg_teacher2.id})
        with self.assertRaises(UserError):
            row.sudo().unlink()
        self.assertTrue(row.exists())
        self.assertEqual(row.user_id, self.kg_teacher)

    def test_administrator_reads_log(self):
        self.case.with_user(self.school_teacher).read(CASE_CONTENT)
        rows = (
            self.env["bti.access.log"]
            .with_user(self.bti_admin)
            .search([("case_id", "=", self.case.id)])
        )
        self.assertTrue(rows)
        self.assertIn(self.school_teacher, rows.user_id)
        rows.read(["date", "user_id", "service_id", "case_id", "model", "action"])

    def test_employee_cannot_read_log(self):
        self.case.with_user(self.kg_teacher).read(CASE_CONTENT)
        for user in (self.kg_teacher, self.kg_leader, self.outsider):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["bti.access.log"].with_user(user).search(
                        [("case_id", "=", self.case.id)]
                    )
                with self.assertRaises(AccessError):
                    self._rows().with_user(user).read(["user_id"])


@tagged("post_install", "-at_install", "bti")
class TestAccessLogMatrix(AccessLogMatrix, BtiCommon):
    """Every read path, for the case, its guardians and its consents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._level2_case()

    def _logged_specs(self):
        report = "bti_core.action_report_bti_case"
        return [
            LogSpec(
                "bti.case",
                self.case,
                self.case,
                self.kg_teacher,
                CASE_CONTENT,
                CASE_TECHNICAL,
                report,
            ),
            LogSpec(
                "bti.case.guardian",
                self.case.guardian_ids,
                self.case,
                self.kg_teacher,
                ["partner_id", "relation"],
                ["case_id"],
                report,
            ),
            LogSpec(
                "bti.consent",
                self.case.consent_ids,
                self.case,
                self.kg_teacher,
                ["purpose", "given_by_partner_ids"],
                ["state", "valid_from", "valid_until", "service_ids"],
                report,
            ),
        ]


@tagged("post_install", "-at_install", "bti")
class TestAccessLogHttp(BtiCommon, HttpCase):
    """Over HTTP, as the web client: reads are served in a read-only
    transaction (HttpCase enables it), and the log is written all the same,
    without the request being retried on a read/write cursor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._level2_case()
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
        cls.school_teacher.password = "school_teacher"

    def _rows(self, **where):
        domain = [
            ("case_id", "=", self.case.id),
            ("user_id", "=", self.school_teacher.id),
        ]
        domain += [(key, "=", value) for key, value in where.items()]
        return self.env["bti.access.log"].sudo().search(domain)

    def _call(self, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/bti.case/{method}",
            {
                "model": "bti.case",
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        )

    def test_readonly_rpc_reads_are_logged(self):
        Log = self.registry["bti.access.log"]
        self.authenticate("school_teacher", "school_teacher")
        calls = [
            ("web_read", ([self.case.id],), {"specification": {"wondering": {}}}),
            (
                "search_read",
                (),
                {"domain": [("id", "=", self.case.id)], "fields": CASE_CONTENT},
            ),
            ("read", ([self.case.id], CASE_CONTENT), {}),
            (
                "web_search_read",
                (),
                {
                    "domain": [("id", "=", self.case.id)],
                    "specification": {"subject_partner_id": {}},
                },
            ),
        ]
        for method, args, kwargs in calls:
            with self.subTest(method=method):
                before = self._rows(model="bti.case", action="read")
                with (
                    patch.object(
                        Log,
                        "_bti_create_outside",
                        autospec=True,
                        side_effect=Log._bti_create_outside,
                    ) as outside,
                    self.assertNoLogs("odoo.http", logging.WARNING),
                ):
                    result = self._call(method, *args, **kwargs)
                self.assertTrue(result)
                self.assertEqual(
                    outside.call_count, 1, "written from a read-only transaction"
                )
                self.env.invalidate_all()
                row = self._rows(model="bti.case", action="read") - before
                self.assertEqual(len(row), 1)
                self.assertEqual(row.service_id, self.school)

    def test_attachment_download_logged(self):
        self.authenticate("school_teacher", "school_teacher")
        for _i in range(2):
            with self.assertNoLogs("odoo.http", logging.WARNING):
                response = self.url_open(f"/web/content/{self.attachment.id}")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, b"Observation of the child")
        rows = self._rows(action="download")
        self.assertEqual(len(rows), 2, "one row per request")
        self.assertEqual(set(rows.mapped("model")), {"bti.case"})
        self.assertEqual(rows[0].detail, f"File #{self.attachment.id}")
        self.assertEqual(rows.service_id, self.school)
