from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.bti_core.models.boolean_search import boolean_search
from odoo.addons.bti_core.rules import age as age_rules


class BtiCase(models.Model):
    _inherit = "bti.case"

    youth_shares_health = fields.Boolean(
        string="The Young Person Shares Health Information with the Parents",
        readonly=True,
        help="From 16, a young person's health information is shown to the "
        "parents in the portal only when the young person allows it.",
    )
    is_family_case = fields.Boolean(
        compute="_compute_is_family_case",
        search="_search_is_family_case",
        help="Technical: the current (portal) user is family of this case.",
    )
    family_user_ids = fields.Many2many(
        "res.users",
        compute="_compute_family_user_ids",
        string="Family Logins",
        help="The guardians with parental responsibility (and the young person) "
        "who log in to the portal.",
    )

    @api.depends_context("uid")
    def _compute_is_family_case(self):
        ids = [case_id for case_id in self.ids if isinstance(case_id, int)]
        domain = self.env["bti.access.policy"]._family_domain()
        # sudo: the family's policy domain is applied explicitly.
        family_sudo = self.sudo().search([("id", "in", ids)] + domain) if ids else ()
        for case in self:
            case.is_family_case = case in family_sudo

    @api.model
    def _search_is_family_case(self, operator, value):
        domain = self.env["bti.access.policy"]._family_domain()
        return boolean_search(self, domain, operator, value)

    def _compute_family_user_ids(self):
        for case in self:
            case.family_user_ids = case._bti_family_members().user_ids.filtered(
                lambda u: u.has_group("base.group_portal")
            )

    def _bti_family_members(self):
        """The partners who may have the family's access to this case:
        guardians with parental responsibility, and the young person from the
        co-consent age (or the adult, or the pregnant woman)."""
        self.ensure_one()
        # sudo: who the family is decides a login; only partners leave, to
        # callers that checked the action table.
        case_sudo = self.sudo()
        partners = case_sudo.guardian_ids.filtered("parental_responsibility").partner_id
        youth_age = self.env["bti.consent"].sudo()._youth_consent_age()
        today = self.env["bti.access.policy"]._today()
        if case_sudo.subject_kind == "pregnant" or age_rules.youth_must_consent(
            case_sudo.birth_date, today, youth_age
        ):
            partners |= case_sudo.subject_partner_id
        return partners

    def action_open_family_access(self):
        """Give the family access: a portal login for each guardian with
        parental responsibility (and the young person)."""
        self.ensure_one()
        self._bti_check_action("action_open_family_access")
        self._bti_check_family_access_open()
        return {
            "type": "ir.actions.act_window",
            "name": _("Give the family access"),
            "res_model": "bti.family.access.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _bti_check_family_access_open(self):
        """The family may get (or use) its access: never while violence or
        abuse is suspected, never on a closed case."""
        self._bti_check_family_reachable()
        # sudo: the state and reference only, for a reader of the case.
        case_sudo = self.sudo()
        if case_sudo.state == "closed":
            raise UserError(_("Case %s is closed.", case_sudo.name))
