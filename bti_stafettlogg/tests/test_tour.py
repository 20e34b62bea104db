import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBtiStafettloggTour(HttpCase):
    """The web client end to end: the kindergarten teacher who holds the baton
    of a case with consent writes in its stafettlogg from the case form and
    publishes the entry (static/src/tours/bti_stafettlogg_tour.js).
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
        self.teacher = new_test_user(
            self.env,
            login="tour_log_teacher",
            password="tour_log_teacher",
            name="Kari Kindergarten",
            groups="bti_core.group_bti_user",
        )
        self.kindergarten.member_ids = [Command.link(self.teacher.id)]
        today = datetime.date.today()
        guardian = self.env["res.partner"].create({"name": "Tour Guardian Ola"})
        # Built as the teacher would in the application: she records the
        # wondering, decides level 1 (and so holds the baton), and records the
        # parents' consent, which opens the stafettlogg.
        Case = self.env["bti.case"].with_user(self.teacher)
        self.case = Case.create(
            {
                "subject_partner_id": self.env["res.partner"]
                .create({"name": "Tour Child Emil"})
                .id,
                "service_id": self.kindergarten.id,
                "birth_date": today.replace(year=today.year - 4),
                "wondering": "<p>Emil seldom speaks in the group.</p>",
                "guardian_ids": [Command.create({"partner_id": guardian.id})],
            }
        )
        self.case._bti_decide("level_1")
        self.env["bti.consent"].with_user(self.teacher).create(
            {
                "case_id": self.case.id,
                "service_ids": [Command.set(self.kindergarten.ids)],
                "purpose": "Cooperation around the child",
                "given_by_partner_ids": [Command.set(guardian.ids)],
            }
        )
        self.case = self.case.with_env(self.env)

    def test_stafettlogg_tour(self):
        self.assertEqual(self.case.holder_id, self.teacher)
        self.assertEqual(self.case.consent_state, "given")
        self.start_tour("/odoo", "bti_stafettlogg_tour", login="tour_log_teacher")

        entry = self.env["bti.log.entry"].search([("case_id", "=", self.case.id)])
        self.assertEqual(len(entry), 1, "the tour wrote one entry")
        self.assertEqual(entry.state, "published")
        self.assertTrue(entry.published_date)
        self.assertEqual(entry.kind, "lysglimt")
        self.assertEqual(entry.subject, "Emil played with two friends")
        self.assertIn("Emil built a hut with Sofie and Jonas", entry.body)
        self.assertEqual(entry.author_id, self.teacher)
        self.assertEqual(entry.author_service_id, self.kindergarten)
        self.assertEqual(entry.visibility, "participants")
        self.assertEqual(self.case.log_entry_count, 1)
