from odoo import api, fields, models


class BtiGuideStep(models.Model):
    """One card of an action guide: what to do at a level step, how, who,
    when, with which tools, and the tasks a case ticks off."""

    _name = "bti.guide.step"
    _description = "BTI Action Guide Card"
    _inherit = ["bti.protected.mixin"]
    _order = "guide_id, level_code, level_step_sequence, id"
    _bti_create_fields = frozenset(
        {
            "guide_id",
            "level_step_id",
            "what",
            "how",
            "who",
            "when",
            "violence_warning",
            "tool_type_ids",
            "task_ids",
        }
    )
    _bti_write_fields = {"*": _bti_create_fields}

    guide_id = fields.Many2one(
        "bti.guide", required=True, ondelete="cascade", index=True
    )
    family = fields.Selection(related="guide_id.family", store=True)
    level_step_id = fields.Many2one(
        "bti.level.step", string="Step", required=True, ondelete="cascade", index=True
    )
    level_id = fields.Many2one(related="level_step_id.level_id", store=True)
    level_code = fields.Integer(related="level_step_id.level_id.code", store=True)
    level_step_sequence = fields.Integer(related="level_step_id.sequence", store=True)
    what = fields.Html(sanitize=True)
    how = fields.Html(sanitize=True)
    who = fields.Html(sanitize=True)
    when = fields.Html(sanitize=True)
    violence_warning = fields.Boolean(
        string="Violence Exception",
        help="Show prominently on this card: on a suspicion of violence, sexual "
        "abuse or serious neglect the parents are not told or involved first; "
        "contact the child welfare service (and the police) directly.",
    )
    tool_type_ids = fields.Many2many("bti.tool.type", string="Tools")
    task_ids = fields.One2many("bti.guide.task", "guide_step_id", string="Tasks")

    _sql_constraints = [
        (
            "step_unique",
            "unique(guide_id, level_step_id)",
            "A guide has one card per step.",
        ),
    ]

    @api.depends("guide_id.name", "level_step_id")
    def _compute_display_name(self):
        for card in self:
            card.display_name = " – ".join(
                name
                for name in (card.guide_id.name, card.level_step_id.display_name)
                if name
            )
