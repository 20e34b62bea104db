"""Nobody outside a case learns who its child and guardians are.

The child and the guardians of a BTI case are ordinary contacts (res.partner),
and a case has the chatter of any document: followers, messages, attachments
and activities. None of it may reach an internal user without BTI, nor a BTI
employee of a service that does not take part in the case; the services taking
part see all of it. Colleagues (partners of users) stay visible to everyone.
"""

from odoo import Command
from odoo.exceptions import AccessError

from .common import BtiCommon


class TestConfidentialPartner(BtiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.secret_child = Partner.create({"name": "Confidential Child Olsen"})
        cls.secret_mother = Partner.create(
            {"name": "Confidential Mother Olsen", "email": "mother.olsen@example.com"}
        )
        # A colleague can be a parent in a case too: she stays a colleague.
        cls.staff_parent = cls.kg_teacher2.partner_id
        cls.case = cls._new_case(
            partner=cls.secret_child,
            guardian_ids=[
                Command.create(
                    {"partner_id": cls.secret_mother.id, "relation": "mother"}
                ),
                Command.create(
                    {"partner_id": cls.staff_parent.id, "relation": "father"}
                ),
            ],
        )
        cls._decide(cls.case, "level_2")
        cls._give_consent(cls.case, cls.school)
        cls._add_participant(cls.case, cls.school, cls.school_teacher)
        # The family follows the case (notifications of what is shared with it).
        cls.case.message_subscribe(
            partner_ids=(cls.secret_child | cls.secret_mother).ids
        )
        # What a participant writes into the case's chatter.
        as_teacher = cls.case.with_user(cls.school_teacher)
        cls.message = as_teacher.message_post(
            body="Olsen was sad in class today.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.attachment = (
            cls.env["ir.attachment"]
            .with_user(cls.school_teacher)
            .create(
                {
                    "name": "observation-olsen.txt",
                    "raw": b"Observation of the Olsen child",
                    "res_model": "bti.case",
                    "res_id": cls.case.id,
                }
            )
        )
        cls.activity = as_teacher.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Call the Olsen family",
            user_id=cls.school_teacher.id,
        )
        cls.strangers = cls.outsider | cls.cws_worker
        cls.secrets = cls.secret_child | cls.secret_mother

    def _case_domain(self, model_field="res_model", id_field="res_id"):
        return [(model_field, "=", "bti.case"), (id_field, "=", self.case.id)]

    # ------------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------------
    def test_child_and_guardian_are_confidential(self):
        self.assertTrue(self.secret_child.bti_confidential)
        self.assertTrue(self.secret_mother.bti_confidential)
        self.assertFalse(self.staff_parent.bti_confidential)

    def test_strangers_cannot_find_or_read_the_family(self):
        for user in self.strangers:
            Partner = self.env["res.partner"].with_user(user)
            with self.subTest(user=user.login):
                self.assertFalse(Partner.search([("name", "ilike", "Olsen")]))
                self.assertFalse(Partner.search([("id", "in", self.secrets.ids)]))
                self.assertFalse(
                    Partner.search([("email", "=", "mother.olsen@example.com")])
                )
                self.assertFalse(Partner.name_search("Olsen"))
                self.assertEqual(Partner.search_count([("name", "ilike", "Olsen")]), 0)
                for partner in self.secrets:
                    with self.assertRaises(AccessError):
                        Partner.browse(partner.id).read(["name"])

    def test_strangers_cannot_name_the_family(self):
        """Naming a hidden person in a case of one's own (as its person or a
        guardian) would open them to the stranger: refused, nothing written."""
        case_count = self.env["bti.case"].search_count([])
        with self.assertRaises(AccessError):
            self._new_case(
                user=self.cws_worker, service=self.cws, partner=self.secret_child
            )
        own = self._new_case(user=self.cws_worker, service=self.cws)
        self.assertEqual(self.env["bti.case"].search_count([]), case_count + 1)
        as_worker = own.with_user(self.cws_worker)
        with self.assertRaises(AccessError):
            as_worker.write({"subject_partner_id": self.secret_child.id})
        with self.assertRaises(AccessError):
            as_worker.write(
                {
                    "guardian_ids": [
                        Command.create({"partner_id": self.secret_mother.id})
                    ]
                }
            )
        with self.assertRaises(AccessError):
            as_worker.guardian_ids[:1].write({"partner_id": self.secret_mother.id})
        self.assertNotIn(self.secret_mother, own.guardian_ids.partner_id)
        self.assertNotEqual(own.subject_partner_id, self.secret_child)
        for partner in self.secrets:
            with self.assertRaises(AccessError):
                partner.with_user(self.cws_worker).read(["name"])
        # Who works on the case names them (a second case of the same child).
        self._new_case(partner=self.secret_child)

    def test_participant_finds_the_family(self):
        Partner = self.env["res.partner"].with_user(self.school_teacher)
        self.assertEqual(Partner.search([("name", "ilike", "Olsen")]), self.secrets)
        found = {partner_id for partner_id, _name in Partner.name_search("Olsen")}
        self.assertEqual(found, set(self.secrets.ids))
        names = [
            values["name"] for values in Partner.browse(self.secrets.ids).read(["name"])
        ]
        self.assertCountEqual(names, self.secrets.mapped("name"))

    def test_staff_partner_stays_visible(self):
        colleagues = (
            self.staff_parent
            | self.kg_teacher.partner_id
            | self.school_teacher.partner_id
        )
        for user in self.strangers | self.school_teacher:
            Partner = self.env["res.partner"].with_user(user)
            with self.subTest(user=user.login):
                self.assertEqual(
                    Partner.search([("id", "in", colleagues.ids)]), colleagues
                )
                self.assertEqual(len(Partner.browse(colleagues.ids).read(["name"])), 3)

    # ------------------------------------------------------------------
    # Chatter of the case: followers, messages, attachments, activities
    # ------------------------------------------------------------------
    def test_followers_hide_the_family(self):
        Followers = self.env["mail.followers"]
        family_followers = Followers.search(
            self._case_domain() + [("partner_id", "in", self.secrets.ids)]
        )
        self.assertEqual(len(family_followers), 2)
        for user in self.strangers:
            as_user = Followers.with_user(user)
            with self.subTest(user=user.login):
                self.assertFalse(as_user.search(self._case_domain()))
                self.assertFalse(
                    as_user.search([("partner_id", "in", self.secrets.ids)])
                )
                self.assertFalse(as_user.search([("name", "ilike", "Olsen")]))
                with self.assertRaises(AccessError):
                    as_user.browse(family_followers.ids).read(
                        ["partner_id", "name", "email"]
                    )
        as_participant = Followers.with_user(self.school_teacher)
        self.assertEqual(
            as_participant.search(
                self._case_domain() + [("partner_id", "in", self.secrets.ids)]
            ),
            family_followers,
        )
        values = as_participant.browse(family_followers.ids).read(["name"])
        self.assertCountEqual([v["name"] for v in values], self.secrets.mapped("name"))

    def test_messages_hidden(self):
        Message = self.env["mail.message"]
        domain = self._case_domain("model")
        for user in self.strangers:
            with self.subTest(user=user.login):
                self.assertFalse(Message.with_user(user).search(domain))
                self.assertFalse(
                    Message.with_user(user).search([("body", "ilike", "Olsen")])
                )
                with self.assertRaises(AccessError):
                    Message.with_user(user).browse(self.message.id).read(["body"])
        as_participant = Message.with_user(self.school_teacher)
        self.assertIn(self.message, as_participant.search(domain))
        self.assertIn(
            "Olsen", as_participant.browse(self.message.id).read(["body"])[0]["body"]
        )

    def test_attachments_hidden(self):
        Attachment = self.env["ir.attachment"]
        domain = self._case_domain()
        for user in self.strangers:
            with self.subTest(user=user.login):
                self.assertFalse(Attachment.with_user(user).search(domain))
                self.assertFalse(
                    Attachment.with_user(user).search([("name", "ilike", "olsen")])
                )
                with self.assertRaises(AccessError):
                    Attachment.with_user(user).browse(self.attachment.id).read(["raw"])
        as_participant = Attachment.with_user(self.school_teacher)
        self.assertEqual(as_participant.search(domain), self.attachment)
        self.assertEqual(
            as_participant.browse(self.attachment.id).read(["raw"])[0]["raw"],
            b"Observation of the Olsen child",
        )

    def test_activities_hidden(self):
        Activity = self.env["mail.activity"]
        domain = self._case_domain()
        for user in self.strangers:
            with self.subTest(user=user.login):
                self.assertFalse(Activity.with_user(user).search(domain))
                self.assertFalse(
                    Activity.with_user(user).search([("summary", "ilike", "Olsen")])
                )
                with self.assertRaises(AccessError):
                    Activity.with_user(user).browse(self.activity.id).read(["summary"])
        as_participant = Activity.with_user(self.school_teacher)
        self.assertIn(self.activity, as_participant.search(domain))
        self.assertEqual(
            as_participant.browse(self.activity.id).read(["summary"])[0]["summary"],
            "Call the Olsen family",
        )

    def test_followers_without_access_get_no_messages(self):
        """Withdrawal ends access at once: a member of the service stays a
        follower of the case, but is no longer sent (nor can read) its messages;
        neither is a stranger added as follower."""
        teacher_partner = self.school_teacher.partner_id
        stranger_partner = self.cws_worker.partner_id
        self.case.message_subscribe(partner_ids=stranger_partner.ids)
        self.assertIn(teacher_partner, self.case.message_partner_ids)
        consent = self.case.consent_ids.filtered(lambda c: self.school in c.service_ids)
        consent.with_user(self.kg_teacher).action_withdraw("The family withdrew it")
        message = self.case.with_user(self.kg_teacher).message_post(
            body="After the withdrawal: Olsen moves to another school.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertNotIn(teacher_partner, message.notified_partner_ids)
        self.assertNotIn(stranger_partner, message.notified_partner_ids)
        # The family (no user) is still told, as any follower of the case.
        self.assertIn(self.secret_mother, message.notified_partner_ids)
        for user in self.school_teacher | self.cws_worker:
            Message = self.env["mail.message"].with_user(user)
            self.assertFalse(Message.search([("id", "=", message.id)]))
            with self.assertRaises(AccessError):
                Message.browse(message.id).read(["body"])
