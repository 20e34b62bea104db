import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_UNLOGGED_FIELDS, TOOL_WRITE_FIELDS

# The child and the parents, as the report carries them: copied from the case
# when the report is written, completed from it when it is sent.
IDENTITY_FIELDS = frozenset(
    {
        "child_name",
        "child_birth_date",
        "child_national_id",
        "child_address",
        "guardian_info",
    }
)
GROUND_FIELDS = (
    "ground_mistreated",
    "ground_untreated",
    "ground_behaviour",
    "ground_trafficking",
)
# What the author writes (TOOLS.md, tool 9). The visibility is not among
# them: the report is read by the author's service and the service it is
# sent to, nobody else.
REPORT_FIELDS = IDENTITY_FIELDS | {
    *GROUND_FIELDS,
    "reporter_phone",
    "reporter_email",
    "observations",
    "duration",
    "child_words",
    "conversations",
    "measures_taken",
    "attachment_ids",
    "violence_suspected",
    "parents_told",
    "parents_told_date",
    "recipient_service_id",
}
STATUSES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("received", "Received"),
    ("feedback", "Feedback given"),
]
OUTCOMES = [
    ("investigation", "Investigation opened"),
    ("no_investigation", "Closed without investigation"),
    ("other", "Other follow-up"),
]
# The child welfare service reviews a report within a week.
RECEIPT_DAYS = 7


def _blank(value):
    """Nothing, or only spaces."""
    return not value or (isinstance(value, str) and not value.strip())


