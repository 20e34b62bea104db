import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import FORGED_CONTEXT, StafettloggCommon


def days(n):
    return datetime.timedelta(days=n)


@tagged("post_install", "-at_install", "bti")
class TestGoal(StafettloggCommon):
    def test_create_as_user(self):
        for vals in ({"state": "reached"}, {"state_note": "forged"}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self._goal(**vals)
        self.assertFalse(
            self.env["bti.goal"].search_count([("case_id", "=", self.case.id)]),
            "a goal starts open: a forged status is refused",
        )
        goal = self._goal()
        self.assertEqual(goal.state, "open")
        self.assertFalse(goal.state_note)
        self.assertEqual(goal.author_id, self.kg_teacher)
        self.assertEqual(goal.author_service_id, self.kindergarten)
        # The other services taking part read and work on the goal.
        self.assertEqual(
            self.env["bti.goal"]
            .with_user(self.school_teacher)
            .search_count([("id", "=", goal.id)]),
            1,
        )
        self.assertFalse(
            self.env["bti.goal"]
            .with_user(self.cws_worker)
            .search_count([("id", "=", goal.id)])
        )

    def test_transitions(self):
        goal = self._goal()
        self.assertEqual(goal.state, "open")
        goal.with_user(self.kg_teacher).action_reached()
        self.assertEqual(goal.state, "reached")
        # Neither holder, leader nor author: the school teacher does not reopen it.
        with self.assertRaises(AccessError):
            goal.with_user(self.school_teacher).action_reopen()
        self.assertEqual(goal.state, "reached")
        goal.with_user(self.kg_leader).action_reopen()
        self.assertEqual(goal.state, "open")
        goal.with_user(self.kg_teacher).action_drop()
        self.assertEqual(goal.state, "dropped")
        goal.with_user(self.kg_teacher).action_reopen()
        self.assertEqual(goal.state, "open")

    def test_state_not_written_directly(self):
        goal = self._goal()
        for vals in ({"state": "reached"}, {"state_note": "Because"}):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError) as caught:
                    goal.with_user(self.kg_teacher).with_context(
                        **FORGED_CONTEXT
                    ).write(vals)
                self.assertIn("only through the actions", str(caught.exception))
        goal.invalidate_recordset()
        self.assertEqual(goal.state, "open")
        self.assertFalse(goal.state_note)
        # Other fields are edited normally.
        goal.with_user(self.kg_teacher).write({"name": "Talks in the group"})
        self.assertEqual(goal.name, "Talks in the group")

    def test_author_not_forged(self):
        for vals in (
            {"author_id": self.kg_teacher2.id},
            {"author_service_id": self.school.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self._goal(**vals)
        goal = self._goal()
        self.assertEqual(goal.author_id, self.kg_teacher)
        self.assertEqual(goal.author_service_id, self.kindergarten)
        for vals in (
            {"author_id": self.school_teacher.id},
            {"author_service_id": self.school.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                goal.with_user(self.kg_teacher).write(vals)
        goal.invalidate_recordset()
        self.assertEqual(goal.author_id, self.kg_teacher)
        self.assertEqual(goal.author_service_id, self.kindergarten)

    def test_goal_not_moved_to_another_case(self):
        goal = self._goal()
        other = self._level2_case()
        with self.assertRaises(UserError):
            goal.with_user(self.kg_teacher).write({"case_id": other.id})
        self.assertEqual(goal.case_id, self.case)


@tagged("post_install", "-at_install", "bti")
class TestMeasure(StafettloggCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goal = cls._goal()

    def _count(self):
        return (
            self.env["bti.measure"]
            .sudo()
            .search_count([("case_id", "=", self.case.id)])
        )

    def _assert_refused(self, message, **vals):
        count = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._measure(self.goal, **vals)
        self.assertIn(message, str(caught.exception))
        self.assertEqual(self._count(), count, "nothing was created")
        return caught.exception

    def _evaluate(self, measure, user=None, **vals):
        values = {
            "measure_id": measure.id,
            "effect": "good",
            "evaluation": "<p>He talks more in the group</p>",
            "outcome": "finish",
        }
        values.update(vals)
        wizard = (
            self.env["bti.measure.evaluate.wizard"]
            .with_user(user or self.kg_teacher)
            .create(values)
        )
        return wizard.action_confirm()

    # ------------------------------------------------------------------
    # Creating
    # ------------------------------------------------------------------
    def test_create(self):
        for vals in ({"state": "running"}, {"effect": "good"}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self._measure(self.goal, **vals)
        self.assertFalse(self._count(), "transitions cannot be forged")
        measure = self._measure(self.goal)
        self.assertEqual(measure.state, "planned")
        self.assertFalse(measure.effect)
        self.assertEqual(measure.case_id, self.case)
        self.assertEqual(measure.responsible_service_id, self.kindergarten)
        self.assertEqual(measure.responsible_user_id, self.kg_teacher)
        self.assertIn(measure, self.goal.measure_ids)
        # The school, a participant with consent, may be responsible.
        school = self._measure(
            self.goal,
            responsible_service_id=self.school.id,
            responsible_user_id=self.school_teacher.id,
        )
        self.assertEqual(school.responsible_service_id, self.school)
        # So may the family itself.
        family = self._measure(
            self.goal,
            responsible_kind="family",
            responsible_service_id=False,
            responsible_user_id=False,
            arena="home",
        )
        self.assertEqual(family.responsible_kind, "family")

    def test_evaluation_before_start(self):
        exc = self._assert_refused(
            "is before its start",
            date_start=self.today,
            date_evaluation=self.today - days(1),
        )
        self.assertIn("Language group twice a week", str(exc))
        measure = self._measure(self.goal)
        with self.assertRaises(ValidationError):
            measure.with_user(self.kg_teacher).write(
                {"date_evaluation": measure.date_start - days(3)}
            )
        self.assertEqual(measure.date_evaluation, self.today + days(42))

    def test_service_responsible_needs_a_service(self):
        self._assert_refused(
            "Name who is responsible",
            responsible_service_id=False,
            responsible_user_id=False,
        )

    def test_responsible_service_takes_part_with_consent(self):
        # Child welfare: neither consent nor participation.
        self._assert_refused(
            "does not take part",
            responsible_service_id=self.cws.id,
            responsible_user_id=self.cws_worker.id,
        )
        # PPT: covered by the consent, but not introduced yet.
        self._assert_refused(
            "introduce the service first",
            responsible_service_id=self.ppt.id,
            responsible_user_id=False,
        )

    def test_responsible_user_is_a_member(self):
        exc = self._assert_refused(
            "is not a member of",
            responsible_service_id=self.school.id,
            responsible_user_id=self.kg_teacher.id,
        )
        self.assertIn(self.school.name, str(exc))

    def test_family_responsible_names_no_service(self):
        self._assert_refused(
            "name no service or person",
            responsible_kind="family",
            responsible_service_id=self.kindergarten.id,
            responsible_user_id=False,
        )
        self._assert_refused(
            "name no service or person",
            responsible_kind="family",
            responsible_service_id=False,
            responsible_user_id=self.kg_teacher.id,
        )

    def test_goal_of_another_case(self):
        other_case = self._level2_case()
        other_goal = self._goal(case=other_case)
        count = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._measure(self.goal, goal_id=other_goal.id)
        self.assertIn("goal of its own case", str(caught.exception))
        self.assertEqual(self._count(), count)
        measure = self._measure(self.goal)
        with self.assertRaises(ValidationError):
            measure.with_user(self.kg_teacher).write({"goal_id": other_goal.id})
        self.assertEqual(measure.goal_id, self.goal)

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def test_start_and_finish(self):
        measure = self._measure(self.goal)
        measure.with_user(self.kg_teacher).action_start()
        self.assertEqual(measure.state, "running")
        with self.assertRaises(UserError):
            measure.with_user(self.kg_teacher).action_start()
        action = measure.with_user(self.kg_teacher).action_open_evaluate()
        self.assertEqual(action["res_model"], "bti.measure.evaluate.wizard")
        self.assertEqual(action["context"]["default_measure_id"], measure.id)
        self._evaluate(measure, effect="partial")
        self.assertEqual(measure.state, "evaluated")
        self.assertEqual(measure.effect, "partial")
        self.assertIn("talks more", measure.evaluation)
        self.assertEqual(measure.evaluated_date, self.today)
        self.assertEqual(measure.evaluated_by_id, self.kg_teacher)
        # An evaluated measure is done: no second evaluation, no stop.
        with self.assertRaises(UserError):
            measure.with_user(self.kg_teacher).action_open_evaluate()
        with self.assertRaises(UserError):
            self._evaluate(measure, effect="none")
        with self.assertRaises(UserError):
            measure.with_user(self.kg_teacher).action_stop()
        self.assertEqual(measure.effect, "partial")

    def test_evaluate_and_continue(self):
        measure = self._measure(self.goal)
        measure.with_user(self.kg_teacher).action_start()
        next_date = self.today + days(60)
        self._evaluate(measure, outcome="continue", next_date=next_date, effect="none")
        self.assertEqual(measure.state, "running")
        self.assertEqual(measure.effect, "none")
        self.assertEqual(measure.date_evaluation, next_date)
        self.assertEqual(measure.evaluated_date, self.today)

    def test_continue_needs_future_date(self):
        measure = self._measure(self.goal)
        measure.with_user(self.kg_teacher).action_start()
        date_evaluation = measure.date_evaluation
        for next_date in (self.today - days(1), self.today, False):
            with self.subTest(next_date=next_date):
                with self.assertRaises(ValidationError):
                    self._evaluate(measure, outcome="continue", next_date=next_date)
                measure.invalidate_recordset()
                self.assertEqual(measure.state, "running")
                self.assertFalse(measure.effect)
                self.assertFalse(measure.evaluated_date)
                self.assertEqual(measure.date_evaluation, date_evaluation)

    def test_stop(self):
        measure = self._measure(self.goal)
        measure.with_user(self.kg_teacher).action_stop("The family moved the child")
        self.assertEqual(measure.state, "stopped")
        self.assertEqual(measure.stop_reason, "The family moved the child")
        with self.assertRaises(UserError):
            measure.with_user(self.kg_teacher).action_stop()
        with self.assertRaises(UserError):
            measure.with_user(self.kg_teacher).action_start()
        self.assertEqual(measure.state, "stopped")

    def test_forged_transition_writes(self):
        measure = self._measure(self.goal)
        for vals in (
            {"state": "running"},
            {"state": "evaluated"},
            {"effect": "good"},
            {"evaluation": "<p>Forged</p>"},
            {"evaluated_by_id": self.kg_teacher.id},
            {"reminded_for_date": self.today},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError) as caught:
                    measure.with_user(self.kg_teacher).with_context(
                        **FORGED_CONTEXT
                    ).write(vals)
                self.assertIn("only through the actions", str(caught.exception))
        measure.invalidate_recordset()
        self.assertEqual(measure.state, "planned")
        self.assertFalse(measure.effect)
        self.assertFalse(measure.evaluation)
        self.assertFalse(measure.reminded_for_date)

    # ------------------------------------------------------------------
    # Overdue evaluations
    # ------------------------------------------------------------------
    def test_is_evaluation_overdue_search(self):
        overdue = self._measure(
            self.goal,
            date_start=self.today - days(30),
            date_evaluation=self.today - days(1),
        )
        due_today = self._measure(
            self.goal, date_start=self.today - days(30), date_evaluation=self.today
        )
        future = self._measure(self.goal)
        evaluated = self._measure(
            self.goal,
            date_start=self.today - days(30),
            date_evaluation=self.today - days(2),
        )
        self._evaluate(evaluated)
        mine = overdue | due_today | future | evaluated
        self.assertTrue(overdue.is_evaluation_overdue)
        self.assertFalse(due_today.is_evaluation_overdue)
        self.assertFalse(future.is_evaluation_overdue)
        self.assertFalse(evaluated.is_evaluation_overdue)
        Measure = self.env["bti.measure"].with_user(self.kg_teacher)
        base = [("id", "in", mine.ids)]
        self.assertEqual(
            Measure.search(base + [("is_evaluation_overdue", "=", True)]), overdue
        )
        self.assertEqual(
            Measure.search(base + [("is_evaluation_overdue", "!=", False)]), overdue
        )
        self.assertEqual(
            Measure.search(base + [("is_evaluation_overdue", "=", False)]),
            due_today | future | evaluated,
        )
        self.assertEqual(
            Measure.search(base + [("is_evaluation_overdue", "!=", True)]),
            due_today | future | evaluated,
        )
        self.assertEqual(self.case.with_user(self.kg_teacher).overdue_measure_count, 1)


@tagged("post_install", "-at_install", "bti")
class TestOverdueEvaluations(StafettloggCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goal = cls._goal()
        cls.activity_type = cls.env.ref(
            "bti_stafettlogg.mail_activity_type_bti_evaluation"
        )

    def _overdue_measure(self, goal=None, start=True, **vals):
        values = {
            "date_start": self.today - days(30),
            "date_evaluation": self.today - days(1),
            "responsible_service_id": self.school.id,
            "responsible_user_id": self.school_teacher.id,
        }
        values.update(vals)
        measure = self._measure(goal or self.goal, **values)
        if start:
            measure.with_user(self.kg_teacher).action_start()
        return measure

    def _activities(self, measure):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "bti.measure"),
                ("res_id", "=", measure.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run_job(self):
        return self.env["bti.measure"]._cron_overdue_evaluations()

    def test_reminders_once_per_date(self):
        measure = self._overdue_measure()
        self.assertFalse(self._activities(measure))
        self._run_job()
        activities = self._activities(measure)
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.school_teacher | self.kg_teacher)
        self.assertEqual(
            set(activities.mapped("date_deadline")), {measure.date_evaluation}
        )
        self.assertEqual(measure.reminded_for_date, measure.date_evaluation)
        # Once, not twice.
        self._run_job()
        self.assertEqual(self._activities(measure), activities)
        # A new evaluation date that passes again makes new reminders.
        new_date = self.today + days(3)
        measure.with_user(self.kg_teacher).write({"date_evaluation": new_date})
        self._run_job()
        self.assertEqual(self._activities(measure), activities, "not overdue yet")
        with freeze_time(self.today + days(5)):
            self._run_job()
            new = self._activities(measure) - activities
            self.assertEqual(len(new), 2)
            self.assertEqual(new.user_id, self.school_teacher | self.kg_teacher)
            self.assertEqual(set(new.mapped("date_deadline")), {new_date})
            self._run_job()
            self.assertEqual(len(self._activities(measure)), 4)

    def test_without_a_person_the_service_contact_is_reminded(self):
        # The school joined with school_teacher as its contact person.
        measure = self._overdue_measure(responsible_user_id=False)
        self._run_job()
        self.assertEqual(
            self._activities(measure).user_id, self.school_teacher | self.kg_teacher
        )
        # The family itself responsible: the stafettholder alone.
        family = self._overdue_measure(
            responsible_kind="family",
            responsible_service_id=False,
            responsible_user_id=False,
        )
        self._run_job()
        self.assertEqual(self._activities(family).user_id, self.kg_teacher)

    def test_evaluating_closes_reminders(self):
        measure = self._overdue_measure()
        self._run_job()
        self.assertEqual(len(self._activities(measure)), 2)
        wizard = (
            self.env["bti.measure.evaluate.wizard"]
            .with_user(self.school_teacher)
            .create(
                {
                    "measure_id": measure.id,
                    "effect": "good",
                    "evaluation": "<p>Done</p>",
                    "outcome": "finish",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(measure.state, "evaluated")
        self.assertFalse(self._activities(measure), "the reminders are done")

    def test_holder_only_once_when_responsible(self):
        measure = self._overdue_measure(
            responsible_service_id=self.kindergarten.id,
            responsible_user_id=self.kg_teacher.id,
        )
        self._run_job()
        self.assertEqual(self._activities(measure).user_id, self.kg_teacher)
        self.assertEqual(len(self._activities(measure)), 1)

    def test_no_reminders_when_not_due(self):
        future = self._overdue_measure(
            date_start=self.today, date_evaluation=self.today + days(7)
        )
        planned_future = self._overdue_measure(
            start=False,
            date_start=self.today + days(7),
            date_evaluation=self.today + days(30),
        )
        evaluated = self._overdue_measure()
        self.env["bti.measure.evaluate.wizard"].with_user(self.kg_teacher).create(
            {
                "measure_id": evaluated.id,
                "effect": "good",
                "evaluation": "<p>Done</p>",
                "outcome": "finish",
            }
        ).action_confirm()
        stopped = self._overdue_measure()
        stopped.with_user(self.kg_teacher).action_stop("Not needed")
        other_case = self._level2_case()
        closed = self._overdue_measure(goal=self._goal(case=other_case))
        other_case.with_user(self.kg_teacher)._bti_close("goal_reached")
        self._run_job()
        for measure in (future, planned_future, evaluated, stopped, closed):
            with self.subTest(measure=measure.name, state=measure.state):
                self.assertFalse(self._activities(measure))
                self.assertFalse(measure.reminded_for_date)

    def test_no_reminder_for_who_cannot_read(self):
        measure = self._overdue_measure()
        school = self.case.participant_ids.filtered(
            lambda p: p.service_id == self.school
        )
        school.with_user(self.kg_teacher).action_remove("Done")
        self.assertFalse(measure.with_user(self.school_teacher).has_access("read"))
        self._run_job()
        self.assertEqual(self._activities(measure).user_id, self.kg_teacher)


@tagged("post_install", "-at_install", "bti")
class TestMeasureCatalogue(StafettloggCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goal = cls._goal()
        cls.item = (
            cls.env["bti.measure.catalogue"]
            .with_user(cls.bti_admin)
            .create(
                {
                    "name": "Language group (catalogue)",
                    "service_id": cls.kindergarten.id,
                    "arena": "kindergarten",
                    "contact_user_id": cls.kg_teacher2.id,
                    "age_min": 2,
                    "age_max": 6,
                }
            )
        )

    def test_plan_measure_action(self):
        action = (
            self.item.with_user(self.kg_teacher)
            .with_context(active_model="bti.case", active_id=self.case.id)
            .action_plan_measure()
        )
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["res_model"], "bti.measure")
        context = action["context"]
        self.assertEqual(context["default_catalogue_id"], self.item.id)
        self.assertEqual(context["default_name"], "Language group (catalogue)")
        self.assertEqual(context["default_arena"], "kindergarten")
        self.assertEqual(context["default_responsible_kind"], "service")
        self.assertEqual(
            context["default_responsible_service_id"], self.kindergarten.id
        )
        self.assertEqual(context["default_case_id"], self.case.id)
        # The defaults make a valid measure.
        measure = (
            self.env["bti.measure"]
            .with_user(self.kg_teacher)
            .with_context(**context)
            .create(
                {
                    "goal_id": self.goal.id,
                    "date_evaluation": self.today + days(30),
                }
            )
        )
        self.assertEqual(measure.catalogue_id, self.item)
        self.assertEqual(measure.name, "Language group (catalogue)")
        self.assertEqual(self.item.with_user(self.kg_teacher).measure_count, 1)
        self.assertFalse(self.item.with_user(self.cws_worker).measure_count)

    def test_onchange_catalogue(self):
        Measure = (
            self.env["bti.measure"]
            .with_user(self.kg_teacher)
            .with_context(default_case_id=self.case.id)
        )
        with Form(Measure) as form:
            form.goal_id = self.goal
            form.catalogue_id = self.item
            self.assertEqual(form.name, "Language group (catalogue)")
            self.assertEqual(form.arena, "kindergarten")
            self.assertEqual(form.responsible_kind, "service")
            self.assertEqual(form.responsible_service_id, self.kindergarten)
            self.assertEqual(form.responsible_user_id, self.kg_teacher2)
            # Another service drops a person who is not its member.
            form.responsible_service_id = self.school
            self.assertFalse(form.responsible_user_id)
            form.responsible_service_id = self.kindergarten
            form.responsible_user_id = self.kg_teacher2
            form.date_evaluation = self.today + days(30)
        measure = form.record
        self.assertEqual(measure.catalogue_id, self.item)
        self.assertEqual(measure.responsible_user_id, self.kg_teacher2)
        self.assertEqual(measure.case_id, self.case)

    def test_contact_outside_service_not_proposed(self):
        self.item.contact_user_id = self.school_teacher
        Measure = self.env["bti.measure"].with_user(self.kg_teacher)
        measure = Measure.new({"case_id": self.case.id, "catalogue_id": self.item.id})
        measure._onchange_catalogue_id()
        self.assertEqual(measure.responsible_service_id, self.kindergarten)
        self.assertFalse(measure.responsible_user_id)

    def test_invalid_age_group(self):
        Catalogue = self.env["bti.measure.catalogue"].with_user(self.bti_admin)
        count = Catalogue.search_count([])
        for ages in ((10, 5), (-1, 5)):
            with self.subTest(ages=ages):
                with self.assertRaises(ValidationError) as caught:
                    Catalogue.create(
                        {
                            "name": "Bad ages",
                            "service_id": self.school.id,
                            "age_min": ages[0],
                            "age_max": ages[1],
                        }
                    )
                self.assertIn("Bad ages", str(caught.exception))
        self.assertEqual(Catalogue.search_count([]), count)
        with self.assertRaises(ValidationError):
            self.item.with_user(self.bti_admin).write({"age_max": 1})
        self.assertEqual(self.item.age_max, 6)

    def test_employees_only_read_the_catalogue(self):
        with self.assertRaises(UserError):
            self.item.with_user(self.kg_teacher).write({"name": "Mine now"})
        with self.assertRaises(UserError):
            self.env["bti.measure.catalogue"].with_user(self.kg_teacher).create(
                {"name": "Mine", "service_id": self.kindergarten.id}
            )
        self.assertEqual(self.item.name, "Language group (catalogue)")
        self.assertEqual(
            self.env["bti.measure.catalogue"]
            .with_user(self.school_teacher)
            .search_count([("id", "=", self.item.id)]),
            1,
        )
