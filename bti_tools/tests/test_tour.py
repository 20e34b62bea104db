from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBtiToolsTour(HttpCase):
    """Level 0 with the tools in the web client
    (static/src/tours/bti_tools_tour.js)."""

    def setUp(self):
        super().setUp()
        self.kindergarten = self.env["bti.service"].create(
            {
                "name": "Tour Tools Kindergarten",
                "kind": "basis",
                "guide_family": "kindergarten_school",
            }
        )
        self.teacher = new_test_user(
            self.env,
            login="tour_tools_teacher",
            password="tour_tools_teacher",
            name="Tuva Teacher",
            groups="bti_core.group_bti_user",
        )
        self.kindergarten.member_ids = [Command.link(self.teacher.id)]

    def test_tools_tour(self):
        self.start_tour("/odoo", "bti_tools_tour", login="tour_tools_teacher")
        note = self.env["bti.tool.wonder_note"].search(
            [("author_id", "=", self.teacher.id)]
        )
        self.assertEqual(len(note), 1)
        self.assertEqual(note.state, "final")
        case = note.case_id
        self.assertEqual(case.subject_partner_id.name, "Tour Child Liv")
        self.assertEqual(case.service_id, self.kindergarten)
        self.assertTrue(case.decision_deadline)
        scale = self.env["bti.tool.concern_scale"].search([("case_id", "=", case.id)])
        self.assertEqual(scale.state, "final")
        self.assertEqual(scale.kind, "child")
        self.assertEqual(scale.step, "2")
        conversation = self.env["bti.tool.conversation"].search(
            [("case_id", "=", case.id)]
        )
        self.assertEqual(conversation.state, "final")
        self.assertEqual(conversation.with_whom, "parents")
        self.assertIn("familiar adult", conversation.agreements)
        ticked = self.env["bti.case.task"].search(
            [("case_id", "=", case.id), ("done", "=", True)]
        )
        self.assertEqual(len(ticked), 2)
        self.assertEqual(ticked.level_step_id, self.env.ref("bti_core.step_0_3"))
        self.assertEqual(ticked.done_by_id, self.teacher)
        self.assertEqual(case.state, "active")
        self.assertEqual(case.level_id.code, 1)
        self.assertEqual(case.decision, "level_1")
