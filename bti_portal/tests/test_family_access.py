from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PortalCommon


@tagged("post_install", "-at_install", "bti")
class TestFamilyAccess(PortalCommon):
    """Giving the family a login: only the guardians with parental
    responsibility (and the young person), by whom the action table allows,
    never while violence is suspected; the e-mail holds no content and no
    token."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_mother = cls.env["res.partner"].create(
            {"name": "New Mother Lima", "email": "lima@example.com"}
        )
        cls.new_father = cls.env["res.partner"].create(
            {"name": "New Father Mike", "email": "mike@example.com"}
        )
        cls.new_case = cls._new_case(
            guardian_ids=[
                Command.create({"partner_id": cls.new_mother.id}),
                Command.create(
                    {"partner_id": cls.new_father.id, "parental_responsibility": False}
                ),
            ]
        )

    def _wizard(self, user, case=None, **vals):
        case = case or self.new_case
        return (
            self.env["bti.family.access.wizard"]
            .with_user(user)
            .with_context(default_case_id=case.id)
            .create(vals)
        )

    def test_forged_context_id_proposes_nobody(self):
        """The default of the members reads the case named in the context: a
        client's context may hold anything (bench/fuzz.py sent a string and
        PostgreSQL failed on it)."""
        Wizard = self.env["bti.family.access.wizard"].with_user(self.kg_teacher)
        for forged in ("x", "1; SELECT 1", 1.5, True, [self.new_case.id], None):
            with self.subTest(forged=forged):
                values = Wizard.with_context(default_case_id=forged).default_get(
                    ["partner_ids"]
                )
                self.assertEqual(values.get("partner_ids"), [(6, 0, [])])

    def test_give_access_to_guardians_with_parental_responsibility(self):
        action = self.new_case.with_user(self.kg_teacher).action_open_family_access()
        self.assertEqual(action["res_model"], "bti.family.access.wizard")
        wizard = self._wizard(self.kg_teacher)
        self.assertEqual(wizard.partner_ids, self.new_mother)
        self.assertEqual(wizard.member_ids, self.new_mother)
        wizard.action_confirm()
        user = self.new_mother.user_ids
        self.assertTrue(user)
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertFalse(user.has_group("base.group_user"))
        self.assertFalse(self.new_father.user_ids)
        self.assertEqual(self.new_case.family_user_ids, user)
        self.assertTrue(
            self.env["bti.case"].with_user(user).search([("id", "=", self.new_case.id)])
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("email_to", "ilike", "lima@example.com")], order="id desc", limit=1
            )
        )
        self.assertTrue(mail)
        self.assertIn("/my/bti", mail.body_html)
        for forbidden in ("token", "signup", self.new_case.name, "Entry"):
            self.assertNotIn(forbidden, mail.body_html)

    def test_forged_partner_refused(self):
        for stranger in (
            self.new_father,
            self.env["res.partner"].create({"name": "Stranger", "email": "s@x.no"}),
        ):
            wizard = self._wizard(
                self.kg_teacher, partner_ids=[Command.set(stranger.ids)]
            )
            with self.assertRaises(UserError):
                wizard.action_confirm()
            self.assertFalse(stranger.user_ids)

    def test_who_gives_access(self):
        self._decide(self.new_case, "level_2")
        self._give_consent(
            self.new_case,
            self.school,
            given_by_partner_ids=[Command.set(self.new_mother.ids)],
        )
        self._add_participant(self.new_case, self.school, self.school_teacher)
        for user in (self.school_teacher, self.cws_worker, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.new_case.with_user(user).action_open_family_access()
        self.assertFalse(self.new_mother.user_ids)

    def test_not_while_violence_is_suspected(self):
        self.new_case.with_user(self.kg_teacher).action_mark_violence_suspicion()
        with self.assertRaises(UserError):
            self.new_case.with_user(self.kg_teacher).action_open_family_access()
        wizard = self._wizard(self.kg_teacher)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(self.new_mother.user_ids)

    def test_no_email_refused(self):
        self.new_mother.email = False
        with self.assertRaises(UserError):
            self._wizard(self.kg_teacher).action_confirm()
        self.assertFalse(self.new_mother.user_ids)
