from itertools import zip_longest

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError

from .bti_tool_mixin import TOOL_CREATE_FIELDS, TOOL_WRITE_FIELDS

# What the author writes in a draft (the answers through their lines).
MAPPING_FIELDS = frozenset({"template_id", "answer_ids", "summary"})


class BtiToolMapping(models.Model):
    """The mapping form (kartleggingsskjema): the questions of a template,
    answered for one child; for the risk and protective factors list, which
    factors are seen in the child's life, side by side and not counted, and
    the author's assessment.

    The questions are copied from the template when the form is written (or
    its template changed in a draft), so a later change of the template never
    changes a written mapping. A mapping with an internal template (the risk
    list, children as next of kin) is never shown to the family.
    """

    _name = "bti.tool.mapping"
    _description = "BTI Mapping"
    _inherit = ["bti.tool.mixin"]
    _bti_create_fields = TOOL_CREATE_FIELDS | MAPPING_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS | MAPPING_FIELDS}
    _bti_tool_report = "bti_tools.action_report_tool_mapping"

    previous_id = fields.Many2one(
        "bti.tool.mapping",
        string="Previous Version",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    template_id = fields.Many2one(
        "bti.tool.mapping.template",
        required=True,
        ondelete="restrict",
        tracking=True,
        domain=[("active", "=", True)],
    )
    template_kind = fields.Selection(related="template_id.kind")
    template_internal = fields.Boolean(related="template_id.internal")
    template_description = fields.Text(related="template_id.description")
    answer_ids = fields.One2many("bti.tool.mapping.answer", "mapping_id")
    has_factors = fields.Boolean(
        compute="_compute_has_factors",
        help="Some questions are risk or protective factors.",
    )
    summary = fields.Html(
        string="Assessment",
        sanitize=True,
        help="Your judgement: what the answers and the factors mean together for "
        "this child. The factors are not counted.",
    )

    @api.depends("answer_ids.factor")
    def _compute_has_factors(self):
        for mapping in self:
            mapping.has_factors = any(
                line.factor != "question" for line in mapping.answer_ids
            )

    # ------------------------------------------------------------------
    # The template
    # ------------------------------------------------------------------
    @api.model
    def _bti_default_template(self, case, service):
        """The first active template made for the kind of ``service`` and the
        age of the child of ``case``: one made for that kind of service before
        one for every service."""
        age = case.age if case and case.birth_date else None
        fitting = (
            self.env["bti.tool.mapping.template"]
            .search([])
            .filtered(lambda template: template._bti_fits(service.kind, age))
        )
        return (fitting.filtered("service_kind") or fitting)[:1]

    @api.model
    def _bti_author_service(self, case):
        if not case:
            return self.env["bti.service"]
        service_id = case._bti_access_service_for(self.env.user).get(case.id)
        return self.env["bti.service"].browse(service_id or ())

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "template_id" in fields_list and not values.get("template_id"):
            case_id = values.get("case_id") or self.env.context.get("default_case_id")
            case = self.env["bti.case"].browse(case_id or ()).exists()
            template = self._bti_default_template(case, self._bti_author_service(case))
            if template:
                values["template_id"] = template.id
        return values

    @api.onchange("case_id")
    def _onchange_case_id(self):
        if self.case_id and not self.template_id:
            self.template_id = self._bti_default_template(
                self.case_id, self._bti_author_service(self.case_id)
            )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.state != "draft":
            return None
        answered = any(line.present or line.answer for line in self.answer_ids)
        self.answer_ids = [Command.clear(), *self.template_id._bti_answer_commands()]
        if answered:
            return {
                "warning": {
                    "title": _("Another template"),
                    "message": _(
                        "The questions of the new template replace the former "
                        "ones, and the answers already written are removed when "
                        "you save."
                    ),
                }
            }
        return None

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        vals_list = super()._bti_prepare_create_vals(vals_list)
        templates = self.env["bti.tool.mapping.template"]
        for vals in vals_list:
            if not vals.get("template_id"):
                case = self.env["bti.case"].browse(
                    vals.get("case_id") or self.env.context.get("default_case_id") or ()
                )
                service = self.env["bti.service"].browse(
                    vals.get("author_service_id") or ()
                )
                template = self._bti_default_template(case.exists(), service)
                if template:
                    vals["template_id"] = template.id
            # The form sends the lines its onchange made; anyone else gets the
            # template's questions.
            if not _creates(vals.get("answer_ids")):
                vals["answer_ids"] = templates.browse(
                    vals.get("template_id") or ()
                )._bti_answer_commands()
        return vals_list

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        if "template_id" in vals and len(self) > 1:
            # Whether a form's lines are rebuilt depends on its own template.
            for mapping in self:
                super(BtiToolMapping, mapping).write(vals)
            return True
        return super().write(vals)

    def _bti_prepare_write_vals(self, vals):
        vals = super()._bti_prepare_write_vals(vals)
        if "template_id" not in vals:
            return vals
        template = self.env["bti.tool.mapping.template"].browse(
            vals["template_id"] or ()
        )
        if not self.filtered(
            lambda mapping: mapping.state == "draft" and mapping.template_id != template
        ):
            return vals
        # Another template: its questions replace the lines (those of the
        # form's onchange, else the template's own).
        commands = _creates(vals.get("answer_ids")) or template._bti_answer_commands()
        return dict(vals, answer_ids=[Command.clear(), *commands])

    @api.constrains("template_id")
    def _check_template_visibility(self):
        # An internal template makes the form internal, also when chosen later.
        self._check_tool_visibility()

    # ------------------------------------------------------------------
    # Declarations of the tool
    # ------------------------------------------------------------------
    def _bti_tool_may_reach_family(self):
        return super()._bti_tool_may_reach_family() and not any(
            mapping.template_id.internal for mapping in self
        )

    def _bti_check_finalizable(self):
        for mapping in self:
            if not any(
                line.present or (line.answer or "").strip()
                for line in mapping.answer_ids
            ):
                raise ValidationError(
                    _("Answer at least one question before making the mapping final.")
                )
        return super()._bti_check_finalizable()

    # ------------------------------------------------------------------
    # Print
    # ------------------------------------------------------------------
    def _bti_report_sections(self):
        """The answers by section, in the order of the form: each section's
        risk and protective factors side by side (rows of pairs, an empty
        record where one column is shorter) and its plain questions."""
        self.ensure_one()
        by_section = {}
        for line in self.answer_ids:
            by_section.setdefault(line.section or "", []).append(line.id)
        sections = []
        for name, ids in by_section.items():
            lines = self.answer_ids.browse(ids)
            risks = lines.filtered(lambda line: line.factor == "risk")
            protective = lines.filtered(lambda line: line.factor == "protective")
            sections.append(
                {
                    "name": name,
                    "factor_rows": list(
                        zip_longest(risks, protective, fillvalue=lines.browse())
                    ),
                    "questions": lines.filtered(lambda line: line.factor == "question"),
                }
            )
        return sections


def _creates(commands):
    """The create commands of a one2many value sent by a client."""
    return [
        command
        for command in commands or ()
        if isinstance(command, (list, tuple)) and command[0] == Command.CREATE
    ]
