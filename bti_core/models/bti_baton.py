from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class BtiBaton(models.Model):
    """One stafettholder period of a case: proposed, then active or refused, then ended.

    Users only read batons. Every transition is an ``action_*`` method that
    checks who may run it and then writes as superuser, so that no client can
    set a holder or a state directly through RPC.
    """

    _name = "bti.baton"
    _description = "BTI Baton (Stafettholder Period)"
    _inherit = ["bti.mail.thread"]
    _mail_post_access = "read"
    _order = "case_id, id desc"
    _rec_name = "holder_id"

    case_id = fields.Many2one(
        "bti.case", required=True, ondelete="cascade", index=True, readonly=True
    )
    holder_id = fields.Many2one(
        "res.users", string="Stafettholder", required=True, index=True, readonly=True
    )
    service_id = fields.Many2one(
        "bti.service", required=True, readonly=True, ondelete="restrict"
    )
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("active", "Active"),
            ("refused", "Refused"),
            ("ended", "Ended"),
        ],
        required=True,
        default="proposed",
        readonly=True,
        tracking=True,
        index=True,
    )
    proposed_by_id = fields.Many2one("res.users", readonly=True)
    date_proposed = fields.Datetime(default=fields.Datetime.now, readonly=True)
    date_start = fields.Datetime(readonly=True)
    date_end = fields.Datetime(readonly=True)
    note = fields.Text(string="Message to the Successor", readonly=True)
    refuse_reason = fields.Text(readonly=True)

    @api.constrains("holder_id", "service_id", "state")
    def _check_holder_service(self):
        # Constraints check the whole case as the system, whoever triggers them.
        for baton in self.filtered(lambda b: b.state in ("proposed", "active")):
            service = baton.service_id.sudo()
            if not service.may_hold_baton:
                raise ValidationError(
                    _("Members of %s may not hold the baton.", service.name)
                )
            if baton.holder_id not in service.member_ids:
                raise ValidationError(
                    _(
                        "%(user)s is not a member of %(service)s.",
                        user=baton.holder_id.name,
                        service=service.name,
                    )
                )
            participant = baton.case_id.sudo().participant_ids.filtered(
                lambda p, service=service: p.service_id == service and p.access_granted
            )
            if not participant:
                raise ValidationError(
                    _(
                        "The stafettholder must belong to a service taking part in "
                        "case "
                        "%(case)s with consent; %(service)s does not.",
                        case=baton.case_id.name,
                        service=service.name,
                    )
                )

    @api.constrains("state", "case_id")
    def _check_single(self):
        for baton in self:
            siblings = baton.case_id.sudo().baton_ids  # all periods, as the system
            if len(siblings.filtered(lambda b: b.state == "active")) > 1:
                raise ValidationError(
                    _(
                        "Case %s cannot have two stafettholders at once.",
                        baton.case_id.name,
                    )
                )
            if len(siblings.filtered(lambda b: b.state == "proposed")) > 1:
                raise ValidationError(
                    _(
                        "Case %s already has a handover waiting for an answer.",
                        baton.case_id.name,
                    )
                )

    def init(self):
        # A second line of defence under the Python constraint: two concurrent
        # acceptances cannot both commit an active period for the same case.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS bti_baton_one_active_per_case "
            "ON bti_baton (case_id) WHERE state = 'active'"
        )

    @api.model
    def _bti_propose(self, case, user, service, note=False):
        """Propose ``user`` of ``service`` as the next stafettholder of ``case``."""
        case = case.with_env(self.env)  # check the caller, not the env ``case`` came in
        case._bti_check_may_manage()
        if case.state != "active":
            raise UserError(_("The baton is passed only on an active case."))
        if user == case.holder_id:
            raise UserError(_("%s already holds the baton.", user.name))
        if case.pending_baton_id:
            raise UserError(
                _("Case %s already has a handover waiting for an answer.", case.name)
            )
        # Users cannot create batons directly (see class docstring).
        baton = self.sudo().create(
            {
                "case_id": case.id,
                "holder_id": user.id,
                "service_id": service.id,
                "state": "proposed",
                "proposed_by_id": self.env.uid,
                "note": note,
            }
        )
        case.activity_schedule(
            act_type_xmlid="bti_core.mail_activity_type_bti_baton",
            user_id=user.id,
            summary=_("Answer the baton handover of case %s", case.name),
        )
        case.message_post(
            body=_(
                "%(by)s proposed %(user)s (%(service)s) as the next stafettholder.",
                by=self.env.user.name,
                user=user.name,
                service=service.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return baton.with_env(self.env)

    def _bti_check_proposed_user(self):
        self.ensure_one()
        if self.state != "proposed":
            raise UserError(_("This handover is no longer waiting for an answer."))
        if self.holder_id != self.env.user:
            raise UserError(_("Only %s can answer this handover.", self.holder_id.name))

    def action_accept(self):
        """The proposed holder takes the baton; the previous period ends at once."""
        for baton in self:
            baton._bti_check_proposed_user()
            case = baton.case_id
            now = fields.Datetime.now()
            # Transition checked above: find and end the current period.
            previous = case.sudo().baton_ids.filtered(lambda b: b.state == "active")
            # Transition checked above; users have no write right on batons.
            previous.sudo().write({"state": "ended", "date_end": now})
            # The unique index checks row by row: end the old period in SQL first.
            previous.flush_recordset(["state"])
            baton.sudo().write({"state": "active", "date_start": now})
            case.activity_feedback(
                ["bti_core.mail_activity_type_bti_baton"],
                user_id=self.env.uid,
                feedback=_("Accepted"),
            )
            case.message_post(
                body=_(
                    "%s accepted the baton and is now the stafettholder.",
                    baton.holder_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_refuse(self, reason=None):
        """The proposed holder refuses; without a reason, ask for one."""
        self.ensure_one()
        self._bti_check_proposed_user()
        if not (reason or "").strip():
            return {
                "type": "ir.actions.act_window",
                "name": _("Refuse the Baton"),
                "res_model": "bti.baton.refuse.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_baton_id": self.id},
            }
        case = self.case_id
        # Transition checked above; users have no write right on batons.
        self.sudo().write(
            {
                "state": "refused",
                "refuse_reason": reason,
                "date_end": fields.Datetime.now(),
            }
        )
        case.activity_feedback(
            ["bti_core.mail_activity_type_bti_baton"],
            user_id=self.env.uid,
            feedback=_("Refused"),
        )
        recipients = (case.holder_id | self.proposed_by_id).partner_id
        case.message_post(
            body=_(
                "%(user)s refused the baton: %(reason)s",
                user=self.holder_id.name,
                reason=reason,
            ),
            partner_ids=recipients.ids,
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_cancel(self):
        """The proposer, holder or a leader withdraws a pending proposal."""
        for baton in self:
            if baton.state != "proposed":
                raise UserError(_("Only a pending handover can be cancelled."))
            baton.case_id._bti_check_may_manage()
            # Transition checked above; users have no write right on batons.
            baton.sudo().write({"state": "ended", "date_end": fields.Datetime.now()})
            baton.case_id.activity_unlink(["bti_core.mail_activity_type_bti_baton"])
            baton.case_id.message_post(
                body=_("The handover to %s was cancelled.", baton.holder_id.name),
                subtype_xmlid="mail.mt_note",
            )
        return True
