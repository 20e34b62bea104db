import base64
import datetime
import hashlib

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import StafettloggCommon


@tagged("post_install", "-at_install", "bti")
class TestClosing(StafettloggCommon):
    """Closing a case makes the archive copy of the complete log; the log is
    read-only afterwards and the copy is never changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goal = cls._goal(name="Speaks in whole sentences")
        cls.measure = cls._measure(cls.goal, name="Reading together daily")
        cls.measure.with_user(cls.kg_teacher).action_start()
        cls.shared = cls._entry(body="<p>Shared with all services: SHARED-MARK</p>")
        cls.own = cls._entry(
            visibility="service", body="<p>Kindergarten only: KG-ONLY-MARK</p>"
        )
        # Written by the school for the school: the closer cannot read it.
        cls.school_only = cls._entry(
            user=cls.school_teacher,
            visibility="service",
            body="<p>School only: SCHOOL-ONLY-MARK</p>",
        )
        cls.draft = cls._entry(publish=False, body="<p>Draft: DRAFT-MARK</p>")
        cls.meeting = cls._meeting()

    def _archives(self, case=None):
        return (
            self.env["bti.log.archive"]
            .sudo()
            .search([("case_id", "=", (case or self.case).id)])
        )

    def _assert_archive(self, reason_label):
        archive = self._archives()
        self.assertEqual(len(archive), 1)
        content = base64.b64decode(archive.document)
        self.assertEqual(archive.sha256, hashlib.sha256(content).hexdigest())
        self.assertEqual(archive.size, len(content))
        self.assertTrue(archive.document_name.startswith(self.case.name))
        self.assertNotIn(self.case.subject_partner_id.name, archive.document_name)
        self.assertEqual(archive.user_id, self.kg_teacher)
        self.assertEqual(archive.close_reason, reason_label)
        # Tests render the report as HTML instead of PDF (no wkhtmltopdf run):
        # the content of the copy can be read.
        self.assertEqual(archive.mimetype, "text/html")
        self.assertEqual(archive.document_name, f"{self.case.name}-stafettlogg.html")
        text = content.decode()
        self.assertIn(self.case.name, text)
        self.assertIn("SHARED-MARK", text)
        self.assertIn("KG-ONLY-MARK", text)
        self.assertIn("SCHOOL-ONLY-MARK", text, "the archive is the complete log")
        self.assertNotIn("DRAFT-MARK", text, "drafts are not part of the log")
        self.assertIn("Speaks in whole sentences", text)
        self.assertIn("Reading together daily", text)
        # The case shows the hash to whoever reads it, not the copy itself.
        case = self.case.with_user(self.kg_teacher)
        self.assertEqual(case.archive_sha256, archive.sha256)
        self.assertEqual(case.archive_date, archive.date)
        self.assertEqual(
            self.case.with_user(self.school_teacher).archive_sha256, archive.sha256
        )
        return archive

    def test_close_makes_archive_copy(self):
        self.assertFalse(self._archives())
        self.assertFalse(self.case.archive_sha256)
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        self.assertEqual(self.case.state, "closed")
        self._assert_archive("Goal reached")
        self.assertTrue(
            self.case.message_ids.filtered(lambda m: "archive copy" in (m.body or ""))
        )

    def test_close_through_the_wizard(self):
        wizard = (
            self.env["bti.case.close.wizard"]
            .with_user(self.kg_teacher)
            .create({"case_id": self.case.id, "reason": "moved"})
        )
        wizard.action_confirm()
        self.assertEqual(self.case.state, "closed")
        self._assert_archive("Moved")

    def test_participant_cannot_close(self):
        wizard = (
            self.env["bti.case.close.wizard"]
            .with_user(self.school_teacher)
            .create({"case_id": self.case.id, "reason": "goal_reached"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(self.case.state, "active")
        self.assertFalse(self._archives())

    def test_archive_readers(self):
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        archive = self._archives()
        # The leaders of the owning service read the copy; staff do not.
        self.assertEqual(
            self.env["bti.log.archive"]
            .with_user(self.kg_leader)
            .search([("case_id", "=", self.case.id)]),
            archive,
        )
        for user in (self.kg_teacher, self.school_teacher):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["bti.log.archive"].with_user(user).search([])

    def test_log_read_only_after_closing(self):
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        counts = {
            model: self.env[model].sudo().search_count([("case_id", "=", self.case.id)])
            for model in ("bti.log.entry", "bti.goal", "bti.measure", "bti.meeting")
        }
        builders = {
            "bti.log.entry": lambda: self._entry(publish=False),
            "bti.goal": lambda: self._goal(),
            "bti.measure": lambda: self._measure(self.goal),
            "bti.meeting": lambda: self._meeting(),
        }
        for model, build in builders.items():
            with self.subTest(model=model):
                with self.assertRaises(UserError) as caught:
                    build()
                self.assertIn("read-only", str(caught.exception))
        for model, count in counts.items():
            self.assertEqual(
                self.env[model].sudo().search_count([("case_id", "=", self.case.id)]),
                count,
            )
        kg = self.kg_teacher
        refused = {
            "publish a draft": lambda: self.draft.with_user(kg).action_publish(),
            "edit a draft": lambda: self.draft.with_user(kg).write(
                {"body": "<p>x</p>"}
            ),
            "correct": lambda: self.shared.with_user(kg).action_correct(),
            "evaluate": lambda: (
                self.env["bti.measure.evaluate.wizard"]
                .with_user(kg)
                .create(
                    {
                        "measure_id": self.measure.id,
                        "effect": "good",
                        "evaluation": "<p>Fine</p>",
                        "outcome": "finish",
                    }
                )
                .action_confirm()
            ),
            "stop a measure": lambda: self.measure.with_user(kg).action_stop(),
            "edit a measure": lambda: self.measure.with_user(kg).write(
                {"date_evaluation": self.today + datetime.timedelta(days=90)}
            ),
            "reach a goal": lambda: self.goal.with_user(kg).action_reached(),
            "edit a goal": lambda: self.goal.with_user(kg).write({"name": "Other"}),
            "hold a meeting": lambda: self.meeting.with_user(kg).action_hold(),
            "summon": lambda: self.meeting.with_user(kg).action_send_invitations(),
            "cancel a meeting": lambda: self.meeting.with_user(kg).action_cancel(),
            "keep the log": lambda: self.case.with_user(kg).action_bti_keep_log(),
        }
        for what, call in refused.items():
            with self.subTest(what=what), self.assertRaises(UserError):
                call()
        for record in (self.draft, self.measure, self.goal, self.meeting):
            record.invalidate_recordset()
        self.assertEqual(self.draft.state, "draft")
        self.assertIn("DRAFT-MARK", self.draft.body)
        self.assertEqual(self.measure.state, "running")
        self.assertFalse(self.measure.effect)
        self.assertEqual(self.goal.state, "open")
        self.assertEqual(self.goal.name, "Speaks in whole sentences")
        self.assertEqual(self.meeting.state, "draft")

    def test_archive_is_never_changed(self):
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        archive = self._archives()
        sha256, document = archive.sha256, archive.document
        for vals in (
            {"sha256": "0" * 64},
            {"document": base64.b64encode(b"forged")},
            {"document_name": "child-name.pdf"},
            {"size": 1},
        ):
            with self.subTest(vals=list(vals)):
                with self.assertRaises(UserError) as caught:
                    archive.write(vals)
                self.assertIn("cannot be changed", str(caught.exception))
                with self.assertRaises(UserError):
                    archive.with_user(self.kg_leader).write(vals)
        with self.assertRaises(UserError) as caught:
            archive.unlink()
        self.assertIn("cannot be deleted", str(caught.exception))
        with self.assertRaises(UserError):
            archive.with_user(self.kg_leader).unlink()
        # Only the archive reference is filled in, by a leader.
        archive.with_user(self.kg_leader).write({"reference": "ARK-2026-17"})
        archive.invalidate_recordset()
        self.assertTrue(archive.exists())
        self.assertEqual(archive.reference, "ARK-2026-17")
        self.assertEqual(archive.sha256, sha256)
        self.assertEqual(archive.document, document)
        # Users cannot make an archive copy of their own.
        with self.assertRaises(AccessError):
            self.env["bti.log.archive"].with_user(self.kg_leader).create(
                {
                    "case_id": self.case.id,
                    "user_id": self.kg_leader.id,
                    "sha256": "0" * 64,
                }
            )
        self.assertEqual(len(self._archives()), 1)
