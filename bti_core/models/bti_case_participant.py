from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .boolean_search import boolean_search


class BtiCaseParticipant(models.Model):
    """A service taking part in a case, with its contact person.

    ``access_granted`` shows whether the participation gives access today, by
    the same rule the record rules apply in SQL (``bti.access.policy``): the
    owning service always; any other service while a valid consent covers it,
    from ``valid_from`` to ``valid_until`` and until it is withdrawn.
    """

    _name = "bti.case.participant"
    _description = "BTI Case Participant"
    _inherit = ["bti.protected.mixin", "bti.access.source"]
    _bti_no_copy = True
    _order = "case_id, is_owner desc, id"
    _rec_name = "service_id"

    _bti_create_fields = frozenset(
        {"case_id", "service_id", "user_id", "role", "task", "date_joined"}
    )
    # Ending a participation (active, date_left, left_reason) is action_remove.
    _bti_write_fields = {"active": {"user_id", "role", "task"}}
    # A participation that ended is history: a new one is a new line.
    _bti_frozen_states = frozenset({"ended"})

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade", index=True)
    service_id = fields.Many2one(
        "bti.service", required=True, ondelete="restrict", index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Contact Person",
        ondelete="restrict",
        domain="[('bti_service_ids', 'in', service_id)]",
    )
    role = fields.Char()
    task = fields.Text()
    date_joined = fields.Date(default=lambda self: self._bti_today(), required=True)
    date_left = fields.Date(readonly=True)
    left_reason = fields.Char(readonly=True)
    # Set by the removal only (action_remove); readonly: no "Archive" in the UI.
    active = fields.Boolean(default=True, readonly=True)
    is_owner = fields.Boolean(compute="_compute_is_owner", store=True)
    access_granted = fields.Boolean(
        compute="_compute_access_granted",
        search="_search_access_granted",
        help="Technical: the service has access to the case today (the owning "
        "service always; any other while a consent covers it on this day).",
    )

    def _bti_guard_state(self):
        return "active" if self.active else "ended"

    @api.depends("service_id", "case_id.service_id")
    def _compute_is_owner(self):
        for participant in self:
            participant.is_owner = (
                participant.service_id == participant.case_id.service_id
            )

    # Not stored: access follows the consent dates on the day itself, with no
    # job to run first. The same rule as the policy's SQL.
    @api.depends(
        "active",
        "is_owner",
        "case_id.consent_ids.state",
        "case_id.consent_ids.service_ids",
        "case_id.consent_ids.valid_from",
        "case_id.consent_ids.valid_until",
    )
    def _compute_access_granted(self):
        policy = self.env["bti.access.policy"]
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        granted = set()
        if ids:
            rows = self.env.execute_query(
                policy._granted_sql(SQL("p.id"), participant_ids=ids)
            )
            granted = {row[0] for row in rows}
        for participant in self:
            if isinstance(participant.id, int):
                participant.access_granted = participant.id in granted
            else:  # a new line in a form: the same rule, in Python
                participant.access_granted = participant.active and (
                    participant.is_owner
                    or bool(
                        policy._consents_covering(
                            participant.case_id, participant.service_id
                        )
                    )
                )

    @api.model
    def _search_access_granted(self, operator, value):
        policy = self.env["bti.access.policy"]
        query = policy._granted_sql(SQL("p.id"))
        return boolean_search(self, [("id", "in", query)], operator, value)

    @api.constrains("service_id", "active", "case_id")
    def _check_consent(self):
        for participant in self.filtered("active"):
            if participant.is_owner:
                continue
            policy = self.env["bti.access.policy"]
            if not policy._consents_covering(
                participant.case_id, participant.service_id
            ):
                raise ValidationError(
                    _(
                        "%(service)s cannot join case %(case)s: "
                        "no valid consent covers this service. "
                        "Record the consent first.",
                        service=participant.service_id.name,
                        case=participant.case_id.name,
                    )
                )

    @api.constrains("service_id", "active", "case_id")
    def _check_unique_service(self):
        for participant in self.filtered("active"):
            twins = participant.case_id.participant_ids.filtered(
                lambda p, participant=participant: (
                    p.service_id == participant.service_id and p != participant
                )
            )
            if twins:
                raise ValidationError(
                    _(
                        "%(service)s already takes part in case %(case)s.",
                        service=participant.service_id.name,
                        case=participant.case_id.name,
                    )
                )

    @api.constrains("user_id", "service_id")
    def _check_contact_member(self):
        for participant in self.filtered("user_id"):
            # sudo: membership is configuration; the check returns nothing else.
            if participant.user_id not in participant.service_id.sudo().member_ids:
                raise ValidationError(
                    _(
                        "%(user)s is not a member of %(service)s.",
                        user=participant.user_id.name,
                        service=participant.service_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        participants = super().create(vals_list)
        for participant in participants:
            case = participant.case_id
            if case.state == "closed":
                raise UserError(_("Case %s is closed.", case.name))
            if not participant.is_owner:
                case.message_post(
                    body=_("%s joined the case.", participant.service_id.name),
                    subtype_xmlid="mail.mt_note",
                )
        return participants

    def action_remove(self, reason=False):
        """End the participation: access ends at once and the contact person is told."""
        self._bti_check_action("action_remove")
        for participant in self:
            case = participant.case_id
            if participant.is_owner:
                raise UserError(
                    _("The owning service cannot be removed from its own case.")
                )
            # sudo: users read batons through the case; this only tests a state.
            if case.holder_id and case.sudo().baton_ids.filtered(
                lambda b, participant=participant: (
                    b.state == "active" and b.service_id == participant.service_id
                )
            ):
                raise UserError(
                    _(
                        "%s holds the baton: hand the baton over before removing it.",
                        participant.service_id.name,
                    )
                )
            participant._bti_system_write(
                {
                    "active": False,
                    "date_left": self.env["bti.access.policy"]._today(),
                    "left_reason": reason or False,
                }
            )
            body = _(
                "%(service)s no longer takes part in case %(case)s. "
                "Thank you for your contribution.",
                service=participant.service_id.name,
                case=case.name,
            )
            case.message_post(body=body, subtype_xmlid="mail.mt_note")
            if participant.user_id:
                case.message_notify(
                    partner_ids=participant.user_id.partner_id.ids,
                    body=body,
                    subject=_("BTI case %s", case.name),
                )
        return True

    def action_open_remove(self):
        self.ensure_one()
        self._bti_check_action("action_remove")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bti_core.action_bti_participant_remove_wizard"
        )
        action["context"] = {"default_participant_id": self.id}
        return action
