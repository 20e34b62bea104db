import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BtiCommon


@tagged("post_install", "-at_install", "bti")
class TestParticipant(BtiCommon):
    def setUp(self):
        super().setUp()
        self.today = self.env["bti.access.policy"]._today()
        self.case = self._new_case()
        self._decide(self.case, "level_2")

    def _participants(self, case=None, service=None):
        domain = [("case_id", "=", (case or self.case).id)]
        if service:
            domain.append(("service_id", "=", service.id))
        return (
            self.env["bti.case.participant"]
            .sudo()
            .with_context(active_test=False)
            .search(domain)
        )

    def _sees(self, user, case=None):
        return (
            self.env["bti.case"]
            .with_user(user)
            .search_count([("id", "=", (case or self.case).id)])
        )

    # ------------------------------------------------------------------
    # Joining
    # ------------------------------------------------------------------
    def test_join_needs_consent(self):
        before = self._participants()
        with self.assertRaises(ValidationError) as cm:
            self._add_participant(self.case, self.school, self.school_teacher)
        self.assertIn(self.school.name, str(cm.exception))
        self.assertEqual(self._participants(), before)
        self.assertEqual(self._sees(self.school_teacher), 0)
        # A consent covering another service does not let the school in.
        self._give_consent(self.case, self.health)
        with self.assertRaises(ValidationError):
            self._add_participant(self.case, self.school, self.school_teacher)
        # Nor does a consent that starts tomorrow.
        self._give_consent(
            self.case, self.school, valid_from=self.today + datetime.timedelta(days=1)
        )
        with self.assertRaises(ValidationError):
            self._add_participant(self.case, self.school, self.school_teacher)
        self.assertFalse(self._participants(service=self.school))
        # With a consent covering it, the school joins and sees the case.
        self._give_consent(self.case, self.school | self.cws)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        self.assertTrue(participant.active)
        self.assertTrue(participant.access_granted)
        self.assertFalse(participant.is_owner)
        self.assertEqual(participant.date_joined, self.today)
        self.assertEqual(self._sees(self.school_teacher), 1)
        self.assertTrue(
            self.case.message_ids.filtered(
                lambda m: f"{self.school.name} joined" in (m.body or "")
            )
        )
        # Consent covers services, not people: another member of the school sees it too.
        colleague = self.env["res.users"].create(
            {
                "name": "School Colleague",
                "login": "school_colleague",
                "groups_id": [
                    fields.Command.link(self.env.ref("bti_core.group_bti_user").id)
                ],
            }
        )
        self.school.member_ids = [fields.Command.link(colleague.id)]
        self.assertEqual(self._sees(colleague), 1)

    def test_owning_service_needs_no_consent(self):
        owner = self.case.participant_ids
        self.assertEqual(owner.service_id, self.kindergarten)
        self.assertTrue(owner.is_owner)
        self.assertTrue(owner.access_granted)
        self.assertFalse(self.case.consent_ids)

    def test_duplicate_service_rejected(self):
        self._give_consent(self.case, self.school)
        self._add_participant(self.case, self.school, self.school_teacher)
        with self.assertRaises(ValidationError):
            self._add_participant(self.case, self.school)
        with self.assertRaises(ValidationError):
            self._add_participant(self.case, self.kindergarten, self.kg_teacher2)
        self.assertEqual(len(self._participants(service=self.school)), 1)
        self.assertEqual(len(self._participants(service=self.kindergarten)), 1)

    def test_contact_must_be_member(self):
        self._give_consent(self.case, self.school)
        for contact in (self.kg_teacher2, self.nurse, self.outsider):
            with (
                self.subTest(contact=contact.login),
                self.assertRaises(ValidationError),
            ):
                self._add_participant(self.case, self.school, contact)
        self.assertFalse(self._participants(service=self.school))
        participant = self._add_participant(self.case, self.school)
        with self.assertRaises(ValidationError):
            participant.with_user(self.kg_teacher).write({"user_id": self.nurse.id})
        participant.with_user(self.kg_teacher).write(
            {"user_id": self.school_teacher.id}
        )
        self.assertEqual(participant.user_id, self.school_teacher)

    def test_service_of_a_participant_cannot_change(self):
        self._give_consent(self.case, self.school | self.cws)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        with self.assertRaises(UserError):
            participant.with_user(self.kg_teacher).write({"service_id": self.cws.id})
        with self.assertRaises(UserError):
            participant.write({"case_id": self._new_case().id})
        self.assertEqual(participant.service_id, self.school)

    def test_join_closed_case(self):
        self._give_consent(self.case, self.school)
        self.case.with_user(self.kg_teacher)._bti_close("goal_reached")
        with self.assertRaises(UserError):
            self._add_participant(self.case, self.school, self.school_teacher)

    # ------------------------------------------------------------------
    # Leaving
    # ------------------------------------------------------------------
    def test_remove(self):
        self._give_consent(self.case, self.school)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        self.assertEqual(self._sees(self.school_teacher), 1)
        result = participant.with_user(self.kg_teacher).action_remove(
            "Goals for school reached"
        )
        self.assertIs(result, True)
        self.assertFalse(participant.active)
        self.assertEqual(participant.date_left, self.today)
        self.assertEqual(participant.left_reason, "Goals for school reached")
        self.assertFalse(participant.access_granted)
        self.assertNotIn(participant, self.case.participant_ids)
        # Access ends at once, although the consent is still valid.
        self.assertEqual(self.case.consent_ids.state, "given")
        self.assertEqual(self._sees(self.school_teacher), 0)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            self.case.with_user(self.school_teacher).read(["name"])
        # The contact person is told (kindly).
        partner = self.school_teacher.partner_id
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "bti.case"),
                    ("res_id", "=", self.case.id),
                    ("partner_ids", "in", partner.ids),
                ]
            )
        )
        self.assertTrue(messages)
        self.assertTrue(any("no longer takes part" in (m.body or "") for m in messages))
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", messages.ids),
                    ("res_partner_id", "=", partner.id),
                ]
            )
        )
        self.assertTrue(notifications)
        self.assertTrue(
            self.case.message_ids.filtered(
                lambda m: "Thank you for your contribution" in (m.body or "")
            )
        )
        # Once left, it can join again with the consent that still covers it.
        again = self._add_participant(self.case, self.school, self.school_teacher)
        self.assertTrue(again.access_granted)
        self.assertEqual(self._sees(self.school_teacher), 1)

    def test_remove_through_wizard(self):
        self._give_consent(self.case, self.school)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        action = participant.with_user(self.kg_teacher).action_open_remove()
        self.assertEqual(action["res_model"], "bti.participant.remove.wizard")
        wizard = (
            self.env["bti.participant.remove.wizard"]
            .with_user(self.kg_teacher)
            .with_context(**action["context"])
            .create({"reason": "Moved to another school"})
        )
        wizard.action_confirm()
        self.assertFalse(participant.active)
        self.assertEqual(participant.left_reason, "Moved to another school")

    def test_only_managers_remove(self):
        self._give_consent(self.case, self.school)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        for user in (self.kg_teacher2, self.school_teacher):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                participant.with_user(user).action_remove("No")
        self.assertTrue(participant.active)
        participant.with_user(self.kg_leader).action_remove("Leader decides")
        self.assertFalse(participant.active)

    def test_cannot_remove_owning_service(self):
        owner = self.case.participant_ids.filtered("is_owner")
        with self.assertRaises(UserError):
            owner.with_user(self.kg_teacher).action_remove("Try")
        with self.assertRaises(UserError):
            owner.action_remove("Try")
        self.assertTrue(owner.active)
        self.assertEqual(self._sees(self.kg_teacher), 1)

    def test_cannot_remove_holders_service(self):
        self._give_consent(self.case, self.school)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        baton = (
            self.env["bti.baton"]
            .with_user(self.kg_teacher)
            ._bti_propose(self.case, self.school_teacher, self.school)
        )
        baton.with_user(self.school_teacher).action_accept()
        self.assertEqual(self.case.holder_id, self.school_teacher)
        for user in (self.school_teacher, self.kg_leader):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                participant.with_user(user).action_remove("Try")
        self.assertTrue(participant.active)
        self.assertEqual(self._sees(self.school_teacher), 1)

    def test_write_active_refused(self):
        self._give_consent(self.case, self.school)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        with self.assertRaises(UserError):
            participant.with_user(self.kg_teacher).write({"active": False})
        # (The superuser is the system, never an RPC client: it ends a
        # participation only in action_remove, which tests its own checks.)
        with self.assertRaises(UserError):
            participant.with_user(self.kg_teacher).action_archive()
        # The context an RPC client could send does not pass for the removal.
        with self.assertRaises(UserError):
            participant.with_user(self.kg_teacher).with_context(
                bti_removing=True
            ).write({"active": False})
        self.assertTrue(participant.active)
        participant.with_user(self.kg_teacher).action_remove("Done")
        with self.assertRaises(UserError):
            participant.with_user(self.kg_teacher).write({"active": True})
        with self.assertRaises(UserError):
            participant.action_unarchive()
        self.assertFalse(participant.active)

    def test_users_cannot_delete_participants(self):
        self._give_consent(self.case, self.school)
        participant = self._add_participant(self.case, self.school, self.school_teacher)
        with self.assertRaises(AccessError):
            participant.with_user(self.kg_teacher).unlink()
        self.assertTrue(participant.exists())
