from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.base.models.ir_qweb import QWebException

from .common import ToolsCommon


@tagged("post_install", "-at_install", "bti")
class TestConsentForm(ToolsCommon):
    """The consent form on paper: everything TOOLS.md asks of it, a signature
    line for everyone who must consent, printed only by readers of the case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.family_case = cls._new_case(
            guardian_ids=[
                Command.create({"partner_id": cls.mother.id, "relation": "mother"}),
                Command.create(
                    {
                        "partner_id": cls.father.id,
                        "relation": "father",
                        "parental_responsibility": False,
                    }
                ),
            ],
        )
        cls.draft = cls._give_consent(
            cls.family_case,
            cls.school | cls.ppt,
            state="draft",
            given_by_partner_ids=[Command.clear()],
            purpose="Purpose Kilo: a common plan for the mornings",
            collected_from="Collected Lima: the kindergarten and the school",
            exclusions="Excluded Mike: the grandmother's illness",
            child_view="View November: wants the teacher to know",
        )

    def _html(self, user, consent=None):
        consent = consent or self.draft
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html("bti_tools.action_report_consent_form", consent.ids)
        )
        return html.decode()

    def test_form_holds_what_the_family_signs(self):
        action = self.draft.with_user(self.kg_teacher).action_print_form()
        self.assertEqual(action["report_name"], "bti_tools.report_consent_form")
        html = self._html(self.kg_teacher)
        for text in (
            "Consent to share information between services",
            "Purpose Kilo",
            "Collected Lima",
            "Excluded Mike",
            "View November",
            self.school.name,
            self.ppt.name,
            # not covered, but listed so the family sees what is left out
            self.cws.name,
            "withdraw it at any",
            "section 13 a",
            "To be signed",
        ):
            self.assertIn(text, html)
        # a signature line for the guardian with parental responsibility only
        self.assertIn(self.mother.name, html)
        self.assertNotIn(self.father.name, html)
        self.assertEqual(html.count(">X<"), 2, "the two covered services ticked")

    def test_not_printed_outside_the_case(self):
        for user in (self.cws_worker, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.draft.with_user(user).action_print_form()
            # Rendering the print directly: the record rules refuse it.
            with (
                self.subTest(user=user.login),
                self.assertRaises(QWebException) as caught,
            ):
                self._html(user)
            self.assertIsInstance(caught.exception.__cause__, AccessError)
