from odoo.tests import tagged

from .common import PortalCommon


@tagged("post_install", "-at_install", "bti")
class TestFamilyNews(PortalCommon):
    """The family hears that something is new, never what."""

    def _mails_to(self, user):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("email_to", "ilike", user.email),
                    ("subject", "=", "Something new about your child"),
                ]
            )
        )

    def test_family_entry_announced_without_content(self):
        before = self._mails_to(self.mother_user)
        self._entry(
            subject="News Entry Oscar",
            visibility="family",
            body="<p>Body Papa</p>",
        )
        mails = self._mails_to(self.mother_user) - before
        self.assertEqual(len(mails), 1)
        self.assertIn("/my/bti", mails.body_html)
        for secret in ("Oscar", "Papa", self.case.name, "token"):
            self.assertNotIn(secret, mails.body_html)
            self.assertNotIn(secret, mails.subject)
        self.assertFalse(self._mails_to(self.father_user), "no parental responsibility")
        self.assertFalse(self._mails_to(self.other_user), "another family")

    def test_not_for_what_the_family_does_not_read(self):
        before = self._mails_to(self.mother_user)
        self._entry(subject="Services Only", visibility="participants")
        self._entry(subject="Draft", visibility="family", publish=False)
        self.assertEqual(self._mails_to(self.mother_user), before)

    def test_nothing_while_violence_is_suspected(self):
        self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        before = self._mails_to(self.mother_user)
        self._entry(subject="Under Suspicion", visibility="family")
        self.assertEqual(self._mails_to(self.mother_user), before)

    def test_parents_of_a_16_year_old_not_told_of_health_notes(self):
        case, youth, parent = self._youth_case(16)
        youth_user = self._portal_user("family_youth", youth)
        parent_user = self._portal_user("family_parent", parent)
        self._entry(
            case=case,
            user=self.nurse,
            subject="Health Quebec",
            visibility="family",
            info_category_id=self.cat_health.id,
        )
        self.assertTrue(self._mails_to(youth_user))
        self.assertFalse(self._mails_to(parent_user))
