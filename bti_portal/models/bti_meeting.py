from odoo import _, fields, models
from odoo.exceptions import UserError


class BtiMeeting(models.Model):
    _inherit = "bti.meeting"

    def _bti_family_attendee(self):
        """The calendar attendee of the current portal user on this meeting
        (an empty recordset when not invited), as the system: the portal has
        no right on calendar attendees. Only for a meeting the user reads."""
        self.ensure_one()
        partner = self.env["bti.access.policy"]._family_partner()
        # sudo: the invitees and the event decide; callers checked that the
        # user reads the meeting through the family's rules.
        meeting_sudo = self.sudo()
        if not partner or partner not in meeting_sudo._bti_family_invitees():
            return self.env["calendar.attendee"]
        return meeting_sudo.calendar_event_id.attendee_ids.filtered(
            lambda a: a.partner_id == partner
        )

    def _bti_family_is_upcoming(self):
        self.ensure_one()
        # sudo: the state and time only, of a meeting the user reads.
        meeting_sudo = self.sudo()
        return meeting_sudo.state == "invited" and meeting_sudo.start > (
            fields.Datetime.now()
        )

    def action_family_accept(self):
        """The invited guardian or young person takes part."""
        return self._bti_family_answer("accepted")

    def action_family_decline(self):
        """The invited guardian or young person does not take part."""
        return self._bti_family_answer("declined")

    def _bti_family_answer(self, answer):
        self.ensure_one()
        action = (
            "action_family_accept"
            if answer == "accepted"
            else ("action_family_decline")
        )
        self._bti_check_action(action)
        # The family reads the meeting through its own rules (also over RPC).
        self.check_access("read")
        attendee_sudo = self._bti_family_attendee()
        if not attendee_sudo:
            raise UserError(_("You are not invited to this meeting."))
        if not self._bti_family_is_upcoming():
            raise UserError(_("This meeting can no longer be answered."))
        # sudo: the portal has no right on calendar attendees; the attendee is
        # the user's own, on a meeting the user reads. Not do_accept(): that
        # posts on the event to every attendee.
        attendee_sudo.write({"state": answer})
        partner = attendee_sudo.partner_id
        # sudo: who organizes and who holds the baton, to tell them.
        meeting_sudo = self.sudo()
        body = (
            _("%s has accepted the invitation to the meeting.", partner.name)
            if answer == "accepted"
            else _("%s has declined the invitation to the meeting.", partner.name)
        )
        told = meeting_sudo.organizer_id | meeting_sudo.case_id.holder_id
        # sudo: the portal user may not post on the meeting; the message goes
        # to the organizer and the stafettholder, by e-mail without content.
        meeting_sudo.message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            partner_ids=told.partner_id.ids,
        )
        return True

    def _bti_family_ics(self):
        """The meeting's calendar file, as the invitation e-mail carries it:
        the calendar's own (calendar.event._get_ics_file)."""
        self.ensure_one()
        # sudo: the portal has no right on calendar events; only the event of
        # a meeting the user reads and is invited to (checked by the caller).
        event_sudo = self.sudo().calendar_event_id
        return event_sudo._get_ics_file().get(event_sudo.id) if event_sudo else None
