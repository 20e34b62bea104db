from odoo import api, fields, models
from odoo.tools import is_html_empty

from odoo.addons.bti_core.models.bti_query_shape import check_specification


class BtiCase(models.Model):
    """The case's "What to do now" panel: the action guide card of the case's
    step for the reader's family of services, its tools and its checklist."""

    _inherit = "bti.case"

    guide_step_id = fields.Many2one(
        "bti.guide.step", string="Guide Card", compute="_compute_guide_step_id"
    )
    guide_what = fields.Html(string="What", compute="_compute_guide_card")
    guide_how = fields.Html(string="How", compute="_compute_guide_card")
    guide_who = fields.Html(string="Who", compute="_compute_guide_card")
    guide_when = fields.Html(string="When", compute="_compute_guide_card")
    guide_violence_warning = fields.Boolean(compute="_compute_guide_card")
    guide_tool_type_ids = fields.Many2many(
        "bti.tool.type", string="Tools of the Card", compute="_compute_guide_card"
    )
    guide_task_ids = fields.One2many(
        "bti.case.task", compute="_compute_guide_task_ids", string="Checklist"
    )
    tool_type_ids = fields.Many2many(
        "bti.tool.type", compute="_compute_tool_type_ids", string="Tools"
    )

    @api.model
    def _bti_guide_family(self, case):
        """The guide family of the service through which the user reads the
        case; the owning service's for anyone else (a leader)."""
        service_id = case._bti_access_service_for(self.env.user).get(case.id)
        # sudo: the family of a service is configuration, not content.
        service = self.env["bti.service"].sudo().browse(service_id)
        return (service or case.sudo().service_id).guide_family

    @api.depends_context("uid")
    @api.depends("step_id")
    def _compute_guide_step_id(self):
        Card = self.env["bti.guide.step"]
        for case in self:
            if not case.id or not case.step_id:
                case.guide_step_id = False
                continue
            case.guide_step_id = Card.search(
                [
                    ("level_step_id", "=", case.step_id.id),
                    ("guide_id.family", "=", self._bti_guide_family(case)),
                ],
                limit=1,
            )

    @api.depends_context("uid")
    @api.depends("step_id")
    def _compute_guide_card(self):
        for case in self:
            card = case.guide_step_id
            case.guide_what = card.what
            case.guide_how = card.how
            case.guide_who = card.who
            case.guide_when = card.when
            case.guide_violence_warning = card.violence_warning
            case.guide_tool_type_ids = card.tool_type_ids

    @api.depends_context("uid")
    @api.depends("step_id")
    def _compute_guide_task_ids(self):
        Task = self.env["bti.case.task"]
        for case in self:
            card = case.guide_step_id
            case.guide_task_ids = (
                Task.search(
                    [("case_id", "=", case.id), ("guide_step_id", "=", card.id)]
                )
                if card and case.id
                else Task
            )

    def _compute_tool_type_ids(self):
        tool_types = self.env["bti.tool.type"].search([])
        for case in self:
            case.tool_type_ids = tool_types

    def web_read(self, specification):
        # The tool lists count the forms of this case (bti.tool.type reads the
        # case from its context). The web client evaluates a field's context
        # before the record is loaded, without its id: set it here.
        check_specification(self, specification)
        if len(self) == 1:
            specification = dict(specification)
            for name in ("tool_type_ids", "guide_tool_type_ids"):
                if name in specification:
                    spec = dict(specification[name] or {})
                    spec["context"] = dict(
                        spec.get("context") or {}, bti_case_id=self.id
                    )
                    specification[name] = spec
        return super().web_read(specification)

    # A new meeting's agenda from the meeting template of its kind.
    def _bti_meeting_agenda(self, kind):
        """The points of the active meeting template of ``kind`` (kept by the
        administrators), followed by what the stafettlogg holds about the
        case: the consent, the running measures, the open goals, the baton.
        Without a template, the stafettlogg's own agenda."""
        self.ensure_one()
        Template = self.env["bti.meeting.template"]
        template = Template._bti_for_kind(kind) if Template.has_access("read") else None
        if not template or is_html_empty(template.agenda):
            return super()._bti_meeting_agenda(kind)
        return template.agenda + self._bti_meeting_agenda_facts(kind)

    def _bti_meeting_agenda_facts(self, kind):
        """The part of the agenda filled in from the case."""
        return self.env["ir.qweb"]._render(
            "bti_tools.meeting_agenda_case_facts",
            self._bti_meeting_agenda_values(kind),
        )

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        self.env["bti.case.task"]._bti_add_for_cases(cases)
        return cases

    def write(self, vals):
        res = super().write(vals)
        if "step_id" in vals or "level_id" in vals:
            self.env["bti.case.task"]._bti_add_for_cases(self)
        return res
