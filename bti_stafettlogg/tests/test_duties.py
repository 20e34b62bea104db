import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import StafettloggCommon

# The duties only the stafettholder (or a service leader) performs.
MANAGE_DUTIES = (
    "action_bti_summon_meeting",
    "action_bti_summon_adhoc_meeting",
    "action_bti_set_agenda",
    "action_bti_chair_meeting",
    "action_bti_introduce_party",
    "action_bti_release_party",
    "action_bti_invite_family",
    "action_bti_be_contact",
    "action_bti_appoint_log_keeper",
    "action_bti_appoint_watcher",
)


@tagged("post_install", "-at_install", "bti")
class TestDuties(StafettloggCommon):
    """Each duty of the stafettholder is one action on the case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guardian = cls.case.guardian_ids.partner_id
        cls.school_participant = cls.case.participant_ids.filtered(
            lambda p: p.service_id == cls.school
        )

    def _run(self, method, user=None):
        return getattr(self.case.with_user(user or self.kg_teacher), method)()

    def _assert_window(self, action, model, target="current"):
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["res_model"], model)
        self.assertEqual(action["target"], target)
        self.assertIn("form", action["view_mode"])
        self.assertEqual(action["context"]["default_case_id"], self.case.id)
        # The action opens: the model is known and the user may use it.
        self.env[model].with_user(self.kg_teacher).check_access("create")

    def _open(self, action, user=None, **vals):
        return (
            self.env[action["res_model"]]
            .with_user(user or self.kg_teacher)
            .with_context(**action["context"])
            .create(vals)
        )

    # ------------------------------------------------------------------
    # Meetings
    # ------------------------------------------------------------------
    def test_summon_meetings(self):
        action = self._run("action_bti_summon_meeting")
        self._assert_window(action, "bti.meeting")
        self.assertEqual(action["context"]["default_kind"], "cooperation")
        meeting = self._open(
            action, start=fields.Datetime.now() + datetime.timedelta(days=3)
        )
        self.assertEqual(meeting.case_id, self.case)
        self.assertEqual(meeting.kind, "cooperation")
        self.assertEqual(meeting.chair_id, self.kg_teacher)
        self.assertTrue(meeting.agenda)
        action = self._run("action_bti_summon_adhoc_meeting")
        self._assert_window(action, "bti.meeting")
        self.assertEqual(action["context"]["default_kind"], "ad_hoc")

    def test_set_agenda_and_chair(self):
        # No planned meeting: setting the agenda summons one; nothing to chair.
        action = self._run("action_bti_set_agenda")
        self._assert_window(action, "bti.meeting")
        self.assertFalse(action.get("res_id"), "a new meeting")
        with self.assertRaises(UserError) as caught:
            self._run("action_bti_chair_meeting")
        self.assertIn("no planned meeting", str(caught.exception))
        later = self._meeting(start=fields.Datetime.now() + datetime.timedelta(days=9))
        sooner = self._meeting(start=fields.Datetime.now() + datetime.timedelta(days=2))
        action = self._run("action_bti_set_agenda")
        self._assert_window(action, "bti.meeting")
        self.assertEqual(action["res_id"], sooner.id, "the next meeting")
        action = self._run("action_bti_chair_meeting")
        self._assert_window(action, "bti.meeting")
        self.assertEqual(action["res_id"], sooner.id)
        sooner.with_user(self.kg_teacher).action_cancel()
        self.assertEqual(self._run("action_bti_chair_meeting")["res_id"], later.id)

    def test_invite_family(self):
        action = self._run("action_bti_invite_family")
        self._assert_window(action, "bti.meeting")
        self.assertEqual(
            action["context"]["default_family_partner_ids"], self.guardian.ids
        )
        meeting = self._open(
            action,
            start=fields.Datetime.now() + datetime.timedelta(days=3),
            staff_ids=[Command.set(self.kg_teacher.ids)],
        )
        self.assertEqual(meeting.family_partner_ids, self.guardian)

    # ------------------------------------------------------------------
    # Parties
    # ------------------------------------------------------------------
    def test_introduce_party(self):
        action = self._run("action_bti_introduce_party")
        self._assert_window(action, "bti.case.participant", target="new")
        participant = self._open(
            action, service_id=self.ppt.id, user_id=self.ppt_advisor.id
        )
        self.assertEqual(participant.case_id, self.case)
        self.assertTrue(participant.access_granted)
        self.assertEqual(
            self.env["bti.case"]
            .with_user(self.ppt_advisor)
            .search_count([("id", "=", self.case.id)]),
            1,
        )

    def test_introduce_party_needs_consent(self):
        action = self._run("action_bti_introduce_party")
        participants = self.case.with_context(active_test=False).participant_ids
        with self.assertRaises(ValidationError) as caught:
            self._open(action, service_id=self.cws.id, user_id=self.cws_worker.id)
        self.assertIn("no valid consent", str(caught.exception))
        self.case.invalidate_recordset()
        self.assertEqual(
            self.case.with_context(active_test=False).participant_ids, participants
        )

    def test_release_party(self):
        action = self._run("action_bti_release_party")
        self._assert_window(action, "bti.party.release.wizard", target="new")
        wizard = self._open(action, participant_id=self.school_participant.id)
        self.assertEqual(wizard.reason, "Our part is done")
        result = wizard.action_confirm()
        self.assertEqual(result["type"], "ir.actions.act_window_close")
        self.assertFalse(self.school_participant.active)
        self.assertFalse(self.school_participant.access_granted)
        self.assertEqual(
            self.school_participant.date_left, self.env["bti.access.policy"]._today()
        )
        self.assertEqual(self.school_participant.left_reason, "Our part is done")
        self.assertNotIn(self.school_participant, self.case.participant_ids)
        self.assertFalse(
            self.env["bti.case"]
            .with_user(self.school_teacher)
            .search_count([("id", "=", self.case.id)])
        )

    def test_owner_not_released(self):
        owner = self.case.participant_ids.filtered("is_owner")
        wizard = self._open(
            self._run("action_bti_release_party"), participant_id=owner.id
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertTrue(owner.active)

    # ------------------------------------------------------------------
    # Contact, log and watching
    # ------------------------------------------------------------------
    def test_be_contact(self):
        self.assertIs(self._run("action_bti_be_contact"), True)
        self.assertEqual(self.case.bti_contact_id, self.kg_teacher)

    def test_keep_log(self):
        action = self._run("action_bti_keep_log")
        self._assert_window(action, "bti.log.entry")
        entry = self._open(action, body="<p>Written from the duty</p>")
        self.assertEqual(entry.case_id, self.case)
        self.assertEqual(entry.author_service_id, self.kindergarten)
        # Every participant keeps the log, not only the holder.
        action = self._run("action_bti_keep_log", user=self.school_teacher)
        self.assertEqual(action["res_model"], "bti.log.entry")

    def test_appoint(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        for method, role, field, words in (
            (
                "action_bti_appoint_log_keeper",
                "log_keeper",
                "bti_log_keeper_id",
                "Keep",
            ),
            ("action_bti_appoint_watcher", "watcher", "bti_watcher_id", "Watch"),
        ):
            with self.subTest(role=role):
                action = self._run(method)
                self._assert_window(action, "bti.case.appoint.wizard", target="new")
                wizard = self._open(
                    action, user_id=self.school_teacher.id, note="Thank you for helping"
                )
                self.assertEqual(wizard.role, role)
                self.assertIn(self.school_teacher, wizard.allowed_user_ids)
                self.assertNotIn(self.cws_worker, wizard.allowed_user_ids)
                wizard.action_confirm()
                self.assertEqual(self.case[field], self.school_teacher)
                activity = self.case.activity_ids.filtered(
                    lambda a, words=words: (
                        a.user_id == self.school_teacher
                        and a.activity_type_id == todo
                        and words in a.summary
                    )
                )
                self.assertEqual(len(activity), 1)
                self.assertIn("Thank you for helping", activity.note)

    def test_appoint_outside_the_case_refused(self):
        activities = len(self.case.activity_ids)
        for user in (self.cws_worker, self.ppt_advisor):
            with self.subTest(user=user.login):
                wizard = self._open(
                    self._run("action_bti_appoint_watcher"), user_id=user.id
                )
                with self.assertRaises(UserError) as caught:
                    wizard.action_confirm()
                self.assertIn(
                    "does not work in a service taking part", str(caught.exception)
                )
        self.case.invalidate_recordset()
        self.assertFalse(self.case.bti_watcher_id)
        self.assertEqual(len(self.case.activity_ids), activities)

    def test_print(self):
        action = self._run("action_print_stafettlogg")
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "bti_stafettlogg.report_stafettlogg")
        self.assertEqual(action["context"]["active_ids"], self.case.ids)

    # ------------------------------------------------------------------
    # Who performs the duties
    # ------------------------------------------------------------------
    def test_participant_may_not_manage(self):
        self._meeting()  # something to chair and set the agenda of
        for method in MANAGE_DUTIES:
            with self.subTest(method=method):
                with self.assertRaises(AccessError) as caught:
                    self._run(method, user=self.school_teacher)
                self.assertIn("the stafettholder", str(caught.exception))
        self.assertFalse(self.case.bti_contact_id)

    def test_leader_may_manage(self):
        self._meeting()
        for method in MANAGE_DUTIES:
            with self.subTest(method=method):
                result = self._run(method, user=self.kg_leader)
                self.assertTrue(result)
        self.assertEqual(self.case.bti_contact_id, self.kg_leader)

    def test_duties_only_while_the_log_is_open(self):
        case = self._new_case()
        self._decide(case, "level_1")
        for method in (
            "action_bti_summon_meeting",
            "action_bti_summon_adhoc_meeting",
            "action_bti_invite_family",
            "action_bti_keep_log",
        ):
            with self.subTest(method=method), self.assertRaises(UserError):
                getattr(case.with_user(self.kg_teacher), method)()

    def test_forged_duty_writes(self):
        for vals in (
            {"bti_contact_id": self.school_teacher.id},
            {"bti_log_keeper_id": self.school_teacher.id},
            {"bti_watcher_id": self.school_teacher.id},
            {"bti_next_evaluation_date": self.today},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    self.case.with_user(self.kg_teacher).write(vals)
        # Nor on a new case: the forged appointment is refused, not dropped.
        with self.assertRaises(UserError):
            self._new_case(bti_contact_id=self.school_teacher.id)
        self.assertFalse(
            self.env["bti.case"].search_count(
                [("bti_contact_id", "=", self.school_teacher.id)]
            )
        )
        self.case.invalidate_recordset()
        self.assertFalse(self.case.bti_contact_id)
        self.assertFalse(self.case.bti_log_keeper_id)
        self.assertFalse(self.case.bti_watcher_id)
        self.assertFalse(self.case.bti_next_evaluation_date)
