"""The access log of the stafettlogg: entries, goals, measures and meetings
are read, listed, exported and printed through the one choke point of
bti_core (bti.access.logged); the archive copy of a closed case too."""

from odoo.tests import tagged

from odoo.addons.bti_core.tests.access_log_common import AccessLogMatrix, LogSpec

from .common import StafettloggCommon

REPORT = "bti_stafettlogg.action_report_stafettlogg"


@tagged("post_install", "-at_install", "bti")
class TestStafettloggAccessLog(AccessLogMatrix, StafettloggCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.entry = cls._entry(
            subject="Language", body="<p>Speaks in short sentences</p>"
        )
        cls.goal = cls._goal()
        cls.measure = cls._measure(cls.goal)
        cls.meeting = cls._meeting(agenda="<p>How the language group goes</p>")

    def _logged_specs(self):
        user = self.kg_teacher
        return [
            LogSpec(
                "bti.log.entry",
                self.entry,
                self.case,
                user,
                ["subject", "body"],
                ["date", "kind", "state", "author_id"],
                REPORT,
            ),
            LogSpec(
                "bti.goal",
                self.goal,
                self.case,
                user,
                ["name", "description"],
                ["state", "sequence", "author_service_id"],
                REPORT,
            ),
            LogSpec(
                "bti.measure",
                self.measure,
                self.case,
                user,
                ["name", "arena"],
                ["state", "date_evaluation", "responsible_service_id", "goal_id"],
                REPORT,
            ),
            LogSpec(
                "bti.meeting",
                self.meeting,
                self.case,
                user,
                ["location", "agenda"],
                ["start", "kind", "state", "staff_ids"],
                REPORT,
            ),
        ]

    def test_label_of_content_is_a_read(self):
        """A many2one label that names content (a goal's text) is a read of
        it; a label that names none (a meeting's kind and time) is not."""
        self._new_request()
        since = self._last_log_id()
        self.measure.with_user(self.kg_teacher).web_read(
            {"goal_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(
            self._log_rows(since).mapped("model"),
            ["bti.goal"],
            "the measure's goal_id is a link; the goal's name is content",
        )
        self._new_request()
        since = self._last_log_id()
        self.meeting.with_user(self.kg_teacher).read(["display_name"])
        self.assertFalse(self._log_rows(since))

    def test_unreadable_label_is_not_a_read(self):
        """A label the reader may not read is neutral: nothing is read."""
        secret = self._entry(subject="Secret", visibility="service")
        self._new_request()
        since = self._last_log_id()
        label = secret.with_user(self.school_teacher).sudo().display_name
        self.assertNotIn("Secret", label)
        self.assertFalse(self._log_rows(since, model="bti.log.entry"))

    def test_archive_copy_read_by_a_leader(self):
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        archive = self.case.log_archive_ids
        self.assertEqual(len(archive), 1)
        self._new_request()
        since = self._last_log_id()
        archive.with_user(self.kg_leader).read(["reference", "sha256", "date"])
        self.assertFalse(self._log_rows(since), "where it is filed is no content")
        self.env.invalidate_all()
        archive.with_user(self.kg_leader).read(["document", "close_reason"])
        row = self._log_rows(since)
        self.assertEqual(
            (row.user_id, row.case_id, row.model, row.action),
            (self.kg_leader, self.case, "bti.log.archive", "read"),
        )
