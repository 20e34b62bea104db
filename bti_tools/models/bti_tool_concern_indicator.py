from odoo import _, api, fields, models
from odoo.exceptions import UserError

# The two scales of the concern scale (bekymringsskala), TOOLS.md tool 5.
SCALE_KINDS = [("child", "The child"), ("parents", "The parents")]
# The four steps: 1-2 "be attentive", 3-4 "grounds for concern". The labels
# per scale are bti.tool.concern_scale._bti_step_labels().
STEPS = [
    ("1", "1 – Generally good wellbeing"),
    ("2", "2 – Reduced wellbeing"),
    ("3", "3 – Needs adaptation / own difficulties"),
    ("4", "4 – Child welfare or police must be told"),
]
INDICATOR_FIELDS = frozenset({"kind", "step", "name", "sequence", "active"})


class BtiToolConcernIndicator(models.Model):
    """What an assessor may see at a step of a concern scale (the child's or
    the parents'). Kept by administrators; ticked on the scales."""

    _name = "bti.tool.concern.indicator"
    _description = "BTI Concern Scale Indicator"
    _inherit = ["bti.protected.mixin"]
    _order = "kind, step, sequence, id"
    _bti_create_fields = INDICATOR_FIELDS
    _bti_write_fields = {"*": _bti_create_fields}

    kind = fields.Selection(SCALE_KINDS, string="Scale", required=True, index=True)
    step = fields.Selection(STEPS, required=True, index=True)
    name = fields.Char(string="Indicator", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    def _bti_used(self):
        """Whether a concern scale has ticked any of these indicators."""
        # sudo: whether any scale uses them, whatever scales the administrator
        # may read; only a count leaves.
        return bool(
            self.env["bti.tool.concern_scale"]
            .sudo()
            .search_count([("indicator_ids", "in", self.ids)], limit=1)
        )

    def write(self, vals):
        # A ticked indicator is part of the scales that hold it: moving it to
        # another scale or step would change what they said.
        self._bti_check_vals_shape([vals])
        if {"kind", "step"} & set(vals):
            changed = self.filtered(
                lambda i: (
                    ("kind" in vals and i.kind != vals["kind"])
                    or ("step" in vals and i.step != vals["step"])
                )
            )
            if changed and changed._bti_used():
                raise UserError(
                    _(
                        "%s is ticked on concern scales: it keeps its scale and "
                        "step. Archive it and add a new indicator instead.",
                        changed[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self._bti_used():
            raise UserError(
                _(
                    "An indicator ticked on concern scales cannot be deleted: "
                    "archive it instead."
                )
            )
