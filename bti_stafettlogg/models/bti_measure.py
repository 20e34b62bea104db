from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from odoo.addons.bti_core.models.boolean_search import boolean_search

from .bti_log_content_mixin import (
    CONTENT_CREATE_FIELDS,
    CONTENT_UNLOGGED_FIELDS,
    CONTENT_WRITE_FIELDS,
)
from .bti_measure_catalogue import ARENAS

OPEN_STATES = ("planned", "running")
# What a user plans and changes while the measure is planned or running. The
# status and the evaluation change through the actions (start, evaluate, stop);
# an evaluated or stopped measure is a record.
MEASURE_FIELDS = frozenset(
    {
        "name",
        "description",
        "goal_id",
        "catalogue_id",
        "meeting_id",
        "arena",
        "responsible_kind",
        "responsible_service_id",
        "responsible_user_id",
        "date_start",
        "date_evaluation",
    }
)


class BtiMeasure(models.Model):
    """A measure (tiltak): what is done, for which goal, where, by whom, until
    when it is evaluated, and with what effect."""

    _name = "bti.measure"
    _description = "BTI Measure"
    _inherit = ["bti.log.content.mixin", "mail.activity.mixin"]
    _order = "date_evaluation, id"
    # Who is responsible and the dates the reminders and lists work on
    # (bti.access.logged); what is done, where, and its effect are content.
    _bti_unlogged_fields = CONTENT_UNLOGGED_FIELDS | {
        "responsible_kind",
        "responsible_service_id",
        "responsible_user_id",
        "date_start",
        "date_evaluation",
        "reminded_for_date",
    }
    _bti_create_fields = CONTENT_CREATE_FIELDS | MEASURE_FIELDS
    _bti_write_fields = {
        state: CONTENT_WRITE_FIELDS | MEASURE_FIELDS for state in OPEN_STATES
    }
    _bti_frozen_states = frozenset({"evaluated", "stopped"})

    name = fields.Char(string="What Is Done", required=True, tracking=True)
    description = fields.Html(sanitize=True)
    goal_id = fields.Many2one(
        "bti.goal",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
        domain="[('case_id', '=', case_id)]",
    )
    catalogue_id = fields.Many2one(
        "bti.measure.catalogue", string="From the Catalogue", ondelete="set null"
    )
    meeting_id = fields.Many2one(
        "bti.meeting",
        string="Decided in Meeting",
        ondelete="set null",
        index="btree_not_null",
    )
    arena = fields.Selection(ARENAS, required=True, default="home", tracking=True)
    responsible_kind = fields.Selection(
        [("service", "A participating service"), ("family", "The family itself")],
        string="Responsible",
        required=True,
        default="service",
        tracking=True,
    )
    responsible_service_id = fields.Many2one(
        "bti.service",
        ondelete="restrict",
        index="btree_not_null",
        tracking=True,
    )
    responsible_user_id = fields.Many2one(
        "res.users",
        string="Responsible Person",
        ondelete="restrict",
        index="btree_not_null",
        tracking=True,
        domain="[('bti_service_ids', 'in', responsible_service_id)]",
    )
    date_start = fields.Date(
        string="Start",
        required=True,
        default=lambda self: self._bti_today(),
        tracking=True,
    )
    date_evaluation = fields.Date(
        string="Evaluation Date", required=True, index=True, tracking=True
    )
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("running", "Running"),
            ("evaluated", "Evaluated"),
            ("stopped", "Stopped"),
        ],
        required=True,
        default="planned",
        readonly=True,
        tracking=True,
        index=True,
    )
    effect = fields.Selection(
        [("good", "Good effect"), ("partial", "Partial effect"), ("none", "No effect")],
        readonly=True,
        tracking=True,
    )
    evaluation = fields.Html(readonly=True, sanitize=True)
    evaluated_date = fields.Date(readonly=True)
    evaluated_by_id = fields.Many2one("res.users", readonly=True)
    stop_reason = fields.Text(readonly=True)
    reminded_for_date = fields.Date(
        readonly=True,
        copy=False,
        help="Technical: the evaluation date for which the overdue reminders were "
        "made.",
    )
    is_evaluation_overdue = fields.Boolean(
        string="Evaluation Overdue",
        compute="_compute_is_evaluation_overdue",
        search="_search_is_evaluation_overdue",
    )

    def _bti_label(self):
        return self.name or ""

    def _bti_neutral_label(self):
        return _("Measure #%s", self.id or "")

    @api.depends("date_evaluation", "state")
    def _compute_is_evaluation_overdue(self):
        today = self.env["bti.access.policy"]._today()
        for measure in self:
            measure.is_evaluation_overdue = bool(
                measure.state in OPEN_STATES
                and measure.date_evaluation
                and measure.date_evaluation < today
            )

    @api.model
    def _search_is_evaluation_overdue(self, operator, value):
        domain = [
            ("state", "in", OPEN_STATES),
            ("date_evaluation", "<", self.env["bti.access.policy"]._today()),
        ]
        return boolean_search(self, domain, operator, value)

    @api.model
    def _bti_readable_service_branches(self, service):
        """A service reads the measures it is responsible for, whatever its
        read scope, while it takes part in the case with access."""
        return super()._bti_readable_service_branches(service) + [
            [("responsible_service_id", "=", service.id)]
        ]

    @api.onchange("goal_id")
    def _onchange_goal_id(self):
        if self.goal_id and not self.case_id:
            self.case_id = self.goal_id.case_id

    @api.onchange("catalogue_id")
    def _onchange_catalogue_id(self):
        item = self.catalogue_id
        if item:
            self.name = item.name
            self.arena = item.arena
            self.responsible_kind = "service"
            self.responsible_service_id = item.service_id
            if item.contact_user_id in item.service_id.member_ids:
                self.responsible_user_id = item.contact_user_id

    @api.onchange("responsible_service_id")
    def _onchange_responsible_service_id(self):
        if (
            self.responsible_user_id
            and self.responsible_user_id not in self.responsible_service_id.member_ids
        ):
            self.responsible_user_id = False

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_evaluation")
    def _check_dates(self):
        for measure in self:
            if (
                measure.date_evaluation
                and measure.date_start
                and measure.date_evaluation < measure.date_start
            ):
                raise ValidationError(
                    _(
                        "The evaluation date of “%(measure)s” (%(evaluation)s) is "
                        "before its start (%(start)s).",
                        measure=measure.name,
                        evaluation=format_date(self.env, measure.date_evaluation),
                        start=format_date(self.env, measure.date_start),
                    )
                )

    @api.constrains("goal_id", "case_id")
    def _check_goal_case(self):
        for measure in self:
            if measure.goal_id.case_id != measure.case_id:
                raise ValidationError(_("A measure serves a goal of its own case."))

    @api.constrains(
        "responsible_kind", "responsible_service_id", "responsible_user_id", "case_id"
    )
    def _check_responsible(self):
        for measure in self:
            if measure.responsible_kind == "family":
                if measure.responsible_service_id or measure.responsible_user_id:
                    raise ValidationError(
                        _(
                            "When the family itself is responsible, "
                            "name no service or person."
                        )
                    )
                continue
            service = measure.responsible_service_id
            if not service:
                raise ValidationError(
                    _(
                        "Name who is responsible for “%s”: "
                        "a participating service (and person), or the family itself.",
                        measure.name,
                    )
                )
            case = measure.case_id
            if not case._bti_service_has_access(service):
                raise ValidationError(
                    _(
                        "%(service)s does not take part in case %(case)s with consent: "
                        "introduce the service first.",
                        service=service.name,
                        case=case.name,
                    )
                )
            user = measure.responsible_user_id
            # sudo: memberships are configuration; the check returns nothing.
            if user and user not in service.sudo().member_ids:
                raise ValidationError(
                    _(
                        "%(user)s is not a member of %(service)s.",
                        user=user.name,
                        service=service.name,
                    )
                )

    # ------------------------------------------------------------------
    # Roles and transitions
    # ------------------------------------------------------------------
    def _bti_record_roles(self, user):
        roles = super()._bti_record_roles(user)
        # sudo: who is responsible decides a role; only the comparison leaves.
        measure_sudo = self.sudo()
        if (
            user == measure_sudo.responsible_user_id
            or user in measure_sudo.responsible_service_id.member_ids
        ):
            roles.add("responsible")
        return roles

    def _bti_measure_transition(self, vals):
        """Write the status and evaluation (after the action's checks)."""
        self.case_id._bti_check_log_writable()
        return self._bti_system_write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_start(self):
        self._bti_check_action("action_start")
        return self._bti_start()

    def _bti_start(self):
        """Start planned measures (the action, or a meeting that decided them)."""
        for measure in self:
            if measure.state != "planned":
                raise UserError(_("Only a planned measure can be started."))
        self._bti_measure_transition({"state": "running"})
        return True

    def action_open_evaluate(self):
        self.ensure_one()
        self._bti_check_action("action_open_evaluate")
        if self.state not in OPEN_STATES:
            raise UserError(_("Only a planned or running measure is evaluated."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bti_stafettlogg.action_bti_measure_evaluate_wizard"
        )
        action["context"] = {"default_measure_id": self.id}
        return action

    def _bti_evaluate(self, effect, evaluation, next_date=False):
        """Record the evaluation; with ``next_date`` the measure continues."""
        self.ensure_one()
        # The evaluation wizard is the second half of the same action.
        self._bti_check_action("action_open_evaluate")
        if self.state not in OPEN_STATES:
            raise UserError(_("Only a planned or running measure is evaluated."))
        if not effect:
            raise ValidationError(_("Say what effect the measure had."))
        today = self.env["bti.access.policy"]._today()
        if next_date and next_date <= today:
            raise ValidationError(_("The next evaluation date must be in the future."))
        vals = {
            "state": "running" if next_date else "evaluated",
            "effect": effect,
            "evaluation": evaluation,
            "evaluated_date": today,
            "evaluated_by_id": self.env.uid,
        }
        if next_date:
            vals["date_evaluation"] = next_date
        self._bti_measure_transition(vals)
        self.activity_feedback(
            ["bti_stafettlogg.mail_activity_type_bti_evaluation"],
            feedback=_("Evaluated"),
        )
        return True

    def action_stop(self, reason=False):
        self._bti_check_action("action_stop")
        for measure in self:
            if measure.state not in OPEN_STATES:
                raise UserError(_("Only a planned or running measure can be stopped."))
        self._bti_measure_transition(
            {"state": "stopped", "stop_reason": reason or False}
        )
        self.activity_unlink(["bti_stafettlogg.mail_activity_type_bti_evaluation"])
        return True

    # ------------------------------------------------------------------
    # Overdue evaluations
    # ------------------------------------------------------------------
    def _bti_responsible_person(self):
        """The responsible person, or else the contact person of the
        responsible service in the case (no one when the family is)."""
        self.ensure_one()
        if self.responsible_user_id or self.responsible_kind != "service":
            return self.responsible_user_id
        # sudo: the contact person of a participation; only the user is used.
        return (
            self.case_id.sudo()
            .participant_ids.filtered(
                lambda p: p.service_id == self.responsible_service_id
            )[:1]
            .user_id.with_env(self.env)
        )

    @api.model
    def _cron_overdue_evaluations(self):
        """Turn overdue evaluations into activities for the responsible person
        and the stafettholder: once per evaluation date, however often it runs."""
        # sudo: a system job over every case; each activity goes to a user who
        # may read the measure (checked below).
        measures_sudo = self.sudo().search(
            [
                ("is_evaluation_overdue", "=", True),
                ("case_id.state", "=", "active"),
            ]
        )
        measures_sudo = measures_sudo.filtered(
            lambda m: m.reminded_for_date != m.date_evaluation
        )
        activity_type = self.env.ref(
            "bti_stafettlogg.mail_activity_type_bti_evaluation"
        )
        for measure in measures_sudo:
            users = measure._bti_responsible_person() | measure.case_id.holder_id
            for user in users:
                if not measure.with_user(user).has_access("read"):
                    continue
                measure.activity_schedule(
                    act_type_xmlid="bti_stafettlogg.mail_activity_type_bti_evaluation",
                    date_deadline=measure.date_evaluation,
                    summary=activity_type.summary,
                    user_id=user.id,
                )
            measure._bti_system_write({"reminded_for_date": measure.date_evaluation})
        return True
