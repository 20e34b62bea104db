import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ToolsCommon

MODEL = "bti.tool.conversation"
FAMILY_REPORT = "bti_tools.report_tool_conversation_family"
FULL_REPORT = "bti_tools.report_tool_conversation"
# Marks of the texts of the form, to find them in a print.
PREPARATION = "PREP-MARK we must mention the bruises on her arm"
SITUATIONS = "SITUATIONS-MARK cried at drop-off on Monday"
INVITATION = "INVITATION-MARK Thursday at 14:00, 45 minutes"
AGREEMENTS = "AGREED-MARK a short talk at pick-up every Friday"
THEIR_VIEW = "VIEW-MARK they think she is tired after the move"
CHILD_WORDS = "WORDS-MARK I do not like the big boys"


@tagged("post_install", "-at_install")
class TestConversation(ToolsCommon):
    """The necessary conversation with the parents or the child: prepared,
    recorded and followed up; shared with the family in a copy without the
    preparation, never while violence or abuse is suspected, never without
    consent."""

    @classmethod
    def _conversation(cls, case=None, user=None, final=False, **vals):
        case = cls.case if case is None else case
        values = {
            "with_whom": "parents",
            "purpose": "Tell the parents what we see at drop-off, and hear them.",
            "family_partner_ids": [Command.set(case.guardian_ids.partner_id.ids)],
            "situations": f"<p>{SITUATIONS}</p>",
            "must_be_said": f"<p>{PREPARATION}</p>",
            "invitation": f"<p>{INVITATION}</p>",
            "recognise_concern": "partly",
            "their_view": f"<p>{THEIR_VIEW}</p>",
            "agreements": f"<p>{AGREEMENTS}</p>",
        }
        values.update(vals)
        return cls._tool(MODEL, case, user, final, **values)

    def _render(self, report, conversation, user=None):
        return (
            self.env["ir.actions.report"]
            .with_user(user or self.kg_teacher)
            ._render_qweb_html(report, conversation.ids)[0]
            .decode()
        )

    def _entries(self, conversation):
        return self.env["bti.log.entry"].search(
            [("tool_model", "=", MODEL), ("tool_res_id", "=", conversation.id)]
        )

    def _assert_hidden(self, record, user):
        self._new_request()
        with self.assertRaises(AccessError):
            record.with_user(user).read(["purpose"])
        self.assertFalse(
            self.env[MODEL].with_user(user).search([("id", "=", record.id)])
        )

    # ------------------------------------------------------------------
    # With whom
    # ------------------------------------------------------------------
    def test_with_the_parents(self):
        conv = self._conversation(
            staff_ids=[Command.set((self.kg_teacher | self.kg_leader).ids)],
            writer_id=self.kg_teacher.id,
            planned_duration=0.75,
            interpreter_needed=True,
            interpreter_language="Arabic",
        )
        self.assertEqual(conv.with_whom, "parents")
        self.assertEqual(conv.family_partner_ids, self.case.guardian_ids.partner_id)
        self.assertEqual(conv.staff_ids, self.kg_teacher | self.kg_leader)
        self.assertEqual(conv.author_service_id, self.kindergarten)
        self.assertFalse(conv.violence_suspicion)
        conv.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(conv.state, "final")
        # Nothing to follow up: no activity.
        self.assertFalse(conv.activity_ids)

    def test_with_the_child(self):
        conv = self._conversation(
            with_whom="child",
            family_partner_ids=[Command.set(self.case.subject_partner_id.ids)],
            child_words=f"<p>{CHILD_WORDS}</p>",
        )
        self.assertEqual(conv.family_partner_ids, self.case.subject_partner_id)
        conv.with_user(self.kg_teacher).action_finalize()
        full = self._render(FULL_REPORT, conv)
        family = self._render(FAMILY_REPORT, conv)
        # The child's own words are in the family's copy of a conversation
        # with the child; the preparation never is.
        self.assertIn(CHILD_WORDS, full)
        self.assertIn(CHILD_WORDS, family)
        self.assertNotIn(PREPARATION, family)

    def test_staff_defaults_to_the_author(self):
        conv = self._conversation()
        self.assertEqual(conv.staff_ids, self.kg_teacher)
        self.assertEqual(conv.followup_user_id, self.kg_teacher)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_finalize_needs_purpose_and_agreements(self):
        for vals in (
            {"purpose": False},
            {"purpose": "   "},
            {"agreements": False},
            {"agreements": "<p><br></p>"},
        ):
            with self.subTest(vals=vals):
                conv = self._conversation(**vals)
                with self.assertRaises(ValidationError):
                    conv.with_user(self.kg_teacher).action_finalize()
                self.assertEqual(conv.state, "draft")
                self.assertFalse(conv.final_date)
        # Completed, the same draft is made final.
        conv.with_user(self.kg_teacher).write(
            {"agreements": "<p>Nothing agreed: we meet again in a month.</p>"}
        )
        conv.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(conv.state, "final")

    def test_at_most_two_staff(self):
        three = self.kg_teacher | self.kg_teacher2 | self.kg_leader
        before = self.env[MODEL].search_count([])
        with self.assertRaises(ValidationError):
            self._conversation(staff_ids=[Command.set(three.ids)])
        self.assertEqual(self.env[MODEL].search_count([]), before)
        conv = self._conversation(
            staff_ids=[Command.set((self.kg_teacher | self.kg_leader).ids)]
        )
        with self.assertRaises(ValidationError):
            conv.with_user(self.kg_teacher).write(
                {"staff_ids": [Command.link(self.kg_teacher2.id)]}
            )
        self.assertEqual(conv.staff_ids, self.kg_teacher | self.kg_leader)

    def test_family_must_be_the_childs(self):
        stranger = self.env["res.partner"].create({"name": "Neighbour Of Nobody"})
        before = self.env[MODEL].search_count([])
        guardians = self.case.guardian_ids.partner_id
        for partners in (stranger, self.mother, guardians | stranger):
            with self.subTest(partners=partners.mapped("name")):
                with self.assertRaises(ValidationError):
                    self._conversation(family_partner_ids=[Command.set(partners.ids)])
        # The guardians of another case are strangers here too.
        other = self._new_case()
        with self.assertRaises(ValidationError):
            self._conversation(
                family_partner_ids=[Command.set(other.guardian_ids.partner_id.ids)]
            )
        self.assertEqual(self.env[MODEL].search_count([]), before)
        conv = self._conversation()
        with self.assertRaises(ValidationError):
            conv.with_user(self.kg_teacher).write(
                {"family_partner_ids": [Command.link(stranger.id)]}
            )
        self.assertEqual(conv.family_partner_ids, self.case.guardian_ids.partner_id)
        # The child and the guardians together are the family.
        family = self.case.subject_partner_id | self.case.guardian_ids.partner_id
        conv.with_user(self.kg_teacher).write(
            {"family_partner_ids": [Command.set(family.ids)]}
        )
        self.assertEqual(conv.family_partner_ids, family)

    def test_interpreter_needs_a_language(self):
        for language in (False, "", "  "):
            with self.subTest(language=language):
                with self.assertRaises(ValidationError):
                    self._conversation(
                        interpreter_needed=True, interpreter_language=language
                    )
        conv = self._conversation()
        with self.assertRaises(ValidationError):
            conv.with_user(self.kg_teacher).write({"interpreter_needed": True})
        self.assertFalse(conv.interpreter_needed)
        conv.with_user(self.kg_teacher).write(
            {"interpreter_needed": True, "interpreter_language": "Somali"}
        )
        with self.assertRaises(ValidationError):
            conv.with_user(self.kg_teacher).write({"interpreter_language": False})
        self.assertEqual(conv.interpreter_language, "Somali")

    # ------------------------------------------------------------------
    # After: the follow-up
    # ------------------------------------------------------------------
    def test_followup_activity(self):
        activity_type = self.env.ref("bti_tools.mail_activity_type_bti_follow_up")
        followup = self.today + datetime.timedelta(days=21)
        conv = self._conversation(
            followup_date=followup, followup_user_id=self.kg_leader.id
        )
        self.assertFalse(conv.activity_ids)
        conv.with_user(self.kg_teacher).action_finalize()
        activity = conv.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, activity_type)
        self.assertEqual(activity.user_id, self.kg_leader)
        self.assertEqual(activity.date_deadline, followup)
        self.assertIn(self.case.name, activity.summary)
        # The one who follows up reads the form.
        self._new_request()
        conv.with_user(self.kg_leader).read(["agreements"])

    def test_followup_defaults_to_the_author(self):
        followup = self.today + datetime.timedelta(days=7)
        conv = self._conversation(followup_date=followup, followup_user_id=False)
        conv.with_user(self.kg_teacher).action_finalize()
        activity = conv.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("bti_tools.mail_activity_type_bti_follow_up"),
        )
        self.assertEqual(activity.user_id, self.kg_teacher)
        self.assertEqual(activity.date_deadline, followup)

    def test_followup_by_someone_who_may_not_read_it(self):
        followup = self.today + datetime.timedelta(days=7)
        for user in (self.school_teacher, self.outsider):
            with self.subTest(user=user.login):
                conv = self._conversation(
                    followup_date=followup, followup_user_id=user.id
                )
                with self.assertRaises(ValidationError):
                    conv.with_user(self.kg_teacher).action_finalize()
                self.assertEqual(conv.state, "draft")
                self.assertFalse(conv.activity_ids)
        # Shared with the participating services, the school follows it up.
        conv.with_user(self.kg_teacher).write(
            {"visibility": "participants", "followup_user_id": self.school_teacher.id}
        )
        conv.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(conv.activity_ids.user_id, self.school_teacher)
        self._new_request()
        conv.with_user(self.school_teacher).read(["agreements"])

    def test_refused_finalize_schedules_nothing(self):
        conv = self._conversation(
            agreements=False, followup_date=self.today + datetime.timedelta(days=7)
        )
        with self.assertRaises(ValidationError):
            conv.with_user(self.kg_teacher).action_finalize()
        self.assertFalse(conv.activity_ids)
        self.assertEqual(conv.state, "draft")

    # ------------------------------------------------------------------
    # The family's copy
    # ------------------------------------------------------------------
    def test_family_copy_leaves_the_preparation_out(self):
        conv = self._conversation(
            final=True,
            writer_id=self.kg_leader.id,
            child_words=f"<p>{CHILD_WORDS}</p>",
            followup_date=self.today + datetime.timedelta(days=14),
        )
        full = self._render(FULL_REPORT, conv)
        family = self._render(FAMILY_REPORT, conv)
        for text in (PREPARATION, SITUATIONS, INVITATION, AGREEMENTS, THEIR_VIEW):
            with self.subTest(text=text):
                self.assertIn(text, full)
        for text in (AGREEMENTS, THEIR_VIEW, conv.purpose):
            with self.subTest(text=text):
                self.assertIn(text, family)
        for text in (PREPARATION, SITUATIONS, INVITATION, "Who follows up"):
            with self.subTest(text=text):
                self.assertNotIn(text, family)
        # In a conversation with the parents the child is not quoted to them.
        self.assertIn(CHILD_WORDS, full)
        self.assertNotIn(CHILD_WORDS, family)
        self.assertIn("Copy for the family", family)
        # The paper copy for a family without a digital login.
        action = conv.with_user(self.kg_teacher).action_print_family()
        self.assertEqual(action["report_name"], FAMILY_REPORT)

    def test_share_with_the_family(self):
        conv = self._conversation(final=True)
        share = conv.with_user(self.kg_teacher).action_share_in_log()
        self.assertTrue(share["context"]["bti_tool_family"])
        entry = conv.with_user(self.kg_teacher)._bti_share(
            "family", "<p>The notes of our conversation.</p>"
        )
        self.assertEqual(entry.state, "published")
        self.assertEqual(entry.visibility, "family")
        self.assertEqual(entry.case_id, self.case)
        self.assertEqual(conv.log_entry_id, entry)
        self.assertEqual(conv.visibility, "family")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "bti.log.entry"), ("res_id", "=", entry.id)]
        )
        self.assertEqual(len(attachments), 1)
        self.assertEqual(entry.attachment_ids, attachments)
        self.assertFalse(attachments.public)
        # The copy itself (HTML while testing, a PDF in production) holds the
        # agreements and not the preparation.
        content = attachments.raw.decode()
        self.assertIn(AGREEMENTS, content)
        self.assertNotIn(PREPARATION, content)
        self.assertNotIn(SITUATIONS, content)
        # Shared once only.
        with self.assertRaises(UserError):
            conv.with_user(self.kg_teacher)._bti_share("family")
        self.assertEqual(self._entries(conv), entry)

    def test_share_with_participants_has_no_family_copy(self):
        conv = self._conversation(final=True)
        entry = conv.with_user(self.kg_teacher)._bti_share("participants")
        self.assertEqual(entry.visibility, "participants")
        self.assertFalse(entry.attachment_ids)
        self._new_request()
        conv.with_user(self.school_teacher).read(["agreements"])

    def test_violence_suspicion_keeps_the_family_out(self):
        conv = self._conversation(final=True)
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        self.assertTrue(conv.violence_suspicion)
        with self.assertRaises(UserError):
            conv.with_user(self.kg_teacher)._bti_share("family")
        self.assertFalse(conv.log_entry_id)
        self.assertEqual(conv.visibility, "service")
        self.assertFalse(self._entries(conv))
        self.assertFalse(
            self.env["bti.log.entry"].search(
                [("case_id", "=", self.case.id), ("visibility", "=", "family")]
            )
        )
        with self.assertRaises(UserError):
            conv.with_user(self.kg_teacher).action_print_family()
        # Nor another conversation, nor by a leader.
        other = self._conversation(final=True)
        with self.assertRaises(UserError):
            other.with_user(self.kg_leader)._bti_share("family")
        # The participating services may still be told.
        entry = conv.with_user(self.kg_teacher)._bti_share("participants")
        self.assertEqual(entry.visibility, "participants")

    def test_share_needs_consent(self):
        case = self._new_case()  # level 0, no consent
        conv = self._conversation(case, final=True)
        Attachment = self.env["ir.attachment"]
        copies = Attachment.search_count([("res_model", "=", "bti.log.entry")])
        for visibility in ("family", "participants"):
            with self.subTest(visibility=visibility):
                with self.assertRaises(UserError):
                    conv.with_user(self.kg_teacher)._bti_share(visibility)
        self.assertFalse(conv.log_entry_id)
        self.assertEqual(conv.visibility, "service")
        self.assertFalse(self.env["bti.log.entry"].search([("case_id", "=", case.id)]))
        # No family copy was left behind.
        self.assertEqual(
            Attachment.search_count([("res_model", "=", "bti.log.entry")]), copies
        )

    def test_share_a_draft_is_refused(self):
        conv = self._conversation()
        with self.assertRaises(UserError):
            conv.with_user(self.kg_teacher)._bti_share("family")
        with self.assertRaises(UserError):
            conv.with_user(self.kg_teacher).action_print_family()
        self.assertFalse(self._entries(conv))

    # ------------------------------------------------------------------
    # Final, versions
    # ------------------------------------------------------------------
    def test_editing_a_final_form_is_refused(self):
        conv = self._conversation(final=True)
        for vals in (
            {"agreements": "<p>Something else</p>"},
            {"purpose": "Another purpose"},
            {"with_whom": "child"},
            {"staff_ids": [Command.link(self.kg_teacher2.id)]},
            {"followup_date": self.today},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    conv.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            conv.with_user(self.kg_teacher).unlink()
        self.assertIn(AGREEMENTS, conv.agreements)
        self.assertEqual(conv.with_whom, "parents")

    def test_new_version_keeps_the_old_untouched(self):
        conv = self._conversation(
            final=True,
            staff_ids=[Command.set((self.kg_teacher | self.kg_leader).ids)],
        )
        action = conv.with_user(self.kg_teacher2).action_new_version()
        new = self.env[MODEL].browse(action["res_id"])
        self.assertEqual(new.previous_id, conv)
        self.assertEqual(new.version, 2)
        self.assertEqual(new.author_id, self.kg_teacher2)
        self.assertEqual(new.state, "draft")
        self.assertEqual(new.purpose, conv.purpose)
        self.assertEqual(new.staff_ids, conv.staff_ids)
        self.assertEqual(new.family_partner_ids, conv.family_partner_ids)
        self.assertIn(AGREEMENTS, new.agreements)
        new.with_user(self.kg_teacher2).write(
            {"agreements": "<p>New agreements after the second meeting.</p>"}
        )
        new.with_user(self.kg_teacher2).action_finalize()
        self._new_request()
        self.assertTrue(conv.is_superseded)
        self.assertEqual(conv.state, "final")
        self.assertIn(AGREEMENTS, conv.agreements)
        self.assertIn("second meeting", new.agreements)

    # ------------------------------------------------------------------
    # Who reads it
    # ------------------------------------------------------------------
    def test_draft_is_the_authors(self):
        conv = self._conversation()
        for user in (self.kg_teacher2, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                self._assert_hidden(conv, user)
        with self.assertRaises(AccessError):
            conv.with_user(self.kg_teacher2).action_finalize()
        self.assertEqual(conv.state, "draft")

    def test_other_service_and_outsider(self):
        conv = self._conversation(final=True)
        self._assert_hidden(conv, self.school_teacher)
        with self.assertRaises(AccessError):
            conv.with_user(self.school_teacher).action_print()
        with self.assertRaises(AccessError):
            conv.with_user(self.outsider).read(["purpose"])
        with self.assertRaises(AccessError):
            self.env[MODEL].with_user(self.outsider).search([])
        self._new_request()
        conv.with_user(self.kg_teacher2).read(["purpose"])

    def test_own_only_read_scope(self):
        conv = self._conversation(visibility="participants", final=True)
        self._new_request()
        conv.with_user(self.school_teacher).read(["purpose"])
        self.school.read_scope = "own"
        self._assert_hidden(conv, self.school_teacher)

    def test_consent_withdrawal_ends_access(self):
        consent = self._give_consent(self.case, self.health)
        self._add_participant(self.case, self.health, self.nurse)
        conv = self._conversation(
            user=self.nurse,
            visibility="participants",
            staff_ids=[Command.set(self.nurse.ids)],
        )
        conv.with_user(self.nurse).action_finalize()
        self._new_request()
        conv.with_user(self.kg_teacher).read(["purpose"])
        consent.with_user(self.kg_teacher).action_withdraw()
        self._assert_hidden(conv, self.nurse)
        self._new_request()
        conv.with_user(self.kg_teacher).read(["purpose"])
