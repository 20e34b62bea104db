from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.bti_core.models.bti_case import CASE_UNLOGGED_FIELDS

from .bti_measure import OPEN_STATES

# The duty action of each appointment (bti_stafettlogg/security/action_policy.csv).
APPOINT_ACTIONS = {
    "log_keeper": "action_bti_appoint_log_keeper",
    "watcher": "action_bti_appoint_watcher",
    "contact": "action_bti_be_contact",
}


class BtiCase(models.Model):
    """The stafettlogg of a case, and the stafettholder's duties as actions."""

    _inherit = "bti.case"
    # Who has which duty, and the archive's bookkeeping (bti.access.logged).
    _bti_unlogged_fields = CASE_UNLOGGED_FIELDS | {
        "bti_log_keeper_id",
        "bti_watcher_id",
        "bti_contact_id",
        "bti_next_evaluation_date",
    }

    log_entry_ids = fields.One2many("bti.log.entry", "case_id", string="Log Entries")
    goal_ids = fields.One2many("bti.goal", "case_id", string="Goals")
    measure_ids = fields.One2many("bti.measure", "case_id", string="Measures")
    meeting_ids = fields.One2many("bti.meeting", "case_id", string="Meetings")
    log_entry_count = fields.Integer(compute="_compute_log_counts")
    goal_count = fields.Integer(compute="_compute_log_counts")
    measure_count = fields.Integer(compute="_compute_log_counts")
    meeting_count = fields.Integer(compute="_compute_log_counts")
    overdue_measure_count = fields.Integer(compute="_compute_log_counts")
    # The text under the number of measures of the smart button: what the
    # number counts, and how many evaluations are overdue.
    measure_stat_text = fields.Char(compute="_compute_measure_stat_text")
    bti_log_keeper_id = fields.Many2one(
        "res.users",
        string="Keeps the Log",
        readonly=True,
        tracking=True,
        help="Who keeps the log, when the stafettholder has asked someone to.",
    )
    bti_watcher_id = fields.Many2one(
        "res.users",
        string="Watches the Development",
        readonly=True,
        tracking=True,
        help="Who was appointed to watch the child's development.",
    )
    bti_contact_id = fields.Many2one(
        "res.users",
        string="Contact Person of the Family",
        readonly=True,
        tracking=True,
    )
    bti_next_evaluation_date = fields.Date(
        string="Next Evaluation", readonly=True, tracking=True
    )
    log_archive_ids = fields.One2many(
        "bti.log.archive", "case_id", string="Archive Copies"
    )
    archive_sha256 = fields.Char(
        string="Archive Copy SHA-256", compute="_compute_archive", compute_sudo=True
    )
    archive_date = fields.Datetime(
        string="Archive Copy Made", compute="_compute_archive", compute_sudo=True
    )

    @api.depends_context("uid")
    def _compute_log_counts(self):
        # Counted with the user's rights (each part is the model's _search, with
        # its record rules): what the reader may see. One statement for all.
        ids = [case_id for case_id in self.ids if isinstance(case_id, int)]
        counts = {}
        if ids:
            today = self.env["bti.access.policy"]._today()
            parts = []
            for key, model, domain in (
                ("entries", "bti.log.entry", [("state", "=", "published")]),
                ("goals", "bti.goal", []),
                ("meetings", "bti.meeting", []),
                ("measures", "bti.measure", []),
            ):
                Model = self.env[model]
                Model.flush_model(
                    [
                        "case_id",
                        "state",
                        *(["date_evaluation"] if model == "bti.measure" else []),
                    ]
                )
                query = Model._search([("case_id", "in", ids), *domain])
                query.order = None
                case_col = SQL.identifier(query.table, "case_id")
                query.groupby = case_col
                overdue = SQL("0")
                if model == "bti.measure":
                    overdue = SQL(
                        "COUNT(*) FILTER (WHERE %s IN %s AND %s < %s)",
                        SQL.identifier(query.table, "state"),
                        OPEN_STATES,
                        SQL.identifier(query.table, "date_evaluation"),
                        today,
                    )
                parts.append(
                    SQL(
                        "(%s)",
                        query.select(
                            SQL("%s", key), case_col, SQL("COUNT(*)"), overdue
                        ),
                    )
                )
            for key, case_id, count, overdue in self.env.execute_query(
                SQL(" UNION ALL ").join(parts)
            ):
                counts[key, case_id] = count
                if key == "measures":
                    counts["overdue", case_id] = overdue
        for case in self:
            case.log_entry_count = counts.get(("entries", case.id), 0)
            case.goal_count = counts.get(("goals", case.id), 0)
            case.measure_count = counts.get(("measures", case.id), 0)
            case.meeting_count = counts.get(("meetings", case.id), 0)
            case.overdue_measure_count = counts.get(("overdue", case.id), 0)

    @api.depends("overdue_measure_count")
    def _compute_measure_stat_text(self):
        for case in self:
            overdue = case.overdue_measure_count
            if not overdue:
                case.measure_stat_text = _("Measures")
            elif overdue == 1:
                case.measure_stat_text = _("Measures, 1 overdue evaluation")
            else:
                case.measure_stat_text = _("Measures, %s overdue evaluations", overdue)

    @api.depends("log_archive_ids")
    def _compute_archive(self):
        # compute_sudo: the hash and date of the copy, never the copy itself,
        # are shown to everyone who reads the case.
        for case in self:
            archive = case.log_archive_ids[:1]
            case.archive_sha256 = archive.sha256
            case.archive_date = archive.date

    # ------------------------------------------------------------------
    # Rules of the log
    # ------------------------------------------------------------------
    def _bti_check_log_writable(self):
        for case in self:
            if case.state == "closed":
                raise UserError(
                    _(
                        "Case %s is closed: its stafettlogg is read-only.",
                        case.name,
                    )
                )

    def _bti_check_log_open(self):
        """A stafettlogg is opened only after consent."""
        for case in self:
            if not self.env["bti.access.policy"]._valid_consents(case):
                raise UserError(
                    _(
                        "The stafettlogg of case %s is opened only after consent: "
                        "record the family's consent first.",
                        case.name,
                    )
                )

    def _bti_author_service_ids(self, user=None):
        """Ids of the services through which ``user`` writes in this case: theirs,
        taking part with access."""
        policy = self.env["bti.access.policy"]
        services = policy._services(user) or self.env["bti.service"]
        return (self._bti_taking_part_services() & services).ids

    def _bti_service_has_access(self, service):
        return service in self._bti_taking_part_services()

    def _bti_announce_log_entry(self, entry):
        """Tell the followers that the log has something new, without content.

        Entries kept inside one service are not announced to the others."""
        self.ensure_one()
        if entry.visibility == "service":
            return
        self.message_post(
            body=_("New entry in the stafettlogg."),
            subtype_xmlid="bti_stafettlogg.mt_log_entry",
        )

    def _bti_meeting_agenda(self, kind):
        """The agenda of the BTI meeting template, filled in from the case."""
        return self.env["ir.qweb"]._render(
            "bti_stafettlogg.meeting_agenda", self._bti_meeting_agenda_values(kind)
        )

    def _bti_meeting_agenda_values(self, kind):
        """What an agenda says of the case: consent, running measures, open
        goals."""
        self.ensure_one()
        # The user's own rights: the agenda lists only what its author may read.
        measures = self.env["bti.measure"].search(
            [("case_id", "=", self.id), ("state", "in", ("planned", "running"))]
        )
        goals = self.env["bti.goal"].search(
            [("case_id", "=", self.id), ("state", "=", "open")]
        )
        return {
            "case": self,
            "kind": kind,
            "measures": measures,
            "goals": goals,
            "consent_state": dict(
                self._fields["consent_state"]._description_selection(self.env)
            ).get(self.consent_state),
        }

    def _bti_stafettlogg_content(self, family=False):
        """What the printed log shows: searched with the reader's rights (the
        archive copy is rendered as superuser, so it holds everything); the
        family's copy only what reaches the family."""
        self.ensure_one()
        domain = [("case_id", "=", self.id)]
        content = list(domain)
        participants = (
            self.env["bti.case.participant"]
            .with_context(active_test=False)
            .search(domain)
        )
        if family:
            content += self.env["bti.access.policy"]._family_copy_domain(self)
            # The family reads the services that take part with access, and
            # those that took part (as the portal's case page): not a service
            # waiting for a consent.
            participants = participants.filtered(
                lambda p: p.access_granted or p.date_left
            )
        return {
            "entries": self.env["bti.log.entry"].search(
                content + [("state", "=", "published")], order="date, id"
            ),
            "goals": self.env["bti.goal"].search(content),
            "measures": self.env["bti.measure"].search(
                content, order="goal_id, date_start, id"
            ),
            "meetings": self.env["bti.meeting"].search(content, order="start, id"),
            "participants": participants,
        }

    # ------------------------------------------------------------------
    # Closing: the archive copy
    # ------------------------------------------------------------------
    def _bti_close(self, reason, note=False, date=False):
        res = super()._bti_close(reason, note=note, date=date)
        self._bti_archive_log()
        return res

    def _bti_archive_log(self):
        """Render the complete stafettlogg and keep it with its SHA-256."""
        reasons = dict(self._fields["close_reason"]._description_selection(self.env))
        for case in self:
            # sudo: the archive copy is the complete log, whatever the closer may
            # read; only the owning service's leaders read it (bti.log.archive).
            report_sudo = self.env["ir.actions.report"].sudo()
            content, kind = report_sudo._render_qweb_pdf(
                "bti_stafettlogg.action_report_stafettlogg", res_ids=case.ids
            )
            mimetype = "application/pdf" if kind == "pdf" else "text/html"
            self.env["bti.log.archive"]._bti_create_for(
                case, content, mimetype, reasons.get(case.close_reason, "")
            )
            case.message_post(
                body=_("The archive copy of the stafettlogg was made."),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # The stafettholder's duties, each one action
    # ------------------------------------------------------------------
    def _bti_open(self, xml_id, context=None, domain=None):
        """The window action ``xml_id``, opened on this case."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["context"] = {"default_case_id": self.id, **(context or {})}
        if domain is not None:
            action["domain"] = domain
        return action

    def _bti_check_duty(self, action):
        """The stafettholder's duty ``action`` (the action table says who and
        when), on a log that is not closed."""
        self._bti_check_action(action)
        self._bti_check_log_writable()

    def action_bti_summon_meeting(self):
        """Summon a cross-disciplinary meeting."""
        self._bti_check_duty("action_bti_summon_meeting")
        self._bti_check_log_open()
        return self._bti_open(
            "bti_stafettlogg.action_bti_meeting_summon", {"default_kind": "cooperation"}
        )

    def action_bti_summon_adhoc_meeting(self):
        """Summon an ad hoc meeting."""
        self._bti_check_duty("action_bti_summon_adhoc_meeting")
        self._bti_check_log_open()
        return self._bti_open(
            "bti_stafettlogg.action_bti_meeting_summon_adhoc",
            {"default_kind": "ad_hoc"},
        )

    def action_bti_invite_family(self):
        """Involve the child and the parents: a meeting with the family invited."""
        self._bti_check_duty("action_bti_invite_family")
        self._bti_check_log_open()
        self._bti_check_family_reachable()
        # sudo: the family's partner ids, to preset the invitation.
        case_sudo = self.sudo()
        family = case_sudo.guardian_ids.filtered("parental_responsibility").partner_id
        if case_sudo.subject_kind == "youth":
            family |= case_sudo.subject_partner_id
        return self._bti_open(
            "bti_stafettlogg.action_bti_meeting_invite_family",
            {"default_kind": "cooperation", "default_family_partner_ids": family.ids},
        )

    def _bti_violence_suspicion_changed(self):
        """A suspicion of violence or abuse takes the family off the calendar
        events of the planned meetings at once, without a word to them: no
        later change of time or place reaches them. Once the mark is lifted,
        sending the invitations again invites the family."""
        res = super()._bti_violence_suspicion_changed()
        for case in self.filtered("violence_suspicion"):
            # sudo: the system takes the family off the (private) events of the
            # case's meetings, which the one who marked may not attend.
            case_sudo = case.sudo()
            family = case_sudo.subject_partner_id | case_sudo.guardian_ids.partner_id
            meetings_sudo = case_sudo.meeting_ids.filtered(
                lambda m: m.state in ("draft", "invited") and m.calendar_event_id
            )
            for event_sudo in meetings_sudo.calendar_event_id:
                invited = event_sudo.partner_ids & family
                if invited:
                    event_sudo.with_context(no_mail_to_attendees=True).write(
                        {"partner_ids": [Command.unlink(p.id) for p in invited]}
                    )
        return res

    def _bti_next_meeting(self):
        self.ensure_one()
        return self.env["bti.meeting"].search(
            [("case_id", "=", self.id), ("state", "in", ("draft", "invited"))],
            order="start",
            limit=1,
        )

    def action_bti_set_agenda(self):
        """Set the agenda of the next meeting (or of a new one)."""
        self._bti_check_duty("action_bti_set_agenda")
        meeting = self._bti_next_meeting()
        if not meeting:
            return self.action_bti_summon_meeting()
        action = self._bti_open(
            "bti_stafettlogg.action_bti_meeting_agenda", {"bti_focus": "agenda"}
        )
        action["res_id"] = meeting.id
        return action

    def action_bti_chair_meeting(self):
        """Chair the next meeting and write its minutes."""
        self._bti_check_duty("action_bti_chair_meeting")
        meeting = self._bti_next_meeting()
        if not meeting:
            raise UserError(_("Case %s has no planned meeting to chair.", self.name))
        action = self._bti_open(
            "bti_stafettlogg.action_bti_meeting_chair", {"bti_focus": "minutes"}
        )
        action["res_id"] = meeting.id
        return action

    def action_bti_introduce_party(self):
        """Introduce a new party: a service joins (it needs consent)."""
        self._bti_check_duty("action_bti_introduce_party")
        return self._bti_open("bti_stafettlogg.action_bti_introduce_party")

    def action_bti_release_party(self):
        """Tell a party, kindly, that it is no longer needed."""
        self._bti_check_duty("action_bti_release_party")
        return self._bti_open("bti_stafettlogg.action_bti_party_release_wizard")

    def action_bti_keep_log(self):
        """Write in the log."""
        self._bti_check_action("action_bti_keep_log")
        self._bti_check_log_writable()
        self._bti_check_log_open()
        return self._bti_open("bti_stafettlogg.action_bti_log_entry_new")

    def _bti_open_appoint(self, role):
        self._bti_check_duty(APPOINT_ACTIONS[role])
        return self._bti_open(
            f"bti_stafettlogg.action_bti_case_appoint_{role}", {"default_role": role}
        )

    def action_bti_appoint_log_keeper(self):
        """See that someone keeps the log."""
        return self._bti_open_appoint("log_keeper")

    def action_bti_appoint_watcher(self):
        """Appoint someone to watch the child's development."""
        return self._bti_open_appoint("watcher")

    def action_bti_be_contact(self):
        """Be the contact person of the family."""
        self._bti_check_duty("action_bti_be_contact")
        self._bti_appoint("contact", self.env.user)
        return True

    def _bti_appoint(self, role, user, note=False):
        self.ensure_one()
        self._bti_check_duty(APPOINT_ACTIONS[role])
        field = {
            "log_keeper": "bti_log_keeper_id",
            "watcher": "bti_watcher_id",
            "contact": "bti_contact_id",
        }[role]
        if user and not self._bti_user_takes_part(user):
            raise UserError(
                _(
                    "%(user)s does not work in a service taking part "
                    "in case %(case)s with consent.",
                    user=user.name,
                    case=self.name,
                )
            )
        self._bti_system_write({field: user.id})
        if user and user != self.env.user:
            summary = {
                "log_keeper": _("Keep the stafettlogg of case %s", self.name),
                "watcher": _(
                    "Watch the development of the child in case %s", self.name
                ),
                "contact": _(
                    "Be the contact person of the family in case %s", self.name
                ),
            }[role]
            self.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo",
                user_id=user.id,
                summary=summary,
                note=note or False,
            )
        return True

    def _bti_user_takes_part(self, user):
        return user in self._bti_taking_part_services().member_ids

    def action_view_log(self):
        self.ensure_one()
        self._bti_check_action("action_view_log")
        return self._bti_open(
            "bti_stafettlogg.action_bti_log_entry", domain=[("case_id", "=", self.id)]
        )

    def action_view_goals(self):
        self.ensure_one()
        self._bti_check_action("action_view_goals")
        return self._bti_open(
            "bti_stafettlogg.action_bti_goal", domain=[("case_id", "=", self.id)]
        )

    def action_view_measures(self):
        self.ensure_one()
        self._bti_check_action("action_view_measures")
        return self._bti_open(
            "bti_stafettlogg.action_bti_measure", domain=[("case_id", "=", self.id)]
        )

    def action_view_meetings(self):
        self.ensure_one()
        self._bti_check_action("action_view_meetings")
        return self._bti_open(
            "bti_stafettlogg.action_bti_meeting", domain=[("case_id", "=", self.id)]
        )

    def action_print_family_copy(self):
        """The family's copy of the log on paper, for a family that does not
        use the portal: only what was shared with the family."""
        self.ensure_one()
        self._bti_check_action("action_print_family_copy")
        # sudo: the flag only, for a reader of the case.
        if self.sudo().violence_suspicion:
            raise UserError(
                _("While violence or abuse is suspected, nothing goes to the family.")
            )
        return self.env.ref(
            "bti_stafettlogg.action_report_stafettlogg_family"
        ).report_action(self)

    def action_print_stafettlogg(self):
        self.ensure_one()
        self._bti_check_action("action_print_stafettlogg")
        return self.env.ref("bti_stafettlogg.action_report_stafettlogg").report_action(
            self
        )
