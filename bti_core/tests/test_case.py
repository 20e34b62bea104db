import datetime
import re

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BtiCommon, make_national_id


@tagged("post_install", "-at_install", "bti")
class TestCase(BtiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_0 = cls.env.ref("bti_core.level_0")
        cls.level_1 = cls.env.ref("bti_core.level_1")
        cls.level_2 = cls.env.ref("bti_core.level_2")
        cls.decision_type = cls.env.ref("bti_core.mail_activity_type_bti_decision")

    def _case_count(self):
        Case = self.env["bti.case"].sudo().with_context(active_test=False)
        return Case.search_count([])

    def _decision_activities(self, case):
        return case.activity_ids.filtered(
            lambda a: a.activity_type_id == self.decision_type
        )

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _tracked(self, case, field_name):
        """Tracking values of ``field_name`` on ``case``, oldest first."""
        values = case.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == field_name
        )
        return values.sorted("id")

    # ------------------------------------------------------------------
    # Opening a case
    # ------------------------------------------------------------------
    def test_reference_from_sequence(self):
        case = self._new_case()
        year = self.env["bti.access.policy"]._today().year
        match = re.fullmatch(rf"BTI-{year}-(\d{{5}})", case.name)
        self.assertTrue(match, case.name)
        second = self._new_case()
        self.assertRegex(second.name, rf"^BTI-{year}-\d{{5}}$")
        self.assertEqual(int(second.name[-5:]), int(match.group(1)) + 1)
        self.assertNotEqual(case.name, second.name)

    def test_owning_service_is_participant(self):
        case = self._new_case()
        self.assertEqual(len(case.participant_ids), 1)
        owner = case.participant_ids
        self.assertEqual(owner.service_id, self.kindergarten)
        self.assertTrue(owner.is_owner)
        self.assertTrue(owner.access_granted)
        self.assertTrue(owner.active)
        self.assertEqual(owner.user_id, self.kg_teacher)
        self.assertFalse(case.consent_ids, "the owning service needs no consent")

    def test_starts_wondering_level_0_first_step(self):
        today = self.env["bti.access.policy"]._today()
        case = self._new_case()
        self.assertEqual(case.state, "wondering")
        self.assertEqual(case.level_id, self.level_0)
        self.assertEqual(case.level_code, 0)
        self.assertEqual(case.step_id, self.env.ref("bti_core.step_0_1"))
        self.assertEqual(case.decision_deadline, today + datetime.timedelta(days=14))
        self.assertFalse(case.holder_id)
        self.assertFalse(case.is_overdue)
        activity = self._decision_activities(case)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.kg_teacher)
        self.assertEqual(activity.date_deadline, case.decision_deadline)
        history = case.history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.kind, "create")
        self.assertEqual(history.user_id, self.kg_teacher)
        self.assertEqual(history.level_id, self.level_0)

    def test_decision_deadline_follows_setting(self):
        today = self.env["bti.access.policy"]._today()
        self.env["ir.config_parameter"].sudo().set_param(
            "bti_core.wondering_deadline_days", "5"
        )
        case = self._new_case(user=self.kg_teacher2)
        self.assertEqual(case.decision_deadline, today + datetime.timedelta(days=5))
        activity = self._decision_activities(case)
        self.assertEqual(activity.user_id, self.kg_teacher2)
        self.assertEqual(activity.date_deadline, today + datetime.timedelta(days=5))
        self.env["ir.config_parameter"].sudo().set_param(
            "bti_core.wondering_deadline_days", "30"
        )
        case = self._new_case()
        self.assertEqual(case.decision_deadline, today + datetime.timedelta(days=30))

    def test_valid_national_id_is_normalised(self):
        number = self.child_national_id
        spaced = f"{number[:6]} {number[6:]}"
        case = self._new_case(national_id=spaced)
        self.assertEqual(case.national_id, number)
        d_number = make_national_id(self.child_birth_date, 600, d_number=True)
        case = self._new_case(national_id=d_number)
        self.assertEqual(case.national_id, d_number)
        dotted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:]}"
        case = self._new_case(national_id=dotted)
        self.assertEqual(case.national_id, number)

    def test_d_number(self):
        """A D-number (day + 40) is valid and carries the birth date."""
        d_number = make_national_id(self.child_birth_date, 700, d_number=True)
        self.assertEqual(int(d_number[:2]), self.child_birth_date.day + 40)
        case = self._new_case(national_id=d_number)
        self.assertEqual(case.national_id, d_number)
        self.assertEqual(case.birth_date, self.child_birth_date)
        # A D-number of another day is refused as for a fødselsnummer.
        other = make_national_id(
            self.child_birth_date - datetime.timedelta(days=1), 700, d_number=True
        )
        with self.assertRaises(ValidationError) as cm:
            self._new_case(national_id=other)
        self.assertIn("birth date", str(cm.exception))
        # The form fills in the birth date from the number.
        form_case = self.env["bti.case"].new({"national_id": f" {d_number} "})
        form_case.birth_date = False
        form_case._onchange_national_id()
        self.assertEqual(form_case.national_id, d_number)
        self.assertEqual(form_case.birth_date, self.child_birth_date)

    def test_h_number(self):
        """An H-number (month + 40, a temporary number of the health services)
        is valid and carries the birth date."""
        h_number = make_national_id(self.child_birth_date, 800, h_number=True)
        self.assertEqual(int(h_number[2:4]), self.child_birth_date.month + 40)
        case = self._new_case(national_id=h_number[:6] + " " + h_number[6:])
        self.assertEqual(case.national_id, h_number)
        self.assertEqual(case.birth_date, self.child_birth_date)
        # Its control digits are checked like any other number's.
        bad = h_number[:9] + str((int(h_number[9]) + 1) % 10) + h_number[10]
        with self.assertRaises(ValidationError) as cm:
            self._new_case(national_id=bad)
        self.assertIn("control digits", str(cm.exception))

    def test_invalid_national_id(self):
        good = self.child_national_id
        bad = good[:10] + str((int(good[10]) + 1) % 10)
        before = self._case_count()
        participants = (
            self.env["bti.case.participant"]
            .sudo()
            .with_context(active_test=False)
            .search_count([])
        )
        with self.assertRaises(ValidationError) as cm:
            self._new_case(national_id=bad)
        self.assertIn(bad, str(cm.exception))
        self.assertEqual(self._case_count(), before)
        self.assertEqual(
            self.env["bti.case.participant"]
            .sudo()
            .with_context(active_test=False)
            .search_count([]),
            participants,
        )
        for wrong in ("1234567890", "ABCDEFGHIJK"):
            with self.assertRaises(ValidationError) as cm:
                self._new_case(national_id=wrong)
            self.assertIn(wrong, str(cm.exception))
        self.assertEqual(self._case_count(), before)
        # Writing an invalid number later is refused too.
        case = self._new_case()
        with self.assertRaises(ValidationError):
            case.with_user(self.kg_teacher).write({"national_id": bad})
        self.assertFalse(case.national_id)

    def test_national_id_must_match_birth_date(self):
        other = make_national_id(
            self.child_birth_date - datetime.timedelta(days=1), 512
        )
        before = self._case_count()
        with self.assertRaises(ValidationError) as cm:
            self._new_case(national_id=other)
        self.assertIn("birth date", str(cm.exception))
        self.assertEqual(self._case_count(), before)
        case = self._new_case(national_id=self.child_national_id)
        other_date = self.child_birth_date - datetime.timedelta(days=1)
        with self.assertRaises(ValidationError):
            case.with_user(self.kg_teacher).write({"birth_date": other_date})
        self.assertEqual(case.birth_date, self.child_birth_date)

    def test_service_that_may_not_open_cases(self):
        before = self._case_count()
        # The constraint on the service runs before the record rule on create.
        with self.assertRaises(ValidationError) as cm:
            self._new_case(user=self.ppt_advisor, service=self.ppt)
        self.assertIn(self.ppt.name, str(cm.exception))
        self.assertEqual(self._case_count(), before)
        # Not even the superuser opens a case for such a service.
        with self.assertRaises(ValidationError):
            self.env["bti.case"].create(
                {"subject_partner_id": self.child.id, "service_id": self.ppt.id}
            )
        self.assertEqual(self._case_count(), before)

    def test_only_members_open_cases_for_a_service(self):
        before = self._case_count()
        # The record rule: a teacher cannot open a case in the kindergarten's name.
        with self.assertRaises(AccessError):
            self._new_case(user=self.school_teacher, service=self.kindergarten)
        self.assertEqual(self._case_count(), before)

    # ------------------------------------------------------------------
    # The level-0 decision
    # ------------------------------------------------------------------
    def test_decide_level_1(self):
        case = self._new_case()
        self.assertTrue(self._decision_activities(case))
        self._decide(case, "level_1")
        self.assertEqual(case.state, "active")
        self.assertEqual(case.level_id, self.level_1)
        self.assertEqual(case.step_id, self.env.ref("bti_core.step_1_1"))
        self.assertEqual(case.holder_id, self.kg_teacher)
        self.assertEqual(case.decision, "level_1")
        self.assertEqual(case.decision_user_id, self.kg_teacher)
        self.assertEqual(case.decision_date, self.env["bti.access.policy"]._today())
        baton = case.baton_ids
        self.assertEqual(len(baton), 1)
        self.assertEqual(baton.state, "active")
        self.assertEqual(baton.holder_id, self.kg_teacher)
        self.assertEqual(baton.service_id, self.kindergarten)
        self.assertTrue(baton.date_start)
        # The decision activity is done: gone from the case, kept as a message.
        self.assertFalse(self._decision_activities(case))
        done = case.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.decision_type
        )
        self.assertEqual(len(done), 1)
        self.assertFalse(case.is_overdue)

    def test_decide_close(self):
        case = self._new_case()
        self._decide(case, "close")
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "no_concern")
        self.assertEqual(case.decision, "close")
        self.assertEqual(case.decision_user_id, self.kg_teacher)
        self.assertEqual(case.close_date, self.env["bti.access.policy"]._today())
        self.assertEqual(case.level_id, self.level_0)
        self.assertFalse(case.holder_id)
        self.assertFalse(case.baton_ids)
        self.assertFalse(case.activity_ids)
        self.assertEqual(case.history_ids.sorted("id")[-1].kind, "close")

    def test_decide_child_welfare(self):
        case = self._new_case()
        case.with_user(self.kg_teacher)._bti_decide(
            "child_welfare", "Reported by phone"
        )
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "child_welfare")
        self.assertEqual(case.decision, "child_welfare")
        self.assertEqual(case.decision_note, "Reported by phone")
        self.assertFalse(case.activity_ids)

    def test_decide_unknown_level(self):
        case = self._new_case()
        with self.assertRaises(UserError):
            self._decide(case, "level_9")
        self.assertEqual(case.state, "wondering")

    def test_change_level_records_history_and_resets_step(self):
        case = self._new_case()
        self._decide(case, "level_1")
        case.with_user(self.kg_teacher).write(
            {"step_id": self.env.ref("bti_core.step_1_3").id}
        )
        self.assertEqual(case.step_id, self.env.ref("bti_core.step_1_3"))
        before = self.env["bti.case.history"].sudo().search([("case_id", "=", case.id)])
        start = fields.Datetime.now()
        self._decide(case, "level_2")
        self.assertEqual(case.state, "active")
        self.assertEqual(case.level_id, self.level_2)
        self.assertEqual(case.step_id, self.env.ref("bti_core.step_2_1"))
        self.assertEqual(
            case.holder_id, self.kg_teacher, "changing level keeps the holder"
        )
        self.assertEqual(len(case.baton_ids), 1)
        new = (
            self.env["bti.case.history"].sudo().search([("case_id", "=", case.id)])
            - before
        )
        self.assertEqual(len(new), 1)
        self.assertEqual(new.kind, "change")
        self.assertEqual(new.user_id, self.kg_teacher)
        self.assertEqual(new.level_id, self.level_2)
        self.assertEqual(new.step_id, self.env.ref("bti_core.step_2_1"))
        self.assertEqual(new.state, "active")
        self.assertGreaterEqual(new.date, start.replace(microsecond=0))
        self.assertGreaterEqual(case.date_step, start.replace(microsecond=0))
        # The holder reads the history (users only read it).
        self.assertIn(new, case.with_user(self.kg_teacher).history_ids)
        # The same level again is refused.
        with self.assertRaises(UserError):
            self._decide(case, "level_2")

    def test_step_must_belong_to_level(self):
        case = self._new_case()
        with self.assertRaises(ValidationError):
            case.with_user(self.kg_teacher).write(
                {"step_id": self.env.ref("bti_core.step_2_3").id}
            )
        self.assertEqual(case.step_id, self.env.ref("bti_core.step_0_1"))
        case.with_user(self.kg_teacher).write(
            {"step_id": self.env.ref("bti_core.step_0_3").id}
        )
        self.assertEqual(case.step_id, self.env.ref("bti_core.step_0_3"))
        # The level itself moves only through a decision, never by a plain write.
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher).write({"level_id": self.level_1.id})
        self.assertEqual(case.level_id.code, 0)
        # Even where the level may be written (superuser), step and level must agree.
        with self.assertRaises(ValidationError):
            case.write(
                {
                    "level_id": self.level_1.id,
                    "step_id": self.env.ref("bti_core.step_0_2").id,
                }
            )

    # ------------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------------
    def test_close_needs_reason(self):
        case = self._new_case()
        self._decide(case, "level_1")
        for reason in (False, None, ""):
            with self.assertRaises(UserError):
                case.with_user(self.kg_teacher)._bti_close(reason)
        self.assertEqual(case.state, "active")
        self.assertEqual(case.holder_id, self.kg_teacher)

    def test_close_active_case(self):
        case = self._new_case()
        self._decide(case, "level_1")
        day = datetime.date(2026, 1, 15)
        case.with_user(self.kg_teacher)._bti_close("goal_reached", "All went well", day)
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "goal_reached")
        self.assertEqual(case.close_note, "All went well")
        self.assertEqual(case.close_date, day)
        self.assertEqual(case.baton_ids.state, "ended")
        self.assertTrue(case.baton_ids.date_end)
        self.assertFalse(case.holder_id)
        with self.assertRaises(UserError):
            case._bti_close("other")

    def test_closed_case_cannot_be_written(self):
        case = self._new_case()
        self._decide(case, "close")
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher).write(
                {"wondering": "<p>Later thoughts</p>"}
            )
        with self.assertRaises(UserError):
            case.write({"state": "active"})
        with self.assertRaises(UserError):
            case.write({"level_id": self.level_1.id})
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher).write({"close_reason": "moved"})
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "no_concern")
        with self.assertRaises(UserError):
            self._decide(case, "level_1", user=self.kg_leader)
        # The chatter stays usable on a closed case.
        case.with_user(self.kg_teacher).message_post(
            body="Archived", message_type="comment"
        )

    def test_state_changes_only_through_transitions(self):
        case = self._new_case()
        as_teacher = case.with_user(self.kg_teacher)
        forged = [
            {"state": "closed"},
            {"state": "active"},
            {"close_reason": "goal_reached"},
            {"close_date": self.env["bti.access.policy"]._today()},
            {"decision": "level_2"},
            {"decision_user_id": self.kg_leader.id},
            {"holder_id": self.kg_teacher.id},
        ]
        for vals in forged:
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_teacher.write(vals)
        self.assertEqual(case.state, "wondering")
        self.assertFalse(case.decision)
        self.assertFalse(case.holder_id)
        # Ordinary fields stay writable by the case's users; the suspicion of
        # violence changes through its actions only (test_violence_suspicion).
        as_teacher.write({"wondering": "<p>Often tired in the morning</p>"})
        self.assertIn("tired", case.wondering)

    def test_malformed_commands_on_system_fields_refused(self):
        """Commands a client forges on a field set by the system are refused as
        a set field, whatever their shape (bench/fuzz.py found an IndexError
        for an empty command)."""
        for value in ([[]], [[6]], [[5], []], [[6, 0]], 5, {"x": 1}):
            with self.subTest(value=value), self.assertRaises(UserError):
                self._new_case(baton_ids=value)
        # The defaults a form sends stay no forgery.
        case = self._new_case(baton_ids=[Command.clear(), Command.set([])])
        self.assertFalse(case.baton_ids)

    def test_action_on_several_or_no_cases_refused_in_words(self):
        """An action called on several records or none (JSON-RPC takes a list
        of ids) is a clear refusal, not Odoo's "Expected singleton"
        ValueError (bench/fuzz.py found it in every action of every model)."""
        first, second = self._new_case(), self._new_case()
        cases = (first | second).with_user(self.kg_teacher)
        for records in (cases, cases.browse()):
            with (
                self.subTest(count=len(records)),
                self.assertRaises(UserError) as caught,
            ):
                records.action_view_access_log()
            self.assertNotIsInstance(caught.exception, ValueError)
            self.assertIn("one record at a time", str(caught.exception))
        self.assertEqual(first.ensure_one(), first)
        # Wizards too (bti.single.record), which a client may also call.
        for name in ("bti.baton.refuse.wizard", "bti.baton.propose.wizard"):
            wizards = self.env[name].with_user(self.kg_teacher).browse()
            with self.subTest(wizard=name), self.assertRaises(UserError):
                wizards.action_confirm()
        # Declared once for all: every protected model and every wizard.
        for name in self.env.registry:
            model = self.env[name]
            if name.startswith("bti.") and not model._abstract:
                if model._transient or hasattr(model, "_bti_check_action"):
                    with self.subTest(model=name), self.assertRaises(UserError):
                        model.browse().ensure_one()

    # ------------------------------------------------------------------
    # Who may decide
    # ------------------------------------------------------------------
    def test_member_of_owning_service_decides_wondering(self):
        case = self._new_case()
        self._decide(case, "level_1", user=self.kg_teacher2)
        self.assertEqual(case.holder_id, self.kg_teacher2)

    def test_non_holder_cannot_decide(self):
        case = self._new_case()
        self._decide(case, "level_1")
        with self.assertRaises(UserError):
            self._decide(case, "level_2", user=self.kg_teacher2)
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher2).action_open_decision()
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher2).action_open_close()
        wizard = (
            self.env["bti.case.close.wizard"]
            .with_user(self.kg_teacher2)
            .create({"case_id": case.id, "reason": "goal_reached"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        wizard = (
            self.env["bti.case.decision.wizard"]
            .with_user(self.kg_teacher2)
            .create({"case_id": case.id, "decision": "close"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(case.level_id, self.level_1)
        self.assertEqual(case.state, "active")
        self.assertFalse(case.with_user(self.kg_teacher2).user_may_manage)
        self.assertTrue(case.with_user(self.kg_teacher).user_may_manage)
        # A participating service's member who is not the holder cannot either.
        self._give_consent(case, self.school)
        self._add_participant(case, self.school, self.school_teacher)
        with self.assertRaises(UserError):
            self._decide(case, "level_2", user=self.school_teacher)
        self.assertEqual(case.level_id, self.level_1)

    def test_stranger_cannot_decide_wondering(self):
        case = self._new_case()
        with self.assertRaises(UserError):
            self._decide(case, "level_1", user=self.school_teacher)
        self.assertEqual(case.state, "wondering")
        self.assertFalse(case.baton_ids)

    def test_leader_of_owning_service_decides(self):
        case = self._new_case()
        self._decide(case, "level_1")
        self.assertNotEqual(case.holder_id, self.kg_leader)
        self._decide(case, "level_2", user=self.kg_leader)
        self.assertEqual(case.level_id, self.level_2)
        self.assertEqual(case.history_ids.sorted("id")[-1].user_id, self.kg_leader)
        action = case.with_user(self.kg_leader).action_open_decision()
        self.assertEqual(action["res_model"], "bti.case.decision.wizard")
        case.with_user(self.kg_leader)._bti_close("goal_reached")
        self.assertEqual(case.state, "closed")

    # ------------------------------------------------------------------
    # Chatter and search
    # ------------------------------------------------------------------
    def test_tracking_of_level_and_state(self):
        case = self._new_case()
        self._flush_tracking()
        self._decide(case, "level_1")
        self._flush_tracking()
        level = self._tracked(case, "level_id")
        state = self._tracked(case, "state")
        self.assertEqual(len(level), 1)
        self.assertEqual(level.old_value_char, self.level_0.display_name)
        self.assertEqual(level.new_value_char, self.level_1.display_name)
        self.assertEqual(len(state), 1)
        self.assertEqual(state.old_value_char, "Wondering")
        self.assertEqual(state.new_value_char, "Active")
        self.assertEqual(level.mail_message_id.author_id, self.kg_teacher.partner_id)
        self._decide(case, "level_2")
        self._flush_tracking()
        level = self._tracked(case, "level_id")
        self.assertEqual(len(level), 2)
        self.assertEqual(level[-1].new_value_char, self.level_2.display_name)
        case.with_user(self.kg_teacher)._bti_close("goal_reached")
        self._flush_tracking()
        state = self._tracked(case, "state")
        self.assertEqual(state[-1].new_value_char, "Closed")
        self.assertEqual(
            self._tracked(case, "close_reason")[-1].new_value_char, "Goal reached"
        )

    def test_is_overdue_search(self):
        today = self.env["bti.access.policy"]._today()
        yesterday = today - datetime.timedelta(days=1)
        overdue = self._new_case(decision_deadline=yesterday)
        due_today = self._new_case(decision_deadline=today)
        future = self._new_case()
        decided = self._new_case(decision_deadline=yesterday)
        self._decide(decided, "level_1")
        closed = self._new_case(decision_deadline=yesterday)
        self._decide(closed, "close")
        mine = overdue | due_today | future | decided | closed
        self.assertTrue(overdue.is_overdue)
        self.assertFalse(due_today.is_overdue)
        self.assertFalse(future.is_overdue)
        self.assertFalse(decided.is_overdue)
        self.assertFalse(closed.is_overdue)
        Case = self.env["bti.case"].with_user(self.kg_teacher)
        found = Case.search([("is_overdue", "=", True), ("id", "in", mine.ids)])
        self.assertEqual(found.ids, overdue.ids)
        found = Case.search([("is_overdue", "=", False), ("id", "in", mine.ids)])
        self.assertEqual(set(found.ids), set((mine - overdue).ids))
        found = Case.search([("is_overdue", "!=", True), ("id", "in", mine.ids)])
        self.assertEqual(set(found.ids), set((mine - overdue).ids))
        found = Case.search([("is_overdue", "!=", False), ("id", "in", mine.ids)])
        self.assertEqual(found.ids, overdue.ids)

    def test_guardians_on_create(self):
        case = self._new_case(
            guardian_ids=[
                Command.create({"partner_id": self.mother.id, "relation": "mother"}),
                Command.create(
                    {
                        "partner_id": self.father.id,
                        "relation": "father",
                        "parental_responsibility": False,
                    }
                ),
            ]
        )
        self.assertEqual(case.guardian_ids.partner_id, self.mother | self.father)
        self.assertTrue(self.mother.bti_confidential)
        self.assertTrue(case.subject_partner_id.bti_confidential)
