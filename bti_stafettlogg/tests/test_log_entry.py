import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import FORGED_CONTEXT, StafettloggCommon


@tagged("post_install", "-at_install", "bti")
class TestLogEntry(StafettloggCommon):
    """Log entries: drafts of their author, published for good, corrected by
    new entries; only in a case with consent and not after closing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mt_log_entry = cls.env.ref("bti_stafettlogg.mt_log_entry")
        cls.guardian = cls.case.guardian_ids.partner_id

    def _count(self, case=None, **domain):
        extra = [(key, "=", value) for key, value in domain.items()]
        return (
            self.env["bti.log.entry"]
            .sudo()
            .search_count([("case_id", "=", (case or self.case).id), *extra])
        )

    def _announcements(self, case=None):
        case = case or self.case
        return case.message_ids.filtered(lambda m: m.subtype_id == self.mt_log_entry)

    # ------------------------------------------------------------------
    # Drafts
    # ------------------------------------------------------------------
    def test_draft_created_by_the_real_user(self):
        count = self._count()
        with self.assertRaises(UserError):
            self._entry(publish=False, author_id=self.school_teacher.id)
        self.assertEqual(self._count(), count, "a forged author is refused")
        entry = self._entry(publish=False)
        self.assertEqual(entry.state, "draft")
        self.assertFalse(entry.published_date)
        self.assertEqual(entry.author_id, self.kg_teacher)
        self.assertEqual(entry.author_service_id, self.kindergarten)
        self.assertTrue(entry.with_user(self.kg_teacher).user_is_author)
        # The school teacher writes through the school.
        school_entry = self._entry(user=self.school_teacher, publish=False)
        self.assertEqual(school_entry.author_id, self.school_teacher)
        self.assertEqual(school_entry.author_service_id, self.school)

    def test_forged_author_service_is_refused(self):
        """The author writes through a service of theirs in the case, never in the
        name of another service."""
        count = self._count()
        with self.assertRaises(UserError):
            self._entry(publish=False, author_service_id=self.school.id)
        self.assertEqual(self._count(), count)
        entry = self._entry(publish=False)
        self.assertEqual(entry.author_service_id, self.kindergarten)

    def test_create_cannot_forge_state(self):
        count = self._count()
        for vals in (
            {"state": "published"},
            {"published_date": datetime.datetime(2020, 1, 1)},
        ):
            with self.subTest(vals=list(vals)), self.assertRaises(UserError):
                self._entry(publish=False, **vals)
        self.assertEqual(self._count(), count)
        self.assertFalse(self._announcements())

    def test_author_edits_and_deletes_draft(self):
        entry = self._entry(publish=False)
        entry.with_user(self.kg_teacher).write({"body": "<p>Second thoughts</p>"})
        self.assertIn("Second thoughts", entry.body)
        entry.with_user(self.kg_teacher).unlink()
        self.assertFalse(entry.exists())

    def test_other_users_cannot_touch_draft(self):
        entry = self._entry(publish=False, body="<p>My own draft</p>")
        for user in (self.kg_teacher2, self.school_teacher, self.kg_leader):
            with self.subTest(user=user.login):
                self.assertFalse(
                    self.env["bti.log.entry"]
                    .with_user(user)
                    .search_count([("id", "=", entry.id)]),
                    "a draft is seen by its author only",
                )
                with self.assertRaises(AccessError):
                    entry.with_user(user).write({"body": "<p>Changed</p>"})
                with self.assertRaises(AccessError):
                    entry.with_user(user).unlink()
                with self.assertRaises(UserError):
                    entry.with_user(user).action_publish()
        entry.invalidate_recordset()
        self.assertTrue(entry.exists())
        self.assertIn("My own draft", entry.body)
        self.assertEqual(entry.state, "draft")

    # ------------------------------------------------------------------
    # Publishing
    # ------------------------------------------------------------------
    def test_publish(self):
        entry = self._entry(publish=False, body="<p>Secret detail about the child</p>")
        before = len(self._announcements())
        entry.with_user(self.kg_teacher).action_publish()
        self.assertEqual(entry.state, "published")
        self.assertTrue(entry.published_date)
        announcements = self._announcements()
        self.assertEqual(len(announcements), before + 1)
        message = announcements[0]
        self.assertNotIn(
            "Secret detail", message.body, "the announcement is content-free"
        )
        self.assertIn("New entry in the stafettlogg", message.body)
        # Published entries are read by the other services taking part.
        self.assertEqual(
            self.env["bti.log.entry"]
            .with_user(self.school_teacher)
            .search_count([("id", "=", entry.id)]),
            1,
        )
        # Publishing twice is refused.
        with self.assertRaises(UserError):
            entry.with_user(self.kg_teacher).action_publish()
        self.assertEqual(len(self._announcements()), before + 1)

    def test_service_entry_not_announced(self):
        entry = self._entry(publish=False, visibility="service")
        entry.with_user(self.kg_teacher).action_publish()
        self.assertEqual(entry.state, "published")
        self.assertFalse(self._announcements())

    def test_published_entry_is_final(self):
        entry = self._entry(body="<p>As it was said</p>")
        published_date = entry.published_date
        with self.assertRaises(UserError) as caught:
            entry.with_user(self.kg_teacher).write({"body": "<p>Rewritten</p>"})
        self.assertIn("can no longer be changed", str(caught.exception))
        with self.assertRaises(UserError):
            entry.with_user(self.kg_teacher).write({"subject": "New subject"})
        with self.assertRaises(UserError):
            entry.with_user(self.kg_teacher).unlink()
        # Not even a superuser deletes a published entry.
        with self.assertRaises(UserError) as caught:
            entry.sudo().unlink()
        self.assertIn("cannot be deleted", str(caught.exception))
        entry.invalidate_recordset()
        self.assertTrue(entry.exists())
        self.assertIn("As it was said", entry.body)
        self.assertFalse(entry.subject)
        self.assertEqual(entry.published_date, published_date)

    def test_forged_state_write(self):
        draft = self._entry(publish=False)
        for vals in (
            {"state": "published"},
            {"published_date": datetime.datetime(2020, 1, 1)},
            {"author_id": self.kg_teacher2.id},
            {"author_service_id": self.school.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                draft.with_user(self.kg_teacher).with_context(**FORGED_CONTEXT).write(
                    vals
                )
        draft.invalidate_recordset()
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.published_date)
        self.assertEqual(draft.author_id, self.kg_teacher)
        self.assertEqual(draft.author_service_id, self.kindergarten)
        self.assertFalse(self._announcements())
        published = self._entry()
        with self.assertRaises(UserError):
            published.with_user(self.kg_teacher).write({"state": "draft"})
        self.assertEqual(published.state, "published")

    # ------------------------------------------------------------------
    # Corrections
    # ------------------------------------------------------------------
    def test_correction(self):
        original = self._entry(kind="agreement", body="<p>Meet on Monday</p>")
        action = original.with_user(self.kg_teacher).action_correct()
        self.assertEqual(action["res_model"], "bti.log.entry")
        self.assertEqual(action["context"]["default_corrects_id"], original.id)
        self.assertEqual(action["context"]["default_case_id"], self.case.id)
        self.assertEqual(action["context"]["default_kind"], "agreement")
        correction = (
            self.env["bti.log.entry"]
            .with_user(self.kg_teacher)
            .with_context(**action["context"])
            .create({"body": "<p>Meet on Tuesday</p>"})
        )
        self.assertEqual(correction.corrects_id, original)
        self.assertEqual(correction.kind, "agreement")
        self.assertEqual(correction.state, "draft")
        self.assertFalse(
            original.is_corrected, "a draft correction corrects nothing yet"
        )
        correction.action_publish()
        self.assertTrue(original.is_corrected)
        self.assertEqual(original.correction_ids, correction)
        self.assertIn("Meet on Monday", original.body, "the original stays as it was")

    def test_correcting_a_draft_is_refused(self):
        draft = self._entry(publish=False)
        with self.assertRaises(UserError):
            draft.with_user(self.kg_teacher).action_correct()
        count = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._entry(publish=False, corrects_id=draft.id)
        self.assertIn("Only a published entry can be corrected", str(caught.exception))
        self.assertEqual(self._count(), count)

    def test_correction_stays_in_its_case(self):
        other_case = self._level2_case()
        foreign = self._entry(case=other_case)
        count = self._count()
        with self.assertRaises(ValidationError):
            self._entry(publish=False, corrects_id=foreign.id)
        self.assertEqual(self._count(), count)
        self.assertFalse(foreign.is_corrected)

    # ------------------------------------------------------------------
    # Evaluations: the child's voice
    # ------------------------------------------------------------------
    def test_evaluation_needs_child_voice(self):
        entry = self._entry(publish=False, kind="evaluation")
        with self.assertRaises(ValidationError) as caught:
            entry.with_user(self.kg_teacher).action_publish()
        self.assertIn("child's voice", str(caught.exception))
        entry.invalidate_recordset()
        self.assertEqual(entry.state, "draft")
        self.assertFalse(self._announcements())
        entry.with_user(self.kg_teacher).write(
            {"child_voice": "<p>Says the language group is fun</p>"}
        )
        entry.with_user(self.kg_teacher).action_publish()
        self.assertEqual(entry.state, "published")

    def test_empty_entry_cannot_be_published(self):
        entry = self._entry(publish=False, body="<p><br></p>")
        with self.assertRaises(ValidationError):
            entry.with_user(self.kg_teacher).action_publish()
        self.assertEqual(entry.state, "draft")

    # ------------------------------------------------------------------
    # Consent and closing
    # ------------------------------------------------------------------
    def test_no_log_without_consent(self):
        case = self._new_case()
        self._decide(case, "level_1")
        self.assertEqual(case.state, "active")
        self.assertEqual(case.holder_id, self.kg_teacher)
        builders = {
            "bti.log.entry": lambda: self._entry(case=case, publish=False),
            "bti.goal": lambda: self._goal(case=case),
            "bti.meeting": lambda: self._meeting(
                case=case,
                staff_ids=[Command.set(self.kg_teacher.ids)],
                family_partner_ids=[],
            ),
        }
        for model, build in builders.items():
            with self.subTest(model=model):
                with self.assertRaises(UserError) as caught:
                    build()
                self.assertIn("only after consent", str(caught.exception))
                self.assertFalse(
                    self.env[model].sudo().search_count([("case_id", "=", case.id)])
                )

    def test_no_log_after_consent_withdrawn(self):
        goal = self._goal()
        draft = self._entry(publish=False)
        self.consent.with_user(self.kg_teacher).action_withdraw("The family says no")
        self.assertEqual(self.case.consent_state, "ended")
        entries = self._count()
        with self.assertRaises(UserError):
            self._entry(publish=False)
        with self.assertRaises(UserError):
            self._measure(goal)
        self.assertEqual(self._count(), entries)
        self.assertFalse(
            self.env["bti.measure"]
            .sudo()
            .search_count([("case_id", "=", self.case.id)])
        )
        self.assertEqual(draft.state, "draft")

    def test_closed_case_is_read_only(self):
        draft = self._entry(publish=False)
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        count = self._count()
        with self.assertRaises(UserError) as caught:
            self._entry(publish=False)
        self.assertIn("closed", str(caught.exception))
        self.assertEqual(self._count(), count)
        with self.assertRaises(UserError):
            draft.with_user(self.kg_teacher).action_publish()
        draft.invalidate_recordset()
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.published_date)

    # ------------------------------------------------------------------
    # Attachments
    # ------------------------------------------------------------------
    def _upload(self, user, **vals):
        values = {
            "name": "observation.txt",
            "raw": b"what was observed",
            "res_model": "bti.log.entry",
            "res_id": 0,
        }
        values.update(vals)
        return self.env["ir.attachment"].with_user(user).create(values).sudo()

    def test_attachments_are_claimed(self):
        upload = self._upload(self.kg_teacher)
        entry = self._entry(publish=False, attachment_ids=[Command.set(upload.ids)])
        self.assertEqual(entry.attachment_ids, upload)
        self.assertEqual(upload.res_model, "bti.log.entry")
        self.assertEqual(upload.res_id, entry.id)
        self.assertFalse(upload.public)
        # Attached later to the draft, an upload is claimed too, and made private.
        later = self._upload(self.kg_teacher, name="drawing.txt")
        later.public = True
        entry.with_user(self.kg_teacher).write(
            {"attachment_ids": [Command.link(later.id)]}
        )
        self.assertEqual(later.res_id, entry.id)
        self.assertFalse(later.public)
        # Readers of the published entry read its files; others do not.
        entry.with_user(self.kg_teacher).action_publish()
        self.assertEqual(
            self.env["ir.attachment"]
            .with_user(self.school_teacher)
            .search_count([("id", "=", upload.id)]),
            1,
        )
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(self.cws_worker)
            .search_count([("id", "=", upload.id)])
        )

    def test_attachment_of_someone_else_is_refused(self):
        foreign = self._upload(self.kg_teacher2)
        count = self._count()
        with self.assertRaises(UserError):
            self._entry(publish=False, attachment_ids=[Command.set(foreign.ids)])
        self.assertEqual(self._count(), count)
        foreign.invalidate_recordset()
        self.assertEqual(foreign.res_id, 0)
        draft = self._entry(publish=False)
        with self.assertRaises(UserError):
            draft.with_user(self.kg_teacher).write(
                {"attachment_ids": [Command.link(foreign.id)]}
            )
        draft.invalidate_recordset()
        self.assertFalse(draft.attachment_ids)
        self.assertEqual(foreign.res_id, 0)

    def test_attachment_of_another_record_is_refused(self):
        other = self.env["ir.attachment"].create(
            {
                "name": "case-file.txt",
                "raw": b"belongs to the case",
                "res_model": "bti.case",
                "res_id": self.case.id,
            }
        )
        count = self._count()
        with self.assertRaises(UserError):
            self._entry(publish=False, attachment_ids=[Command.set(other.ids)])
        self.assertEqual(self._count(), count)
        other.invalidate_recordset()
        self.assertEqual((other.res_model, other.res_id), ("bti.case", self.case.id))

    # ------------------------------------------------------------------
    # The family's own contribution
    # ------------------------------------------------------------------
    def test_family_contribution(self):
        entry = self._entry(
            kind="family",
            family_partner_id=self.guardian.id,
            body="<p>At home he talks a lot</p>",
        )
        self.assertEqual(entry.family_partner_id, self.guardian)
        self.assertEqual(entry.state, "published")
        count = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._entry(kind="family", family_partner_id=self.mother.id, publish=False)
        self.assertIn(self.mother.name, str(caught.exception))
        self.assertEqual(self._count(), count)
