from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiToolRecipientMixin(models.AbstractModel):
    """A form sent to one service outside the case's participation: the
    report to the child welfare service, the transition form passed on to
    the school.

    Sending grants the members of ``recipient_service_id`` read access to this
    form only, through a record-rule branch of its own on each inheriting
    model (``[('recipient_granted', '=', True),
    ('recipient_service_id.member_ids', 'in', user.id)]``, read only): never
    to the case, its log or its other forms, and never through the case's
    participation. The grant is the system's, in :meth:`_bti_grant_recipient`,
    after the form's own checks; a user never writes it.
    """

    _name = "bti.tool.recipient.mixin"
    _description = "BTI Form Sent to a Service"
    # On top of the protected mixin, so that its role is reached from every
    # chain of _bti_record_roles, whatever the order of a model's _inherit.
    _inherit = "bti.protected.mixin"

    recipient_service_id = fields.Many2one(
        "bti.service",
        string="Sent To",
        tracking=True,
        index=True,
        ondelete="restrict",
    )
    recipient_granted = fields.Boolean(
        string="Readable by the Receiving Service",
        readonly=True,
        copy=False,
        index=True,
    )
    recipient_date = fields.Datetime(string="Sent", readonly=True, copy=False)
    user_is_recipient = fields.Boolean(compute="_compute_user_is_recipient")

    @api.depends_context("uid")
    @api.depends("recipient_granted", "recipient_service_id")
    def _compute_user_is_recipient(self):
        user = self.env.user
        for form in self:
            form.user_is_recipient = form._bti_user_is_recipient(user)

    def _bti_user_is_recipient(self, user):
        self.ensure_one()
        # sudo: whether the user is a member of the receiving service decides a
        # role; only the comparison leaves.
        form_sudo = self.sudo()
        return bool(
            form_sudo.recipient_granted
            and user in form_sudo.recipient_service_id.member_ids
        )

    def _bti_record_roles(self, user):
        roles = super()._bti_record_roles(user)
        if self._bti_user_is_recipient(user):
            roles.add("recipient")
        return roles

    def _bti_grant_recipient(self):
        """Give the receiving service read access to these forms (the system's
        write, after the caller's checks)."""
        for form in self:
            if not form.recipient_service_id:
                raise UserError(_("Choose the service the form is sent to."))
        # sudo: the grant is the system's; the caller has checked the action
        # table and the form's own rules (consent, signatures, grounds).
        self.sudo()._bti_system_write(
            {"recipient_granted": True, "recipient_date": fields.Datetime.now()}
        )
