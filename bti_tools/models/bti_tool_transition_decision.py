from odoo import Command, _, fields, models
from odoo.exceptions import UserError, ValidationError

from .bti_tool_transition import CONTENT_FIELDS

# The signatures of a decision, cleared when the parents change their mind.
NO_SIGNATURES = {
    "signed_partner_ids": [Command.clear()],
    "teacher_id": False,
    "signed_date": False,
    "scan": False,
    "scan_name": False,
    "scan_received_by_id": False,
    "scan_date": False,
}


class BtiToolTransition(models.Model):
    """The parents' decision on a transition form: signed in the system or on
    paper, then passed on to the school, or declined (the content erased)."""

    _inherit = "bti.tool.transition"

    # ------------------------------------------------------------------
    # Signatures
    # ------------------------------------------------------------------
    def _bti_guardians(self):
        """The guardians with parental responsibility, who sign (as the
        system: a receiving school reads the form, not the guardians)."""
        self.ensure_one()
        guardians = self.sudo().case_id.guardian_ids
        return guardians.filtered("parental_responsibility").partner_id

    def _bti_missing_signatures(self):
        """Who has yet to sign (names; empty when signed)."""
        self.ensure_one()
        form_sudo = self.sudo()
        if form_sudo.scan_date:
            return []
        missing = (self._bti_guardians() - form_sudo.signed_partner_ids).mapped("name")
        if not form_sudo.teacher_id:
            missing.append(_("the kindergarten teacher"))
        return missing

    def _bti_signature_rows(self):
        """The signature lines of the print: each guardian with parental
        responsibility (and whoever else signed), then the kindergarten
        teacher; names and dates only."""
        self.ensure_one()
        form_sudo = self.sudo()
        guardians = form_sudo.case_id.guardian_ids
        relations = dict(guardians._fields["relation"]._description_selection(self.env))
        rows = []
        partners = self._bti_guardians() | form_sudo.signed_partner_ids
        for partner in partners:
            guardian = guardians.filtered(lambda g, p=partner: g.partner_id == p)[:1]
            signed = partner in form_sudo.signed_partner_ids
            rows.append(
                {
                    "name": partner.name,
                    "role": relations.get(guardian.relation) or _("Guardian"),
                    "signed": signed,
                    "date": form_sudo.signed_date if signed else False,
                }
            )
        rows.append(
            {
                "name": form_sudo.teacher_id.name or "",
                "role": _("Kindergarten teacher"),
                "signed": bool(form_sudo.teacher_id),
                "date": form_sudo.signed_date if form_sudo.teacher_id else False,
            }
        )
        return rows

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _bti_check_open(self):
        """Refuse a form whose fate is settled: declined, passed on, or
        replaced by a newer version."""
        for form in self:
            if form.decision == "declined":
                raise UserError(
                    _(
                        "The parents declined %s: nothing of it is passed on.",
                        form.display_name,
                    )
                )
            if form.recipient_granted:
                raise UserError(_("%s is already passed on.", form.display_name))
            if form.is_superseded:
                raise UserError(
                    _(
                        "A newer version of %s exists: use that one.",
                        form.display_name,
                    )
                )

    def _bti_check_pass_on(self):
        """Everything passing the form on needs, each with its own message."""
        self.ensure_one()
        if self.state != "final":
            raise UserError(
                _(
                    "Make the transition form final and have it signed before "
                    "passing it on."
                )
            )
        self._bti_check_open()
        if self.decision != "pass_on":
            raise UserError(
                _(
                    "The parents have not decided to pass the form on: record "
                    "their decision and signatures first."
                )
            )
        school = self.recipient_service_id.sudo()
        if not school:
            raise UserError(_("Choose the school the form is passed on to."))
        if not school.is_school:
            raise UserError(
                _(
                    "%s is not a school: a transition form is passed on to a "
                    "school only.",
                    school.name,
                )
            )
        # sudo: the flag only, for a reader of the form.
        if self.case_id.sudo().violence_suspicion:
            raise UserError(
                _(
                    "While violence or abuse is suspected, the transition form is "
                    "not passed on."
                )
            )
        missing = self._bti_missing_signatures()
        if missing:
            raise UserError(
                _(
                    "The form is passed on only when it is signed by every guardian "
                    "with parental responsibility and the kindergarten teacher, or "
                    "when the signed paper form is registered. Missing: %s.",
                    ", ".join(missing),
                )
            )
        policy = self.env["bti.access.policy"]
        if not policy._consents_covering(self.case_id, school):
            raise UserError(
                _(
                    "No valid consent of case %(case)s covers %(school)s: record "
                    "the parents' consent for the school first.",
                    case=self.case_id.sudo().name,
                    school=school.name,
                )
            )
        self.case_id._bti_check_log_writable()

    def _bti_check_shareable(self, visibility=None):
        if self.decision == "declined":
            raise UserError(
                _(
                    "The parents declined %s: nothing of it is shared.",
                    self.display_name,
                )
            )
        return super()._bti_check_shareable(visibility)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_new_version(self):
        self._bti_check_action("action_new_version")
        if self.filtered(lambda f: f.decision == "declined"):
            raise UserError(
                _(
                    "The parents declined this transition form: start a new one if "
                    "they change their mind."
                )
            )
        return super().action_new_version()

    def action_sign(self):
        """The guardians and the kindergarten teacher sign in the system."""
        return self._bti_open_signing("system", "action_sign")

    def action_register_paper(self):
        """The form was printed and signed on paper: register the scan."""
        return self._bti_open_signing("paper", "action_register_paper")

    def _bti_open_signing(self, method, action):
        self.ensure_one()
        self.check_access("read")
        self._bti_check_action(action)
        self._bti_check_open()
        window = self.env["ir.actions.act_window"]._for_xml_id(
            "bti_tools.action_bti_tool_transition_sign"
        )
        window["context"] = {
            "default_transition_id": self.id,
            "default_method": method,
            "default_decision": "pass_on" if self.state == "final" else "declined",
        }
        return window

    def _bti_record_signatures(
        self,
        method,
        decision,
        partners=None,
        teacher_signs=False,
        scan=False,
        scan_name=False,
        date=False,
    ):
        """Record the parents' decision with the signatures of it: in the
        system (guardians and the kindergarten teacher) or the scan of the
        paper form. A decline then erases the content (:meth:`_bti_decline`)."""
        self.ensure_one()
        self.check_access("read")
        self._bti_check_action(
            "action_sign" if method == "system" else "action_register_paper"
        )
        self._bti_check_open()
        if decision not in ("pass_on", "declined"):
            raise UserError(_("The parents either pass the form on or decline."))
        if decision == "pass_on" and self.state != "final":
            raise UserError(
                _(
                    "Make the transition form final before it is signed: the "
                    "parents sign what the school will read."
                )
            )
        today = self._bti_today()
        date = fields.Date.to_date(date) or today
        if date > today:
            raise ValidationError(_("A signature cannot be dated in the future."))
        partners = partners or self.env["res.partner"]
        vals = {"decision": decision, "decision_date": date}
        if self.decision not in ("pending", decision):
            # The parents changed their mind: what they signed before was
            # another decision.
            vals.update(NO_SIGNATURES)
        if method == "system":
            strangers = partners - self._bti_guardians()
            if strangers:
                raise ValidationError(
                    _(
                        "%s is not a guardian with parental responsibility in this "
                        "case: only they sign the transition form.",
                        ", ".join(strangers.sudo().mapped("name")),
                    )
                )
            if not partners and not teacher_signs:
                raise UserError(_("Record at least one signature."))
            links = [Command.link(partner.id) for partner in partners]
            vals.update(
                signed_partner_ids=vals.get("signed_partner_ids", []) + links,
                signed_date=date,
            )
            if teacher_signs:
                vals["teacher_id"] = self.env.uid
            signers = partners.sudo().mapped("name")
            if teacher_signs:
                signers.append(_("%s (kindergarten teacher)", self.env.user.name))
            note = _("Signed in the system by %s.", ", ".join(signers))
        elif method == "paper":
            if not scan:
                raise UserError(_("Attach the scan of the signed paper form."))
            vals.update(
                scan=scan,
                scan_name=scan_name or _("Signed transition form.pdf"),
                scan_received_by_id=self.env.uid,
                scan_date=date,
            )
            note = _("The signed paper form was registered.")
        else:
            raise UserError(_("Sign in the system or on paper."))
        # sudo: the decision and the signatures are the system's, after the
        # checks above; a final form is closed to every user's writes.
        self.sudo()._bti_system_write(vals)
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        if decision == "declined":
            self._bti_decline(date)
        return True

    def action_pass_on(self):
        """Pass the signed form on to the school: its members read this form,
        and nothing else of the case."""
        self.ensure_one()
        self.check_access("read")
        self._bti_check_action("action_pass_on")
        self._bti_check_pass_on()
        self._bti_grant_recipient()
        school = self.sudo().recipient_service_id
        self.message_post(
            body=_("Passed on to %s.", school.name), subtype_xmlid="mail.mt_note"
        )
        self._bti_notify_recipient(school)
        return True

    def _bti_notify_recipient(self, school):
        """An activity for the school's leaders who read the form (else its
        members): the form has arrived."""
        readers = school.member_ids
        for user in (school.leader_ids & readers) or readers:
            # sudo: the form is final, closed to every user's writes, and
            # scheduling subscribes the school's reader to it (a write).
            self.sudo().activity_schedule(
                "bti_tools.mail_activity_type_bti_transition",
                user_id=user.id,
                summary=_(
                    "Read the transition form from %s",
                    self.author_service_id.sudo().name,
                ),
            )

    def action_decline(self):
        """The parents decline: nothing is passed on, and the content is
        erased; only the decision, its date and the signatures are kept."""
        self.check_access("read")
        self._bti_check_action("action_decline")
        self._bti_check_open()
        self._bti_decline(self._bti_today())
        return True

    def _bti_decline(self, date):
        today = self._bti_today()
        erase = {name: False for name in CONTENT_FIELDS}
        for form in self:
            # Earlier versions hold the same content: they go too, unless the
            # parents let an earlier one be passed on.
            chain = form
            while chain[-1:].previous_id:
                chain |= chain[-1].previous_id
            chain = form | (chain - form).filtered(lambda f: not f.recipient_granted)
            # sudo: erasing is the system's, after the checks of the caller;
            # untracked, so that no tracking value keeps the school's name.
            chain_sudo = chain.sudo().with_context(tracking_disable=True)
            chain_sudo._bti_system_write(erase)
            chain._bti_erase_chatter()
            vals = {"decision": "declined", "decision_date": date or today}
            if form.decision == "pass_on":
                # Signed to pass it on: not the parents' decline (and a scan
                # of the paper form holds the content).
                vals.update(NO_SIGNATURES)
            if form.state == "draft":
                vals.update(state="final", final_date=fields.Datetime.now())
            form.sudo()._bti_system_write(vals)
            form.message_post(
                body=_(
                    "The parents declined: nothing is passed on. The content of the "
                    "form is erased; the decision, its date and the signatures are "
                    "kept."
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _bti_erase_chatter(self):
        """What the chatter holds of the content: the users' messages, their
        attachments and the activities (the system's notes and the scan of the
        signatures stay)."""
        # sudo: erasing is the system's, after the checks of the caller.
        forms_sudo = self.sudo()
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        self.env["ir.attachment"].sudo().search(domain).unlink()
        self.env["mail.message"].sudo().search(
            [
                ("model", "=", self._name),
                ("res_id", "in", self.ids),
                ("message_type", "=", "comment"),
            ]
        ).unlink()
        forms_sudo.activity_ids.unlink()
