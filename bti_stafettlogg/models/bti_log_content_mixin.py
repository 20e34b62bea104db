from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.bti_core.models.bti_access_logged import TECHNICAL_FIELDS
from odoo.addons.bti_core.models.bti_protected_mixin import MAIL_FIELDS

# What a user sets on every part of the log when writing it. The author and
# the author's service are the system's (_bti_prepare_create_vals); content
# never moves to another case.
CONTENT_CREATE_FIELDS = frozenset({"case_id", "visibility", "info_category_id"})
CONTENT_WRITE_FIELDS = frozenset({"visibility", "info_category_id"})
# Who wrote it, for whom (bti.access.logged): what decides access, not
# content. Each part of the log adds its own.
CONTENT_UNLOGGED_FIELDS = TECHNICAL_FIELDS | {
    "author_id",
    "author_service_id",
    "visibility",
    "info_category_id",
}


class BtiLogContentMixin(models.AbstractModel):
    """What every part of the stafettlogg shares (entries, goals, measures,
    meetings): who may read it (bti_core's content mixin), chatter that mails
    no content, and the two rules of the log itself:

    * a log is opened only after consent: nothing is written into a case
      without a given, valid consent;
    * the log of a closed case is read-only.

    Which fields a user sets and changes, per state, is each model's
    allow-list (bti.protected.mixin); who runs its actions is the action
    table, security/action_policy.csv. The author of a record has the
    ``author`` role there.
    """

    _name = "bti.log.content.mixin"
    _description = "BTI Stafettlogg Content"
    _inherit = [
        "bti.case.content.mixin",
        "bti.mail.thread",
        "bti.access.logged",
        "bti.protected.mixin",
    ]
    _bti_unlogged_fields = CONTENT_UNLOGGED_FIELDS
    _bti_no_copy = True
    # The log itself opens only after consent; a working tool of the service
    # (bti_tools: a wonder note, a concern scale) is written before it.
    _bti_needs_consent = True

    user_is_author = fields.Boolean(compute="_compute_user_is_author")

    @api.depends_context("uid")
    @api.depends("author_id")
    def _compute_user_is_author(self):
        for record in self:
            record.user_is_author = record.author_id == self.env.user

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

    @api.model
    def _bti_prepare_create_vals(self, vals_list):
        vals_list = super()._bti_prepare_create_vals(vals_list)
        for vals in vals_list:
            if not (self.env.su and vals.get("author_id")):
                # The author is who writes; only the system (data) names another.
                vals["author_id"] = self.env.uid
            case_id = vals.get("case_id") or self.env.context.get("default_case_id")
            if not case_id or (self.env.su and vals.get("author_service_id")):
                continue
            case = self.env["bti.case"].browse(case_id)
            # The service through which the author takes part in this case (the
            # field's default only knows the case from the context).
            service_id = case._bti_access_service_for(self.env.user).get(case.id)
            if service_id:
                vals["author_service_id"] = service_id
            elif not self.env.su:
                # No service of the user takes part with access: the record
                # rules refuse it, also to a BTI user without any service.
                raise AccessError(
                    _("Only a participating service writes into this stafettlogg.")
                )
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.case_id._bti_check_log_writable()
        if self._bti_needs_consent:
            records.case_id._bti_check_log_open()
        return records

    def write(self, vals):
        self._bti_check_vals_shape([vals])
        if set(vals) - MAIL_FIELDS:
            self.case_id._bti_check_log_writable()
        return super().write(vals)

    def _bti_record_roles(self, user):
        roles = super()._bti_record_roles(user)
        # sudo: who wrote it decides a role; only the comparison leaves.
        if self.sudo().author_id == user:
            roles.add("author")
        return roles
