from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.bti_core.models.bti_access_policy import HEALTH_PRIVACY_AGE


class BtiAccessPolicy(models.AbstractModel):
    """The family's branch of the policy: a portal user reads the cases in
    which their partner is a guardian with parental responsibility, or the
    young person from the co-consent age (or the adult, or the pregnant
    woman herself); never a closed case, nothing while violence or abuse is
    suspected. Of a case's content, what was shared with the family."""

    _inherit = "bti.access.policy"

    @api.model
    def _family_partner(self, user=None):
        """The partner a portal user reads as (None: not a family member)."""
        user = user or self.env.user
        if not user.has_group("base.group_portal"):
            return None
        return user.partner_id

    @api.model
    def _family_cases_sql(self, partner, guardian_only=False):
        """SQL selecting the open cases ``partner`` sees as family: as a
        guardian with parental responsibility, or as the young person (or
        the pregnant woman) herself. Two indexed parts (by the guardian's and
        the subject's partner) rather than one OR, which would scan every
        case (and, on a large database, have PostgreSQL compile the scan on
        every request)."""
        today = self._today()
        # sudo: a setting of the administrators that every case follows.
        youth_age = self.env["bti.consent"].sudo()._youth_consent_age()
        open_case = SQL(
            "c.state != 'closed' AND NOT COALESCE(c.violence_suspicion, FALSE)"
        )
        guardian = SQL(
            "SELECT c.id FROM bti_case_guardian g JOIN bti_case c ON c.id = g.case_id"
            " WHERE g.partner_id = %s AND g.parental_responsibility AND %s",
            partner.id,
            open_case,
        )
        if guardian_only:
            return SQL("(%s)", guardian)
        subject = SQL(
            "SELECT c.id FROM bti_case c WHERE c.subject_partner_id = %s"
            " AND (c.subject_kind = 'pregnant' OR c.birth_date <= %s) AND %s",
            partner.id,
            today - relativedelta(years=youth_age),
            open_case,
        )
        return SQL("(%s UNION ALL %s)", guardian, subject)

    @api.model
    def _family_domain(self, user=None):
        partner = self._family_partner(user)
        if not partner:
            return expression.FALSE_DOMAIN
        return [("id", "in", self._family_cases_sql(partner))]

    @api.model
    def _health_kept_from_parents(self, case):
        # sudo: the young person's permission only.
        return super()._health_kept_from_parents(case) and not (
            case.sudo().youth_shares_health
        )

    @api.model
    def _family_copy_domain(self, case):
        """The young person's own copy (downloaded by the young person in the
        portal) keeps their health information: only the parents' copy leaves
        it out. Decided by who reads, as the family's record rules do, never
        by a flag of the context, which an RPC client could send."""
        partner = self._family_partner()
        # sudo: the subject of the case only.
        if partner and partner == case.sudo().subject_partner_id:
            return self._family_content_domain()
        return super()._family_copy_domain(case)

    @api.model
    def _case_roles(self, case, user=None):
        """``family``: a guardian with parental responsibility (or the young
        person) of ``case``, as a portal user, while the family may see it."""
        roles = super()._case_roles(case, user)
        partner = self._family_partner(user)
        if case and partner:
            rows = self.env.execute_query(
                SQL(
                    "SELECT 1 FROM %s f WHERE f.id = %s",
                    self._family_cases_sql(partner),
                    case.id,
                )
            )
            if rows:
                roles.add("family")
        return roles

    @api.model
    def _family_reader_domain(self, model, user=None):
        """The records of ``model`` (a bti.case.content.mixin) a family
        member reads: content shared with the family of their cases; the
        parents of a young person of 16 or older no health information
        unless the young person allows it."""
        partner = self._family_partner(user)
        if not partner:
            return expression.FALSE_DOMAIN
        domain = expression.AND(
            [
                [("case_id", "in", self._family_cases_sql(partner))],
                self._family_content_domain(),
                model._bti_family_branch(),
            ]
        )
        health = self.env.ref("bti_core.info_category_health", raise_if_not_found=False)
        if health:
            cutoff = self._today() - relativedelta(years=HEALTH_PRIVACY_AGE)
            # Of this family's cases only: never a scan of every case.
            private = SQL(
                "(SELECT c.id FROM bti_case c WHERE c.id IN %s"
                " AND c.birth_date <= %s AND c.subject_partner_id != %s"
                " AND NOT COALESCE(c.youth_shares_health, FALSE))",
                self._family_cases_sql(partner),
                cutoff,
                partner.id,
            )
            domain = expression.AND(
                [
                    domain,
                    [
                        "|",
                        ("info_category_id", "!=", health.id),
                        ("case_id", "not in", private),
                    ],
                ]
            )
        return domain
