import base64
import hashlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.bti_core.models.bti_access_logged import TECHNICAL_FIELDS


class BtiLogArchive(models.Model):
    """The archive copy of a closed case's stafettlogg: the complete log as a
    PDF, with its SHA-256, made when the case is closed.

    It holds every entry, whatever its visibility, so it is read only by the
    leaders of the owning service, who hand it to the municipal archive.
    Nobody changes or deletes it.
    """

    _name = "bti.log.archive"
    _description = "BTI Stafettlogg Archive Copy"
    _inherit = ["bti.protected.mixin", "bti.access.logged"]
    _order = "date desc, id desc"
    # The copy itself (and why the case closed) is content; where and when it
    # was filed is not (bti.access.logged). The file is logged when
    # downloaded (ir.attachment).
    _bti_unlogged_fields = TECHNICAL_FIELDS | {
        "date",
        "user_id",
        "document_name",
        "mimetype",
        "sha256",
        "size",
        "reference",
    }
    # Made by the system when the case closes; a leader only fills in where the
    # municipal archive keeps it.
    _bti_create_fields = frozenset()
    _bti_write_fields = {"*": frozenset({"reference"})}

    case_id = fields.Many2one(
        "bti.case", required=True, readonly=True, ondelete="restrict", index=True
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Closed By", required=True, readonly=True
    )
    close_reason = fields.Char(readonly=True)
    document = fields.Binary(string="Archive Copy", attachment=True, readonly=True)
    document_name = fields.Char(readonly=True)
    mimetype = fields.Char(readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True, index=True)
    size = fields.Integer(readonly=True)
    reference = fields.Char(
        string="Archive Reference", help="Reference in the municipal archive."
    )

    @api.depends("case_id", "date")
    def _compute_display_name(self):
        for archive in self:
            # sudo: the case reference only, for a leader who no longer reads
            # the closed case through a participation.
            archive.display_name = _(
                "Archive copy of %s", archive.case_id.sudo().name or ""
            )

    @api.model
    def _bti_create_for(self, case, content, mimetype, reason):
        # sudo: users have no create right; closing the case (checked by the
        # caller) is what makes the copy.
        return self.sudo().create(
            {
                "case_id": case.id,
                "user_id": self.env.uid,
                "close_reason": reason,
                "document": base64.b64encode(content),
                "document_name": "{}-stafettlogg.{}".format(
                    case.name, "pdf" if mimetype == "application/pdf" else "html"
                ),
                "mimetype": mimetype,
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
            }
        )

    def write(self, vals):
        # Not even the system changes the copy: it is what was archived.
        self._bti_check_vals_shape([vals])
        if set(vals) - {"reference"}:
            raise UserError(_("The archive copy of a stafettlogg cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("The archive copy of a stafettlogg cannot be deleted."))
