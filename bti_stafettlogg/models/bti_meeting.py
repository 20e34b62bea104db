from datetime import timedelta

import pytz

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, is_html_empty

from .bti_log_content_mixin import (
    CONTENT_CREATE_FIELDS,
    CONTENT_UNLOGGED_FIELDS,
    CONTENT_WRITE_FIELDS,
)

MEETING_KINDS = [
    ("cooperation", "Cooperation meeting"),
    ("evaluation", "Evaluation meeting"),
    ("ad_hoc", "Ad hoc meeting"),
    ("network", "Network meeting"),
    ("first", "First meeting with a new service"),
]
# What a user plans and writes while the meeting is planned or invited. The
# state, the calendar event and the minutes entry are the system's; who
# organizes is chosen when summoning; a held or cancelled meeting is a record.
MEETING_FIELDS = frozenset(
    {
        "kind",
        "start",
        "duration",
        "location",
        "video_url",
        "chair_id",
        "service_ids",
        "staff_ids",
        "family_partner_ids",
        "agenda",
        "child_voice",
        "minutes",
        "baton_decision",
        "next_holder_id",
        "next_holder_service_id",
        "new_level_id",
        "next_evaluation_date",
        "inform_child_user_id",
        "measure_ids",
    }
)


class BtiMeeting(models.Model):
    """A meeting about the child, summoned by the stafettholder.

    Sending the invitations creates one calendar event with every attendee, an
    activity for each staff invitee and an e-mail invitation with a calendar
    file for the family. While the case carries a suspicion of violence or
    abuse the family is not invited, not an attendee and not told anything
    (see :meth:`_bti_family_invitees`). The minutes become a log entry, and the
    decisions taken (new measures, a level change, a baton proposal, the next
    evaluation date) are carried into the case in one step.
    """

    _name = "bti.meeting"
    _description = "BTI Meeting"
    _inherit = ["bti.log.content.mixin", "mail.activity.mixin"]
    _order = "start desc, id desc"
    # Its kind and time, and who is invited from the services: what the
    # label, the calendar and the access rules read (bti.access.logged). The
    # family, the place, the agenda, the minutes and the decisions are content.
    _bti_unlogged_fields = CONTENT_UNLOGGED_FIELDS | {
        "kind",
        "start",
        "stop",
        "duration",
        "organizer_id",
        "chair_id",
        "service_ids",
        "staff_ids",
        "calendar_event_id",
    }
    _bti_create_fields = CONTENT_CREATE_FIELDS | MEETING_FIELDS | {"organizer_id"}
    _bti_write_fields = {
        "draft": CONTENT_WRITE_FIELDS | MEETING_FIELDS,
        "invited": CONTENT_WRITE_FIELDS | MEETING_FIELDS,
    }
    _bti_frozen_states = frozenset({"held", "cancelled"})

    kind = fields.Selection(
        MEETING_KINDS, required=True, default="cooperation", tracking=True
    )
    start = fields.Datetime(required=True, tracking=True, index=True)
    duration = fields.Float(default=1.0, help="In hours.")
    stop = fields.Datetime(compute="_compute_stop", store=True)
    location = fields.Char(string="Place", tracking=True)
    video_url = fields.Char(string="Video Link")
    organizer_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    chair_id = fields.Many2one(
        "res.users",
        ondelete="restrict",
        help="Who chairs the meeting: normally the stafettholder.",
    )
    service_ids = fields.Many2many(
        "bti.service",
        string="Invited Services",
        help="A service that does not take part yet needs a consent that covers it.",
    )
    staff_ids = fields.Many2many(
        "res.users",
        "bti_meeting_staff_rel",
        "meeting_id",
        "user_id",
        domain="[('bti_service_ids', 'in', service_ids)]",
    )
    family_partner_ids = fields.Many2many(
        "res.partner",
        "bti_meeting_family_rel",
        "meeting_id",
        "partner_id",
        string="Family",
        help="Guardians and the young person invited.",
    )
    violence_suspicion = fields.Boolean(
        related="case_id.violence_suspicion",
        string="Suspicion of Violence or Abuse",
        help="While the case carries it, the family is not invited or told anything.",
    )
    agenda = fields.Html(sanitize=True)
    child_voice = fields.Html(
        string="The Child's Voice",
        sanitize=True,
        help="What the child or young person said, or why the child could not be "
        "heard. Required in an evaluation meeting.",
    )
    minutes = fields.Html(sanitize=True)
    baton_decision = fields.Selection(
        [("stays", "The baton stays"), ("passes", "The baton passes")],
        string="The Baton",
    )
    next_holder_id = fields.Many2one("res.users", string="Proposed Next Stafettholder")
    next_holder_service_id = fields.Many2one(
        "bti.service", string="Service of the Next Holder"
    )
    new_level_id = fields.Many2one("bti.level")
    next_evaluation_date = fields.Date()
    inform_child_user_id = fields.Many2one("res.users", string="Who Informs the Child")
    measure_ids = fields.One2many("bti.measure", "meeting_id", string="New Measures")
    state = fields.Selection(
        [
            ("draft", "Planned"),
            ("invited", "Invited"),
            ("held", "Held"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
    )
    calendar_event_id = fields.Many2one("calendar.event", readonly=True, copy=False)
    minutes_entry_id = fields.Many2one("bti.log.entry", readonly=True, copy=False)

    def _bti_when(self):
        """The start as the reader writes it (nb: 04.11.2026 13:00), in the
        municipality's time zone, the same for every reader."""
        if not self.start:
            return ""
        zone = pytz.timezone(self.env["bti.access.policy"]._timezone())
        local = pytz.utc.localize(self.start).astimezone(zone)
        return "{} {}".format(
            format_date(self.env, local.date()), local.strftime("%H:%M")
        )

    def _bti_label(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return "{} {}".format(kinds.get(self.kind, ""), self._bti_when())

    def _bti_neutral_label(self):
        return _("Meeting #%s", self.id or "")

    @api.model
    def _bti_readable_user_branches(self, user):
        """Invited staff read the meeting they are invited to, whatever the read
        scope of their service, while their service takes part with access."""
        return super()._bti_readable_user_branches(user) + [
            [("staff_ids", "in", [user.id])]
        ]

    @api.depends("start", "duration")
    def _compute_stop(self):
        for meeting in self:
            meeting.stop = meeting.start and meeting.start + timedelta(
                hours=meeting.duration or 1.0
            )

    # ------------------------------------------------------------------
    # Defaults and the agenda
    # ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        case_id = values.get("case_id") or self.env.context.get("default_case_id")
        if case_id:
            defaults = self._bti_case_defaults(
                self.env["bti.case"].browse(case_id),
                values.get("kind") or "cooperation",
            )
            for fname, value in defaults.items():
                if fname in fields_list and not values.get(fname):
                    values[fname] = value
            # No family is preset (e.g. by a context default) while the case
            # carries a suspicion of violence or abuse.
            if self.env["bti.case"].browse(case_id)._bti_family_silenced():
                values.pop("family_partner_ids", None)
        return values

    @api.model
    def _bti_case_defaults(self, case, kind):
        """Chair, invited services and agenda of a new meeting about ``case``."""
        services = case._bti_taking_part_services()
        return {
            "chair_id": case.holder_id.id,
            "service_ids": [Command.set(services.ids)],
            "agenda": case._bti_meeting_agenda(kind),
        }

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.case_id and self.state == "draft":
            self.agenda = self.case_id._bti_meeting_agenda(self.kind)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("service_ids", "case_id")
    def _check_services(self):
        for meeting in self:
            case = meeting.case_id
            for service in meeting.service_ids:
                policy = self.env["bti.access.policy"]
                if case._bti_service_has_access(service) or policy._consents_covering(
                    case, service
                ):
                    continue
                raise ValidationError(
                    _(
                        "%(service)s cannot be invited to a meeting about case "
                        "%(case)s: no valid consent covers it. "
                        "Record the consent first.",
                        service=service.name,
                        case=case.name,
                    )
                )

    @api.constrains("staff_ids", "service_ids", "case_id")
    def _check_staff(self):
        for meeting in self:
            # sudo: memberships are configuration; the check returns nothing.
            members = (
                meeting.service_ids.sudo().member_ids
                | meeting.service_ids.sudo().leader_ids
            )
            strangers = meeting.staff_ids - members
            if strangers:
                raise ValidationError(
                    _(
                        "%s is not a member of an invited service: "
                        "invite the service first.",
                        ", ".join(strangers.mapped("name")),
                    )
                )

    @api.constrains("family_partner_ids", "case_id")
    def _check_family(self):
        for meeting in self:
            if meeting.family_partner_ids:
                meeting._bti_check_family_reachable()
            case_sudo = meeting.case_id.sudo()  # sudo: compares partner ids only
            family = case_sudo.subject_partner_id | case_sudo.guardian_ids.partner_id
            strangers = meeting.family_partner_ids - family
            if strangers:
                raise ValidationError(
                    _(
                        "%s is neither the person nor a guardian in this case.",
                        ", ".join(strangers.mapped("name")),
                    )
                )

    @api.constrains("duration")
    def _check_duration(self):
        for meeting in self:
            if meeting.duration <= 0:
                raise ValidationError(_("A meeting lasts longer than zero hours."))

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        vals_list = super()._bti_prepare_create_vals(vals_list)
        for vals in vals_list:
            if vals.get("case_id"):
                defaults = self._bti_case_defaults(
                    self.env["bti.case"].browse(vals["case_id"]),
                    vals.get("kind") or "cooperation",
                )
                for fname, value in defaults.items():
                    if fname not in vals:
                        vals[fname] = value
        return vals_list

    def _bti_record_roles(self, user):
        roles = super()._bti_record_roles(user)
        # sudo: who organizes and who is invited decide roles; only the
        # comparison leaves.
        meeting_sudo = self.sudo()
        if meeting_sudo.organizer_id == user:
            roles.add("organizer")
        if user in meeting_sudo.staff_ids:
            roles.add("invitee")
        return roles

    def write(self, vals):
        res = super().write(vals)
        changed = {
            "start",
            "duration",
            "location",
            "video_url",
            "staff_ids",
            "family_partner_ids",
        }
        if changed & set(vals):
            invited = self.filtered(lambda m: m.state == "invited")
            invited._bti_update_event()
            # The family got a calendar file with the old time or place: send
            # the updated one (staff see the change in their activity).
            if {"start", "duration", "location", "video_url"} & set(vals):
                for meeting in invited:
                    meeting._bti_invite_family()
        return res

    def _bti_set_state(self, state):
        return self._bti_system_write({"state": state})

    # ------------------------------------------------------------------
    # Invitations
    # ------------------------------------------------------------------
    def _bti_family_invitees(self):
        """The invited family members the meeting may reach: none while the
        case carries a suspicion of violence or abuse."""
        self.ensure_one()
        if self._bti_family_silenced():
            return self.env["res.partner"]
        return self.family_partner_ids

    def _bti_event_values(self):
        self.ensure_one()
        attendees = self.staff_ids.partner_id | self._bti_family_invitees()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        # The event is seen in calendars and sent to the family: it names the
        # case reference and the kind of meeting, never the child or content.
        return {
            "name": _(
                "%(kind)s – BTI case %(case)s",
                kind=kinds[self.kind],
                case=self.case_id.name,
            ),
            "start": self.start,
            "stop": self.stop,
            "location": self.location or False,
            "videocall_location": self.video_url or False,
            "user_id": self.organizer_id.id,
            "privacy": "private",
            "description": self._bti_notification_text(),
            "partner_ids": [Command.set(attendees.ids)],
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
        }

    def action_send_invitations(self):
        """One calendar event, an activity per staff invitee, and an e-mail
        invitation with a calendar file for the family."""
        for meeting in self:
            meeting._bti_check_action("action_send_invitations")
            meeting.case_id._bti_check_log_writable()
            if meeting.state not in ("draft", "invited"):
                raise UserError(_("Only a planned meeting can be summoned."))
            family = meeting._bti_family_invitees()
            if not meeting.staff_ids and not family:
                raise UserError(_("Invite someone first: staff or the family."))
            if meeting.start < fields.Datetime.now():
                raise UserError(_("The meeting starts in the past: choose a new time."))
            meeting._check_services()
            event_vals = meeting._bti_event_values()
            Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
            if meeting.calendar_event_id:
                meeting._bti_write_event(event_vals)
                event = meeting.calendar_event_id
            else:
                event = Event.create(event_vals)
                meeting._bti_system_write({"calendar_event_id": event.id})
            meeting._bti_schedule_staff_activities()
            meeting._bti_invite_family()
            meeting._bti_set_state("invited")
            meeting.message_post(
                body=_(
                    "Invitations sent to %(count)s staff "
                    "and %(family)s family members.",
                    count=len(meeting.staff_ids),
                    family=len(family),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _bti_schedule_staff_activities(self):
        self.ensure_one()
        activity_type = self.env.ref("bti_stafettlogg.mail_activity_type_bti_meeting")
        existing = self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        for user in self.staff_ids - existing.user_id:
            self.activity_schedule(
                act_type_xmlid="bti_stafettlogg.mail_activity_type_bti_meeting",
                date_deadline=self.env["bti.access.policy"]._date_of(self.start),
                summary=_("Meeting about case %s", self.case_id.name),
                user_id=user.id,
                calendar_event_id=self.calendar_event_id.id,
            )
        uninvited = existing.filtered(lambda a: a.user_id not in self.staff_ids)
        uninvited.unlink()
        (existing - uninvited).write(
            {"date_deadline": self.env["bti.access.policy"]._date_of(self.start)}
        )

    def _bti_invite_family(self):
        self.ensure_one()
        family = self._bti_family_invitees()
        if not family:
            return
        attendees = self.calendar_event_id.attendee_ids.filtered(
            lambda a: a.partner_id in family
        )
        without_email = attendees.filtered(lambda a: not a.email)
        if without_email:
            self.message_post(
                body=_(
                    "%s has no e-mail address: send the invitation by letter or phone.",
                    ", ".join(without_email.partner_id.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        # The calendar's own invitation: an e-mail with the .ics file.
        (attendees - without_email)._send_invitation_emails()

    def _bti_write_event(self, event_vals):
        self.ensure_one()
        event = self.calendar_event_id
        if event.user_id.id == event_vals.get("user_id"):
            # Writing the organizer makes calendar.event hand every activity
            # linked to the event to the organizer (_sync_activities): the
            # staff invitees would lose theirs. Write it only when it changes.
            event_vals = dict(event_vals)
            del event_vals["user_id"]
        event.with_context(no_mail_to_attendees=True).write(event_vals)

    def _bti_update_event(self):
        for meeting in self.filtered("calendar_event_id"):
            meeting._bti_write_event(meeting._bti_event_values())
            meeting._bti_schedule_staff_activities()

    def action_cancel(self):
        self._bti_check_action("action_cancel")
        for meeting in self:
            if meeting.state not in ("draft", "invited"):
                raise UserError(_("Only a planned meeting can be cancelled."))
            meeting.case_id._bti_check_log_writable()
            meeting.activity_unlink(["bti_stafettlogg.mail_activity_type_bti_meeting"])
            if meeting.calendar_event_id:
                if meeting.state == "invited":
                    meeting._bti_tell_family_cancelled()
                meeting.calendar_event_id.action_archive()
            meeting._bti_set_state("cancelled")
        return True

    def _bti_tell_family_cancelled(self):
        """The family got an invitation by e-mail: tell them it is cancelled,
        the way the calendar sends its invitations."""
        self.ensure_one()
        event = self.calendar_event_id
        family = self._bti_family_invitees()
        partners = event.attendee_ids.filtered(
            lambda a: a.partner_id in family and a.email
        ).partner_id
        if not partners:
            return
        when = self._bti_when()
        # sudo: as calendar.attendee._send_mail_to_attendees, so that any
        # stafettholder, not only the organizer, can notify on the event.
        event.with_context(no_document=True).sudo().message_notify(
            partner_ids=partners.ids,
            subject=_("Cancelled: %s", event.name),
            body=_(
                "The meeting on %(when)s (%(name)s) is cancelled. The stafettholder "
                "will contact you about a new time.",
                when=when,
                name=event.name,
            ),
            email_layout_xmlid="mail.mail_notification_light",
        )

    # ------------------------------------------------------------------
    # Minutes and decisions
    # ------------------------------------------------------------------
    def action_hold(self):
        """Approve the minutes: they become a log entry, and the decisions of
        the meeting are carried into the case, in one step."""
        self._bti_check_action("action_hold")
        for meeting in self:
            case = meeting.case_id
            case._bti_check_log_writable()
            if meeting.state not in ("draft", "invited"):
                raise UserError(_("The minutes of this meeting are already approved."))
            if is_html_empty(meeting.minutes):
                raise ValidationError(_("Write the minutes before approving them."))
            if meeting.kind == "evaluation" and is_html_empty(meeting.child_voice):
                raise ValidationError(
                    _(
                        "An evaluation meeting records the child's voice: "
                        "write what the child said, "
                        "or why the child could not be heard."
                    )
                )
            if meeting.baton_decision == "passes" and not (
                meeting.next_holder_id and meeting.next_holder_service_id
            ):
                raise ValidationError(
                    _("Name the next stafettholder and their service.")
                )
            entry = self.env["bti.log.entry"].create(
                meeting._bti_minutes_entry_values()
            )
            entry.action_publish()
            meeting._bti_system_write({"minutes_entry_id": entry.id})
            meeting._bti_carry_decisions()
            meeting.activity_unlink(["bti_stafettlogg.mail_activity_type_bti_meeting"])
            meeting._bti_set_state("held")
        return True

    def _bti_minutes_entry_values(self):
        self.ensure_one()
        body = self.env["ir.qweb"]._render(
            "bti_stafettlogg.meeting_minutes_body", {"meeting": self}
        )
        return {
            "case_id": self.case_id.id,
            "kind": "evaluation" if self.kind == "evaluation" else "minutes",
            "subject": self._bti_label(),
            "body": body,
            "child_voice": self.child_voice,
            "visibility": self.visibility,
            "info_category_id": self.info_category_id.id,
            "meeting_id": self.id,
            "date": self.start,
        }

    def _bti_carry_decisions(self):
        self.ensure_one()
        case = self.case_id
        today = self.env["bti.access.policy"]._today()
        self.measure_ids.filtered(
            lambda m: m.state == "planned" and m.date_start <= today
        )._bti_start()
        if self.next_evaluation_date:
            case._bti_system_write(
                {"bti_next_evaluation_date": self.next_evaluation_date}
            )
        if self.inform_child_user_id:
            case.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo",
                user_id=self.inform_child_user_id.id,
                summary=_(
                    "Tell the child what the meeting decided (case %s)", case.name
                ),
            )
        if (
            self.new_level_id
            and self.new_level_id != case.level_id
            and case.state == "active"
        ):
            case._bti_decide(
                f"level_{self.new_level_id.code}", note=_("Decided in a meeting.")
            )
        if self.baton_decision == "passes":
            self.env["bti.baton"]._bti_propose(
                case,
                self.next_holder_id,
                self.next_holder_service_id,
                _("Decided in a meeting."),
            )
