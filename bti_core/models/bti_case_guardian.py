from odoo import api, fields, models


class BtiCaseGuardian(models.Model):
    """A parent or guardian of the case's subject (foresatt)."""

    _name = "bti.case.guardian"
    _description = "BTI Case Guardian"
    _order = "case_id, parental_responsibility desc, id"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, ondelete="restrict", index=True
    )
    relation = fields.Selection(
        [
            ("mother", "Mother"),
            ("father", "Father"),
            ("parent", "Parent"),
            ("foster_parent", "Foster parent"),
            ("guardian", "Appointed guardian"),
            ("other", "Other"),
        ],
        required=True,
        default="parent",
    )
    parental_responsibility = fields.Boolean(default=True)
    lives_with_child = fields.Boolean(default=True)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    email = fields.Char(related="partner_id.email", readonly=False)
    note = fields.Char()

    _sql_constraints = [
        (
            "partner_case_unique",
            "unique(case_id, partner_id)",
            "This person is already a guardian on the case.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        guardians = super().create(vals_list)
        guardians.partner_id._bti_mark_confidential()
        return guardians

    def write(self, vals):
        res = super().write(vals)
        if "partner_id" in vals:
            self.partner_id._bti_mark_confidential()
        return res
