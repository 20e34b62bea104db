from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.base.models.ir_qweb import QWebException

from .common import ToolsCommon

TEMPLATE = "bti.meeting.template"
MINUTES = "bti_tools.report_bti_meeting_minutes"
AGENDA = "bti_tools.report_bti_meeting_agenda"
MINUTES_TEXT = "MINUTES-MARK we agreed on a language group twice a week"
CHILD_VOICE = "VOICE-MARK I like the songs best"


@tagged("post_install", "-at_install")
class TestMeetingTemplate(ToolsCommon):
    """A new meeting's agenda: the points of the meeting template of its kind
    (kept by the BTI administrators, one active per kind), followed by what
    the stafettlogg holds about the case. The agenda and the minutes on
    paper, for whoever reads the meeting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cooperation = cls.env.ref("bti_tools.meeting_template_cooperation")
        cls.evaluation = cls.env.ref("bti_tools.meeting_template_evaluation")
        goal = cls._goal(name="Plays with the others")
        cls.measure = cls._measure(goal, name="Language group twice a week")
        cls.measure.with_user(cls.kg_teacher).action_start()

    def _held_meeting(self, **vals):
        meeting = self._meeting(**vals)
        meeting.with_user(self.kg_teacher).write(
            {
                "minutes": f"<p>{MINUTES_TEXT}</p>",
                "child_voice": f"<p>{CHILD_VOICE}</p>",
            }
        )
        meeting.with_user(self.kg_teacher).action_hold()
        self.assertEqual(meeting.state, "held")
        return meeting

    def _render(self, report, meeting, user):
        return (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(report, meeting.ids)[0]
            .decode()
        )

    # ------------------------------------------------------------------
    # The agenda of a new meeting
    # ------------------------------------------------------------------
    def test_a_template_per_kind(self):
        for kind, _label in self.env[TEMPLATE]._fields["kind"].selection:
            with self.subTest(kind=kind):
                template = self.env[TEMPLATE].search([("kind", "=", kind)])
                self.assertEqual(len(template), 1)
                self.assertEqual(template.agenda.count("<li>"), 6)

    def test_new_meeting_has_the_points_and_the_case(self):
        meeting = self._meeting()
        agenda = meeting.agenda
        # The six points of the cooperation template …
        for point in (
            "Velkommen",
            "Navn og roller",
            "Hva vet vi?",
            "Muligheter",
            "Mål og tiltak",
            "Oppsummering og avtaler",
        ):
            with self.subTest(point=point):
                self.assertIn(point, agenda)
        self.assertLess(agenda.index("Velkommen"), agenda.index("Oppsummering"))
        # … followed by what the log holds: consent, measures, goals, baton.
        self.assertLess(
            agenda.index("Oppsummering"), agenda.index("Language group twice a week")
        )
        self.assertIn("Consent given", agenda)
        self.assertIn("Plays with the others", agenda)
        self.assertIn("The child's voice", agenda)
        self.assertIn(self.kg_teacher.name, agenda)
        # Not the stafettlogg's generic points.
        self.assertNotIn("Who informs the child", agenda)
        # The form gets the same.
        defaults = (
            self.env["bti.meeting"]
            .with_user(self.kg_teacher)
            .with_context(default_case_id=self.case.id)
            .default_get(["agenda"])
        )
        self.assertIn("Navn og roller", defaults["agenda"])
        self.assertIn("Language group twice a week", defaults["agenda"])
        # Another kind, another template.
        evaluation = self._meeting(kind="evaluation")
        self.assertIn("formålet med evalueringen", evaluation.agenda)
        self.assertIn("Language group twice a week", evaluation.agenda)
        self.assertNotIn("formålet med evalueringen", agenda)

    def test_administrator_changes_the_template(self):
        self.cooperation.with_user(self.bti_admin).write(
            {"agenda": "<ol><li>Our own first point</li><li>Our second</li></ol>"}
        )
        meeting = self._meeting()
        self.assertIn("Our own first point", meeting.agenda)
        self.assertNotIn("Navn og roller", meeting.agenda)
        self.assertIn("Language group twice a week", meeting.agenda)
        # A template without points, or none active: the stafettlogg's agenda.
        self.cooperation.with_user(self.bti_admin).write({"agenda": "<p><br></p>"})
        self.assertIn("Who informs the child", self._meeting().agenda)
        self.cooperation.with_user(self.bti_admin).write(
            {"agenda": "<ol><li>Back again</li></ol>"}
        )
        self.cooperation.with_user(self.bti_admin).action_archive()
        fallback = self._meeting()
        self.assertIn("Who informs the child", fallback.agenda)
        self.assertIn("Language group twice a week", fallback.agenda)
        self.assertNotIn("Back again", fallback.agenda)
        # A new template for the kind takes over.
        self.env[TEMPLATE].with_user(self.bti_admin).create(
            {
                "name": "Our cooperation meeting",
                "kind": "cooperation",
                "agenda": "<ol><li>The new template's point</li></ol>",
            }
        )
        self.assertIn("The new template's point", self._meeting().agenda)

    # ------------------------------------------------------------------
    # Kept by the administrators
    # ------------------------------------------------------------------
    def test_templates_kept_by_administrators(self):
        Template = self.env[TEMPLATE]
        for user in (self.kg_teacher, self.kg_leader, self.school_teacher):
            with self.subTest(user=user.login):
                self.assertIn(self.cooperation, Template.with_user(user).search([]))
                self.cooperation.with_user(user).read(["agenda"])
                with self.assertRaises(AccessError):
                    self.cooperation.with_user(user).write({"agenda": "<p>Mine</p>"})
                with self.assertRaises(AccessError):
                    Template.with_user(user).create(
                        {"name": "Mine", "kind": "network", "active": False}
                    )
                with self.assertRaises(AccessError):
                    self.cooperation.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.cooperation.with_user(self.outsider).read(["agenda"])
        with self.assertRaises(AccessError):
            Template.with_user(self.outsider).search([])
        self.assertIn("Navn og roller", self.cooperation.agenda)

    def test_one_active_template_per_kind(self):
        Template = self.env[TEMPLATE].with_user(self.bti_admin)
        before = Template.with_context(active_test=False).search_count([])
        with self.assertRaises(ValidationError):
            Template.create({"name": "Second", "kind": "cooperation"})
        self.assertEqual(
            Template.with_context(active_test=False).search_count([]), before
        )
        spare = Template.create(
            {"name": "Spare", "kind": "cooperation", "active": False}
        )
        with self.assertRaises(ValidationError):
            spare.write({"active": True})
        with self.assertRaises(ValidationError):
            self.evaluation.with_user(self.bti_admin).write({"kind": "cooperation"})
        self.assertEqual(self.evaluation.kind, "evaluation")
        # Archive the one, and the spare may take over.
        self.cooperation.with_user(self.bti_admin).action_archive()
        spare.write({"active": True})
        self.assertEqual(Template.search([("kind", "=", "cooperation")]), spare)

    # ------------------------------------------------------------------
    # On paper
    # ------------------------------------------------------------------
    def test_minutes_print(self):
        meeting = self._held_meeting()
        action = meeting.with_user(self.kg_teacher).action_print_minutes()
        self.assertEqual(action["report_name"], MINUTES)
        self._new_request()
        html = self._render(MINUTES, meeting, self.kg_teacher2)
        for text in (
            "Minutes",
            self.case.name,
            "Meeting room 2",
            self.school_teacher.name,
            self.kg_teacher.name,
            "Navn og roller",
            CHILD_VOICE,
            MINUTES_TEXT,
            "Decisions",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertNotIn("Not approved", html)
        self.assertTrue(
            self.env["bti.access.log"].search(
                [
                    ("user_id", "=", self.kg_teacher2.id),
                    ("model", "=", "bti.meeting"),
                    ("case_id", "=", self.case.id),
                    ("action", "=", "print"),
                ]
            )
        )
        # The invited school reads it too.
        self._new_request()
        self.assertIn(MINUTES_TEXT, self._render(MINUTES, meeting, self.school_teacher))

    def test_minutes_print_refused_to_who_cannot_read(self):
        meeting = self._held_meeting()
        for user in (self.nurse, self.outsider):
            with self.subTest(user=user.login):
                self._new_request()
                with self.assertRaises(AccessError):
                    meeting.with_user(user).action_print_minutes()
                # Rendering the print directly: the record rules refuse it.
                with self.assertRaises(QWebException) as caught:
                    self._render(MINUTES, meeting, user)
                self.assertIsInstance(caught.exception.__cause__, AccessError)
        self.assertFalse(
            self.env["bti.access.log"].search(
                [
                    ("user_id", "in", (self.nurse | self.outsider).ids),
                    ("model", "=", "bti.meeting"),
                    ("action", "=", "print"),
                ]
            )
        )

    def test_minutes_only_when_held(self):
        meeting = self._meeting()
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).action_print_minutes()

    def test_agenda_print(self):
        meeting = self._meeting()
        action = meeting.with_user(self.kg_teacher).action_print_agenda()
        self.assertEqual(action["report_name"], AGENDA)
        self._new_request()
        html = self._render(AGENDA, meeting, self.kg_teacher2)
        for text in (
            "Agenda",
            self.case.name,
            "Meeting room 2",
            "Navn og roller",
            "Language group twice a week",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        with self.assertRaises(AccessError):
            meeting.with_user(self.nurse).action_print_agenda()
        meeting.with_user(self.kg_teacher).write({"agenda": False})
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).action_print_agenda()
