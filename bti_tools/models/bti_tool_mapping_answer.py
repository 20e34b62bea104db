from odoo import fields, models

from .bti_tool_line_mixin import LINE_UNLOGGED_FIELDS
from .bti_tool_mapping_question import FACTORS

# What the author writes in a draft. The question itself (section, factor,
# text) is copied from the template when the line is made, never changed.
ANSWER_FIELDS = frozenset({"present", "answer"})


class BtiToolMappingAnswer(models.Model):
    """One question of a mapping, copied from its template, with the answer:
    a note, and for a risk or protective factor whether it is present."""

    _name = "bti.tool.mapping.answer"
    _description = "BTI Mapping Answer"
    _inherit = ["bti.tool.line.mixin"]
    _order = "mapping_id, sequence, id"
    _bti_tool_parent = "mapping_id"
    _bti_unlogged_fields = LINE_UNLOGGED_FIELDS
    _bti_create_fields = ANSWER_FIELDS | {
        "mapping_id",
        "sequence",
        "section",
        "factor",
        "question",
    }
    _bti_write_fields = {"draft": ANSWER_FIELDS}

    mapping_id = fields.Many2one(
        "bti.tool.mapping", required=True, ondelete="cascade", index=True
    )
    case_id = fields.Many2one(related="mapping_id.case_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    section = fields.Char()
    factor = fields.Selection(FACTORS, required=True, default="question")
    question = fields.Text(required=True)
    present = fields.Boolean(
        help="For a risk or protective factor: it is seen in this child's life."
    )
    answer = fields.Text(string="Answer / note")
