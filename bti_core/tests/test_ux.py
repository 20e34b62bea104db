"""What a new user meets: labels that say what they are, dialogs that start
where they can, no dead ends (Duplicate, Archive)."""

import importlib.util
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import BtiCommon


@tagged("post_install", "-at_install", "bti")
class TestUx(BtiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.child_name = "Ada Testchild"
        cls.case = cls._new_case(
            partner=cls.env["res.partner"].create({"name": cls.child_name})
        )
        cls._decide(cls.case, "level_1")

    # 1. The case's label --------------------------------------------------
    def test_case_label_names_the_child_for_its_readers(self):
        label = self.case.with_user(self.kg_teacher).display_name
        self.assertIn(self.case.name, label)
        self.assertIn(self.child_name, label)
        # Many2one labels are read with sudo: still per user.
        label = self.case.with_user(self.kg_teacher).sudo().display_name
        self.assertIn(self.child_name, label)

    def test_case_label_is_the_reference_for_others(self):
        self.env.invalidate_all()
        label = self.case.with_user(self.nurse).sudo().display_name
        self.assertEqual(label, self.case.name)
        self.assertNotIn(self.child_name, label)

    # 2. The handover dialog ----------------------------------------------
    def _wizard(self, case, user):
        Wizard = (
            self.env["bti.baton.propose.wizard"]
            .with_user(user)
            .with_context(default_case_id=case.id)
        )
        values = Wizard.default_get(list(Wizard._fields))
        return Wizard.new(values)

    def test_handover_dialog_chooses_the_only_service(self):
        wizard = self._wizard(self.case, self.kg_teacher)
        self.assertEqual(wizard.allowed_service_ids._origin, self.kindergarten)
        self.assertEqual(wizard.service_id._origin, self.kindergarten)
        self.assertNotEqual(wizard.user_id, self.kg_teacher, "not the holder herself")
        self.assertEqual(wizard.holder_id, self.kg_teacher)

    def test_handover_dialog_never_proposes_the_holder(self):
        case = self._level2_case()
        wizard = self._wizard(case, self.kg_teacher)
        self.assertFalse(wizard.service_id, "two services: the user chooses")
        # The contact person of the kindergarten is the holder: not proposed.
        wizard.service_id = self.kindergarten
        wizard._onchange_service_id()
        self.assertNotEqual(wizard.user_id, self.kg_teacher)
        # The school's contact person is proposed.
        wizard.service_id = self.school
        wizard._onchange_service_id()
        self.assertEqual(wizard.user_id, self.school_teacher)
        # Choosing the person first fills in the service.
        wizard.service_id = False
        wizard.user_id = self.school_teacher
        wizard._onchange_user_id()
        self.assertEqual(wizard.service_id._origin, self.school)

    def test_pending_handover_shown_and_withdrawn(self):
        case = self._new_case()
        self._decide(case, "level_1")
        self.env["bti.baton"].with_user(self.kg_teacher)._bti_propose(
            case, self.kg_teacher2, self.kindergarten
        )
        self.env.invalidate_all()
        mine = case.with_user(self.kg_teacher)
        self.assertEqual(mine.pending_holder_id, self.kg_teacher2)
        self.assertEqual(mine.pending_service_id, self.kindergarten)
        self.assertEqual(mine.pending_proposed_by_id, self.kg_teacher)
        self.assertTrue(mine.pending_date_proposed)
        self.assertIn(self.kg_teacher2.name, mine.pending_handover_text)
        self.assertIn(self.kg_teacher.name, mine.pending_handover_text)
        self.assertTrue(mine.user_may_cancel_handover)
        successor = case.with_user(self.kg_teacher2)
        self.assertFalse(successor.user_may_cancel_handover)
        with self.assertRaises(AccessError):
            successor.action_cancel_handover()
        mine.action_cancel_handover()
        self.env.invalidate_all()
        self.assertFalse(case.pending_baton_id)
        self.assertFalse(case.pending_handover_text)
        self.assertEqual(case.holder_id, self.kg_teacher)
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher).action_cancel_handover()

    # 3. Neither duplicated nor archived ----------------------------------
    def test_records_of_a_case_are_not_copied(self):
        case = self._level2_case()
        records = [
            case,
            case.participant_ids[:1],
            case.guardian_ids[:1],
            case.consent_ids[:1],
            case.baton_ids[:1],
        ]
        for record in records:
            with self.subTest(model=record._name):
                self.assertTrue(record)
                with self.assertRaisesRegex(UserError, "cannot be duplicated"):
                    record.with_user(self.kg_teacher).copy()
                with self.assertRaisesRegex(UserError, "cannot be duplicated"):
                    record.copy()

    def test_no_archive_nor_duplicate_in_the_ui(self):
        for model in ("bti.case", "bti.case.participant"):
            self.assertTrue(self.env[model]._fields["active"].readonly, model)
        for model in ("bti.case", "bti.case.participant", "bti.consent"):
            for view_type in ("form", "list"):
                arch = self.env[model].get_view(view_type=view_type)["arch"]
                self.assertIn('duplicate="0"', arch, f"{model} {view_type}")

    # 5. Step deadlines ----------------------------------------------------
    def test_default_steps_have_deadlines(self):
        for code in range(4):
            level = self.env.ref(f"bti_core.level_{code}")
            for step in level.step_ids:
                with self.subTest(level=code, step=step.name):
                    self.assertGreater(step.deadline_days, 0)
        self.assertTrue(self.case.step_deadline)
        self.assertGreater(self.case.step_deadline, self.case.date_step.date())

    def test_migration_gives_the_same_deadlines(self):
        """Existing databases (noupdate data) get the deadlines of the data
        file from the 18.0.1.3.0 migration, for steps that have none."""
        path = Path(get_module_path("bti_core")) / "migrations" / "18.0.1.3.0"
        spec = importlib.util.spec_from_file_location(
            "bti_step_deadlines", path / "post-step_deadlines.py"
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        for xml_id, days in migration.DEADLINES.items():
            step = self.env.ref(f"bti_core.{xml_id}")
            self.assertEqual(step.deadline_days, days, xml_id)
        step = self.env.ref("bti_core.step_1_3")
        step.deadline_days = 0
        customised = self.env.ref("bti_core.step_1_4")
        customised.deadline_days = 30
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(step.deadline_days, 60)
        self.assertEqual(customised.deadline_days, 30, "a municipality's own is kept")

    # 7. The access log, readable -----------------------------------------
    def test_access_log_row_says_what_was_read(self):
        self._new_request()
        self.case.with_user(self.kg_teacher).read(["wondering"])
        row = (
            self.env["bti.access.log"]
            .sudo()
            .search(
                [("case_id", "=", self.case.id), ("user_id", "=", self.kg_teacher.id)],
                limit=1,
            )
        )
        self.assertEqual(row.model, "bti.case")
        self.assertEqual(row.display_name, f"Opened: BTI Case, {self.case.name}")
        self.assertNotIn(self.child_name, row.with_user(self.bti_admin).display_name)
        # An administrator who may not read the case cannot open it from there.
        admin_row = row.with_user(self.bti_admin)
        if not self.case.with_user(self.bti_admin).has_access("read"):
            self.assertFalse(admin_row.user_may_open)
            with self.assertRaises(UserError):
                admin_row.action_open_record()
        # A reader of the case opens it (the role is checked first).
        with self.assertRaises(AccessError):
            row.with_user(self.kg_teacher).action_open_record()
        action = row.action_open_record()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("bti.case", self.case.id)
        )

    def test_new_records_are_not_logged(self):
        before = self.env["bti.access.log"].sudo().search_count([])
        new = (
            self.env["bti.case"]
            .with_user(self.kg_teacher)
            .new(
                {
                    "subject_partner_id": self.child.id,
                    "service_id": self.kindergarten.id,
                }
            )
        )
        self.env["bti.access.log"].with_user(self.kg_teacher)._bti_log_records(new)
        self.assertEqual(self.env["bti.access.log"].sudo().search_count([]), before)
