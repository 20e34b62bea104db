from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL


class ResPartner(models.Model):
    """Hide BTI children and guardians from everyone outside their cases.

    A record rule on ``res.partner`` for every internal user lets through only
    partners that are not ``bti_confidential``, or that are the subject or a
    guardian of a case the user may see.
    """

    _inherit = "res.partner"

    bti_confidential = fields.Boolean(
        string="BTI Person",
        copy=False,
        index=True,
        readonly=True,
        help="Technical: this person is the subject or a guardian in a BTI case.",
    )
    bti_subject_case_ids = fields.One2many(
        "bti.case",
        "subject_partner_id",
        string="BTI Cases",
        groups="bti_core.group_bti_user",
    )
    bti_guardian_ids = fields.One2many(
        "bti.case.guardian",
        "partner_id",
        string="BTI Guardianships",
        groups="bti_core.group_bti_user",
    )
    bti_is_accessible = fields.Boolean(
        compute="_compute_bti_is_accessible", search="_search_bti_is_accessible"
    )

    def _bti_mark_confidential(self):
        # Users of a case may not write partners; marking is part of creating
        # the case. Partners of users (staff) stay visible as colleagues.
        to_mark = self.sudo().filtered(
            lambda p: not p.bti_confidential and not p.user_ids
        )
        if to_mark:
            to_mark.write({"bti_confidential": True})

    @api.model
    def _bti_accessible_partner_domain(self):
        case_domain = self.env["bti.case"]._bti_accessible_domain()
        if case_domain == expression.FALSE_DOMAIN:
            return expression.FALSE_DOMAIN
        # One subquery (a UNION, not an OR of two joins), so that PostgreSQL
        # evaluates it once as a hashed subplan for every partner query.
        cases = (
            self.env["bti.case"]
            .sudo()
            .with_context(active_test=False)
            ._search(case_domain)
        )
        partner_ids = SQL(
            "(SELECT subject_partner_id FROM bti_case WHERE id IN %s"
            " UNION SELECT partner_id FROM bti_case_guardian WHERE case_id IN %s)",
            cases.subselect(),
            cases.subselect(),
        )
        return [("id", "in", partner_ids)]

    @api.depends_context("uid")
    @api.depends(
        "bti_subject_case_ids.is_accessible", "bti_guardian_ids.case_id.is_accessible"
    )
    def _compute_bti_is_accessible(self):
        domain = self._bti_accessible_partner_domain()
        accessible = self.sudo().search(
            expression.AND([[("id", "in", self.ids)], domain])
        )
        for partner in self:
            partner.bti_is_accessible = partner in accessible

    @api.model
    def _search_bti_is_accessible(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on BTI accessibility."))
        domain = self._bti_accessible_partner_domain()
        if (operator == "=") != value:
            return ["!", *expression.normalize_domain(domain)]
        return domain
