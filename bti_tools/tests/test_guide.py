from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ToolsCommon


@tagged("post_install", "-at_install")
class TestGuide(ToolsCommon):
    """The action guide card at the case's step, for the reader's family of
    services, and the case's checklist."""

    def test_default_guides(self):
        """Three guides, a card for every step of every level, each level-0
        card stating the violence exception."""
        steps = self.env["bti.level.step"].search([])
        for family in ("kindergarten_school", "help", "adult"):
            guide = self.env["bti.guide"].search([("family", "=", family)])
            self.assertEqual(len(guide), 1, family)
            self.assertEqual(guide.step_ids.level_step_id, steps, family)
            level0 = guide.step_ids.filtered(lambda c: c.level_code == 0)
            self.assertEqual(len(level0), 4, family)
            self.assertEqual(
                level0.filtered(lambda c: not c.violence_warning).mapped(
                    "level_step_id.name"
                ),
                [],
                family,
            )
            self.assertTrue(all(card.task_ids for card in guide.step_ids), family)
        wonder = self.env.ref("bti_tools.tool_type_wonder_note")
        card = self.env.ref("bti_tools.card_ks_0_2")
        self.assertIn(wonder, card.tool_type_ids)

    def test_card_follows_step_and_family(self):
        case = self._new_case()
        panel = case.with_user(self.kg_teacher)
        self.assertEqual(panel.guide_step_id.family, "kindergarten_school")
        self.assertEqual(panel.guide_step_id.level_step_id, case.step_id)
        self.assertTrue(panel.guide_violence_warning)
        self.assertIn("barnevern", (panel.guide_what + panel.guide_how).lower())
        # PPT reads the same case through the help services' guide.
        shared = self.case
        self._add_participant(shared, self.ppt, self.ppt_advisor)
        self.assertEqual(
            shared.with_user(self.ppt_advisor).guide_step_id.family, "help"
        )
        self.assertEqual(
            shared.with_user(self.kg_teacher).guide_step_id.family,
            "kindergarten_school",
        )
        self.assertEqual(
            shared.with_user(self.ppt_advisor).guide_step_id.level_step_id,
            shared.step_id,
        )

    def test_checklist_per_case(self):
        case = self._new_case()
        tasks = case.with_user(self.kg_teacher).guide_task_ids
        self.assertTrue(tasks)
        self.assertEqual(
            tasks.guide_task_id, case.with_user(self.kg_teacher).guide_step_id.task_ids
        )
        task = tasks[0].with_user(self.kg_teacher2)
        task.action_tick()
        self.assertTrue(task.done)
        self.assertEqual(task.done_by_id, self.kg_teacher2)
        self.assertTrue(task.done_date)
        with self.assertRaises(UserError):
            task.action_tick()
        task.action_untick()
        self.assertFalse(task.done)
        # Another case's checklist is its own.
        other = self._new_case()
        self.assertFalse(
            other.with_user(self.kg_teacher).guide_task_ids.filtered("done")
        )
        # A new step brings its tasks.
        step = self.env.ref("bti_core.step_0_3")
        case.with_user(self.kg_teacher).write({"step_id": step.id})
        self.assertEqual(
            case.with_user(self.kg_teacher).guide_task_ids.level_step_id, step
        )

    def test_checklist_refused_to_others(self):
        case = self._new_case()
        task = case.with_user(self.kg_teacher).guide_task_ids[0]
        for user in (self.school_teacher, self.outsider, self.bti_admin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    task.with_user(user).action_tick()
                with self.assertRaises(AccessError):
                    task.with_user(user).read(["done"])
        # Ticking is the action's: a forged write is refused.
        with self.assertRaises(UserError):
            task.with_user(self.kg_teacher).write({"done": True})
        with self.assertRaises(UserError):
            task.with_user(self.kg_teacher).write({"done_by_id": self.kg_leader.id})
        self.assertFalse(task.done)
        with self.assertRaises(AccessError):
            self.env["bti.case.task"].with_user(self.kg_teacher).create(
                {"case_id": case.id, "guide_task_id": task.guide_task_id.id}
            )

    def test_new_task_reaches_cases_at_the_step(self):
        case = self._new_case()
        card = case.with_user(self.kg_teacher).guide_step_id
        task = (
            self.env["bti.guide.task"]
            .with_user(self.bti_admin)
            .create({"guide_step_id": card.id, "name": "Call the health nurse"})
        )
        self.assertIn(
            task, case.with_user(self.kg_teacher).guide_task_ids.guide_task_id
        )

    def test_guides_configured_by_administrators(self):
        card = self.env.ref("bti_tools.card_ks_0_1")
        card.with_user(self.bti_admin).write({"what": "<p>Skriv det ned.</p>"})
        self.assertIn("Skriv det ned", card.what)
        with self.assertRaises(AccessError):
            card.with_user(self.kg_leader).write({"what": "<p>x</p>"})
        with self.assertRaises(AccessError):
            card.with_user(self.outsider).read(["what"])

    def test_tool_buttons_of_the_card(self):
        case = self._new_case()
        wonder = self.env.ref("bti_tools.tool_type_wonder_note")
        action = (
            wonder.with_user(self.kg_teacher)
            .with_context(bti_case_id=case.id)
            .action_start()
        )
        self.assertEqual(action["res_model"], "bti.tool.wonder_note")
        self.assertEqual(action["context"]["default_case_id"], case.id)
        # A case the user cannot open: refused, whatever the context says.
        for user in (self.school_teacher, self.outsider):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    wonder.with_user(user).with_context(
                        bti_case_id=case.id
                    ).action_start()
        note = self._note(case)
        counted = wonder.with_user(self.kg_teacher).with_context(bti_case_id=case.id)
        self.assertEqual(counted.case_tool_count, 1)
        # The form reads the counts without the case in the field's context
        # (the web client evaluates it before the record is loaded).
        spec = {"fields": {"model": {}, "case_tool_count": {}}, "context": {}}
        values = case.with_user(self.kg_teacher).web_read(
            {"tool_type_ids": spec, "guide_tool_type_ids": spec}
        )[0]
        counts = {
            row["model"]: row["case_tool_count"] for row in values["tool_type_ids"]
        }
        self.assertEqual(counts["bti.tool.wonder_note"], 1)
        self.assertEqual(counts["bti.tool.concern_scale"], 0)
        self.assertEqual(
            wonder.with_user(self.school_teacher)
            .with_context(bti_case_id=case.id)
            .case_tool_count,
            0,
        )
        self.assertTrue(note)
