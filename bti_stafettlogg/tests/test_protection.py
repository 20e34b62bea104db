"""The allow-lists and the action table of the stafettlogg, attacked.

An attacker with an ordinary BTI login sends what the forms never send: the
system's links of a meeting (its calendar event, its minutes entry), states,
another author or author service, changes to records that are final, and the
buttons of a role they do not have. Each attempt is made as the real user,
through the ORM and over JSON-RPC (``/web/dataset/call_kw`` and
``call_button``), and must be refused without effect.
"""

import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.bti_core.tests.common import BtiJsonRpcMixin

from .common import FORGED_CONTEXT, StafettloggCommon

ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"


class ProtectionWorld(StafettloggCommon):
    """The common case (kg_teacher holds the baton, the school joined by
    consent) with a goal, a measure the school is responsible for, a published
    entry, a meeting summoned by the stafettholder and one organized by a
    colleague who neither holds the baton nor leads, each inviting staff who
    are neither."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goal = cls._goal()
        cls.measure = cls._measure(
            cls.goal,
            responsible_service_id=cls.school.id,
            responsible_user_id=cls.school_teacher.id,
        )
        cls.published = cls._entry(body="<p>Published before the attack</p>")
        invitees = cls.kg_teacher | cls.kg_teacher2 | cls.school_teacher
        cls.meeting = cls._meeting(staff_ids=[Command.set(invitees.ids)])
        cls.colleague_meeting = cls._meeting(
            user=cls.kg_teacher2, staff_ids=[Command.set(invitees.ids)]
        )
        # What an attacker would like to link: an event and an entry of
        # something else.
        cls.other_event = cls.env["calendar.event"].create(
            {
                "name": "Another event",
                "start": fields.Datetime.now() + datetime.timedelta(days=20),
                "stop": fields.Datetime.now() + datetime.timedelta(days=20, hours=1),
            }
        )
        cls.other_entry = cls._entry(body="<p>Another entry</p>")

    def _held_meeting(self):
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).write({"minutes": "<p>We agreed</p>"})
        meeting.with_user(self.kg_teacher).action_hold()
        return meeting

    def _evaluated_measure(self):
        measure = self._measure(self.goal)
        self.env["bti.measure.evaluate.wizard"].with_user(self.kg_teacher).create(
            {
                "measure_id": measure.id,
                "effect": "good",
                "evaluation": "<p>It worked</p>",
                "outcome": "finish",
            }
        ).action_confirm()
        return measure

    def _reached_goal(self):
        goal = self._goal(name="Reached before the attack")
        goal.with_user(self.kg_teacher).action_reached()
        return goal


@tagged("post_install", "-at_install", "bti")
class TestProtection(ProtectionWorld):
    # ------------------------------------------------------------------
    # The system's fields of a meeting
    # ------------------------------------------------------------------
    def test_meeting_links_and_state_not_forged(self):
        meeting = self.meeting
        for user in (self.kg_teacher, self.school_teacher):
            for vals in (
                {"calendar_event_id": self.other_event.id},
                {"minutes_entry_id": self.other_entry.id},
                {"state": "held"},
                {"state": "cancelled"},
            ):
                for context in ({}, FORGED_CONTEXT):
                    with (
                        self.subTest(user=user.login, vals=vals, forged=bool(context)),
                        self.assertRaises(UserError),
                    ):
                        meeting.with_user(user).with_context(**context).write(vals)
        meeting.invalidate_recordset()
        self.assertEqual(meeting.state, "draft")
        self.assertFalse(meeting.calendar_event_id)
        self.assertFalse(meeting.minutes_entry_id)

    def test_meeting_links_not_forged_on_create(self):
        count = self.env["bti.meeting"].search_count([("case_id", "=", self.case.id)])
        for vals in (
            {"calendar_event_id": self.other_event.id},
            {"minutes_entry_id": self.other_entry.id},
            {"state": "held"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self._meeting(**vals)
        self.assertEqual(
            self.env["bti.meeting"].search_count([("case_id", "=", self.case.id)]),
            count,
        )

    def test_invitee_cannot_become_organizer(self):
        with self.assertRaises(UserError):
            self.meeting.with_user(self.school_teacher).write(
                {"organizer_id": self.school_teacher.id}
            )
        self.assertEqual(self.meeting.organizer_id, self.kg_teacher)
        with self.assertRaises(AccessError):
            self.meeting.with_user(self.school_teacher).action_cancel()
        self.assertEqual(self.meeting.state, "draft")

    # ------------------------------------------------------------------
    # Authors
    # ------------------------------------------------------------------
    def test_author_not_forged(self):
        builders = {
            "bti.log.entry": lambda **vals: self._entry(publish=False, **vals),
            "bti.goal": lambda **vals: self._goal(**vals),
            "bti.measure": lambda **vals: self._measure(self.goal, **vals),
            "bti.meeting": lambda **vals: self._meeting(**vals),
        }
        records = {
            "bti.log.entry": self._entry(publish=False),
            "bti.goal": self.goal,
            "bti.measure": self.measure,
            "bti.meeting": self.meeting,
        }
        forged = (
            {"author_id": self.school_teacher.id},
            {"author_service_id": self.school.id},
        )
        for model, build in builders.items():
            count = self.env[model].search_count([("case_id", "=", self.case.id)])
            for vals in forged:
                with (
                    self.subTest(model=model, create=vals),
                    self.assertRaises(UserError),
                ):
                    build(**vals)
                record = records[model]
                with (
                    self.subTest(model=model, write=vals),
                    self.assertRaises(UserError),
                ):
                    record.with_user(self.kg_teacher).write(vals)
            self.assertEqual(
                self.env[model].search_count([("case_id", "=", self.case.id)]), count
            )
            record = records[model]
            record.invalidate_recordset()
            self.assertEqual(record.author_id, self.kg_teacher, model)
            self.assertEqual(record.author_service_id, self.kindergarten, model)

    # ------------------------------------------------------------------
    # Records that are final
    # ------------------------------------------------------------------
    def test_final_records_are_not_edited(self):
        attempts = (
            (self.published, {"body": "<p>Rewritten</p>"}),
            (self.published, {"visibility": "service"}),
            (self._reached_goal(), {"name": "Rewritten"}),
            (self._evaluated_measure(), {"name": "Rewritten"}),
            (self._held_meeting(), {"minutes": "<p>Rewritten</p>"}),
        )
        cancelled = self._meeting()
        cancelled.with_user(self.kg_teacher).action_cancel()
        attempts += ((cancelled, {"location": "Elsewhere"}),)
        for record, vals in attempts:
            field = next(iter(vals))
            before = record[field]
            with (
                self.subTest(model=record._name, state=record.state),
                self.assertRaises(UserError),
            ):
                record.with_user(self.kg_teacher).write(vals)
            record.invalidate_recordset()
            self.assertEqual(record[field], before)

    def test_reached_goal_keeps_its_place_in_the_list(self):
        goal = self._reached_goal()
        goal.with_user(self.kg_teacher).write({"sequence": 3})
        self.assertEqual(goal.sequence, 3)

    # ------------------------------------------------------------------
    # The buttons of a role one does not have
    # ------------------------------------------------------------------
    def test_invitee_cannot_cancel_or_hold(self):
        self.meeting.with_user(self.kg_teacher).write({"minutes": "<p>Minutes</p>"})
        for user in (self.school_teacher, self.kg_teacher2):
            for action in ("action_cancel", "action_hold", "action_send_invitations"):
                with (
                    self.subTest(user=user.login, action=action),
                    self.assertRaises(AccessError),
                ):
                    getattr(self.meeting.with_user(user), action)()
        self.meeting.invalidate_recordset()
        self.assertEqual(self.meeting.state, "draft")
        self.assertFalse(self.meeting.minutes_entry_id)
        # The stafettholder, who summoned it, cancels it.
        self.meeting.with_user(self.kg_teacher).action_cancel()
        self.assertEqual(self.meeting.state, "cancelled")

    def test_organizer_summons_holds_and_cancels(self):
        meeting = self.colleague_meeting
        self.assertEqual(meeting.organizer_id, self.kg_teacher2)
        with self.assertRaises(AccessError):
            meeting.with_user(self.school_teacher).action_cancel()
        meeting.with_user(self.kg_teacher2).action_send_invitations()
        self.assertEqual(meeting.state, "invited")
        meeting.with_user(self.kg_teacher2).write({"minutes": "<p>Agreed</p>"})
        with self.assertRaises(AccessError):
            meeting.with_user(self.school_teacher).action_hold()
        meeting.with_user(self.kg_teacher2).action_hold()
        self.assertEqual(meeting.state, "held")
        self.assertEqual(meeting.minutes_entry_id.author_id, self.kg_teacher2)
        self.assertEqual(meeting.minutes_entry_id.state, "published")
        # The organizer's meetings are also the stafettholder's and the leaders'.
        other = self._meeting(user=self.kg_teacher2)
        other.with_user(self.kg_teacher).action_cancel()
        self.assertEqual(other.state, "cancelled")
        led = self._meeting(user=self.kg_teacher2, minutes="<p>Led</p>")
        led.with_user(self.kg_leader).action_hold()
        self.assertEqual(led.state, "held")

    def test_goal_status_by_holder_leader_or_author(self):
        for user in (self.school_teacher, self.kg_teacher2):
            for action in ("action_reached", "action_drop"):
                with (
                    self.subTest(user=user.login, action=action),
                    self.assertRaises(AccessError),
                ):
                    getattr(self.goal.with_user(user), action)()
        self.assertEqual(self.goal.state, "open")
        own = self._goal(user=self.school_teacher, name="The school's goal")
        own.with_user(self.school_teacher).action_reached()
        self.assertEqual(own.state, "reached")
        self.goal.with_user(self.kg_leader).action_drop()
        self.assertEqual(self.goal.state, "dropped")

    def test_measure_status_by_holder_leader_author_or_responsible(self):
        for action in ("action_start", "action_open_evaluate", "action_stop"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(self.measure.with_user(self.kg_teacher2), action)()
        self.assertEqual(self.measure.state, "planned")
        # The responsible school teacher carries it out.
        self.measure.with_user(self.school_teacher).action_start()
        self.assertEqual(self.measure.state, "running")
        self.measure.with_user(self.school_teacher).action_stop("Not needed")
        self.assertEqual(self.measure.state, "stopped")

    def test_entry_publish_by_author_correct_by_participants(self):
        draft = self._entry(user=self.school_teacher, publish=False)
        with self.assertRaises(AccessError):
            draft.with_user(self.kg_teacher).action_publish()
        self.assertEqual(draft.state, "draft")
        draft.with_user(self.school_teacher).action_publish()
        self.assertEqual(draft.state, "published")
        action = draft.with_user(self.kg_teacher2).action_correct()
        self.assertEqual(action["context"]["default_corrects_id"], draft.id)

    def test_case_duties_by_holder_and_leaders(self):
        case = self.case
        with self.assertRaises(AccessError):
            case.with_user(self.school_teacher).action_bti_be_contact()
        with self.assertRaises(AccessError):
            case.with_user(self.kg_teacher2).action_bti_summon_meeting()
        self.assertFalse(case.bti_contact_id)
        # Writing in the log is every participant's.
        action = case.with_user(self.school_teacher).action_bti_keep_log()
        self.assertEqual(action["res_model"], "bti.log.entry")
        self.assertTrue(case.with_user(self.kg_teacher).action_bti_be_contact())
        self.assertEqual(case.bti_contact_id, self.kg_teacher)

    def test_actions_return_true_or_an_action(self):
        results = {
            "start": self._measure(self.goal).with_user(self.kg_teacher).action_start(),
            "reached": self._goal().with_user(self.kg_teacher).action_reached(),
            "publish": self._entry(publish=False)
            .with_user(self.kg_teacher)
            .action_publish(),
            "cancel": self._meeting().with_user(self.kg_teacher).action_cancel(),
            "view": self.case.with_user(self.school_teacher).action_view_log(),
        }
        for what, result in results.items():
            with self.subTest(what=what):
                self.assertTrue(
                    result is True or result.get("type", "").startswith("ir.actions"),
                    f"{what} returned {result!r}",
                )


@tagged("post_install", "-at_install", "bti")
class TestProtectionJsonRpc(BtiJsonRpcMixin, ProtectionWorld, HttpCase):
    """The same attacks over JSON-RPC, as the web client or a script sends them."""

    def test_meeting_links_and_state_over_jsonrpc(self):
        self.authenticate(self.kg_teacher.login, self.kg_teacher.login)
        for vals in (
            {"calendar_event_id": self.other_event.id},
            {"minutes_entry_id": self.other_entry.id},
            {"state": "held"},
        ):
            with self.subTest(vals=vals):
                error, _result = self._call_kw(
                    "bti.meeting",
                    "write",
                    [self.meeting.id],
                    vals,
                    context=FORGED_CONTEXT,
                )
                self.assertEqual(error, USER_ERROR)
        self.env.invalidate_all()
        self.assertEqual(self.meeting.state, "draft")
        self.assertFalse(self.meeting.calendar_event_id)
        self.assertFalse(self.meeting.minutes_entry_id)

    def test_invitee_cancel_and_hold_over_jsonrpc(self):
        self.meeting.with_user(self.kg_teacher).write({"minutes": "<p>Minutes</p>"})
        self.authenticate(self.school_teacher.login, self.school_teacher.login)
        for action in ("action_cancel", "action_hold"):
            with self.subTest(action=action):
                error, _result = self._call_button(
                    "bti.meeting", action, [self.meeting.id]
                )
                self.assertEqual(error, ACCESS_ERROR)
        self.env.invalidate_all()
        self.assertEqual(self.meeting.state, "draft")
        # The organizer and the stafettholder may.
        self.authenticate(self.kg_teacher2.login, self.kg_teacher2.login)
        error, _result = self._call_button(
            "bti.meeting", "action_cancel", [self.colleague_meeting.id]
        )
        self.assertIsNone(error)
        self.authenticate(self.kg_teacher.login, self.kg_teacher.login)
        error, _result = self._call_button(
            "bti.meeting", "action_hold", [self.meeting.id]
        )
        self.assertIsNone(error)
        self.env.invalidate_all()
        self.assertEqual(self.colleague_meeting.state, "cancelled")
        self.assertEqual(self.meeting.state, "held")

    def test_author_over_jsonrpc(self):
        self.authenticate(self.school_teacher.login, self.school_teacher.login)
        count = self.env["bti.log.entry"].search_count([])
        for vals in (
            {"author_id": self.kg_teacher.id},
            {"author_service_id": self.kindergarten.id},
        ):
            with self.subTest(vals=vals):
                error, _result = self._call_kw(
                    "bti.log.entry",
                    "create",
                    [{"case_id": self.case.id, "body": "<p>Forged</p>", **vals}],
                )
                self.assertEqual(error, USER_ERROR)
                error, _result = self._call_kw(
                    "bti.goal", "write", [self.goal.id], vals
                )
                self.assertEqual(error, USER_ERROR)
        self.assertEqual(self.env["bti.log.entry"].search_count([]), count)
        self.env.invalidate_all()
        self.assertEqual(self.goal.author_id, self.kg_teacher)

    def test_final_records_over_jsonrpc(self):
        attempts = (
            ("bti.log.entry", self.published, {"body": "<p>Rewritten</p>"}),
            ("bti.goal", self._reached_goal(), {"name": "Rewritten"}),
            ("bti.measure", self._evaluated_measure(), {"name": "Rewritten"}),
            ("bti.meeting", self._held_meeting(), {"location": "Elsewhere"}),
        )
        self.authenticate(self.kg_teacher.login, self.kg_teacher.login)
        for model, record, vals in attempts:
            with self.subTest(model=model):
                error, _result = self._call_kw(
                    model, "web_save", [record.id], vals, specification={}
                )
                self.assertEqual(error, USER_ERROR)
                field = next(iter(vals))
                self.env.invalidate_all()
                self.assertNotEqual(record[field], vals[field])
