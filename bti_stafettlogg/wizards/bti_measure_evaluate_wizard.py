from odoo import fields, models
from odoo.exceptions import ValidationError


class BtiMeasureEvaluateWizard(models.TransientModel):
    _name = "bti.measure.evaluate.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Evaluate a BTI Measure"

    measure_id = fields.Many2one("bti.measure", required=True, ondelete="cascade")
    effect = fields.Selection(
        lambda self: self.env["bti.measure"]._fields["effect"].selection, required=True
    )
    evaluation = fields.Html(required=True, sanitize=True)
    outcome = fields.Selection(
        [("finish", "The measure ends here"), ("continue", "The measure continues")],
        required=True,
        default="finish",
    )
    next_date = fields.Date(string="Next Evaluation Date")

    def action_confirm(self):
        self.ensure_one()
        if self.outcome == "continue" and not self.next_date:
            raise ValidationError(
                self.env._("A measure that continues needs its next evaluation date.")
            )
        self.measure_id._bti_evaluate(
            self.effect,
            self.evaluation,
            next_date=self.next_date if self.outcome == "continue" else False,
        )
        return {"type": "ir.actions.act_window_close"}
