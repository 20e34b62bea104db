import os

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from odoo.addons.bti_core.models.boolean_search import boolean_search

from .bti_holder_request import MAX_WORRY
from .family_files import (
    CONTRIBUTION_MAX_BYTES,
    CONTRIBUTION_MAX_CHARS,
    contribution_file_type,
)
from .family_text import family_text

FAMILY_COPY_REPORT = "bti_stafettlogg.action_report_stafettlogg_family"


class BtiCase(models.Model):
    _inherit = "bti.case"

    youth_shares_health = fields.Boolean(
        string="The Young Person Shares Health Information with the Parents",
        readonly=True,
        help="From 16, a young person's health information is shown to the "
        "parents in the portal only when the young person allows it.",
    )
    is_family_case = fields.Boolean(
        compute="_compute_is_family_case",
        search="_search_is_family_case",
        help="Technical: the current (portal) user is family of this case.",
    )
    family_user_ids = fields.Many2many(
        "res.users",
        compute="_compute_family_user_ids",
        string="Family Logins",
        help="The guardians with parental responsibility (and the young person) "
        "who log in to the portal.",
    )

    @api.depends_context("uid")
    def _compute_is_family_case(self):
        ids = [case_id for case_id in self.ids if isinstance(case_id, int)]
        domain = self.env["bti.access.policy"]._family_domain()
        # sudo: the family's policy domain is applied explicitly.
        family_sudo = self.sudo().search([("id", "in", ids)] + domain) if ids else ()
        for case in self:
            case.is_family_case = case in family_sudo

    @api.model
    def _search_is_family_case(self, operator, value):
        domain = self.env["bti.access.policy"]._family_domain()
        return boolean_search(self, domain, operator, value)

    def _compute_family_user_ids(self):
        for case in self:
            # sudo: which of the family have a portal login; the portal user
            # reads no other partner (the other parent), logins only leave.
            members_sudo = case._bti_family_members().sudo()
            case.family_user_ids = members_sudo.user_ids.filtered(
                lambda u: u.has_group("base.group_portal")
            )

    def _bti_family_members(self):
        """The partners who may have the family's access to this case:
        guardians with parental responsibility, and the young person from the
        co-consent age (or the adult, or the pregnant woman)."""
        return self._bti_consenting_partners()

    def action_open_family_access(self):
        """Give the family access: a portal login for each guardian with
        parental responsibility (and the young person)."""
        self.ensure_one()
        self._bti_check_action("action_open_family_access")
        self._bti_check_family_access_open()
        return {
            "type": "ir.actions.act_window",
            "name": _("Give the family access"),
            "res_model": "bti.family.access.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _bti_check_family_access_open(self):
        """The family may get (or use) its access: never while violence or
        abuse is suspected, never on a closed case."""
        self._bti_check_family_reachable()
        # sudo: the state and reference only, for a reader of the case.
        case_sudo = self.sudo()
        if case_sudo.state == "closed":
            raise UserError(_("Case %s is closed.", case_sudo.name))

    # ------------------------------------------------------------------
    # The family's own contribution to the log
    # ------------------------------------------------------------------
    def _bti_family_log_open(self):
        """Whether the family may write in the log of this case now: it is
        open only after consent, and never when closed."""
        self.ensure_one()
        # sudo: the state and the consents decide; only a bool leaves.
        return self.sudo().state != "closed" and bool(
            self.env["bti.access.policy"]._valid_consents(self)
        )

    def _bti_check_contribution(self, text, file_name, file_content):
        """Refuse a contribution that is empty, too long, or with a file that
        is not an allowed type or too large. Nothing is written here."""
        text = family_text(
            self.env,
            text,
            CONTRIBUTION_MAX_CHARS,
            _("Write something before you send it."),
        )
        mimetype = None
        if file_content or file_name:
            if not isinstance(file_content, bytes) or not file_content:
                raise UserError(_("The file is empty or could not be read."))
            if len(file_content) > CONTRIBUTION_MAX_BYTES:
                raise UserError(
                    _(
                        "The file is too large: at most %s MB.",
                        CONTRIBUTION_MAX_BYTES // (1024 * 1024),
                    )
                )
            mimetype = contribution_file_type(file_name, file_content)
            if not mimetype:
                raise UserError(
                    _(
                        "This type of file cannot be sent. "
                        "You can send a PDF, JPEG or PNG file."
                    )
                )
        return text, mimetype

    def action_family_contribute(self, text=None, file_name=None, file_content=None):
        """The family writes in the log: a published entry of kind "family",
        shared with the family and the participating services. The portal
        user has no right to create entries: the entry is written by the
        system after the checks (the action table's ``family`` role, the
        family's record rule on the case, the log open after consent, the
        text and the file)."""
        self.ensure_one()
        self._bti_check_action("action_family_contribute")
        # The family reads the case through its own rules (also over RPC).
        self.check_access("read")
        if not self._bti_family_log_open():
            raise UserError(
                _(
                    "You can write in the log once a consent is given. "
                    "Talk to the stafettholder or the service."
                )
            )
        text, mimetype = self._bti_check_contribution(text, file_name, file_content)
        partner = self.env.user.partner_id
        # sudo: the portal user creates no log content themselves; every check
        # above passed, and the system writes exactly this entry.
        Entry = (
            self.env["bti.log.entry"]
            .sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
        )
        # All or nothing: a refusal inside leaves no file and no entry.
        with self.env.cr.savepoint():
            attachments = self.env["ir.attachment"]
            if mimetype:
                # sudo: as the entry; claimed by the entry below, never public.
                attachments = (
                    self.env["ir.attachment"]
                    .sudo()
                    .create(
                        {
                            "name": os.path.basename(file_name.replace("\\", "/")),
                            "raw": file_content,
                            "mimetype": mimetype,
                            "res_model": "bti.log.entry",
                            "res_id": 0,
                            "public": False,
                        }
                    )
                )
            # The author is the portal user who wrote it (the content mixin needs
            # a user, and the family_partner_id names them too); the author's
            # service is the owning service, which answers for the case and its
            # log: the family belongs to no service, every log content names one,
            # and the owning service so reads it whatever its read scope.
            entry = Entry.create(
                {
                    "case_id": self.id,
                    "kind": "family",
                    "subject": _("From %s", partner.name),
                    "body": plaintext2html(text),
                    "visibility": "family",
                    "family_partner_id": partner.id,
                    "author_id": self.env.uid,
                    # sudo: the owning service's id only, as below its name.
                    "author_service_id": self.sudo().service_id.id,
                    "attachment_ids": [Command.set(attachments.ids)],
                }
            )
            entry.action_publish()
            # sudo: the portal user may not schedule activities on the case;
            # the to-do names no content.
            self.sudo()._bti_todo_for_responsible(
                _("The family wrote in the stafettlogg of case %s", self.sudo().name)
            )
        return True

    # ------------------------------------------------------------------
    # The family's copy of the log, downloaded from the portal: the same
    # document as the paper copy the services print for the family
    # (bti_stafettlogg's family report).
    # ------------------------------------------------------------------
    def _bti_family_copy_filename(self):
        """A neutral name: the case reference, never the child's name."""
        self.ensure_one()
        # sudo: the reference only, of a case the user reads.
        return f"stafettlogg-{self.sudo().name}.pdf"

    def _bti_family_copy_pdf(self):
        """The family's copy as PDF bytes, for the current portal user.

        The user must read the case through the family's record rule (never a
        closed case, nothing while violence or abuse is suspected). The
        report shows the services, people and participations of the case,
        which the portal user may not read: it renders as the system, and its
        content is limited explicitly by the family's domain
        (``bti.access.policy._family_copy_domain``, applied by
        ``_bti_stafettlogg_content(family=True)``): what was shared with the
        family and published; for the parents of a young person of 16 or
        older no health information unless the young person allows it, the
        young person's own copy with it (decided by who reads, see
        bti_portal's ``_family_copy_domain``). The environment keeps the
        user: the access log records the print as theirs."""
        self.ensure_one()
        self.check_access("read")
        if not self.is_family_case:
            raise AccessError(_("Only the family of the case gets its copy here."))
        self._bti_check_family_access_open()
        # sudo: see above; the content is the family's domain, not the
        # system's rights. force_report_rendering: the family gets a PDF,
        # never the HTML Odoo's test mode would return instead (the flag
        # changes nothing outside tests).
        report_sudo = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(force_report_rendering=True)
        )
        content, kind = report_sudo._render_qweb_pdf(FAMILY_COPY_REPORT, self.ids)
        if kind != "pdf":
            raise UserError(_("The copy could not be made. Try again later."))
        return content

    # ------------------------------------------------------------------
    # The family asks for a stafettholder (bti.holder.request)
    # ------------------------------------------------------------------
    def _bti_open_holder_request(self):
        """The family's request of this case still waiting for an answer."""
        # sudo: whether one waits; the family reads only its own requests.
        return (
            self.env["bti.holder.request"]
            .sudo()
            .search([("case_id", "=", self.id), ("state", "=", "new")], limit=1)
        )

    def action_family_request_holder(self, worry=None):
        """The family of a case at level 0 asks the owning service for a
        stafettholder. Written by the system after the checks (the action
        table's ``family`` role, the family's rule on the case, one request
        waiting at a time)."""
        self.ensure_one()
        self._bti_check_action("action_family_request_holder")
        self.check_access("read")
        Request = self.env["bti.holder.request"]
        if self._bti_open_holder_request():
            raise UserError(
                _("Your request is waiting for an answer from the service.")
            )
        partner = self.env.user.partner_id
        # sudo: the child's name and birth date and the family member's
        # relation, copied into the request for the service's leaders.
        case_sudo = self.sudo()
        guardian = case_sudo.guardian_ids.filtered(lambda g: g.partner_id == partner)
        relation = (
            "self"
            if case_sudo.subject_partner_id == partner
            else (guardian[:1].relation or "other")
        )
        vals = {
            "channel": "portal",
            "case_id": self.id,
            "service_id": case_sudo.service_id.id,
            "requester_user_id": self.env.uid,
            "requester_name": partner.name,
            "requester_relation": relation,
            "requester_email": partner.email or False,
            "requester_phone": partner.phone or partner.mobile or False,
            "child_name": case_sudo.subject_partner_id.name,
            "child_birth_date": case_sudo.birth_date,
            "worry": family_text(
                self.env,
                worry,
                MAX_WORRY,
                _("Fill in: %s.", _("What you are worried about")),
            ),
        }
        Request._bti_submit(vals)
        return True

    # ------------------------------------------------------------------
    # E-mail to the family when the log has something new for them: that
    # there is something new and where to log in, never what it is.
    # ------------------------------------------------------------------
    def _bti_announce_log_entry(self, entry):
        res = super()._bti_announce_log_entry(entry)
        self._bti_tell_family_of(entry)
        return res

    def _bti_tell_family_of(self, entry):
        self.ensure_one()
        if entry.visibility != "family":
            return
        # sudo: the flags only; no family e-mail while violence is suspected
        # or on a closed case.
        case_sudo = self.sudo()
        if case_sudo.violence_suspicion or case_sudo.state == "closed":
            return
        template = self.env.ref("bti_portal.mail_template_family_news")
        for user in self.family_user_ids:
            if user == entry.sudo().author_id:
                continue
            # Only a member of the family who reads the entry hears of it (the
            # parents of a young person of 16 do not hear of health notes).
            if not entry.with_user(user).is_family_readable:
                continue
            # sudo: the template renders the user's name and the login address
            # only; the family's login cannot send mail itself.
            template.sudo().send_mail(user.id, force_send=False)
