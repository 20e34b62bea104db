from odoo_test_helper import FakeModelLoader

from odoo import Command
from odoo.exceptions import AccessError

from .common import BtiCommon


class TestContentMixin(BtiCommon):
    """Read scope and information categories of services, enforced by record rules
    on content written into a case (the contract of bti.case.content.mixin)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .content_models import BtiTestContent

        cls.loader.update_registry((BtiTestContent,))
        model = cls.env["ir.model"]._get("bti.test.content")
        employees = cls.env.ref("bti_core.group_bti_user")
        cls.env["ir.model.access"].create(
            {
                "name": "test content",
                "model_id": model.id,
                "group_id": employees.id,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )
        cls.env["ir.rule"].create(
            {
                "name": "test content readable",
                "model_id": model.id,
                "groups": [Command.link(employees.id)],
                "domain_force": "[('is_readable', '=', True)]",
            }
        )
        cls.case = cls._level2_case()  # kindergarten owns it; the school joined
        cls._give_consent(cls.case, cls.health)
        cls._add_participant(cls.case, cls.health, cls.nurse)
        Content = cls.env["bti.test.content"]

        def entry(user, service, visibility, category=None):
            return Content.with_user(user).create(
                {
                    "case_id": cls.case.id,
                    "author_service_id": service.id,
                    "visibility": visibility,
                    "info_category_id": category and category.id,
                    "body": f"{service.name} {visibility}",
                }
            )

        cls.kg_shared = entry(cls.kg_teacher, cls.kindergarten, "participants")
        cls.kg_family = entry(cls.kg_teacher, cls.kindergarten, "family")
        cls.kg_own = entry(cls.kg_teacher, cls.kindergarten, "service")
        cls.school_own = entry(cls.school_teacher, cls.school, "service")
        cls.health_shared = entry(cls.nurse, cls.health, "participants", cls.cat_health)

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    def _seen_by(self, user):
        return self.env["bti.test.content"].with_user(user).search([])

    def test_visibility_and_categories(self):
        self.assertEqual(
            self._seen_by(self.school_teacher),
            self.kg_shared | self.kg_family | self.school_own,
            "the school sees shared entries and its own, not the kindergarten's "
            "own-service entry nor health information",
        )
        self.assertEqual(
            self._seen_by(self.nurse),
            self.kg_shared | self.kg_family | self.health_shared,
            "the health station may read health information",
        )
        self.assertEqual(
            self._seen_by(self.kg_teacher),
            self.kg_shared | self.kg_family | self.kg_own,
            "the kindergarten has no health category: the nurse's entry is hidden",
        )

    def test_read_scope_own(self):
        self.school.read_scope = "own"
        self.assertEqual(self._seen_by(self.school_teacher), self.school_own)

    def test_hidden_entry_raises_on_read(self):
        with self.assertRaises(AccessError):
            self.kg_own.with_user(self.school_teacher).read(["body"])
        with self.assertRaises(AccessError):
            self.health_shared.with_user(self.school_teacher).read(["body"])

    def test_withdrawal_hides_all_content(self):
        self.case.consent_ids.filtered(
            lambda c: self.school in c.service_ids
        ).with_user(self.kg_teacher).action_withdraw()
        self.assertFalse(self._seen_by(self.school_teacher))

    def test_outsiders_and_unrelated_services_see_nothing(self):
        for user in (self.ppt_advisor, self.cws_worker, self.bti_admin):
            self.assertFalse(self._seen_by(user), user.login)
        with self.assertRaises(AccessError):
            self._seen_by(self.outsider)
        groups = (
            self.env["bti.test.content"]
            .with_user(self.ppt_advisor)
            .read_group([], ["visibility"], ["visibility"])
        )
        self.assertFalse(groups)
