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
    _inherit = ["bti.mail.thread", "bti.protected.mixin"]
    _bti_no_copy = True
    _mail_post_access = "read"
    _order = "case_id, id desc"
    _rec_name = "holder_id"
    # Users only read batons: every period is made by the case's actions.
    _bti_create_fields = frozenset()
    _bti_write_fields = {}

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
        # sudo: constraints check the whole case as the system, whoever
        # triggers them.
        for baton in self.filtered(lambda b: b.state in ("proposed", "active")):
            service_sudo = baton.service_id.sudo()
            if not service_sudo.may_hold_baton:
                raise ValidationError(
                    _("Members of %s may not hold the baton.", service_sudo.name)
                )
            # A leader of the service holds it too: the baton falls back to a
            # leader of the owning service when the holder's service loses access.
            if baton.holder_id not in service_sudo.member_ids | service_sudo.leader_ids:
                raise ValidationError(
                    _(
                        "%(user)s is not a member of %(service)s.",
                        user=baton.holder_id.name,
                        service=service_sudo.name,
                    )
                )
            participant_sudo = baton.case_id.sudo().participant_ids.filtered(
                lambda p, service=service_sudo: (
                    p.service_id == service and p.access_granted
                )
            )
            if not participant_sudo:
                raise ValidationError(
                    _(
                        "The stafettholder must belong to a service taking part in "
                        "case %(case)s with consent; %(service)s does not.",
                        case=baton.case_id.name,
                        service=service_sudo.name,
                    )
                )

    @api.constrains("state", "case_id")
    def _check_single(self):
        for baton in self:
            siblings_sudo = baton.case_id.sudo().baton_ids  # all periods, as the system
            if len(siblings_sudo.filtered(lambda b: b.state == "active")) > 1:
                raise ValidationError(
                    _(
                        "Case %s cannot have two stafettholders at once.",
                        baton.case_id.name,
                    )
                )
            if len(siblings_sudo.filtered(lambda b: b.state == "proposed")) > 1:
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
        case._bti_check_action("action_open_handover")
        if case.state != "active":
            raise UserError(_("The baton is passed only on an active case."))
        if user == case.holder_id:
            raise UserError(_("%s already holds the baton.", user.name))
        if case.pending_baton_id:
            raise UserError(
                _("Case %s already has a handover waiting for an answer.", case.name)
            )
        # sudo: users cannot create batons directly (see class docstring).
        baton_sudo = self.sudo().create(
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
        return baton_sudo.with_env(self.env)

    def _bti_action_roles(self, user):
        # The proposed holder of *this* period, not of the case's pending one.
        roles = super()._bti_action_roles(user) - {"proposed_holder"}
        if self.state == "proposed" and self.holder_id == user:
            roles.add("proposed_holder")
        if self.proposed_by_id == user:
            roles.add("proposer")
        return roles

    def action_accept(self):
        """The proposed holder takes the baton; the previous period ends at once."""
        self._bti_check_action("action_accept")
        for baton in self:
            case = baton.case_id
            now = fields.Datetime.now()
            # sudo: transition checked above; users have no write right on
            # batons. Find and end the current period.
            previous_sudo = case.sudo().baton_ids.filtered(
                lambda b: b.state == "active"
            )
            previous_sudo.write({"state": "ended", "date_end": now})
            # The unique index checks row by row: end the old period in SQL first.
            previous_sudo.flush_recordset(["state"])
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
        self._bti_check_action("action_refuse")
        if not (reason or "").strip():
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "bti_core.action_bti_baton_refuse_wizard"
            )
            action["context"] = {"default_baton_id": self.id}
            return action
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
        self._bti_check_action("action_cancel")
        for baton in self:
            # Transition checked above; users have no write right on batons.
            baton.sudo().write({"state": "ended", "date_end": fields.Datetime.now()})
            baton.case_id.activity_unlink(["bti_core.mail_activity_type_bti_baton"])
            baton.case_id.message_post(
                body=_("The handover to %s was cancelled.", baton.holder_id.name),
                subtype_xmlid="mail.mt_note",
            )
        return True
