from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BtiCommon


@tagged("post_install", "-at_install", "bti")
class TestViolenceSuspicion(BtiCommon):
    """On a suspicion of violence or abuse nothing of the case reaches the
    family until the child welfare service or a leader lifts the mark."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cws.is_child_welfare = True
        cls.case = cls._level2_case()
        cls._give_consent(cls.case, cls.cws)
        cls._add_participant(cls.case, cls.cws, cls.cws_worker)
        cls.guardian = cls.case.guardian_ids.partner_id
        cls.guardian.email = "guardian@example.com"
        cls.case.subject_partner_id.email = "young.person@example.com"
        cls.family = cls.guardian | cls.case.subject_partner_id

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _post(self, record, user=None, **kwargs):
        return (
            record.with_user(user or self.kg_teacher)
            .with_context(mail_notify_force_send=False)
            .message_post(
                body="<p>A word about the child</p>",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                **kwargs,
            )
        )

    def _reached(self, message):
        """The partners a message reaches: notified, or an e-mail queued to them."""
        # sudo: the test looks at every notification and e-mail of the message.
        notified = (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "=", message.id)])
            .res_partner_id
        )
        mails = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        return notified | mails.recipient_ids | message.sudo().partner_ids

    def _mark(self, user=None):
        return self.case.with_user(
            user or self.kg_teacher
        ).action_mark_violence_suspicion()

    def _lift(self, user):
        return self.case.with_user(user).action_lift_violence_suspicion()

    def _notes(self, text):
        return self.case.message_ids.filtered(lambda m: text in (m.body or ""))

    # ------------------------------------------------------------------
    # Marking and lifting
    # ------------------------------------------------------------------
    def _flush_tracking(self):
        """Post the pending tracking (creating a record discards its own)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.case.invalidate_recordset(["message_ids"])

    def test_any_participant_marks(self):
        self._flush_tracking()
        self.assertTrue(self._mark(user=self.school_teacher))
        self.assertTrue(self.case.violence_suspicion)
        self.assertTrue(self._notes("marked a suspicion of violence or abuse"))
        # Tracked: the chatter shows the flag changing.
        self._flush_tracking()
        tracked = self.case.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "violence_suspicion"
        )
        self.assertTrue(tracked)
        # Marking twice is refused.
        with self.assertRaises(UserError):
            self._mark()

    def test_only_child_welfare_or_leader_lifts(self):
        self._mark()
        for user in (self.kg_teacher, self.school_teacher):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._lift(user)
        self.assertTrue(self.case.violence_suspicion)
        self.assertTrue(self._lift(self.cws_worker))
        self.assertFalse(self.case.violence_suspicion)
        self.assertTrue(self._notes("lifted the suspicion of violence or abuse"))
        self._mark(user=self.cws_worker)
        self.assertTrue(self._lift(self.kg_leader))
        self.assertFalse(self.case.violence_suspicion)
        # Lifting what is not marked is refused.
        with self.assertRaises(UserError):
            self._lift(self.kg_leader)

    def test_strangers_neither_mark_nor_lift(self):
        for user in (self.bup_doctor, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._mark(user=user)
        self.assertFalse(self.case.violence_suspicion)
        self._mark()
        # A child welfare service that does not take part lifts nothing.
        other_cws = self.env["bti.service"].create(
            {"name": "Other Child Welfare", "kind": "help", "is_child_welfare": True}
        )
        other_cws.member_ids = self.bup_doctor
        with self.assertRaises(AccessError):
            self._lift(self.bup_doctor)
        self.assertTrue(self.case.violence_suspicion)

    def test_closed_case_is_not_marked(self):
        case = self._new_case()
        self._decide(case, "close")
        with self.assertRaises(UserError):
            case.with_user(self.kg_leader).action_mark_violence_suspicion()
        self.assertFalse(case.violence_suspicion)

    @mute_logger("odoo.models")
    def test_flag_is_not_written_directly(self):
        """An RPC client writing the flag skips the checks of the actions: the
        write allow-list of the case refuses it (lifting above all)."""
        self._mark()
        for user in (self.kg_teacher, self.school_teacher, self.cws_worker):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.case.with_user(user).write({"violence_suspicion": False})
        self.assertTrue(self.case.violence_suspicion)
        case = self._new_case()
        with self.assertRaises(UserError):
            case.with_user(self.kg_teacher).write({"violence_suspicion": True})
        self.assertFalse(case.violence_suspicion)

    def test_opened_with_the_suspicion(self):
        """A wondering may start with the suspicion; it is then lifted like any."""
        case = self._new_case(violence_suspicion=True)
        self.assertTrue(case.violence_suspicion)
        message = self._post(case, partner_ids=case.guardian_ids.partner_id.ids)
        self.assertFalse(self._reached(message) & case.guardian_ids.partner_id)
        with self.assertRaises(AccessError):
            case.with_user(self.kg_teacher).action_lift_violence_suspicion()
        case.with_user(self.kg_leader).action_lift_violence_suspicion()
        self.assertFalse(case.violence_suspicion)

    # ------------------------------------------------------------------
    # Nothing reaches the family
    # ------------------------------------------------------------------
    def test_family_not_reached_while_marked(self):
        # The family follows the case (as a portal would make it).
        self.case.sudo().message_subscribe(partner_ids=self.family.ids)
        self._mark()
        message = self._post(self.case, partner_ids=self.family.ids)
        self.assertFalse(self._reached(message) & self.family)
        # Staff who may read the case are still notified.
        staff = self._post(self.case, partner_ids=self.school_teacher.partner_id.ids)
        self.assertIn(self.school_teacher.partner_id, self._reached(staff))
        # message_notify and a note name no family member either.
        notified = (
            self.case.with_user(self.kg_teacher)
            .with_context(mail_notify_force_send=False)
            .message_notify(
                partner_ids=self.family.ids,
                body="<p>Notify</p>",
                subject="A notification",
            )
        )
        # With no recipient left, Odoo posts nothing at all.
        if notified:
            self.assertFalse(self._reached(notified) & self.family)
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", self.family.ids)])
            .filtered(lambda m: m.model == "bti.case" and m.res_id == self.case.id)
        )

    def test_mail_queued_before_the_mark_is_not_sent(self):
        message = self._post(self.case, partner_ids=self.guardian.ids)
        # sudo: the mail queue, as the mail server sees it.
        mails = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        mail = mails.filtered(lambda m: self.guardian in m.recipient_ids)
        self.assertEqual(len(mail), 1)

        def addressed():
            return [e["partner_id"] for e in mail._prepare_outgoing_list()]

        self.assertIn(self.guardian, addressed())
        self._mark()
        self.assertNotIn(self.guardian, addressed(), "not mailed once marked")
        self._lift(self.cws_worker)
        self.assertIn(self.guardian, addressed())

    def test_family_reached_again_after_lifting(self):
        self._mark()
        self._lift(self.cws_worker)
        message = self._post(self.case, partner_ids=self.guardian.ids)
        self.assertIn(self.guardian, self._reached(message))
        mails = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        self.assertIn(self.guardian, mails.recipient_ids)
