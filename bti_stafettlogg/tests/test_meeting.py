import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import FORGED_CONTEXT, StafettloggCommon


@tagged("post_install", "-at_install", "bti")
class TestMeeting(StafettloggCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guardian = cls.case.guardian_ids.partner_id
        cls.child_name = cls.case.subject_partner_id.name
        cls.meeting_type = cls.env.ref("bti_stafettlogg.mail_activity_type_bti_meeting")
        cls.level3 = cls.env["bti.level"].search([("code", "=", 3)], limit=1)

    def _count(self, model, case=None):
        return (
            self.env[model]
            .sudo()
            .search_count([("case_id", "=", (case or self.case).id)])
        )

    def _staff_activities(self, meeting):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "bti.meeting"),
                ("res_id", "=", meeting.id),
                ("activity_type_id", "=", self.meeting_type.id),
            ]
        )

    def _assert_refused(self, exception, message, **vals):
        count = self._count("bti.meeting")
        with self.assertRaises(exception) as caught:
            self._meeting(**vals)
        self.assertIn(message, str(caught.exception))
        self.assertEqual(self._count("bti.meeting"), count, "nothing was created")

    # ------------------------------------------------------------------
    # The agenda and who is invited
    # ------------------------------------------------------------------
    def test_defaults_and_agenda(self):
        goal = self._goal(name="Plays with the others")
        running = self._measure(goal, name="Language group twice a week")
        running.with_user(self.kg_teacher).action_start()
        stopped = self._measure(goal, name="Speech therapy at home")
        stopped.with_user(self.kg_teacher).action_stop()
        reached = self._goal(name="Sleeps through the night")
        reached.with_user(self.kg_teacher).action_reached()
        count = self._count("bti.meeting")
        with self.assertRaises(UserError):
            self._meeting(state="held")
        self.assertEqual(self._count("bti.meeting"), count, "the state is not forged")
        meeting = self._meeting()
        self.assertEqual(meeting.state, "draft")
        self.assertEqual(meeting.chair_id, self.kg_teacher)
        self.assertEqual(meeting.organizer_id, self.kg_teacher)
        self.assertEqual(meeting.service_ids, self.kindergarten | self.school)
        agenda = meeting.agenda
        self.assertIn("Consent given", agenda)
        self.assertIn("Language group twice a week", agenda)
        self.assertNotIn("Speech therapy at home", agenda)
        self.assertIn("Plays with the others", agenda)
        self.assertNotIn("Sleeps through the night", agenda)
        self.assertIn("child", agenda)
        self.assertIn("voice", agenda)
        # The form gets the same defaults.
        defaults = (
            self.env["bti.meeting"]
            .with_user(self.kg_teacher)
            .with_context(default_case_id=self.case.id)
            .default_get(["agenda", "chair_id", "service_ids"])
        )
        self.assertIn("Language group twice a week", defaults["agenda"])
        self.assertEqual(defaults["chair_id"], self.kg_teacher.id)
        # The agenda is the chair's to edit.
        meeting.with_user(self.kg_teacher).write({"agenda": "<p>1. Only this</p>"})
        self.assertEqual(meeting.agenda, "<p>1. Only this</p>")

    def test_service_without_consent_not_invited(self):
        self._assert_refused(
            ValidationError,
            "no valid consent covers it",
            service_ids=[Command.set((self.kindergarten | self.school | self.cws).ids)],
        )
        meeting = self._meeting()
        with self.assertRaises(ValidationError):
            meeting.with_user(self.kg_teacher).write(
                {"service_ids": [Command.link(self.cws.id)]}
            )
        self.assertNotIn(self.cws, meeting.service_ids)
        # PPT has not joined, but the consent covers it: it may be invited.
        meeting.with_user(self.kg_teacher).write(
            {
                "service_ids": [Command.link(self.ppt.id)],
                "staff_ids": [Command.link(self.ppt_advisor.id)],
            }
        )
        self.assertIn(self.ppt_advisor, meeting.staff_ids)

    def test_staff_of_invited_services_only(self):
        self._assert_refused(
            ValidationError,
            "is not a member of an invited service",
            staff_ids=[Command.set((self.kg_teacher | self.ppt_advisor).ids)],
        )

    def test_family_only(self):
        self._assert_refused(
            ValidationError,
            "neither the person nor a guardian",
            family_partner_ids=[Command.set((self.guardian | self.mother).ids)],
        )
        meeting = self._meeting(
            family_partner_ids=[
                Command.set((self.guardian | self.case.subject_partner_id).ids)
            ]
        )
        self.assertEqual(len(meeting.family_partner_ids), 2)

    # ------------------------------------------------------------------
    # Invitations
    # ------------------------------------------------------------------
    def test_send_invitations(self):
        self.guardian.email = "guardian@example.com"
        meeting = self._meeting()
        self.assertFalse(meeting.calendar_event_id)
        meeting.with_user(self.kg_teacher).action_send_invitations()
        self.assertEqual(meeting.state, "invited")
        events = (
            self.env["calendar.event"]
            .with_context(active_test=False)
            .search([("res_model", "=", "bti.meeting"), ("res_id", "=", meeting.id)])
        )
        self.assertEqual(len(events), 1)
        event = meeting.calendar_event_id
        self.assertEqual(events, event)
        self.assertEqual(
            event.partner_ids,
            self.kg_teacher.partner_id | self.school_teacher.partner_id | self.guardian,
        )
        self.assertEqual(event.privacy, "private")
        self.assertEqual(event.start, meeting.start)
        self.assertEqual(event.stop, meeting.stop)
        self.assertEqual(event.location, "Meeting room 2")
        self.assertIn(self.case.name, event.name)
        self.assertNotIn(self.child_name, event.name)
        self.assertNotIn(self.child_name, str(event.description))
        # An activity for each staff invitee, linked to the event.
        activities = self._staff_activities(meeting)
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.kg_teacher | self.school_teacher)
        self.assertEqual(activities.calendar_event_id, event)
        self.assertEqual(
            set(activities.mapped("date_deadline")),
            {self.env["bti.access.policy"]._date_of(meeting.start)},
        )
        # The guardian gets an e-mail with the calendar file.
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("partner_ids", "in", self.guardian.ids),
            ]
        )
        self.assertEqual(len(messages), 1)
        ics = messages.attachment_ids.filtered(lambda a: a.name.endswith(".ics"))
        self.assertEqual(len(ics), 1)
        self.assertEqual(ics.mimetype, "text/calendar")
        self.assertNotIn(self.child_name, messages.subject or "")
        # Sent as an e-mail (the mail.mail is deleted once sent).
        notification = self.env["mail.notification"].search(
            [
                ("mail_message_id", "=", messages.id),
                ("res_partner_id", "=", self.guardian.id),
            ]
        )
        self.assertEqual(notification.notification_type, "email")
        self.assertIn(notification.notification_status, ("ready", "sent"))
        # Staff get their activity, not an e-mail from the meeting.
        self.assertFalse(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "calendar.event"),
                    ("res_id", "=", event.id),
                    ("partner_ids", "in", self.school_teacher.partner_id.ids),
                ]
            )
        )
        # No chatter note about a missing e-mail address.
        self.assertFalse(
            meeting.message_ids.filtered(
                lambda m: "no e-mail address" in (m.body or "")
            )
        )

    def test_guardian_without_email_gets_a_note(self):
        self.guardian.email = False
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).action_send_invitations()
        self.assertEqual(meeting.state, "invited")
        notes = meeting.message_ids.filtered(
            lambda m: "no e-mail address" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertIn(self.guardian.name, notes.body)
        self.assertFalse(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "calendar.event"),
                    ("res_id", "=", meeting.calendar_event_id.id),
                    ("partner_ids", "in", self.guardian.ids),
                ]
            )
        )

    def test_send_refused(self):
        past = self._meeting(start=fields.Datetime.now() - datetime.timedelta(hours=2))
        with self.assertRaises(UserError) as caught:
            past.with_user(self.kg_teacher).action_send_invitations()
        self.assertIn("past", str(caught.exception))
        past.invalidate_recordset()
        self.assertEqual(past.state, "draft")
        self.assertFalse(past.calendar_event_id)
        self.assertFalse(self._staff_activities(past))
        empty = self._meeting(staff_ids=[], family_partner_ids=[])
        with self.assertRaises(UserError):
            empty.with_user(self.kg_teacher).action_send_invitations()
        self.assertEqual(empty.state, "draft")
        # Only the stafettholder, a leader or the organizer summons: not an
        # invited employee.
        other = self._meeting()
        with self.assertRaises(AccessError):
            other.with_user(self.school_teacher).action_send_invitations()
        self.assertEqual(other.state, "draft")
        self.assertFalse(other.calendar_event_id)

    def test_reschedule_updates_event(self):
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).action_send_invitations()
        event = meeting.calendar_event_id
        new_start = meeting.start + datetime.timedelta(days=3)
        meeting.with_user(self.kg_teacher).write(
            {"start": new_start, "location": "Meeting room 5"}
        )
        self.assertEqual(event.start, new_start)
        self.assertEqual(event.stop, new_start + datetime.timedelta(hours=1))
        self.assertEqual(event.location, "Meeting room 5")
        activities = self._staff_activities(meeting)
        self.assertEqual(len(activities), 2, "each invitee keeps one activity")
        self.assertEqual(activities.user_id, self.kg_teacher | self.school_teacher)
        self.assertEqual(
            set(activities.mapped("date_deadline")),
            {self.env["bti.access.policy"]._date_of(new_start)},
        )
        # The school teacher is no longer invited: attendee and activity go.
        meeting.with_user(self.kg_teacher).write(
            {"staff_ids": [Command.set(self.kg_teacher.ids)]}
        )
        self.assertEqual(event.partner_ids, self.kg_teacher.partner_id | self.guardian)
        self.assertEqual(len(self._staff_activities(meeting)), 1)
        self.assertEqual(self._staff_activities(meeting).user_id, self.kg_teacher)
        # Sending again reuses the one event.
        meeting.with_user(self.kg_teacher).action_send_invitations()
        self.assertEqual(meeting.calendar_event_id, event)
        self.assertEqual(
            self.env["calendar.event"].search_count(
                [("res_model", "=", "bti.meeting"), ("res_id", "=", meeting.id)]
            ),
            1,
        )
        self.assertEqual(len(self._staff_activities(meeting)), 1)

    def test_reschedule_sends_the_family_a_new_calendar_file(self):
        self.guardian.email = "guardian@example.com"
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).action_send_invitations()
        event = meeting.calendar_event_id
        domain = [
            ("model", "=", "calendar.event"),
            ("res_id", "=", event.id),
            ("partner_ids", "in", self.guardian.ids),
        ]
        self.assertEqual(self.env["mail.message"].search_count(domain), 1)
        # A change of the staff list only is not news for the family.
        meeting.with_user(self.kg_teacher).write(
            {"staff_ids": [Command.set(self.kg_teacher.ids)]}
        )
        self.assertEqual(self.env["mail.message"].search_count(domain), 1)
        meeting.with_user(self.kg_teacher).write(
            {"start": meeting.start + datetime.timedelta(days=2)}
        )
        messages = self.env["mail.message"].search(domain, order="id")
        self.assertEqual(len(messages), 2, "the family gets the new time")
        self.assertTrue(
            messages[-1].attachment_ids.filtered(lambda a: a.name.endswith(".ics"))
        )

    def test_cancel(self):
        self.guardian.email = "guardian@example.com"
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).action_send_invitations()
        event = meeting.calendar_event_id
        meeting.with_user(self.kg_teacher).action_cancel()
        self.assertEqual(meeting.state, "cancelled")
        # The family, invited by e-mail, is told; the text names no child.
        told = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("partner_ids", "in", self.guardian.ids),
                ("subject", "ilike", "Cancelled"),
            ]
        )
        self.assertEqual(len(told), 1)
        self.assertNotIn(self.child_name, told.body)
        self.assertNotIn(self.child_name, told.subject)
        self.assertFalse(event.active)
        self.assertFalse(self._staff_activities(meeting))
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).action_cancel()
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).write({"location": "Elsewhere"})
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).action_send_invitations()
        self.assertEqual(meeting.location, "Meeting room 2")

    def test_state_not_written_directly(self):
        meeting = self._meeting()
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).write({"state": "held"})
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).with_context(**FORGED_CONTEXT).write(
                {"state": "held"}
            )
        self.assertEqual(meeting.state, "draft")

    # ------------------------------------------------------------------
    # Minutes and decisions
    # ------------------------------------------------------------------
    def test_hold_needs_minutes(self):
        meeting = self._meeting()
        entries = self._count("bti.log.entry")
        with self.assertRaises(ValidationError) as caught:
            meeting.with_user(self.kg_teacher).action_hold()
        self.assertIn("minutes", str(caught.exception))
        meeting.invalidate_recordset()
        self.assertEqual(meeting.state, "draft")
        self.assertFalse(meeting.minutes_entry_id)
        self.assertEqual(self._count("bti.log.entry"), entries)

    def test_evaluation_meeting_needs_child_voice(self):
        goal = self._goal()
        measure = self._measure(goal)
        meeting = self._meeting(kind="evaluation")
        measure.with_user(self.kg_teacher).write({"meeting_id": meeting.id})
        meeting.with_user(self.kg_teacher).write(
            {
                "minutes": "<p>We evaluated the language group</p>",
                "next_evaluation_date": self.today + datetime.timedelta(days=30),
                "new_level_id": self.level3.id,
            }
        )
        entries = self._count("bti.log.entry")
        with self.assertRaises(ValidationError) as caught:
            meeting.with_user(self.kg_teacher).action_hold()
        self.assertIn("child's voice", str(caught.exception))
        meeting.invalidate_recordset()
        self.case.invalidate_recordset()
        self.assertEqual(meeting.state, "draft")
        self.assertFalse(meeting.minutes_entry_id)
        self.assertEqual(self._count("bti.log.entry"), entries)
        self.assertEqual(measure.state, "planned")
        self.assertFalse(self.case.bti_next_evaluation_date)
        self.assertEqual(self.case.level_id.code, 2)
        # With the child's voice, the minutes are an evaluation entry.
        meeting.with_user(self.kg_teacher).write(
            {"child_voice": "<p>He likes the group</p>", "new_level_id": False}
        )
        meeting.with_user(self.kg_teacher).action_hold()
        entry = meeting.minutes_entry_id
        self.assertEqual(entry.kind, "evaluation")
        self.assertEqual(entry.state, "published")
        self.assertIn("He likes the group", entry.child_voice)

    def test_hold_carries_decisions(self):
        goal = self._goal()
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).action_send_invitations()
        starts_now = self._measure(goal, name="Starts now", meeting_id=meeting.id)
        starts_later = self._measure(
            goal,
            name="Starts later",
            meeting_id=meeting.id,
            date_start=self.today + datetime.timedelta(days=10),
            date_evaluation=self.today + datetime.timedelta(days=50),
        )
        next_evaluation = self.today + datetime.timedelta(days=45)
        meeting.with_user(self.kg_teacher).write(
            {
                "minutes": "<p>We agreed on a language group</p>",
                "child_voice": "<p>Wants to play football</p>",
                "new_level_id": self.level3.id,
                "baton_decision": "passes",
                "next_holder_id": self.school_teacher.id,
                "next_holder_service_id": self.school.id,
                "next_evaluation_date": next_evaluation,
                "inform_child_user_id": self.kg_teacher2.id,
            }
        )
        self.assertEqual(len(self._staff_activities(meeting)), 2)
        meeting.with_user(self.kg_teacher).action_hold()
        self.assertEqual(meeting.state, "held")
        # The minutes: a published log entry with the child's voice.
        entry = meeting.minutes_entry_id
        self.assertTrue(entry)
        self.assertEqual(entry.state, "published")
        self.assertEqual(entry.kind, "minutes")
        self.assertEqual(entry.case_id, self.case)
        self.assertEqual(entry.meeting_id, meeting)
        self.assertEqual(entry.author_id, self.kg_teacher)
        self.assertIn("We agreed on a language group", entry.body)
        self.assertIn("Starts now", entry.body)
        self.assertIn("Wants to play football", entry.child_voice)
        # The decisions, in one step.
        self.assertEqual(starts_now.state, "running")
        self.assertEqual(starts_later.state, "planned")
        self.assertEqual(self.case.bti_next_evaluation_date, next_evaluation)
        self.assertEqual(self.case.level_id, self.level3)
        proposed = self.case.sudo().baton_ids.filtered(lambda b: b.state == "proposed")
        self.assertEqual(len(proposed), 1)
        self.assertEqual(proposed.holder_id, self.school_teacher)
        self.assertEqual(proposed.service_id, self.school)
        self.assertEqual(self.case.holder_id, self.kg_teacher, "until accepted")
        inform = self.case.activity_ids.filtered(
            lambda a: a.user_id == self.kg_teacher2 and "Tell the child" in a.summary
        )
        self.assertEqual(len(inform), 1)
        self.assertFalse(self._staff_activities(meeting), "the meeting is done")
        # A held meeting is a record.
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).write({"minutes": "<p>Rewritten</p>"})
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).action_hold()
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).action_cancel()
        with self.assertRaises(UserError):
            meeting.with_user(self.kg_teacher).action_send_invitations()
        self.assertIn("We agreed on a language group", meeting.minutes)
        self.assertEqual(meeting.state, "held")
        self.assertEqual(
            self.env["bti.log.entry"].search_count([("meeting_id", "=", meeting.id)]), 1
        )

    def test_baton_passes_needs_a_name(self):
        meeting = self._meeting()
        meeting.with_user(self.kg_teacher).write(
            {"minutes": "<p>The baton passes</p>", "baton_decision": "passes"}
        )
        entries = self._count("bti.log.entry")
        with self.assertRaises(ValidationError):
            meeting.with_user(self.kg_teacher).action_hold()
        self.assertEqual(meeting.state, "draft")
        self.assertEqual(self._count("bti.log.entry"), entries)
        self.assertFalse(
            self.case.sudo().baton_ids.filtered(lambda b: b.state == "proposed")
        )
