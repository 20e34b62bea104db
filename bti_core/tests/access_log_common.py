"""The access log of a model, read every way the application reads.

``AccessLogMatrix`` is mixed into a test class (with ``BtiCommon``) that
describes its access-logged models in ``_logged_specs``; each test walks every
read path for every model: one row per (user, case, model, action) and
request, however often the content is read in the request.
"""

from collections import namedtuple
from functools import partial

from odoo import Command

# model: the model name; records: what is read (records of one case, ``case``);
# user: a reader with access; content / technical: stored fields that are /
# are not content; report: xml id of a report whose print renders the records.
LogSpec = namedtuple("LogSpec", "model records case user content technical report")


class AccessLogMatrix:
    """Needs ``BtiCommon``; the test class defines :meth:`_logged_specs`."""

    # Odoo collects a test class's own methods only, unless told.
    allow_inherited_tests_method = True

    def _logged_specs(self):
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _last_log_id(self):
        return self.env["bti.access.log"].sudo().search([], limit=1, order="id desc").id

    def _log_rows(self, since, **where):
        domain = [("id", ">", since)] + [(k, "=", v) for k, v in where.items()]
        return self.env["bti.access.log"].sudo().search(domain, order="id")

    def _twice(self, read):
        """Read twice in one request (the second result is returned); the
        second fetch must not hit the cache, so that it passes the choke point
        again."""
        read()
        self.env.invalidate_all()
        return read()

    def _assert_one_row(self, spec, action, since, user=None):
        user = user or spec.user
        rows = self._log_rows(since, model=spec.model, action=action)
        self.assertEqual(
            [(r.user_id, r.case_id) for r in rows],
            [(user, spec.case)],
            f"{spec.model}: one {action} row",
        )
        return rows

    def _allow_export(self, user):
        # Exporting needs Odoo's own export right on top of BTI access.
        user.groups_id = [Command.link(self.env.ref("base.group_allow_export").id)]

    # ------------------------------------------------------------------
    # The read paths
    # ------------------------------------------------------------------
    def test_matrix_read(self):
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                records = spec.records.with_user(spec.user)
                self._twice(partial(records.read, spec.content))
                row = self._assert_one_row(spec, "read", since)
                self.assertEqual(row.service_id, spec.user.bti_service_ids[:1])

    def test_matrix_search_read(self):
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                Model = self.env[spec.model].with_user(spec.user)
                domain = [("id", "in", spec.records.ids)]
                result = self._twice(partial(Model.search_read, domain, spec.content))
                self.assertEqual(
                    sorted(row["id"] for row in result), sorted(spec.records.ids)
                )
                self._assert_one_row(spec, "read", since)

    def test_matrix_web_read(self):
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                records = spec.records.with_user(spec.user)
                specification = {name: {} for name in spec.content}
                self._twice(partial(records.web_read, specification))
                self._assert_one_row(spec, "read", since)

    def test_matrix_list_with_content(self):
        """A list (web_search_read) that shows a content field is a read."""
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                Model = self.env[spec.model].with_user(spec.user)
                domain = [("id", "in", spec.records.ids)]
                specification = {name: {} for name in spec.content}
                self._twice(partial(Model.web_search_read, domain, specification))
                self._assert_one_row(spec, "read", since)

    def test_matrix_export(self):
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._allow_export(spec.user)
                self._new_request()
                since = self._last_log_id()
                records = spec.records.with_user(spec.user)
                result = self._twice(partial(records.export_data, spec.content))
                self.assertEqual(len(result["datas"]), len(spec.records))
                row = self._assert_one_row(spec, "export", since)
                self.assertEqual(row.detail, ", ".join(spec.content))
                self.assertFalse(
                    self._log_rows(since, model=spec.model, action="read"),
                    f"{spec.model}: an export is not logged as a read as well",
                )

    def test_matrix_print(self):
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                report = self.env.ref(spec.report)
                Report = self.env["ir.actions.report"].with_user(spec.user)
                render = partial(
                    Report._render_qweb_html, report.report_name, spec.case.ids
                )
                self._twice(render)
                row = self._assert_one_row(spec, "print", since)
                self.assertEqual(row.detail, report.name)
                self.assertFalse(
                    self._log_rows(since, model=spec.model, action="read"),
                    f"{spec.model}: a print is not logged as a read as well",
                )

    def test_matrix_technical_fields_not_logged(self):
        """A label, a state, a reference: reading only technical fields, in a
        form, a list or in code, is no access to content."""
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                records = spec.records.with_user(spec.user)
                Model = self.env[spec.model].with_user(spec.user)
                domain = [("id", "in", spec.records.ids)]
                records.read(spec.technical)
                self.env.invalidate_all()
                Model.search_read(domain, spec.technical)
                self.env.invalidate_all()
                Model.web_search_read(domain, {name: {} for name in spec.technical})
                self.env.invalidate_all()
                # In code: a technical field does not prefetch the content.
                values = [record[spec.technical[0]] for record in records]
                self.assertEqual(len(values), len(records))
                self.assertFalse(self._log_rows(since, model=spec.model))

    def test_matrix_superuser_on_behalf_of_a_user(self):
        """A controller or a report that reads as superuser for a user logs
        the user; the system itself (uid 1) is not logged."""
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                spec.records.with_user(spec.user).sudo().read(spec.content)
                self._assert_one_row(spec, "read", since)
                self._new_request()
                since = self._last_log_id()
                spec.records.sudo().read(spec.content)
                self.assertEqual(self.env.uid, 1)
                self.assertFalse(self._log_rows(since, model=spec.model))

    def test_matrix_one_row_per_user(self):
        """Two users reading the same content in one request: a row each."""
        for spec in self._logged_specs():
            with self.subTest(model=spec.model):
                self._new_request()
                since = self._last_log_id()
                for user in (spec.user, spec.user, self.kg_leader):
                    spec.records.with_user(user).read(spec.content)
                    self.env.invalidate_all()
                rows = self._log_rows(since, model=spec.model, action="read")
                self.assertEqual(
                    sorted(rows.mapped("user_id.login")),
                    sorted([spec.user.login, self.kg_leader.login]),
                )