class BtiToolChildWelfareReport(models.Model):
    """The report to the child welfare service (melding til barnevernet).

    The duty to inform (opplysningsplikt) is personal and needs no consent:
    when there is reason to believe that a child is mistreated or seriously
    neglected, is seriously ill or injured without treatment or has special
    needs unmet, shows serious behavioural problems, or is a victim of
    trafficking. A public employee reports in writing and never anonymously.

    The report carries the identity of the child and of the parents, copied
    from the case, so that the receiving service never needs the case. The
    parents are told that a report is sent, except when violence or abuse is
    suspected. Sending makes it final and grants the members of the receiving
    child welfare service read access to this report only (never to the
    case, its log or its other forms); they confirm receipt within a week and
    give the reporter feedback. It is never shared in the stafettlogg, with
    the participating services or with the family.
    """

    _name = "bti.tool.child_welfare_report"
    _description = "Report to Child Welfare"
    # The recipient mixin first: its role joins the chain of _bti_record_roles.
    _inherit = ["bti.tool.recipient.mixin", "bti.tool.mixin"]
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS | {
        "status",
        "case_reference",
        "recipient_service_id",
        "recipient_granted",
        "recipient_date",
        "received_date",
        "received_by_id",
        "feedback_date",
        "feedback_by_id",
    }
    _bti_create_fields = (TOOL_CREATE_FIELDS - {"visibility"}) | REPORT_FIELDS
    _bti_write_fields = {"draft": (TOOL_WRITE_FIELDS - {"visibility"}) | REPORT_FIELDS}
    _bti_tool_shareable = False
    _bti_tool_family = False
    _bti_tool_report = "bti_tools.action_report_tool_child_welfare_report"

    previous_id = fields.Many2one(
        "bti.tool.child_welfare_report",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    status = fields.Selection(
        STATUSES,
        compute="_compute_status",
        store=True,
        index=True,
        tracking=True,
        help="Draft: only the author reads it. Sent: final, and read by the "
        "receiving child welfare service. Received: the service confirmed "
        "receipt. Feedback given: the service told the reporter what follows.",
    )
    case_reference = fields.Char(
        readonly=True,
        copy=False,
        help="The reference of the case, kept on the report for the receiving "
        "service, which does not read the case.",
    )
    recipient_service_id = fields.Many2one(
        string="Child Welfare Service",
        domain=[("is_child_welfare", "=", True)],
        default=lambda self: self._default_recipient_service(),
        help="The child welfare service the report is sent to. Its members read "
        "this report, and nothing else of the case.",
    )
    # The grounds of the duty to inform.
    ground_mistreated = fields.Boolean(
        string="Mistreated or Seriously Neglected",
        help="There is reason to believe the child is mistreated at home or "
        "subjected to other serious neglect.",
    )
    ground_untreated = fields.Boolean(
        string="Seriously Ill or Injured without Treatment, or Special Needs Unmet",
        help="The child is seriously ill or injured and does not get treatment, "
        "or has special needs that are not met.",
    )
    ground_behaviour = fields.Boolean(
        string="Serious Behavioural Problems",
        help="The child shows serious behavioural problems (crime, substance "
        "use, or other serious problems).",
    )
    ground_trafficking = fields.Boolean(
        string="Victim of Trafficking",
        help="There is reason to believe the child is a victim of human trafficking.",
    )
    # The child and the parents.
    child_name = fields.Char(string="Child's Name")
    child_birth_date = fields.Date(string="Child's Birth Date")
    child_national_id = fields.Char(
        string="Child's National Identity Number",
        help="Fødselsnummer, D-number or H-number (11 digits).",
    )
    child_address = fields.Char(string="Child's Address")
    guardian_info = fields.Text(
        string="Parents and Guardians",
        help="Name, relation, phone and address of each parent or guardian; say "
        "so if one is unknown.",
    )
    # The reporter: the author, never anonymous.
    reporter_phone = fields.Char(
        string="Your Phone",
        default=lambda self: self._default_reporter_phone(),
        help="Where the child welfare service reaches you. Required to send: a "
        "report from a public employee is never anonymous.",
    )
    reporter_email = fields.Char(
        string="Your E-mail", default=lambda self: self.env.user.email
    )
    # What the report says.
    observations = fields.Html(
        string="Concrete Observations",
        sanitize=True,
        help="What you saw and heard, when and where: observations, not "
        "conclusions. Required to send.",
    )
    duration = fields.Char(
        string="For How Long?", help="How long the concern has lasted."
    )
    child_words = fields.Html(
        string="The Child's Own Words",
        sanitize=True,
        help="What the child said, as it was said: kept apart from your own "
        "interpretation.",
    )
    conversations = fields.Html(
        string="Conversations Held",
        sanitize=True,
        help="With the child, the parents, colleagues or other services: when, "
        "with whom, what was said.",
    )
    measures_taken = fields.Html(
        string="What the Service Has Done",
        sanitize=True,
        help="Measures tried so far, and what came of them.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "bti_cwr_attachment_rel",
        "report_id",
        "attachment_id",
        string="Attachments",
        help="Files sent with the report: read by whoever reads the report, "
        "nobody else.",
    )
    # The parents and the violence exception.
    violence_suspected = fields.Boolean(
        string="Violence or Abuse Is Suspected",
        tracking=True,
        help="Violence, sexual abuse or serious neglect is suspected: the parents "
        "are NOT told first; contact the child welfare service (and the police) "
        "directly. Ticking it also marks the case, if you may.",
    )
    violence_warning = fields.Boolean(
        compute="_compute_violence_warning",
        help="Technical: violence or abuse is suspected, on the report or on the case.",
    )
    parents_told = fields.Boolean(
        string="The Parents Have Been Told",
        tracking=True,
        help="The parents have been told that the report is sent. Required, with "
        "the date, unless violence or abuse is suspected.",
    )
    parents_told_date = fields.Date(string="Told On")
    # The receiving side.
    received_date = fields.Datetime(string="Receipt Confirmed", readonly=True)
    received_by_id = fields.Many2one(
        "res.users", string="Receipt Confirmed By", readonly=True
    )
    feedback_outcome = fields.Selection(
        OUTCOMES, string="Outcome", readonly=True, tracking=True
    )
    feedback_note = fields.Text(string="Feedback", readonly=True)
    feedback_date = fields.Datetime(string="Feedback Given", readonly=True)
    feedback_by_id = fields.Many2one(
        "res.users", string="Feedback Given By", readonly=True
    )

    _sql_constraints = [
        (
            "visibility_service",
            "CHECK (visibility = 'service')",
            "A report to the child welfare service is read by the author's service "
            "and the service it is sent to, nobody else.",
        ),
    ]

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_recipient_service(self):
        services = self.env["bti.service"].search(
            [("is_child_welfare", "=", True)], limit=2
        )
        return services.id if len(services) == 1 else False

    @api.model
    def _default_reporter_phone(self):
        user = self.env.user
        return (
            user.phone
            or user.mobile
            or user.bti_service_ids.filtered("phone")[:1].phone
            or False
        )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        case_id = values.get("case_id") or self.env.context.get("default_case_id")
        case = self.env["bti.case"].browse(case_id if isinstance(case_id, int) else ())
        if case and case.has_access("read"):
            identity = self._bti_case_identity(case)
            for name in IDENTITY_FIELDS & set(fields_list):
                values.setdefault(name, identity[name])
        return values

    @api.onchange("case_id")
    def _onchange_case_id(self):
        if self.case_id and self.case_id.has_access("read"):
            self.update(self._bti_case_identity(self.case_id))

    @api.depends("state", "recipient_granted", "received_date", "feedback_date")
    def _compute_status(self):
        for report in self:
            if report.feedback_date:
                report.status = "feedback"
            elif report.received_date:
                report.status = "received"
            elif report.state == "final" and report.recipient_granted:
                report.status = "sent"
            else:
                report.status = "draft"

    @api.depends("violence_suspected", "case_id.violence_suspicion")
    def _compute_violence_warning(self):
        for report in self:
            report.violence_warning = report._bti_violence_suspected()

    def _bti_action_state(self):
        # The action table speaks of the report's way: draft, sent, received,
        # feedback given.
        return self.status

    def _bti_violence_suspected(self):
        self.ensure_one()
        # sudo: the flag of the case only (the receiving service does not read
        # the case).
        return self.violence_suspected or bool(self.case_id.sudo().violence_suspicion)

    @api.model
    def _bti_case_identity(self, case):
        """The child and the parents as the case knows them, read with the
        writer's own rights."""
        child = case.subject_partner_id
        lines = []
        for guardian in case.guardian_ids:
            relation = dict(
                guardian._fields["relation"]._description_selection(self.env)
            ).get(guardian.relation)
            parts = [f"{guardian.partner_id.name} ({relation})"]
            phone = guardian.partner_id.phone or guardian.partner_id.mobile
            if phone:
                parts.append(_("phone %s", phone))
            address = self._bti_address(guardian.partner_id)
            if address:
                parts.append(address)
            lines.append(", ".join(parts))
        return {
            "child_name": child.name or False,
            "child_birth_date": case.birth_date or False,
            "child_national_id": case.national_id or False,
            "child_address": self._bti_address(child) or False,
            "guardian_info": "\n".join(lines) or False,
        }

    @api.model
    def _bti_address(self, partner):
        street = " ".join(filter(None, (partner.street, partner.street2)))
        town = " ".join(filter(None, (partner.zip, partner.city)))
        return ", ".join(filter(None, (street, town)))

    # ------------------------------------------------------------------
    # Labels and the print frame
    # ------------------------------------------------------------------
    def _bti_tool_reference(self):
        return self.case_reference or ""

    def _bti_tool_readers(self):
        if self.recipient_granted:
            return _(
                "%(service)s and the child welfare service it was sent to: "
                "%(recipient)s",
                service=self.author_service_id.name,
                recipient=self.recipient_service_id.name,
            )
        return _("Its author only (a draft)")

    def _bti_grounds(self):
        """The grounds of the duty to inform, as ``[(label, ticked)]``."""
        self.ensure_one()
        labels = (
            _("a) Mistreated or seriously neglected"),
            _("b) Seriously ill or injured without treatment, or special needs unmet"),
            _("c) Shows serious behavioural problems"),
            _("d) Is a victim of trafficking"),
        )
        return [
            (label, self[name])
            for label, name in zip(labels, GROUND_FIELDS, strict=True)
        ]

    # ------------------------------------------------------------------
    # Create and write
    # ------------------------------------------------------------------
    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        vals_list = super()._bti_prepare_create_vals(vals_list)
        for vals in vals_list:
            case_id = vals.get("case_id") or self.env.context.get("default_case_id")
            if not case_id:
                continue
            case = self.env["bti.case"].browse(case_id)
            for name, value in self._bti_case_identity(case).items():
                if _blank(vals.get(name)):
                    vals[name] = value
            vals["case_reference"] = case.name
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        reports.filtered("attachment_ids")._bti_bind_attachments()
        reports._bti_mark_case_suspicion()
        return reports

    def write(self, vals):
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._bti_bind_attachments()
        if vals.get("violence_suspected"):
            self._bti_mark_case_suspicion()
        return result

    def _bti_bind_attachments(self):
        """The files of a report belong to it: whoever reads the report reads
        them, nobody else. A file is accepted when it is the writer's own
        upload not yet bound to a record, or already this report's."""
        uid = self.env.uid
        for report in self:
            # sudo: who uploaded each file and what it is bound to decide;
            # nothing is bound before the check has passed.
            files_sudo = report.sudo().attachment_ids
            foreign = files_sudo.filtered(
                lambda a, r=report: (
                    not (
                        (a.res_model == r._name and a.res_id == r.id)
                        or (
                            not a.res_id
                            and not a.res_field
                            and (self.env.su or a.create_uid.id == uid)
                        )
                    )
                )
            )
            if foreign:
                raise UserError(
                    _(
                        "Upload the files of the report to the report itself: a "
                        "file of another record cannot be attached (%s).",
                        ", ".join(foreign.mapped("name")),
                    )
                )
            files_sudo.filtered(lambda a: not a.res_id).write(
                {"res_model": report._name, "res_id": report.id, "public": False}
            )

    def _bti_mark_case_suspicion(self):
        """A report that suspects violence or abuse marks its case (nothing of
        it reaches the family), through the case's own action if the writer
        may run it."""
        for report in self.filtered("violence_suspected"):
            case = report.case_id
            # sudo: the flag only.
            if case.sudo().violence_suspicion:
                continue
            if case._bti_may("action_mark_violence_suspicion"):
                case.action_mark_violence_suspicion()

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains("parents_told", "parents_told_date", "violence_suspected")
    def _check_parents_told(self):
        today = self._bti_today()
        for report in self:
            if report.parents_told and report._bti_violence_suspected():
                raise ValidationError(report._bti_violence_message())
            if report.parents_told_date and report.parents_told_date > today:
                raise ValidationError(
                    _("The date the parents were told cannot be in the future.")
                )

    @api.constrains("visibility")
    def _check_report_visibility(self):
        if self.filtered(lambda r: r.visibility != "service"):
            raise ValidationError(
                _(
                    "A report to the child welfare service is read by the author's "
                    "service and the service it is sent to, nobody else."
                )
            )

    @api.constrains("child_national_id", "child_birth_date")
    def _check_child_national_id(self):
        for report in self.filtered("child_national_id"):
            self.env["bti.case"]._national_id_check(
                report.child_national_id, report.child_birth_date
            )

    @api.model
    def _bti_violence_message(self):
        return _(
            "Violence or abuse is suspected: do not tell the parents first. "
            "Contact the child welfare service (and the police) directly, and "
            'leave "The parents have been told" unticked.'
        )

    def _bti_check_finalizable(self):
        today = self._bti_today()
        for report in self:
            if not any(report[name] for name in GROUND_FIELDS):
                raise ValidationError(
                    _(
                        "Tick at least one ground of the duty to inform (a–d) "
                        "before sending the report."
                    )
                )
            if is_html_empty(report.observations):
                raise ValidationError(
                    _(
                        "Write your concrete observations before sending the "
                        "report: what you saw and heard, when and where."
                    )
                )
            if not (report.reporter_phone or "").strip():
                raise ValidationError(
                    _(
                        "Give your phone number: a report from a public employee "
                        "is never anonymous, and the child welfare service must "
                        "be able to reach you."
                    )
                )
            recipient = report.recipient_service_id
            if not recipient:
                raise ValidationError(
                    _("Choose the child welfare service the report is sent to.")
                )
            if not recipient.is_child_welfare:
                raise ValidationError(
                    _(
                        "%s is not a child welfare service: a report under the "
                        "duty to inform goes to the child welfare service.",
                        recipient.name,
                    )
                )
            identity = report._bti_identity_with_case()
            if _blank(identity["child_name"]) or (
                _blank(identity["child_birth_date"])
                and _blank(identity["child_national_id"])
            ):
                raise ValidationError(
                    _(
                        "Give the child's name and birth date (or national "
                        "identity number) before sending the report."
                    )
                )
            if _blank(identity["guardian_info"]):
                raise ValidationError(
                    _(
                        "Name the parents or guardians before sending the report "
                        "(say so if one is unknown)."
                    )
                )
            if report._bti_violence_suspected():
                if report.parents_told:
                    raise ValidationError(report._bti_violence_message())
            elif not (report.parents_told and report.parents_told_date):
                raise ValidationError(
                    _(
                        "Tell the parents that you send the report, and record "
                        "the date. Only when violence or abuse is suspected are "
                        'they not told first: then tick "Violence or abuse is '
                        'suspected".'
                    )
                )
            elif report.parents_told_date > today:
                raise ValidationError(
                    _("The date the parents were told cannot be in the future.")
                )
        return True

    def _bti_identity_with_case(self):
        """The identity the report will carry: its own, completed from the
        case where it is blank."""
        self.ensure_one()
        from_case = self._bti_case_identity(self.case_id)
        return {
            name: from_case[name] if _blank(self[name]) else self[name]
            for name in IDENTITY_FIELDS
        }

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def action_send(self):
        """Send the report: the checks of the duty to inform, then final
        (never changed again), read by the receiving service, its PDF kept on
        the report, and the receiving service's task to confirm receipt."""
        self._bti_check_action("action_send")
        # Making the report final is sending it: the hooks below.
        return self.action_finalize()

    def _bti_before_finalize(self):
        for report in self:
            vals = {
                name: value
                for name, value in report._bti_identity_with_case().items()
                if value != report[name]
            }
            vals["case_reference"] = report.case_id.name
            # sudo: the flag only.
            if report.case_id.sudo().violence_suspicion:
                vals["violence_suspected"] = True
            report._bti_system_write(vals)
            report._bti_mark_case_suspicion()

    def _bti_after_finalize(self):
        self.ensure_one()
        self._bti_grant_recipient()
        pdf = self._bti_archive_copy()
        recipient = self.recipient_service_id
        self.message_post(
            body=_(
                "Sent to %(service)s under the duty to inform. Its members read this "
                "report, and nothing else of the case; the copy sent is attached "
                "(%(file)s).",
                service=recipient.name,
                file=pdf.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._bti_schedule_receipt()
        return self.env.ref(self._bti_tool_report).report_action(self)

    def _bti_archive_copy(self):
        """The report as sent, as a PDF kept on the report."""
        report = self.env.ref(self._bti_tool_report)
        content, kind = report._render_qweb_pdf(report, self.ids)
        # Without wkhtmltopdf (tests), Odoo renders HTML.
        extension, mimetype = (
            ("pdf", "application/pdf") if kind == "pdf" else ("html", "text/html")
        )
        # sudo: the report is final, closed to the author's writes; the
        # archived copy is the system's, rendered with the author's rights.
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": _(
                        "%(report)s - as sent.%(extension)s",
                        report=self._bti_label(),
                        extension=extension,
                    ),
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
            .sudo(False)
        )

    def _bti_receiving_users(self):
        """Who confirms receipt: the leaders of the receiving service among
        its members (who read the report), else every member."""
        # sudo: the members and leaders of the receiving service, to address
        # its tasks; users leave only as the activities' assignees.
        service_sudo = self.recipient_service_id.sudo()
        leaders = service_sudo.leader_ids & service_sudo.member_ids
        return (leaders or service_sudo.member_ids).filtered("active").sudo(False)

    def _bti_schedule_receipt(self):
        deadline = self._bti_today() + datetime.timedelta(days=RECEIPT_DAYS)
        for user in self._bti_receiving_users():
            # sudo: the report is final, closed to every user's writes, and
            # scheduling subscribes the assignee to it (a write); who confirms
            # receipt reads it (the grant, just given).
            self.sudo().activity_schedule(
                "bti_tools.mail_activity_type_bti_cwr_receipt",
                date_deadline=deadline,
                user_id=user.id,
                summary=_("New report to child welfare: confirm receipt"),
                note=_(
                    "A report under the duty to inform from %(service)s. Confirm "
                    "receipt, review it within a week and give the reporter "
                    "feedback.",
                    service=self.author_service_id.name,
                ),
            )

    # ------------------------------------------------------------------
    # The receiving service
    # ------------------------------------------------------------------
    def action_confirm_receipt(self):
        """The receiving service confirms receipt to the reporter."""
        self._bti_check_action("action_confirm_receipt")
        for report in self:
            # sudo: the receiving service reads the report only; the receipt is
            # the system's, after the action table's check.
            report.sudo()._bti_system_write(
                {"received_date": fields.Datetime.now(), "received_by_id": self.env.uid}
            )
            report.activity_feedback(
                ["bti_tools.mail_activity_type_bti_cwr_receipt"],
                feedback=_("Receipt confirmed by %s.", self.env.user.name),
            )
            report.message_post(
                body=_(
                    "%(user)s (%(service)s) confirmed receipt of the report.",
                    user=self.env.user.name,
                    service=report.recipient_service_id.name,
                ),
                subtype_xmlid="mail.mt_note",
                partner_ids=report.author_id.partner_id.ids,
            )
        return True

    def action_give_feedback(self):
        """Open the feedback to the reporter."""
        self.ensure_one()
        self._bti_check_action("action_give_feedback")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bti_tools.action_bti_tool_cwr_feedback_wizard"
        )
        action["context"] = {"default_report_id": self.id}
        return action

    def _bti_give_feedback(self, outcome, note=False):
        """Record the receiving service's feedback; the author and the leaders
        of the author's service are told."""
        self.ensure_one()
        self._bti_check_action("action_give_feedback")
        if outcome not in dict(OUTCOMES):
            raise UserError(_("Choose the outcome of the review."))
        # sudo: the receiving service reads the report only; the feedback is
        # the system's, after the action table's check.
        self.sudo()._bti_system_write(
            {
                "feedback_outcome": outcome,
                "feedback_note": note or False,
                "feedback_date": fields.Datetime.now(),
                "feedback_by_id": self.env.uid,
            }
        )
        label = dict(self._fields["feedback_outcome"]._description_selection(self.env))[
            outcome
        ]
        self.message_post(
            body=_(
                "Feedback from %(service)s: %(outcome)s.",
                service=self.recipient_service_id.name,
                outcome=label,
            ),
            subtype_xmlid="mail.mt_note",
        )
        for user in self._bti_feedback_users():
            # sudo: the report is final, closed to every user's writes, and
            # scheduling subscribes the assignee to it (a write); each assignee
            # reads it (_bti_feedback_users).
            self.sudo().activity_schedule(
                "bti_tools.mail_activity_type_bti_cwr_feedback",
                date_deadline=self._bti_today(),
                user_id=user.id,
                summary=_("Feedback from the child welfare service: %s", label),
                note=note or False,
            )
        return True

    def _bti_feedback_users(self):
        """The author and the leaders of the author's service who read the
        report."""
        # sudo: the leaders of the author's service, to address the feedback;
        # users leave only as the activities' assignees, if they read it.
        users = self.sudo().author_id | self.sudo().author_service_id.leader_ids
        return users.filtered(
            lambda u: u.active and self.with_user(u).has_access("read")
        ).sudo(False)

    # ------------------------------------------------------------------
    # Never
    # ------------------------------------------------------------------
    # The action table lets nobody run these (no state allows them); the
    # refusals say why.
    def action_new_version(self):
        raise UserError(
            _(
                "A report sent to the child welfare service is never changed: "
                "write a new report instead."
            )
        )

    def action_share_in_log(self):
        self._bti_check_shareable()

    def _bti_check_shareable(self, visibility=None):
        raise UserError(
            _(
                "A report to the child welfare service is not shared in the "
                "stafettlogg: it is read by the author's service and the service "
                "it was sent to, nobody else."
            )
        )

    # A report is never a message to the family: the case's family is nobody
    # the report's chatter reaches (bti.mail.thread).
    def _bti_people(self):
        return set(), set()
