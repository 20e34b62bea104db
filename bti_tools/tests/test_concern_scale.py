import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ToolsCommon

MODEL = "bti.tool.concern_scale"
INDICATOR = "bti.tool.concern.indicator"


@tagged("post_install", "-at_install")
class TestConcernScale(ToolsCommon):
    """The concern scale: the step follows the highest indicator ticked, set
    higher only with a reason; steps 3-4 need what was seen; step 4 leads to
    the child welfare service; an internal working tool, never the family's;
    indicators kept by the BTI administrators."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Indicator = cls.env[INDICATOR].with_user(cls.bti_admin)
        cls.ind = {}
        for kind in ("child", "parents"):
            for step in ("1", "2", "3", "4"):
                cls.ind[kind, step] = Indicator.create(
                    {"kind": kind, "step": step, "name": f"Test {kind} at step {step}"}
                ).with_env(cls.env)

    @classmethod
    def _scale(cls, case=None, user=None, final=False, steps=("2",), **vals):
        kind = vals.get("kind", "child")
        values = {
            "kind": kind,
            "indicator_ids": [Command.set([cls.ind[kind, step].id for step in steps])],
            "observations": "<p>Cries at drop-off most mornings this month.</p>",
        }
        values.update(vals)
        return cls._tool(MODEL, case, user, final, **values)

    def _assert_hidden(self, record, user):
        self._new_request()
        with self.assertRaises(AccessError):
            record.with_user(user).read(["observations"])
        self.assertFalse(
            self.env[MODEL].with_user(user).search([("id", "=", record.id)])
        )

    def _welfare_activities(self, case):
        activity_type = self.env.ref("bti_tools.mail_activity_type_bti_child_welfare")
        return case.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    # ------------------------------------------------------------------
    # The step
    # ------------------------------------------------------------------
    def test_step_follows_the_highest_indicator(self):
        scale = self._scale(steps=("1", "2"))
        self.assertEqual(scale.computed_step, "2")
        self.assertEqual(scale.step, "2")
        self.assertEqual(scale.step_number, 2)
        self.assertEqual(scale.heading, "Be attentive")
        self.assertEqual(scale.step_label, "Reduced wellbeing")
        scale.with_user(self.kg_teacher).write(
            {"indicator_ids": [Command.link(self.ind["child", "3"].id)]}
        )
        self.assertEqual(scale.step, "3")
        self.assertEqual(scale.step_number, 3)
        self.assertEqual(scale.heading, "Grounds for concern")
        scale.with_user(self.kg_teacher).write(
            {"indicator_ids": [Command.set(self.ind["child", "1"].ids)]}
        )
        self.assertEqual(scale.step, "1")
        self.assertEqual(scale.heading, "Be attentive")
        scale.with_user(self.kg_teacher).write({"indicator_ids": [Command.clear()]})
        self.assertFalse(scale.step)
        self.assertEqual(scale.step_number, 0)
        self.assertFalse(scale.heading)
        # The parents' scale has its own words for the steps.
        parents = self._scale(kind="parents", steps=("2",))
        self.assertEqual(parents.step, "2")
        self.assertIn("irregular attendance", parents.step_label)
        self.assertIn("The parents", parents.display_name)

    def test_override_only_higher_and_with_a_reason(self):
        before = self.env[MODEL].search_count([])
        for vals in (
            # lower than the indicators
            {"steps": ("3",), "step_override": "2", "override_reason": "Better now."},
            {"steps": ("4",), "step_override": "1", "override_reason": "Better now."},
            # without a reason
            {"steps": ("2",), "step_override": "3"},
            {"steps": ("2",), "step_override": "3", "override_reason": "  \n"},
            {"steps": (), "step_override": "4", "override_reason": False},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    self._scale(**vals)
        self.assertEqual(self.env[MODEL].search_count([]), before)
        scale = self._scale(
            steps=("2",), step_override="4", override_reason="She told us he hits."
        )
        self.assertEqual(scale.computed_step, "2")
        self.assertEqual(scale.step, "4")
        self.assertEqual(scale.step_number, 4)
        for vals in (
            {"override_reason": False},
            {"override_reason": " "},
            {"step_override": "1"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    scale.with_user(self.kg_teacher).write(vals)
        self.assertEqual(scale.step_override, "4")
        self.assertEqual(scale.override_reason, "She told us he hits.")
        # Indicators graver than the override: the override would be lower.
        scale.with_user(self.kg_teacher).write(
            {"step_override": "3", "override_reason": "Worse than it looks."}
        )
        with self.assertRaises(ValidationError):
            scale.with_user(self.kg_teacher).write(
                {"indicator_ids": [Command.link(self.ind["child", "4"].id)]}
            )
        self.assertEqual(scale.step, "3")
        # Setting the same step as the indicators is no lowering.
        same = self._scale(
            steps=("3",), step_override="3", override_reason="As the indicators."
        )
        self.assertEqual(same.step, "3")
        # Without the override, the reason is not needed.
        scale.with_user(self.kg_teacher).write(
            {"step_override": False, "override_reason": False}
        )
        self.assertEqual(scale.step, "2")

    def test_finalize_needs_a_step(self):
        scale = self._scale(steps=())
        self.assertFalse(scale.step)
        with self.assertRaises(ValidationError):
            scale.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(scale.state, "draft")
        self.assertFalse(scale.final_date)
        # A step set with a reason alone is enough.
        scale.with_user(self.kg_teacher).write(
            {"step_override": "2", "override_reason": "Tired and withdrawn."}
        )
        scale.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(scale.state, "final")
        self.assertEqual(scale.step, "2")

    def test_grounds_for_concern_need_what_was_seen(self):
        # Step 3 or 4 without indicators of that step and without a reason:
        # refused at once, nothing written.
        before = self.env[MODEL].search_count([])
        for step in ("3", "4"):
            with self.subTest(step=step):
                with self.assertRaises(ValidationError):
                    self._scale(steps=("1",), step_override=step)
        self.assertEqual(self.env[MODEL].search_count([]), before)
        scale = self._scale(
            steps=("2",), step_override="3", override_reason="Changed behaviour."
        )
        with self.assertRaises(ValidationError):
            scale.with_user(self.kg_teacher).write({"override_reason": ""})
        self.assertEqual(scale.state, "draft")
        # A scale that lost its reason outside the form (an import, an older
        # version) is still not made final.
        self.env.cr.execute(
            "UPDATE bti_tool_concern_scale SET override_reason = NULL WHERE id = %s",
            [scale.id],
        )
        scale.invalidate_recordset(["override_reason"])
        with self.assertRaises(ValidationError):
            scale.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(scale.state, "draft")
        self.assertFalse(scale.final_date)
        # The indicators of the step, or the reason, make it final.
        for vals in (
            {"steps": ("1", "3")},
            {"steps": ("4",)},
            {"steps": ("2",), "step_override": "4", "override_reason": "Bruises."},
        ):
            with self.subTest(vals=vals):
                final = self._scale(final=True, **vals)
                self.assertEqual(final.state, "final")

    def test_indicators_of_the_other_scale(self):
        before = self.env[MODEL].search_count([])
        with self.assertRaises(ValidationError):
            self._scale(
                indicator_ids=[
                    Command.set((self.ind["child", "2"] | self.ind["parents", "3"]).ids)
                ]
            )
        with self.assertRaises(ValidationError):
            self._scale(
                kind="parents",
                indicator_ids=[Command.set(self.ind["child", "1"].ids)],
            )
        self.assertEqual(self.env[MODEL].search_count([]), before)
        scale = self._scale(steps=("2",))
        with self.assertRaises(ValidationError):
            scale.with_user(self.kg_teacher).write(
                {"indicator_ids": [Command.link(self.ind["parents", "4"].id)]}
            )
        with self.assertRaises(ValidationError):
            scale.with_user(self.kg_teacher).write({"kind": "parents"})
        self.assertEqual(scale.kind, "child")
        self.assertEqual(scale.indicator_ids, self.ind["child", "2"])
        self.assertEqual(scale.step, "2")

    def test_the_form_drops_the_other_scales_indicators(self):
        form = Form(
            self.env[MODEL]
            .with_user(self.kg_teacher)
            .with_context(default_case_id=self.case.id)
        )
        self.assertEqual(form.kind, "child")
        form.indicator_ids.add(self.ind["child", "3"])
        self.assertEqual(form.step, "3")
        form.kind = "parents"
        self.assertEqual(len(form.indicator_ids), 0)
        form.indicator_ids.add(self.ind["parents", "2"])
        scale = form.save()
        self.assertEqual(scale.kind, "parents")
        self.assertEqual(scale.indicator_ids, self.ind["parents", "2"])
        self.assertEqual(scale.step, "2")

    # ------------------------------------------------------------------
    # Never the family
    # ------------------------------------------------------------------
    def test_never_the_family(self):
        before = self.env[MODEL].search_count([])
        with self.assertRaises(ValidationError):
            self._scale(visibility="family")
        self.assertEqual(self.env[MODEL].search_count([]), before)
        draft = self._scale()
        with self.assertRaises(ValidationError):
            draft.with_user(self.kg_teacher).write({"visibility": "family"})
        scale = self._scale(final=True)
        action = scale.with_user(self.kg_teacher).action_share_in_log()
        self.assertFalse(action["context"]["bti_tool_family"])
        with self.assertRaises(UserError):
            scale.with_user(self.kg_teacher)._bti_share("family")
        self.assertFalse(scale.log_entry_id)
        self.assertEqual(scale.visibility, "service")
        # With the participating services, with consent: the school reads it.
        entry = scale.with_user(self.kg_teacher)._bti_share("participants")
        self.assertEqual(entry.visibility, "participants")
        self.assertEqual(entry.state, "published")
        self.assertEqual(scale.log_entry_id, entry)
        self.assertEqual(scale.visibility, "participants")
        self._new_request()
        scale.with_user(self.school_teacher).read(["observations", "step"])

    def test_sharing_needs_consent(self):
        case = self._new_case()
        scale = self._scale(case, final=True)
        with self.assertRaises(UserError):
            scale.with_user(self.kg_teacher)._bti_share("participants")
        self.assertFalse(scale.log_entry_id)
        self.assertEqual(scale.visibility, "service")
        self.assertFalse(self.env["bti.log.entry"].search([("case_id", "=", case.id)]))

    # ------------------------------------------------------------------
    # Step 4: the child welfare service
    # ------------------------------------------------------------------
    def test_child_welfare_only_at_step_4(self):
        for steps in (("1",), ("2",), ("3",)):
            with self.subTest(steps=steps):
                scale = self._scale(final=True, steps=steps)
                with self.assertRaises(UserError):
                    scale.with_user(self.kg_teacher).action_report_child_welfare()
        self.assertFalse(self._welfare_activities(self.case))
        # Not from a draft either.
        draft = self._scale(steps=("4",))
        with self.assertRaises(UserError):
            draft.with_user(self.kg_teacher).action_report_child_welfare()
        self.assertFalse(self._welfare_activities(self.case))

    def _assert_report_form(self, action, case, scale):
        self.assertEqual(action["res_model"], "bti.tool.child_welfare_report")
        self.assertEqual(action["views"], [(False, "form")])
        self.assertFalse(action.get("res_id"))
        self.assertEqual(action["context"]["default_case_id"], case.id)
        self.assertEqual(action["context"]["default_observations"], scale.observations)

    def test_child_welfare_at_level_0_is_a_report(self):
        case = self._new_case()
        self.assertEqual(case.state, "wondering")
        scale = self._scale(case, final=True, steps=("4",))
        action = scale.with_user(self.kg_teacher).action_report_child_welfare()
        self._assert_report_form(action, case, scale)
        # Nothing is decided, and no report written, before it is sent.
        self.assertEqual(case.state, "wondering")
        self.assertFalse(
            self.env["bti.tool.child_welfare_report"].search(
                [("case_id", "=", case.id)]
            )
        )
        # Reached by a raised step as well.
        raised = self._scale(
            case,
            final=True,
            steps=("2",),
            step_override="4",
            override_reason="She said she is afraid to go home.",
        )
        action = raised.with_user(self.kg_teacher).action_report_child_welfare()
        self._assert_report_form(action, case, raised)

    def test_child_welfare_on_an_active_case_is_a_report_and_a_task(self):
        scale = self._scale(final=True, steps=("3", "4"))
        action = scale.with_user(self.kg_teacher).action_report_child_welfare()
        self._assert_report_form(action, self.case, scale)
        activity = self._welfare_activities(self.case)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.kg_teacher)
        self.assertEqual(activity.date_deadline, self.today)
        # Twice is still one task.
        scale.with_user(self.kg_teacher).action_report_child_welfare()
        self.assertEqual(self._welfare_activities(self.case), activity)
        # The duty is personal: a reader of another service gets a task too.
        shared = self._scale(final=True, steps=("4",), visibility="participants")
        shared.with_user(self.school_teacher).action_report_child_welfare()
        activities = self._welfare_activities(self.case)
        self.assertEqual(activities.user_id, self.kg_teacher | self.school_teacher)
        # Who may not read the scale gets nothing from it.
        self._new_request()
        with self.assertRaises(AccessError):
            scale.with_user(self.school_teacher).action_report_child_welfare()

    def test_child_welfare_on_a_closed_case(self):
        case = self._new_case()
        scale = self._scale(case, final=True, steps=("4",))
        case.with_user(self.kg_teacher)._bti_close("no_concern")
        with self.assertRaises(UserError):
            scale.with_user(self.kg_teacher).action_report_child_welfare()
        self.assertFalse(self._welfare_activities(case))

    # ------------------------------------------------------------------
    # Over time
    # ------------------------------------------------------------------
    def test_scales_over_time(self):
        case = self.case
        month_ago = self.today - datetime.timedelta(days=30)
        self._scale(final=True, steps=("2",), date=month_ago)
        self._scale(final=True, steps=("1", "3"))
        self._scale(final=True, kind="parents", steps=("1",))
        Scale = self.env[MODEL].with_user(self.kg_teacher2)
        groups = Scale.read_group(
            [("case_id", "=", case.id), ("kind", "=", "child")],
            ["step_number:max"],
            ["date:day"],
            orderby="date:day",
            lazy=False,
        )
        self.assertEqual([g["step_number"] for g in groups], [2, 3])
        self.assertEqual(len(groups), 2)
        by_kind = Scale.read_group(
            [("case_id", "=", case.id), ("date", "=", self.today)],
            ["step_number:max"],
            ["kind"],
        )
        self.assertEqual(
            {g["kind"]: g["step_number"] for g in by_kind}, {"child": 3, "parents": 1}
        )
        # The case opens the scales with the graph.
        window = self.env[MODEL]._bti_tool_window(case)
        self.assertIn("graph", window["view_mode"])
        self.assertEqual(window["domain"], [("case_id", "=", case.id)])
        # A reader of another service sees none of them in the graph.
        self.assertEqual(
            self.env[MODEL]
            .with_user(self.school_teacher)
            .read_group([("case_id", "=", case.id)], ["step_number:max"], ["date:day"]),
            [],
        )

    # ------------------------------------------------------------------
    # Indicators
    # ------------------------------------------------------------------
    def test_indicators_are_kept_by_administrators(self):
        Indicator = self.env[INDICATOR]
        indicator = Indicator.with_user(self.bti_admin).create(
            {"kind": "child", "step": "2", "name": "Often tired"}
        )
        indicator.with_user(self.bti_admin).write({"name": "Often tired at nine"})
        for user in (self.kg_teacher, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                found = Indicator.with_user(user).search([("kind", "=", "child")])
                self.assertIn(indicator, found)
                indicator.with_user(user).read(["name", "step"])
                with self.assertRaises(AccessError):
                    indicator.with_user(user).write({"name": "Mine"})
                with self.assertRaises(AccessError):
                    Indicator.with_user(user).create(
                        {"kind": "child", "step": "1", "name": "Mine"}
                    )
                with self.assertRaises(AccessError):
                    indicator.with_user(user).unlink()
        with self.assertRaises(AccessError):
            indicator.with_user(self.outsider).read(["name"])
        with self.assertRaises(AccessError):
            Indicator.with_user(self.outsider).search([])
        self.assertEqual(indicator.name, "Often tired at nine")
        # Unused, it may be moved or deleted.
        indicator.with_user(self.bti_admin).write({"step": "3"})
        indicator.with_user(self.bti_admin).unlink()
        self.assertFalse(indicator.exists())

    def test_indicator_in_use_is_kept(self):
        indicator = self.ind["child", "3"]
        scale = self._scale(final=True, steps=("3",))
        admin = indicator.with_user(self.bti_admin)
        with self.assertRaises(UserError):
            admin.unlink()
        for vals in ({"step": "1"}, {"kind": "parents"}):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    admin.write(vals)
        self.assertTrue(indicator.exists())
        self.assertEqual(indicator.step, "3")
        # Its words may be mended, and it may be archived: the scale keeps it.
        admin.write({"name": "Test child at step 3 (mended)", "step": "3"})
        admin.write({"active": False})
        self._new_request()
        self.assertEqual(scale.indicator_ids, indicator)
        self.assertEqual(scale.step, "3")
        self.assertNotIn(
            indicator,
            self.env[INDICATOR].with_user(self.kg_teacher).search([]),
        )
        # Ticked on a draft only, it is in use as well.
        other = self.ind["parents", "2"]
        self._scale(kind="parents", steps=("2",))
        with self.assertRaises(UserError):
            other.with_user(self.bti_admin).unlink()

    # ------------------------------------------------------------------
    # Print
    # ------------------------------------------------------------------
    def test_print(self):
        scale = self._scale(
            final=True,
            steps=("2", "4"),
            note="<p>Talked with the leader.</p>",
        )
        self._new_request()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher2)
            ._render_qweb_html("bti_tools.report_tool_concern_scale", scale.ids)[0]
            .decode()
        )
        for text in (
            "Test child at step 2",
            "Test child at step 4",
            "Grounds for concern",
            "Be attentive",
            "do not tell the parents first",
            "Cries at drop-off most mornings this month.",
            "Talked with the leader.",
            "never shown to the family",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertNotIn("Test child at step 3", html)
        self.assertTrue(
            self.env["bti.access.log"].search(
                [
                    ("user_id", "=", self.kg_teacher2.id),
                    ("model", "=", MODEL),
                    ("action", "=", "print"),
                ]
            )
        )

    # ------------------------------------------------------------------
    # Final, versions, readers
    # ------------------------------------------------------------------
    def test_editing_a_final_form_is_refused(self):
        scale = self._scale(final=True, steps=("2",))
        for vals in (
            {"indicator_ids": [Command.link(self.ind["child", "3"].id)]},
            {"indicator_ids": [Command.clear()]},
            {"step_override": "4", "override_reason": "Later."},
            {"observations": "<p>Changed</p>"},
            {"kind": "parents"},
            {"date": "2026-01-01"},
        ):
            with self.subTest(vals=list(vals)):
                with self.assertRaises(UserError):
                    scale.with_user(self.kg_teacher).write(vals)
        with self.assertRaises(UserError):
            scale.with_user(self.kg_teacher).unlink()
        self.assertEqual(scale.indicator_ids, self.ind["child", "2"])
        self.assertEqual(scale.step, "2")

    def test_new_version_keeps_the_old_untouched(self):
        scale = self._scale(final=True, steps=("1", "2"))
        action = scale.with_user(self.kg_teacher2).action_new_version()
        new = self.env[MODEL].browse(action["res_id"])
        self.assertEqual(new.previous_id, scale)
        self.assertEqual(new.indicator_ids, scale.indicator_ids)
        self.assertEqual(new.step, "2")
        self.assertEqual(new.kind, "child")
        new.with_user(self.kg_teacher2).write(
            {"indicator_ids": [Command.link(self.ind["child", "3"].id)]}
        )
        new.with_user(self.kg_teacher2).action_finalize()
        self._new_request()
        self.assertEqual(new.step, "3")
        self.assertTrue(scale.is_superseded)
        self.assertEqual(scale.state, "final")
        self.assertEqual(scale.step, "2")
        self.assertEqual(
            scale.indicator_ids, self.ind["child", "1"] | self.ind["child", "2"]
        )

    def test_draft_is_the_authors(self):
        scale = self._scale()
        for user in (self.kg_teacher2, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                self._assert_hidden(scale, user)
        with self.assertRaises(AccessError):
            scale.with_user(self.kg_teacher2).action_finalize()
        self.assertEqual(scale.state, "draft")

    def test_other_service_and_outsider(self):
        scale = self._scale(final=True)
        self._assert_hidden(scale, self.school_teacher)
        with self.assertRaises(AccessError):
            scale.with_user(self.school_teacher).action_print()
        with self.assertRaises(AccessError):
            scale.with_user(self.outsider).read(["step"])
        with self.assertRaises(AccessError):
            self.env[MODEL].with_user(self.outsider).search([])
        with self.assertRaises(AccessError):
            self._scale(user=self.outsider)
        self._new_request()
        scale.with_user(self.kg_teacher2).read(["observations"])

    def test_own_only_read_scope(self):
        scale = self._scale(final=True, visibility="participants")
        self._new_request()
        scale.with_user(self.school_teacher).read(["observations"])
        self.school.read_scope = "own"
        self._assert_hidden(scale, self.school_teacher)

    def test_consent_withdrawal_ends_access(self):
        consent = self._give_consent(self.case, self.health)
        self._add_participant(self.case, self.health, self.nurse)
        scale = self._scale(user=self.nurse, visibility="participants")
        scale.with_user(self.nurse).action_finalize()
        self._new_request()
        scale.with_user(self.kg_teacher).read(["observations"])
        consent.with_user(self.kg_teacher).action_withdraw()
        self._assert_hidden(scale, self.nurse)
        self._new_request()
        scale.with_user(self.kg_teacher).read(["observations"])
