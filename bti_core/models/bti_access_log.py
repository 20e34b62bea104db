from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BtiAccessLog(models.Model):
    """Who opened, exported or printed which case, when (Normen's access log).

    Rows are written by the system only; nobody can edit or delete them through
    the application (no write/unlink ACL, and write/unlink refuse even the
    superuser outside of retention jobs).
    """

    _name = "bti.access.log"
    _description = "BTI Access Log"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, ondelete="restrict"
    )
    service_id = fields.Many2one("bti.service", readonly=True, ondelete="set null")
    case_id = fields.Many2one(
        "bti.case", required=True, readonly=True, index=True, ondelete="cascade"
    )
    action = fields.Selection(
        [
            ("read", "Opened"),
            ("export", "Exported"),
            ("print", "Printed"),
        ],
        required=True,
        readonly=True,
    )
    detail = fields.Char(readonly=True)

    def write(self, vals):
        self.check_access("write")  # users: no right at all (AccessError)
        if vals:
            raise UserError(_("The access log cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_retention(self):
        # Only the retention purge (run as superuser) deletes rows.
        if not self.env.context.get("bti_retention_purge"):
            raise UserError(_("The access log cannot be deleted."))

    @api.model
    def _log(self, cases, action, detail=False):
        """Write one row per case for the current user.

        Runs as superuser because users have no create right on the log (so
        that nobody can forge or flood rows through RPC); the caller has already
        read, exported or printed ``cases`` with the user's own rights.
        """
        # New records (form onchanges) have not been opened: nothing to log.
        cases = cases.filtered("id")
        if not cases or self.env.su:
            return self.browse()
        user = self.env.user
        if user.share:
            return self.browse()
        service_by_case = cases._bti_access_service_for(user)
        vals = [
            {
                "user_id": user.id,
                "case_id": case.id,
                "service_id": service_by_case.get(case.id, False),
                "action": action,
                "detail": detail,
            }
            for case in cases
        ]
        return self.sudo().create(vals)
