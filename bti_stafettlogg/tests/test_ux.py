"""What a new user meets in the stafettlogg: a correction starts from the
corrected text, the smart buttons say what they count, nothing of the log is
duplicated."""

import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import StafettloggCommon


@tagged("post_install", "-at_install", "bti")
class TestStafettloggUx(StafettloggCommon):
    def test_correction_starts_from_the_corrected_entry(self):
        entry = self._entry(
            subject="Conversation with the mother",
            body="<p>The mother says the child sleeps badly.</p>",
            kind="agreement",
            visibility="participants",
        )
        action = entry.with_user(self.kg_teacher).action_correct()
        Entry = (
            self.env["bti.log.entry"]
            .with_user(self.kg_teacher)
            .with_context(**action["context"])
        )
        values = Entry.default_get(list(Entry._fields))
        self.assertEqual(values["corrects_id"], entry.id)
        self.assertEqual(values["subject"], entry.subject)
        self.assertIn("sleeps badly", values["body"])
        self.assertEqual(values["kind"], "agreement")
        self.assertEqual(values["visibility"], "participants")
        self.assertEqual(values["info_category_id"], entry.info_category_id.id)
        # The context carries no text that other models would take as theirs.
        self.assertNotIn("default_body", action["context"])
        self.assertNotIn("default_subject", action["context"])
        # The prefilled correction is saved and published as usual.
        correction = Entry.create(
            {"case_id": self.case.id, "body": values["body"] + "<p>(corrected)</p>"}
        )
        self.assertEqual(correction.subject, entry.subject)
        correction.action_publish()
        self.assertTrue(entry.is_corrected)

    def test_log_content_is_not_copied(self):
        goal = self._goal()
        records = [self._entry(), goal, self._measure(goal), self._meeting()]
        for record in records:
            with self.subTest(model=record._name):
                with self.assertRaisesRegex(UserError, "cannot be duplicated"):
                    record.with_user(self.kg_teacher).copy()
                for view_type in ("form", "list"):
                    arch = self.env[record._name].get_view(view_type=view_type)["arch"]
                    self.assertIn('duplicate="0"', arch)

    def test_measure_button_says_what_it_counts(self):
        case = self.case.with_user(self.kg_teacher)
        self.assertFalse(case.measure_count)
        self.assertEqual(case.measure_stat_text, "Measures")
        goal = self._goal()
        today = self.today
        self._measure(
            goal,
            date_start=today - datetime.timedelta(days=30),
            date_evaluation=today - datetime.timedelta(days=1),
        )
        self._measure(goal)
        self.env.invalidate_all()
        self.assertEqual(case.measure_count, 2)
        self.assertEqual(case.measure_stat_text, "Measures, 1 overdue evaluation")
        self._measure(
            goal,
            date_start=today - datetime.timedelta(days=30),
            date_evaluation=today - datetime.timedelta(days=2),
        )
        self.env.invalidate_all()
        self.assertEqual(case.measure_stat_text, "Measures, 2 overdue evaluations")
