from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .boolean_search import boolean_search
from .bti_query_shape import check_context
from .bti_vals_shape import check_vals_list


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

    def _bti_check_nameable(self):
        """Refuse persons the user may not read: naming a confidential child
        or guardian of another case (as a case's person, a guardian, a
        wonder note's child) would open that person to the user."""
        if self.env.su or not self:
            return
        if len(self.sudo(False)._filtered_access("read")) != len(self):
            raise AccessError(
                _(
                    "You may not name this person here: they are not a person of "
                    "a case you work on."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # BTI reads the values first: their shape before anything reads them.
        check_context(self.env, self.env.context)
        check_vals_list(self, vals_list)
        if not self.env.su and any("bti_confidential" in vals for vals in vals_list):
            self._bti_refuse_confidential()
        return super().create(vals_list)

    def write(self, vals):
        # Only the system marks a person confidential (when a case names them),
        # and nobody unmarks them: unmarked, every internal user would find the
        # child by name.
        check_context(self.env, self.env.context)
        check_vals_list(self, [vals])
        if "bti_confidential" in vals and not self.env.su:
            self._bti_refuse_confidential()
        return super().write(vals)

    def _bti_refuse_confidential(self):
        raise UserError(
            _("Whether a person is a BTI person is set by the system only.")
        )

    def _bti_mark_confidential(self):
        # sudo: users of a case may not write partners; marking is part of
        # creating the case. Partners of users (staff) stay visible as colleagues.
        to_mark_sudo = self.sudo().filtered(
            lambda p: not p.bti_confidential and not p.user_ids
        )
        if to_mark_sudo:
            to_mark_sudo.write({"bti_confidential": True})

    @api.depends_context("uid")
    @api.depends(
        "bti_subject_case_ids.is_accessible", "bti_guardian_ids.case_id.is_accessible"
    )
    def _compute_bti_is_accessible(self):
        accessible = self.env["bti.access.policy"]._partner_ids() or set()
        for partner in self:
            partner.bti_is_accessible = partner.id in accessible

    @api.model
    def _search_bti_is_accessible(self, operator, value):
        domain = self.env["bti.access.policy"]._partner_domain()
        return boolean_search(self, domain, operator, value)

    def _get_gravatar_image(self, email):
        # No calls home: the gravatar image of an e-mail is not fetched.
        return False
