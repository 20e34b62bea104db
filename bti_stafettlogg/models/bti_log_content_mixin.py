from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

# Fields the system may still write on content of a closed case (chatter).
SYSTEM_FIELDS = {
    "message_main_attachment_id",
    "message_follower_ids",
    "activity_ids",
}
# Context token of the transitions of log content (publishing, status
# changes): an RPC client can send any context, but not this object.
_TRANSITION = object()


class BtiLogContentMixin(models.AbstractModel):
    """What every part of the stafettlogg shares (entries, goals, measures,
    meetings): who may read it (bti_core's content mixin), chatter that mails
    no content, and the two rules of the log itself:

    * a log is opened only after consent: nothing is written into a case
      without a given, valid consent;
    * the log of a closed case is read-only.
    """

    _name = "bti.log.content.mixin"
    _description = "BTI Stafettlogg Content"
    _inherit = ["bti.case.content.mixin", "bti.mail.thread", "bti.access.logged"]

    # Many2one labels are read with sudo (web_read): the label names the
    # content only for a user who may read it; everyone else gets a neutral one.
    @api.depends_context("uid")
    def _compute_display_name(self):
        readable = self.sudo(False)._filtered_access("read")
        for record in self:
            if record in readable:
                record.display_name = record._bti_label()
            else:
                record.display_name = record._bti_neutral_label()

    def _bti_label(self):
        return self._bti_neutral_label()

    def _bti_neutral_label(self):
        return "{} #{}".format(self._description, self.id or "")

    # Opening one record of the log (its form) is an opening of the case in the
    # access log; lists are not (web_search_read reads many).
    def web_read(self, specification):
        result = super().web_read(specification)
        # An empty specification reads nothing: the label of a many2one
        # (web_read of the co-record), which may be one the user cannot read.
        if len(self) == 1 and specification and not self._bti_is_listing():
            self.env["bti.access.log"]._log(
                self.case_id, "read", detail=f"{self._description} #{self.id}"
            )
        return result

    web_read._readonly = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                vals["author_id"] = self.env.uid
            if not vals.get("case_id"):
                continue
            case = self.env["bti.case"].browse(vals["case_id"])
            given = vals.get("author_service_id")
            if given and (self.env.su or given in case._bti_author_service_ids()):
                continue
            # The service through which the author takes part in this case
            # (the field's default only knows the case from the context); a
            # service the author does not write through is never taken.
            service_id = case._bti_access_service_for(self.env.user).get(case.id)
            if service_id:
                vals["author_service_id"] = service_id
            elif not self.env.su:
                # No service of the user takes part with access: the record
                # rules refuse it, also to a BTI user without any service.
                raise AccessError(
                    _("Only a participating service writes into this stafettlogg.")
                )
            else:
                vals.pop("author_service_id", None)
        records = super().create(vals_list)
        records.case_id._bti_check_log_writable()
        records.case_id._bti_check_log_open()
        return records

    def _bti_transition_write(self, vals):
        """Write fields that only the transitions (the buttons) may write."""
        return self.with_context(bti_log_transition=_TRANSITION).write(vals)

    def _bti_in_transition(self):
        return self.env.context.get("bti_log_transition") is _TRANSITION

    def write(self, vals):
        if set(vals) - SYSTEM_FIELDS:
            self.case_id._bti_check_log_writable()
        if {"author_id", "author_service_id"} & set(vals) and not self.env.su:
            raise UserError(
                _("The author of content in the stafettlogg does not change.")
            )
        if "case_id" in vals and any(rec.case_id.id != vals["case_id"] for rec in self):
            raise UserError(
                _("Content of the stafettlogg cannot be moved to another case.")
            )
        return super().write(vals)
