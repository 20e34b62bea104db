from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BtiCommon


@tagged("post_install", "-at_install", "bti")
class TestBaton(BtiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.baton_type = cls.env.ref("bti_core.mail_activity_type_bti_baton")

    def setUp(self):
        super().setUp()
        self.case = self._level2_case()
        self.first = self.case.baton_ids
        self.assertEqual(self.first.state, "active")
        self.assertEqual(self.case.holder_id, self.kg_teacher)

    def _propose(self, user=None, service=None, by=None, note="Please take over"):
        return (
            self.env["bti.baton"]
            .with_user(by or self.kg_teacher)
            ._bti_propose(
                self.case, user or self.school_teacher, service or self.school, note
            )
        )

    def _baton_activities(self, user=None):
        activities = self.case.activity_ids.filtered(
            lambda a: a.activity_type_id == self.baton_type
        )
        if user:
            activities = activities.filtered(lambda a: a.user_id == user)
        return activities

    def _snapshot(self):
        self.env.invalidate_all()
        batons = self.case.baton_ids.sorted("id")
        return (
            self.case.holder_id,
            [(b.id, b.holder_id.id, b.state, b.date_start, b.date_end) for b in batons],
            len(self._baton_activities()),
        )

    # ------------------------------------------------------------------
    # Propose
    # ------------------------------------------------------------------
    def test_propose(self):
        baton = self._propose()
        self.assertEqual(baton.state, "proposed")
        self.assertEqual(baton.holder_id, self.school_teacher)
        self.assertEqual(baton.service_id, self.school)
        self.assertEqual(baton.proposed_by_id, self.kg_teacher)
        self.assertEqual(baton.note, "Please take over")
        self.assertFalse(baton.date_start)
        self.assertEqual(self.case.pending_baton_id, baton)
        self.assertEqual(
            self.case.holder_id,
            self.kg_teacher,
            "the holder keeps the baton until accepted",
        )
        self.assertEqual(self.first.state, "active")
        activity = self._baton_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.school_teacher)
        # Flags the proposed user sees in the form.
        case_as_school = self.case.with_user(self.school_teacher)
        self.assertTrue(case_as_school.user_is_proposed)
        self.assertFalse(case_as_school.user_is_holder)
        self.assertTrue(self.case.with_user(self.kg_teacher).user_is_holder)

    def test_propose_through_wizard(self):
        action = self.case.with_user(self.kg_teacher).action_open_handover()
        self.assertEqual(action["res_model"], "bti.baton.propose.wizard")
        wizard = (
            self.env["bti.baton.propose.wizard"]
            .with_user(self.kg_teacher)
            .with_context(**action["context"])
            .create({"service_id": self.school.id, "user_id": self.school_teacher.id})
        )
        self.assertEqual(wizard.case_id, self.case)
        self.assertEqual(wizard.allowed_service_ids, self.kindergarten | self.school)
        wizard.action_confirm()
        self.assertEqual(self.case.pending_baton_id.holder_id, self.school_teacher)

    def test_only_managers_propose(self):
        before = self._snapshot()
        for user in (self.kg_teacher2, self.school_teacher):
            with self.assertRaises(UserError):
                self._propose(user=self.school_teacher, by=user)
            with self.assertRaises(UserError):
                self.case.with_user(user).action_open_handover()
        self.assertEqual(self._snapshot(), before)
        # A leader of the owning service may.
        baton = self._propose(by=self.kg_leader)
        self.assertEqual(baton.proposed_by_id, self.kg_leader)

    def test_propose_to_current_holder(self):
        with self.assertRaises(UserError):
            self._propose(user=self.kg_teacher, service=self.kindergarten)
        self.assertFalse(self.case.pending_baton_id)

    def test_propose_on_wondering_case(self):
        case = self._new_case()
        with self.assertRaises(UserError):
            self.env["bti.baton"].with_user(self.kg_teacher)._bti_propose(
                case, self.kg_teacher2, self.kindergarten
            )
        self.assertFalse(case.baton_ids)

    def test_second_proposal_while_pending(self):
        first = self._propose()
        before = self._snapshot()
        with self.assertRaises(UserError):
            self._propose(user=self.kg_teacher2, service=self.kindergarten)
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(self.case.pending_baton_id, first)
        # Not even the superuser can put two pending proposals on a case.
        with self.assertRaises(ValidationError):
            self.env["bti.baton"].create(
                {
                    "case_id": self.case.id,
                    "holder_id": self.kg_teacher2.id,
                    "service_id": self.kindergarten.id,
                    "state": "proposed",
                }
            )

    def test_propose_member_of_service_that_may_not_hold_baton(self):
        self._give_consent(self.case, self.bup)
        self._add_participant(self.case, self.bup, self.bup_doctor)
        before = self._snapshot()
        with self.assertRaises(ValidationError):
            self._propose(user=self.bup_doctor, service=self.bup)
        self.assertEqual(self._snapshot(), before)
        # The wizard does not even offer the service.
        wizard = (
            self.env["bti.baton.propose.wizard"]
            .with_user(self.kg_teacher)
            .create(
                {
                    "case_id": self.case.id,
                    "service_id": self.bup.id,
                    "user_id": self.bup_doctor.id,
                }
            )
        )
        self.assertNotIn(self.bup, wizard.allowed_service_ids)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(self._snapshot(), before)

    def test_propose_service_not_participating(self):
        before = self._snapshot()
        with self.assertRaises(ValidationError):
            self._propose(user=self.cws_worker, service=self.cws)
        # A member of another service named as if of a participating one.
        with self.assertRaises(ValidationError):
            self._propose(user=self.cws_worker, service=self.school)
        with self.assertRaises(ValidationError):
            self._propose(user=self.school_teacher, service=self.kindergarten)
        self.assertEqual(self._snapshot(), before)

    def test_propose_service_whose_consent_ended(self):
        consent = self.case.consent_ids.filtered(lambda c: self.school in c.service_ids)
        consent.with_user(self.kg_teacher).action_withdraw(
            "Parents changed their minds"
        )
        before = self._snapshot()
        with self.assertRaises(ValidationError):
            self._propose(user=self.school_teacher, service=self.school)
        self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------------
    # Accept
    # ------------------------------------------------------------------
    def test_accept(self):
        baton = self._propose()
        result = baton.with_user(self.school_teacher).action_accept()
        self.assertIs(result, True)
        self.assertEqual(baton.state, "active")
        self.assertEqual(self.case.holder_id, self.school_teacher)
        self.assertEqual(self.first.state, "ended")
        self.assertTrue(baton.date_start)
        self.assertEqual(self.first.date_end, baton.date_start)
        active = self.case.baton_ids.filtered(lambda b: b.state == "active")
        self.assertEqual(active, baton)
        self.assertEqual(
            self.env["bti.baton"]
            .sudo()
            .search_count([("case_id", "=", self.case.id), ("state", "=", "active")]),
            1,
        )
        self.assertFalse(self.case.pending_baton_id)
        self.assertFalse(self._baton_activities())
        # The new holder may now manage the case; the old one no longer can.
        self.assertTrue(self.case.with_user(self.school_teacher).user_may_manage)
        self.assertFalse(self.case.with_user(self.kg_teacher).user_may_manage)
        # Accepting twice is refused.
        with self.assertRaises(UserError):
            baton.with_user(self.school_teacher).action_accept()

    def test_accept_from_case(self):
        self._propose()
        result = self.case.with_user(self.school_teacher).action_accept_baton()
        self.assertIs(result, True)
        self.assertEqual(self.case.holder_id, self.school_teacher)

    def test_accept_by_anyone_else(self):
        baton = self._propose()
        before = self._snapshot()
        for user in (self.kg_teacher, self.kg_teacher2, self.kg_leader):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                baton.with_user(user).action_accept()
            with self.assertRaises(UserError):
                self.case.with_user(user).action_accept_baton()
        # Even the superuser does not answer in someone else's name.
        with self.assertRaises(UserError):
            baton.action_accept()
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(baton.state, "proposed")
        self.assertEqual(self.case.holder_id, self.kg_teacher)

    # ------------------------------------------------------------------
    # Refuse
    # ------------------------------------------------------------------
    def test_refuse_without_reason_asks_for_one(self):
        baton = self._propose()
        before = self._snapshot()
        for reason in (None, "", "   "):
            action = baton.with_user(self.school_teacher).action_refuse(reason)
            self.assertIsInstance(action, dict)
            self.assertEqual(action["res_model"], "bti.baton.refuse.wizard")
            self.assertEqual(action["context"]["default_baton_id"], baton.id)
        action = self.case.with_user(self.school_teacher).action_refuse_baton()
        self.assertIsInstance(action, dict)
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(baton.state, "proposed")

    def test_refuse_with_reason(self):
        baton = self._propose()
        result = baton.with_user(self.school_teacher).action_refuse(
            "No capacity this term"
        )
        self.assertIs(result, True)
        self.assertEqual(baton.state, "refused")
        self.assertEqual(baton.refuse_reason, "No capacity this term")
        self.assertTrue(baton.date_end)
        self.assertEqual(self.case.holder_id, self.kg_teacher)
        self.assertEqual(self.first.state, "active")
        self.assertFalse(self.case.pending_baton_id)
        self.assertFalse(self._baton_activities())
        message = self.case.message_ids.filtered(
            lambda m: "No capacity this term" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.kg_teacher.partner_id, message.partner_ids)
        # A new proposal is possible afterwards.
        self._propose(user=self.kg_teacher2, service=self.kindergarten)
        self.assertEqual(self.case.pending_baton_id.holder_id, self.kg_teacher2)

    def test_refuse_through_wizard(self):
        baton = self._propose()
        action = baton.with_user(self.school_teacher).action_refuse()
        wizard = (
            self.env["bti.baton.refuse.wizard"]
            .with_user(self.school_teacher)
            .with_context(**action["context"])
            .create({"reason": "On leave"})
        )
        wizard.action_confirm()
        self.assertEqual(baton.state, "refused")
        self.assertEqual(baton.refuse_reason, "On leave")

    def test_refuse_by_anyone_else(self):
        baton = self._propose()
        before = self._snapshot()
        for user in (self.kg_teacher, self.kg_teacher2, self.kg_leader):
            with self.assertRaises(UserError):
                baton.with_user(user).action_refuse("Not wanted")
        self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------------
    # Cancel, close, forging
    # ------------------------------------------------------------------
    def test_cancel(self):
        baton = self._propose()
        with self.assertRaises(UserError):
            baton.with_user(self.school_teacher).action_cancel()
        self.assertEqual(baton.state, "proposed")
        result = baton.with_user(self.kg_teacher).action_cancel()
        self.assertIs(result, True)
        self.assertEqual(baton.state, "ended")
        self.assertTrue(baton.date_end)
        self.assertFalse(self.case.pending_baton_id)
        self.assertFalse(self._baton_activities())
        self.assertEqual(self.case.holder_id, self.kg_teacher)
        with self.assertRaises(UserError):
            baton.with_user(self.kg_teacher).action_cancel()
        with self.assertRaises(UserError):
            baton.with_user(self.school_teacher).action_accept()
        with self.assertRaises(UserError):
            self.first.with_user(self.kg_teacher).action_cancel()
        self.assertEqual(self.first.state, "active")

    def test_closing_case_ends_baton(self):
        baton = self._propose()
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        self.assertEqual(self.first.state, "ended")
        self.assertTrue(self.first.date_end)
        self.assertEqual(baton.state, "ended")
        self.assertFalse(self.case.holder_id)
        self.assertFalse(self.case.pending_baton_id)
        self.assertFalse(self._baton_activities())
        with self.assertRaises(UserError):
            baton.with_user(self.school_teacher).action_accept()

    def test_users_cannot_forge_batons(self):
        baton = self._propose()
        Baton = self.env["bti.baton"]
        for user in (self.kg_teacher, self.school_teacher, self.kg_leader):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    baton.with_user(user).write({"state": "active"})
                with self.assertRaises(AccessError):
                    self.first.with_user(user).write({"holder_id": user.id})
                with self.assertRaises(AccessError):
                    Baton.with_user(user).create(
                        {
                            "case_id": self.case.id,
                            "holder_id": user.id,
                            "service_id": user.bti_service_ids[:1].id,
                            "state": "active",
                        }
                    )
                with self.assertRaises(AccessError):
                    baton.with_user(user).unlink()
                # Refused by the case's allow-list before the baton's rules.
                with self.assertRaises(UserError):
                    self.case.with_user(user).write(
                        {"baton_ids": [Command.unlink(self.first.id)]}
                    )
        self.assertEqual(baton.state, "proposed")
        self.assertEqual(self.case.holder_id, self.kg_teacher)
        self.assertEqual(len(self.case.baton_ids), 2)
        # The holder is computed from the batons: a client cannot write itself in.
        with self.assertRaises(UserError):
            self.case.with_user(self.school_teacher).write(
                {"holder_id": self.school_teacher.id}
            )
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.case.holder_id, self.kg_teacher)
        self.assertFalse(self.case.with_user(self.school_teacher).user_is_holder)
        self.assertFalse(self.case.with_user(self.school_teacher).user_may_manage)

    @mute_logger("odoo.sql_db")
    def test_one_active_baton_per_case(self):
        # The unique index refuses a second active period before any Python check.
        with self.assertRaises(IntegrityError):
            self.env["bti.baton"].create(
                {
                    "case_id": self.case.id,
                    "holder_id": self.kg_teacher2.id,
                    "service_id": self.kindergarten.id,
                    "state": "active",
                }
            )
        self.assertEqual(
            len(self.case.baton_ids.filtered(lambda b: b.state == "active")), 1
        )
