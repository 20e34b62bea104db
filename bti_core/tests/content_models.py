"""A test-only concrete model of the case-content mixin (loaded by FakeModelLoader)."""

from odoo import fields, models


class BtiTestContent(models.Model):
    _name = "bti.test.content"
    _inherit = ["bti.case.content.mixin"]
    _description = "BTI test content"

    body = fields.Char()
