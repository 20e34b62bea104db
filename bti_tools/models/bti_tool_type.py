from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiToolType(models.Model):
    """A kind of BTI tool (the wonder note, the concern scale …): what the
    action guides link to and the case starts. One record per tool model,
    delivered as data; administrators rename, describe and order them."""

    _name = "bti.tool.type"
    _description = "BTI Tool Type"
    _inherit = ["bti.protected.mixin"]
    _order = "sequence, id"
    _bti_create_fields = frozenset({"name", "description", "sequence", "active"})
    _bti_write_fields = {"*": _bti_create_fields}

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    model = fields.Char(
        required=True,
        readonly=True,
        help="The model of the tool's forms (set by the addon that brings it).",
    )
    case_tool_count = fields.Integer(
        string="On This Case",
        compute="_compute_case_tool_count",
        help="How many of these forms of the case you may read.",
    )

    _sql_constraints = [
        ("model_unique", "unique(model)", "Each tool model has one tool type."),
    ]

    def _bti_case(self):
        """The case the tool types are shown on (the form's context)."""
        case_id = self.env.context.get("bti_case_id")
        return self.env["bti.case"].browse(case_id if isinstance(case_id, int) else ())

    def _bti_action_case(self):
        return self._bti_case()

    @api.depends_context("bti_case_id", "uid")
    def _compute_case_tool_count(self):
        case = self._bti_case()
        for tool_type in self:
            if not case or tool_type.model not in self.env:
                tool_type.case_tool_count = 0
                continue
            tool_type.case_tool_count = self.env[tool_type.model].search_count(
                [("case_id", "=", case.id)]
            )

    def _bti_tool_model(self):
        self.ensure_one()
        if self.model not in self.env:
            raise UserError(_("The tool %s is not installed.", self.name))
        return self.env[self.model]

    def action_start(self):
        """A new form of this tool on the case of the context."""
        self.ensure_one()
        self._bti_check_action("action_start")
        case = self._bti_case()
        return self._bti_tool_model()._bti_tool_window(
            case, view_mode="form", res_id=False
        )

    def action_open_for_case(self):
        """The forms of this tool on the case of the context."""
        self.ensure_one()
        self._bti_check_action("action_open_for_case")
        case = self._bti_case()
        return self._bti_tool_model()._bti_tool_window(case, view_mode="list,form")
