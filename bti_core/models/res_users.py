from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    bti_service_ids = fields.Many2many(
        "bti.service",
        "bti_service_member_rel",
        "user_id",
        "service_id",
        string="BTI Services",
    )
    bti_led_service_ids = fields.Many2many(
        "bti.service",
        "bti_service_leader_rel",
        "user_id",
        "service_id",
        string="BTI Services Led",
    )
