from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBtiTour(HttpCase):
    """The web client end to end: a kindergarten teacher records a wondering,
    decides level 1 and becomes the stafettholder (static/src/tours/bti_case_tour.js).
    """

    def setUp(self):
        super().setUp()
        self.kindergarten = self.env["bti.service"].create(
            {
                "name": "Tour Kindergarten",
                "kind": "basis",
                "guide_family": "kindergarten_school",
            }
        )
        # An ordinary internal user: BTI employee, and "Contact Creation" like
        # the default user template gives, to create the child as a person.
        self.teacher = new_test_user(
            self.env,
            login="tour_teacher",
            password="tour_teacher",
            name="Kari Kindergarten",
            groups="bti_core.group_bti_user,base.group_partner_manager",
        )
        self.kindergarten.member_ids = [Command.link(self.teacher.id)]

    def test_case_tour(self):
        self.start_tour("/odoo", "bti_case_tour", login="tour_teacher")

        case = self.env["bti.case"].search(
            [("subject_partner_id.name", "=", "Tour Child Nora")]
        )
        self.assertEqual(len(case), 1, "the tour created one case")
        self.assertEqual(case.service_id, self.kindergarten)
        self.assertEqual(case.state, "active")
        self.assertEqual(case.level_id.code, 1)
        self.assertEqual(case.decision, "level_1")
        self.assertEqual(case.holder_id, self.teacher)
        baton = case.baton_ids.filtered(lambda b: b.state == "active")
        self.assertEqual(baton.holder_id, self.teacher)
        self.assertEqual(baton.service_id, self.kindergarten)
        self.assertIn("Nora withdraws from play", case.wondering)
        self.assertTrue(case.subject_partner_id.bti_confidential)
        log = self.env["bti.access.log"].search(
            [
                ("case_id", "=", case.id),
                ("user_id", "=", self.teacher.id),
                ("action", "=", "read"),
            ]
        )
        self.assertTrue(log, "opening the case in the form wrote the access log")
        # One row per request that read the case's content.
        self.assertEqual(log.mapped("service_id"), self.kindergarten)
