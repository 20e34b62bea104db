from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class BtiFamilyAccessWizard(models.TransientModel):
    """Give the family of a case their own login to the portal: the guardians
    with parental responsibility and, from the co-consent age, the young
    person. What they read is decided by the policy's family branch, not by
    this login: a guardian without parental responsibility is never offered."""

    _name = "bti.family.access.wizard"
    _inherit = ["bti.single.record", "bti.vals.shape"]
    _description = "Give the Family Access"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade")
    member_ids = fields.Many2many(
        "res.partner", compute="_compute_member_ids", string="May Have Access"
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Give Access To",
        default=lambda self: self._default_partner_ids(),
    )

    @api.depends("case_id")
    def _compute_member_ids(self):
        for wizard in self:
            wizard.member_ids = wizard.case_id._bti_family_members()

    @api.model
    def _default_partner_ids(self):
        case_id = self.env.context.get("default_case_id")
        # A client's context may carry anything: an id or nothing.
        if type(case_id) is not int:
            return False
        return self.env["bti.case"].browse(case_id).exists()._bti_family_members()

    def action_confirm(self):
        self.ensure_one()
        case = self.case_id
        case._bti_check_action("action_open_family_access")
        case._bti_check_family_access_open()
        members = case._bti_family_members()
        # sudo: names and e-mail addresses of the case's family, read by a user
        # the action table allowed to give them access.
        partners_sudo = self.partner_ids.sudo()
        strangers = partners_sudo - members.sudo()
        if strangers:
            raise UserError(
                _(
                    "%s is not a guardian with parental responsibility (or the young "
                    "person) on this case.",
                    ", ".join(strangers.mapped("name")),
                )
            )
        if not partners_sudo:
            raise UserError(_("Choose who gets access."))
        no_email = partners_sudo.filtered(lambda p: not p.email)
        if no_email:
            raise UserError(
                _(
                    "%s has no e-mail address: add it on the guardian first.",
                    ", ".join(no_email.mapped("name")),
                )
            )
        staff = partners_sudo.filtered(
            lambda p: p.user_ids.filtered(lambda u: not u.share)
        )
        if staff:
            raise UserError(
                _(
                    "%s already logs in as an employee: family access needs a "
                    "login of its own.",
                    ", ".join(staff.mapped("name")),
                )
            )
        portal = self.env.ref("base.group_portal")
        template = self.env.ref("bti_portal.mail_template_family_access")
        for partner_sudo in partners_sudo:
            user_sudo = partner_sudo.with_context(active_test=False).user_ids[:1]
            if not user_sudo:
                # sudo: creating a login is the administrators' right; here the
                # system creates a portal login for the family of the case,
                # after the action table and the family check above.
                user_sudo = (
                    self.env["res.users"]
                    .sudo()
                    .with_context(no_reset_password=True)
                    .create(
                        {
                            "partner_id": partner_sudo.id,
                            "login": partner_sudo.email,
                            "groups_id": [Command.set(portal.ids)],
                        }
                    )
                )
            elif not user_sudo.active:
                user_sudo.active = True
            # The e-mail says that there is access and where to log in; never
            # content, never a link with a token.
            template.sudo().send_mail(user_sudo.id, force_send=False)
        case.message_post(
            body=_(
                "The family has access in the portal: %s.",
                ", ".join(partners_sudo.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
