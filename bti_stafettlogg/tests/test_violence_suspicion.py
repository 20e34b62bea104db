import datetime

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import StafettloggCommon


@tagged("post_install", "-at_install", "bti")
class TestViolenceSuspicion(StafettloggCommon):
    """While a case carries a suspicion of violence or abuse, no entry,
    meeting, invitation, calendar file or cancellation reaches the family."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guardian = cls.case.guardian_ids.partner_id
        cls.guardian.email = "guardian@example.com"
        cls.child_partner = cls.case.subject_partner_id
        cls.child_partner.email = "child@example.com"
        cls.family = cls.guardian | cls.child_partner

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _mark(self):
        return self.case.with_user(self.kg_teacher).action_mark_violence_suspicion()

    def _lift(self):
        return self.case.with_user(self.kg_leader).action_lift_violence_suspicion()

    def _post(self, record, **kwargs):
        return (
            record.with_user(self.kg_teacher)
            .with_context(mail_notify_force_send=False)
            .message_post(
                body="<p>A word on the log</p>",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                **kwargs,
            )
        )

    def _reached(self, messages):
        """The partners the messages reach: notified, or an e-mail queued."""
        # sudo: the test looks at every notification and e-mail of the messages.
        notified = (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)])
            .res_partner_id
        )
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)])
        )
        return notified | mails.recipient_ids | messages.sudo().partner_ids

    def _event_messages(self, event):
        """Everything the calendar sent about ``event`` (invitations, calendar
        files, changes, cancellations)."""
        return (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "calendar.event"), ("res_id", "=", event.id)])
        )

    def _family_mails(self):
        # sudo: the mail queue as the mail server sees it.
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    "|",
                    ("recipient_ids", "in", self.family.ids),
                    ("email_to", "in", ["guardian@example.com", "child@example.com"]),
                ]
            )
        )

    # ------------------------------------------------------------------
    # Chatter of the log
    # ------------------------------------------------------------------
    def test_posting_on_the_log_reaches_no_family(self):
        entry = self._entry(visibility="family")
        meeting = self._meeting(family_partner_ids=[])
        goal = self._goal()
        records = [self.case, entry, meeting, goal]
        for record in records:
            record.sudo().message_subscribe(partner_ids=self.family.ids)
        mails_before = self._family_mails()
        self._mark()
        for record in records:
            with self.subTest(record=record):
                message = self._post(record, partner_ids=self.family.ids)
                self.assertFalse(self._reached(message) & self.family)
        # A new entry shared with the family is announced to no family member.
        announced = self.case.message_ids
        self._entry(visibility="family", body="<p>Shared</p>")
        self.assertFalse(self._reached(self.case.message_ids - announced) & self.family)
        self.assertEqual(self._family_mails(), mails_before)
        # Lifted: the family is reached again.
        self._lift()
        message = self._post(entry, partner_ids=self.guardian.ids)
        self.assertIn(self.guardian, self._reached(message))

    # ------------------------------------------------------------------
    # Meetings
    # ------------------------------------------------------------------
    def test_family_not_invited(self):
        self._mark()
        count = self.env["bti.meeting"].sudo().search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._meeting()
        self.assertIn("suspicion of violence", str(caught.exception))
        self.assertEqual(self.env["bti.meeting"].sudo().search_count([]), count)
        meeting = self._meeting(family_partner_ids=[])
        with self.assertRaises(ValidationError):
            meeting.with_user(self.kg_teacher).write(
                {"family_partner_ids": [Command.link(self.guardian.id)]}
            )
        self.assertFalse(meeting.family_partner_ids)
        self.assertTrue(meeting.violence_suspicion)

    def test_family_not_preset(self):
        self._mark()
        with self.assertRaises(UserError) as caught:
            self.case.with_user(self.kg_teacher).action_bti_invite_family()
        self.assertIn("suspicion of violence", str(caught.exception))
        defaults = (
            self.env["bti.meeting"]
            .with_user(self.kg_teacher)
            .with_context(
                default_case_id=self.case.id,
                default_family_partner_ids=self.guardian.ids,
            )
            .default_get(["family_partner_ids", "chair_id"])
        )
        self.assertFalse(defaults.get("family_partner_ids"))
        self.assertEqual(defaults["chair_id"], self.kg_teacher.id)
        # A meeting created from such a context has no family.
        meeting = (
            self.env["bti.meeting"]
            .with_user(self.kg_teacher)
            .with_context(
                default_case_id=self.case.id,
                default_family_partner_ids=self.guardian.ids,
            )
            .create(
                {
                    "start": fields.Datetime.now() + datetime.timedelta(days=3),
                    "staff_ids": [Command.set(self.kg_teacher.ids)],
                }
            )
        )
        self.assertFalse(meeting.family_partner_ids)

    def test_invitations_send_nothing_to_the_family(self):
        # Planned with the family before the suspicion arose.
        meeting = self._meeting()
        self.assertEqual(meeting.family_partner_ids, self.guardian)
        mails_before = self._family_mails()
        self._mark()
        meeting.with_user(self.kg_teacher).action_send_invitations()
        self.assertEqual(meeting.state, "invited")
        event = meeting.calendar_event_id
        self.assertEqual(
            event.partner_ids,
            self.kg_teacher.partner_id | self.school_teacher.partner_id,
            "no family attendee",
        )
        self.assertFalse(event.attendee_ids.partner_id & self.family)
        self.assertFalse(self._reached(self._event_messages(event)) & self.family)
        self.assertFalse(
            self._event_messages(event).attachment_ids.filtered(
                lambda a: a.name.endswith(".ics")
            ),
            "no calendar file was sent",
        )
        self.assertEqual(self._family_mails(), mails_before)
        self.assertTrue(
            meeting.message_ids.filtered(
                lambda m: "2 staff and 0 family members" in (m.body or "")
            )
        )
        # Rescheduling and cancelling tell the family nothing either.
        meeting.with_user(self.kg_teacher).write(
            {"start": meeting.start + datetime.timedelta(days=1)}
        )
        meeting.with_user(self.kg_teacher).action_cancel()
        self.assertFalse(self._reached(self._event_messages(event)) & self.family)
        self.assertEqual(self._family_mails(), mails_before)

    def test_marking_takes_the_family_off_the_event(self):
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).action_send_invitations()
        event = meeting.calendar_event_id
        self.assertIn(self.guardian, event.partner_ids)
        sent = self._event_messages(event)
        self.assertIn(self.guardian, self._reached(sent), "invited before the mark")
        # Any participant marks, also one who does not attend the meeting.
        self.case.with_user(self.school_teacher).action_mark_violence_suspicion()
        self.assertNotIn(self.guardian, event.partner_ids)
        self.assertFalse(event.attendee_ids.partner_id & self.family)
        meeting.with_user(self.kg_teacher).write(
            {"start": meeting.start + datetime.timedelta(days=2)}
        )
        meeting.with_user(self.kg_teacher).action_cancel()
        later = self._event_messages(event) - sent
        self.assertFalse(self._reached(later) & self.family)

    def test_family_invited_again_after_lifting(self):
        meeting = self._meeting(family_partner_ids=[])
        self._mark()
        self._lift()
        self.assertFalse(meeting.violence_suspicion)
        action = self.case.with_user(self.kg_teacher).action_bti_invite_family()
        self.assertEqual(
            action["context"]["default_family_partner_ids"], self.guardian.ids
        )
        meeting.with_user(self.kg_teacher).write(
            {"family_partner_ids": [Command.set(self.guardian.ids)]}
        )
        meeting.with_user(self.kg_teacher).action_send_invitations()
        event = meeting.calendar_event_id
        self.assertIn(self.guardian, event.partner_ids)
        messages = self._event_messages(event)
        self.assertIn(self.guardian, self._reached(messages))
        self.assertTrue(
            messages.attachment_ids.filtered(lambda a: a.name.endswith(".ics"))
        )
