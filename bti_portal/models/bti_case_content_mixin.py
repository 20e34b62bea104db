from odoo import api, fields, models
from odoo.osv import expression

from odoo.addons.bti_core.models.boolean_search import boolean_search


class BtiCaseContentMixin(models.AbstractModel):
    """What of a case's content its family reads (the portal's record rules
    use ``[('is_family_readable', '=', True)]``)."""

    _inherit = "bti.case.content.mixin"

    is_family_readable = fields.Boolean(
        compute="_compute_is_family_readable", search="_search_is_family_readable"
    )

    @api.model
    def _bti_family_branch(self):
        """What the model adds to the family's branch (e.g. published only)."""
        return []

    @api.depends_context("uid")
    @api.depends("visibility", "info_category_id")
    def _compute_is_family_readable(self):
        ids = [rid for rid in self.ids if isinstance(rid, int)]
        policy = self.env["bti.access.policy"]._family_reader_domain(self)
        domain = expression.AND([[("id", "in", ids)], policy])
        # sudo: the family's policy domain is applied explicitly.
        readable_sudo = self.sudo().search(domain) if ids else ()
        for record in self:
            record.is_family_readable = record in readable_sudo

    @api.model
    def _search_is_family_readable(self, operator, value):
        domain = self.env["bti.access.policy"]._family_reader_domain(self)
        return boolean_search(self, domain, operator, value)
