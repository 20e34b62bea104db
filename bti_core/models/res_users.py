from odoo import api, fields, models

from .bti_query_shape import check_context
from .bti_vals_shape import check_vals_list


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

    # Landing: a BTI user without a home action lands in the BTI cases, not
    # in Discuss (see readme/CONFIGURE.md).
    @api.model_create_multi
    def create(self, vals_list):
        check_context(self.env, self.env.context)
        check_vals_list(self, vals_list)
        users = super().create(vals_list)
        users._bti_set_home_action()
        return users

    def write(self, vals):
        check_context(self.env, self.env.context)
        check_vals_list(self, [vals])
        res = super().write(vals)
        if any(
            key == "groups_id" or key.startswith(("in_group_", "sel_groups_"))
            for key in vals
        ):
            self._bti_set_home_action()
        return res

    @api.model
    def _bti_init_home_actions(self):
        group = self.env.ref("bti_core.group_bti_user")
        # sudo: run from data at install/update: every BTI user's home action.
        users = (
            self.sudo()
            .with_context(active_test=False)
            .search([("action_id", "=", False), ("groups_id", "in", group.id)])
        )
        users._bti_set_home_action()
        return True

    def _bti_set_home_action(self):
        action = self.env.ref("bti_core.action_bti_case", raise_if_not_found=False)
        if not action:
            return
        # sudo: setting a home action is the system's, also when an
        # administrator grants the group; only users without one are touched.
        users = self.sudo().filtered(
            lambda user: (
                not user.action_id
                and not user.share
                and user.has_group("bti_core.group_bti_user")
            )
        )
        if users:
            users.write({"action_id": action.id})
