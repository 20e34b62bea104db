from odoo import Command, _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class BtiConsent(models.Model):
    """A consent form (draft) answered online: each signer confirms or refuses
    it in the portal; it is given when all have confirmed, refused as soon as
    one refuses. The same checks as the signed paper (bti_core)."""

    _inherit = "bti.consent"

    form = fields.Selection(
        selection_add=[("portal", "Confirmed in the portal")],
        ondelete={"portal": "set default"},
    )
    confirmation_ids = fields.One2many(
        "bti.consent.confirmation",
        "consent_id",
        string="Answers in the Portal",
        readonly=True,
    )

    def _bti_check_create_vals(self, vals_list):
        for vals in vals_list:
            if vals.get("form") == "portal":
                raise UserError(
                    _(
                        "Only the family confirms a consent in the portal: record "
                        "it as written or oral."
                    )
                )
        return super()._bti_check_create_vals(vals_list)

    def action_confirm_online(self, answer="given"):
        """The current portal user's own answer to this consent form: they
        must be one of those who must consent, and answer once. All checks
        come before any write."""
        self.ensure_one()
        self.check_access("read")
        self._bti_check_action("action_confirm_online")
        # One answer at a time per form: two guardians answering at once must
        # not both miss the other's confirmation.
        self.env.execute_query(
            SQL("SELECT id FROM bti_consent WHERE id = %s FOR UPDATE", self.id)
        )
        self.invalidate_recordset()
        self._bti_check_answer_state(answer)
        partner = self.env.user.partner_id
        signers = self._bti_allowed_signers(self._youth_consent_age())
        self._bti_refuse_strangers(partner, signers)
        # sudo: the earlier answers to this form, for the check and the
        # outcome; nothing of them leaves here.
        answered_sudo = self.sudo().confirmation_ids
        if partner in answered_sudo.partner_id:
            raise UserError(_("You have already answered this consent form."))
        if answer == "given" and self.valid_until:
            if self.valid_until < self.env["bti.access.policy"]._today():
                raise UserError(
                    _("This consent form has run out: ask the service for a new one.")
                )
        # sudo: users never create answers; the system records this one after
        # the checks above (action table, the draft, a signer, once).
        self.env["bti.consent.confirmation"].sudo().create(
            {
                "consent_id": self.id,
                "partner_id": partner.id,
                "user_id": self.env.uid,
                "answer": answer,
            }
        )
        # sudo: a note in the consent's history, for the services.
        self.sudo().message_post(
            body=_(
                "%(person)s answered in the portal: %(answer)s.",
                person=partner.name,
                answer=_("consents") if answer == "given" else _("does not consent"),
            ),
            subtype_xmlid="mail.mt_note",
        )
        if answer == "refused":
            self._bti_answer_online("refused", partner)
            return "refused"
        consented = (
            answered_sudo.filtered(lambda c: c.answer == "given").partner_id | partner
        )
        if signers - consented.sudo(False):
            return "confirmed"
        self._bti_answer_online("given", consented.sudo(False))
        return "given"

    def _bti_answer_online(self, outcome, signed_by):
        """Everyone has answered (or one refused): the form becomes given or
        refused, as the system, after the shared checks of the answer."""
        self.ensure_one()
        # sudo: the subject (a partner) compared with who answered.
        subject = self.case_id.sudo().subject_partner_id
        youth_consented = outcome == "given" and subject in signed_by.sudo()
        signed_by = self._bti_check_signed_by(outcome, signed_by, youth_consented)
        today = self.env["bti.access.policy"]._today()
        # sudo: users never write a consent; the family's answer is the
        # system's transition, after the checks of action_confirm_online and
        # _bti_check_signed_by, and the terms constraint.
        self.sudo()._bti_system_write(
            {
                "state": outcome,
                "given_by_partner_ids": [Command.set(signed_by.ids)],
                "youth_consented": youth_consented,
                "form": "portal",
                "date": today,
                "valid_from": max(self.valid_from or today, today),
            }
        )
        self._bti_notify_answered(outcome)

    def _bti_notify_answered(self, outcome):
        """Tell the stafettholder (or the owning service): a note on the case
        and a to-do."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        # sudo: the family has no right to post on the case or to schedule
        # activities; the answer was checked above.
        case_sudo = self.case_id.sudo()
        case_sudo.message_post(
            body=_(
                "Consent answered in the portal: %(state)s (%(consent)s).",
                state=labels[outcome],
                consent=self.sudo().name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if outcome == "given":
            summary = _("Consent given in the portal on case %s", case_sudo.name)
        else:
            summary = _("Consent refused in the portal on case %s", case_sudo.name)
        case_sudo._bti_todo_for_responsible(summary)
