from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.bti_core.tests.common import make_national_id

from .common import ToolsCommon


@tagged("post_install", "-at_install")
class TestWonderNote(ToolsCommon):
    """The wonder note: written at once, with or without a case; making it
    final opens (or links) the level-0 case with its decision deadline."""

    def _loose_note(self, user=None, **vals):
        values = {
            "service_id": self.kindergarten.id,
            "child_name": "Wonder Child",
            "area_ids": [(6, 0, self.env.ref("bti_tools.wonder_area_friends").ids)],
        }
        values.update(vals)
        return self._note(case=False, user=user, **values)

    def test_without_a_case_opens_a_level0_case(self):
        note = self._loose_note()
        self.assertFalse(note.case_id)
        self.assertEqual(note.author_service_id, self.kindergarten)
        # Without a case, the draft is its author's alone.
        for user in (self.kg_teacher2, self.kg_leader, self.outsider):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    note.with_user(user).read(["seen_heard"])
        action = note.with_user(self.kg_teacher).action_finalize()
        case = note.case_id
        self.assertTrue(case)
        self.assertEqual(action["res_model"], "bti.case")
        self.assertEqual(action["res_id"], case.id)
        self.assertEqual(case.state, "wondering")
        self.assertEqual(case.level_id.code, 0)
        self.assertEqual(case.service_id, self.kindergarten)
        self.assertEqual(case.subject_partner_id.name, "Wonder Child")
        self.assertTrue(case.decision_deadline)
        today = self.env["bti.access.policy"]._today()
        self.assertEqual((case.decision_deadline - today).days, 14)
        # The note is the step "make it concrete" done.
        self.assertEqual(case.step_id, self.env.ref("bti_core.step_0_2"))
        self.assertIn("alone at every meal", case.wondering)
        self.assertFalse(case.violence_suspicion)
        # Now the colleagues of the service read the final note on the case.
        note.with_user(self.kg_teacher2).read(["seen_heard"])
        with self.assertRaises(AccessError):
            note.with_user(self.school_teacher).read(["seen_heard"])

    def test_new_child_with_national_id(self):
        number = make_national_id(self.child_birth_date, 733)
        note = self._loose_note(national_id=number)
        note.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(note.case_id.national_id, number)
        self.assertEqual(note.case_id.birth_date, self.child_birth_date)
        with self.assertRaises(ValidationError):
            self._loose_note(national_id="12345678901")

    def test_known_child_links_the_open_case(self):
        case = self._new_case(partner=self.child)
        note = self._loose_note(child_partner_id=self.child.id, child_name=False)
        note.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(note.case_id, case)
        self.assertEqual(
            self.env["bti.case"].search_count(
                [("subject_partner_id", "=", self.child.id)]
            ),
            1,
        )

    def test_from_a_case(self):
        case = self._new_case()
        note = self._note(case)
        self.assertEqual(note.service_id, self.kindergarten)
        note.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(note.case_id, case)
        with self.assertRaises(UserError):
            note.with_user(self.kg_teacher).write({"case_id": self._new_case().id})

    def test_no_observations_nothing_written(self):
        note = self._loose_note(seen_heard=False)
        cases_before = self.env["bti.case"].search_count([])
        with self.assertRaises(ValidationError):
            note.with_user(self.kg_teacher).action_finalize()
        self.assertEqual(note.state, "draft")
        self.assertFalse(note.case_id)
        self.assertEqual(self.env["bti.case"].search_count([]), cases_before)
        note = self._loose_note(child_name=False)
        with self.assertRaises(ValidationError):
            note.with_user(self.kg_teacher).action_finalize()

    def test_service_must_be_the_authors(self):
        for service in (self.school, self.health):
            with self.subTest(service=service.name):
                with self.assertRaises(AccessError):
                    self._loose_note(service_id=service.id)
        with self.assertRaises(AccessError):
            self._loose_note(user=self.outsider)
        note = self._loose_note()
        with self.assertRaises(AccessError):
            note.with_user(self.kg_teacher).write({"service_id": self.school.id})

    def test_suspected_violence_routes_to_child_welfare(self):
        note = self._loose_note(violence_suspected=True)
        note.with_user(self.kg_teacher).action_finalize()
        case = note.case_id
        self.assertTrue(case.violence_suspicion)
        activity_type = self.env.ref("bti_tools.mail_activity_type_bti_child_welfare")
        activities = case.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(activities.user_id, self.kg_leader)
        # The family is kept out: no invitation of the family.
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher).action_bti_invite_family()

    def test_suspicion_marks_an_existing_case(self):
        case = self._new_case()
        self._note(case, violence_suspected=True, final=True)
        self.assertTrue(case.violence_suspicion)

    def test_never_shared_with_the_family(self):
        note = self._note(final=True)
        with self.assertRaises(UserError):
            note.with_user(self.kg_teacher)._bti_share("family")
        with self.assertRaises(ValidationError):
            self._note(visibility="family")
        self.assertFalse(note.log_entry_id)

    def test_print(self):
        note = self._loose_note(final=True)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.kg_teacher)
            ._render_qweb_html("bti_tools.report_tool_wonder_note", note.ids)[0]
            .decode()
        )
        self.assertIn("alone at every meal", html)
        self.assertIn(note.case_id.name, html)
        self.assertNotIn("Wonder Child", html.split("<body")[0])
