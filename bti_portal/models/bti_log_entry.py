from odoo import api, models


class BtiLogEntry(models.Model):
    _inherit = "bti.log.entry"

    @api.model
    def _bti_family_branch(self):
        # A draft is its author's; the family reads what was published.
        return [("state", "=", "published")]
