from odoo import api, fields, models
from odoo.osv import expression

from .boolean_search import boolean_search


class MailFollowers(models.Model):
    """Followers of a BTI record are listed only to those who may read the record.

    Odoo lets every internal user read every follower, and the followers of a
    case name the child and the family. The record rule of BTI employees uses
    ``bti_is_accessible``: followers of records outside BTI, or of BTI records
    the user can read under their own rights and record rules.
    """

    _inherit = "mail.followers"

    bti_is_accessible = fields.Boolean(
        compute="_compute_bti_is_accessible", search="_search_bti_is_accessible"
    )

    @api.model
    def _bti_accessible_domain(self):
        user = self.env.user
        branches = [[("res_model", "not like", "bti.%")]]
        for name in self.env.registry:
            if not name.startswith("bti."):
                continue
            Model = self.env[name].with_user(user).with_context(active_test=False)
            if Model._abstract or Model._transient or not Model.has_access("read"):
                continue
            # The user's own rights and record rules decide (a subquery).
            branches.append(
                [("res_model", "=", name), ("res_id", "in", Model._search([]))]
            )
        return expression.OR(branches)

    @api.depends_context("uid")
    def _compute_bti_is_accessible(self):
        # sudo: the policy domain is applied explicitly, not through the rules.
        accessible_sudo = self.sudo().search(
            expression.AND([[("id", "in", self.ids)], self._bti_accessible_domain()])
        )
        for follower in self:
            follower.bti_is_accessible = follower in accessible_sudo

    @api.model
    def _search_bti_is_accessible(self, operator, value):
        return boolean_search(self, self._bti_accessible_domain(), operator, value)
