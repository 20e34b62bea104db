from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .boolean_search import boolean_search


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
        # The case ids first (one indexed query): PostgreSQL then plans the
        # partner subquery with the real number of cases and looks them up by
        # index, instead of scanning every case (the plan an id subquery got).
        case_ids = self.env["bti.case"]._bti_accessible_case_ids()
        if case_ids is None:
            return expression.FALSE_DOMAIN
        return [("id", "in", self._bti_partners_of_cases(case_ids))]

    @api.model
    def _bti_partners_of_cases(self, case_ids, partner_ids=None):
        """SQL selecting the subjects and guardians of ``case_ids`` (among
        ``partner_ids`` when given): one UNION subquery, which PostgreSQL
        evaluates once per partner query as a hashed subplan."""
        subject_filter = guardian_filter = SQL("")
        if partner_ids is not None:
            subject_filter = SQL(" AND subject_partner_id = ANY(%s)", partner_ids)
            guardian_filter = SQL(" AND partner_id = ANY(%s)", partner_ids)
        return SQL(
            "(SELECT subject_partner_id FROM bti_case WHERE id = ANY(%s)%s"
            " UNION SELECT partner_id FROM bti_case_guardian"
            " WHERE case_id = ANY(%s)%s)",
            case_ids,
            subject_filter,
            case_ids,
            guardian_filter,
        )

    @api.depends_context("uid")
    @api.depends(
        "bti_subject_case_ids.is_accessible", "bti_guardian_ids.case_id.is_accessible"
    )
    def _compute_bti_is_accessible(self):
        accessible = set()
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        case_ids = self.env["bti.case"]._bti_accessible_case_ids() if ids else None
        if case_ids is not None:
            query = self._bti_partners_of_cases(case_ids, ids)
            accessible = {row[0] for row in self.env.execute_query(query)}
        for partner in self:
            partner.bti_is_accessible = partner.id in accessible

    @api.model
    def _search_bti_is_accessible(self, operator, value):
        return boolean_search(
            self, self._bti_accessible_partner_domain(), operator, value
        )
