from odoo import fields, models

FACTORS = [
    ("question", "Question"),
    ("risk", "Risk factor"),
    ("protective", "Protective factor"),
]
QUESTION_FIELDS = frozenset({"template_id", "sequence", "section", "factor", "name"})


class BtiToolMappingQuestion(models.Model):
    """A question of a mapping template, or a risk or protective factor of
    the risk and protective factors list, within a section (a domain: the
    child, the family, the surroundings …)."""

    _name = "bti.tool.mapping.question"
    _description = "BTI Mapping Question"
    _inherit = ["bti.protected.mixin"]
    _order = "template_id, sequence, id"
    _bti_create_fields = QUESTION_FIELDS
    _bti_write_fields = {"*": _bti_create_fields}

    template_id = fields.Many2one(
        "bti.tool.mapping.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    section = fields.Char(help="The heading the question stands under.")
    factor = fields.Selection(
        FACTORS,
        required=True,
        default="question",
        help="A question to answer, or a risk or protective factor to tick when "
        "it is seen in the child's life.",
    )
    name = fields.Text(string="Question", required=True)
