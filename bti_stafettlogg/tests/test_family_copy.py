from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.base.models.ir_qweb import QWebException

from .common import StafettloggCommon


@tagged("post_install", "-at_install", "bti")
class TestFamilyCopy(StafettloggCommon):
    """The family's copy of the log on paper holds only what was shared with
    the family, and nothing while violence or abuse is suspected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._entry(subject="Family Entry Alpha", visibility="family")
        cls._entry(subject="Services Entry Bravo", visibility="participants")
        cls._entry(subject="Own Service Entry Charlie", visibility="service")
        cls._entry(subject="Draft Entry Delta", visibility="family", publish=False)
        cls._goal(name="Family Goal Echo", visibility="family")
        cls._goal(name="Services Goal Foxtrot", visibility="participants")

    def _html(self, user, report="bti_stafettlogg.action_report_stafettlogg_family"):
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(report, self.case.ids)
        )
        return html.decode()

    def test_only_family_content(self):
        action = self.case.with_user(self.kg_teacher).action_print_family_copy()
        self.assertEqual(
            action["report_name"], "bti_stafettlogg.report_stafettlogg_family"
        )
        html = self._html(self.kg_teacher)
        self.assertIn("Family Entry Alpha", html)
        self.assertIn("Family Goal Echo", html)
        self.assertIn("Copy for the family", html)
        for hidden in (
            "Services Entry Bravo",
            "Own Service Entry Charlie",
            "Draft Entry Delta",
            "Services Goal Foxtrot",
        ):
            self.assertNotIn(hidden, html)
        # The staff's own print still holds what the reader may read.
        full = self._html(
            self.kg_teacher, report="bti_stafettlogg.action_report_stafettlogg"
        )
        self.assertIn("Services Entry Bravo", full)
        self.assertIn("Own Service Entry Charlie", full)

    def test_services_without_access_are_not_named(self):
        """A service whose consent was withdrawn (still a participant, without
        access) is not on the family's copy, as on the portal's case page."""
        consent = self._give_consent(self.case, self.bup)
        self._add_participant(self.case, self.bup)
        consent.with_user(self.kg_teacher).action_withdraw(reason="No longer")
        full = self._html(
            self.kg_teacher, report="bti_stafettlogg.action_report_stafettlogg"
        )
        self.assertIn("Test BUP", full)
        html = self._html(self.kg_teacher)
        self.assertNotIn("Test BUP", html)
        self.assertIn("Test School", html, "a service with access is named")

    def test_no_health_notes_of_a_16_year_old_for_the_parents(self):
        """The copy goes to the parents: a young person's health information
        from 16 stays out of it."""
        case, _youth, _parent = self._youth_case(16)
        self._entry(
            case=case,
            user=self.nurse,
            subject="Health Sierra",
            visibility="family",
            info_category_id=self.cat_health.id,
        )
        self._entry(
            case=case, user=self.nurse, subject="General Tango", visibility="family"
        )
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.nurse)
            ._render_qweb_html(
                "bti_stafettlogg.action_report_stafettlogg_family", case.ids
            )
        )
        self.assertIn("General Tango", html.decode())
        self.assertNotIn("Health Sierra", html.decode())

    def test_refused_while_violence_is_suspected(self):
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        with self.assertRaises(UserError):
            self.case.with_user(self.kg_teacher).action_print_family_copy()
        self.assertNotIn("Family Entry Alpha", self._html(self.kg_teacher))

    def test_not_for_those_outside_the_case(self):
        for user in (self.cws_worker, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.case.with_user(user).action_print_family_copy()
            # Rendering the print directly: the record rules refuse it.
            with (
                self.subTest(user=user.login),
                self.assertRaises(QWebException) as caught,
            ):
                self._html(user)
            self.assertIsInstance(caught.exception.__cause__, AccessError)
