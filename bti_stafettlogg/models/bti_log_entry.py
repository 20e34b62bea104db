from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, is_html_empty

from .bti_log_content_mixin import (
    CONTENT_CREATE_FIELDS,
    CONTENT_UNLOGGED_FIELDS,
    CONTENT_WRITE_FIELDS,
)

KINDS = [
    ("note", "Note"),
    ("lysglimt", "Positive note (lysglimt)"),
    ("agreement", "Agreement"),
    ("minutes", "Meeting minutes"),
    ("evaluation", "Evaluation"),
    ("decision", "Decision"),
    ("message", "Message"),
    ("family", "The family's own contribution"),
]
# What the author writes in a draft. State, publication date, author and the
# correction flag are the system's; a published entry is never changed.
ENTRY_FIELDS = frozenset(
    {
        "date",
        "kind",
        "subject",
        "body",
        "child_voice",
        "family_partner_id",
        "attachment_ids",
        "meeting_id",
        "measure_id",
    }
)


# What a correction copies from the entry it corrects (default_get).
CORRECTION_PREFILLED_FIELDS = frozenset(
    {
        "kind",
        "subject",
        "body",
        "child_voice",
        "visibility",
        "info_category_id",
        "family_partner_id",
        "meeting_id",
        "measure_id",
    }
)


class BtiLogEntry(models.Model):
    """One entry of the stafettlogg: a record of what was said and done.

    A draft belongs to its author, who may edit or delete it. Once published it
    is never changed or deleted: a correction is a new entry pointing to the one
    it corrects, which is then shown as corrected.
    """

    _name = "bti.log.entry"
    _description = "BTI Log Entry"
    _inherit = ["bti.log.content.mixin"]
    _order = "date desc, id desc"
    # When, what kind, and the links between entries (bti.access.logged).
    _bti_unlogged_fields = CONTENT_UNLOGGED_FIELDS | {
        "date",
        "kind",
        "published_date",
        "is_corrected",
    }
    # The entry a correction corrects is chosen when it is written.
    _bti_create_fields = CONTENT_CREATE_FIELDS | ENTRY_FIELDS | {"corrects_id"}
    _bti_write_fields = {"draft": CONTENT_WRITE_FIELDS | ENTRY_FIELDS}
    # Published, it is never changed: a correction is a new entry.
    _bti_frozen_states = frozenset({"published"})

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    kind = fields.Selection(KINDS, required=True, default="note", tracking=True)
    subject = fields.Char()
    body = fields.Html(required=True, sanitize=True)
    child_voice = fields.Html(
        string="The Child's Voice",
        sanitize=True,
        help="What the child or young person said, or why the child could not be "
        "heard. Required in an evaluation.",
    )
    family_partner_id = fields.Many2one(
        "res.partner",
        string="Contribution By",
        help="The guardian or young person whose own contribution this is.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "bti_log_entry_attachment_rel",
        "entry_id",
        "attachment_id",
        string="Attachments",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    published_date = fields.Datetime(readonly=True, copy=False)
    corrects_id = fields.Many2one(
        "bti.log.entry",
        ondelete="restrict",
        index="btree_not_null",
        copy=False,
        domain="[('case_id', '=', case_id), ('state', '=', 'published')]",
    )
    correction_ids = fields.One2many(
        "bti.log.entry", "corrects_id", string="Corrections"
    )
    is_corrected = fields.Boolean(
        compute="_compute_is_corrected",
        store=True,
        help="A published correction of this entry exists.",
    )
    meeting_id = fields.Many2one(
        "bti.meeting", ondelete="set null", index="btree_not_null"
    )
    measure_id = fields.Many2one(
        "bti.measure",
        ondelete="set null",
        index="btree_not_null",
        domain="[('case_id', '=', case_id)]",
    )

    @api.model
    def default_get(self, fields_list):
        """A correction starts from the corrected entry (its text, kind,
        visibility, category and links): the author changes what was wrong,
        not everything again. (Not through ``default_*`` keys of the context:
        those would fill the same fields of other models created meanwhile,
        such as the subject and body of a chatter message.)"""
        values = super().default_get(fields_list)
        corrected = self.browse(values.get("corrects_id") or ()).exists()
        if corrected:
            for name in CORRECTION_PREFILLED_FIELDS & set(fields_list):
                field = self._fields[name]
                values[name] = field.convert_to_write(corrected[name], corrected)
        return values

    def _bti_label(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        label = "{} {}".format(
            kinds.get(self.kind, ""),
            format_date(self.env, self.env["bti.access.policy"]._date_of(self.date))
            if self.date
            else "",
        )
        return f"{label}: {self.subject}" if self.subject else label

    def _bti_neutral_label(self):
        return _("Log entry #%s", self.id or "")

    @api.depends("correction_ids.state")
    def _compute_is_corrected(self):
        for entry in self:
            # sudo: a stored flag, the same for every reader; a correction
            # another reader cannot see still marks the entry as corrected.
            entry.is_corrected = any(
                c.state == "published" for c in entry.sudo().correction_ids
            )

    @api.onchange("corrects_id")
    def _onchange_corrects_id(self):
        if self.corrects_id:
            self.kind = self.corrects_id.kind
            self.visibility = self.corrects_id.visibility

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("corrects_id", "case_id")
    def _check_corrects(self):
        for entry in self.filtered("corrects_id"):
            original = entry.corrects_id
            if original.case_id != entry.case_id:
                raise ValidationError(
                    _("A correction belongs to the case of the entry it corrects.")
                )
            if original.state != "published":
                raise ValidationError(
                    _(
                        "Only a published entry can be corrected; "
                        "edit the draft instead."
                    )
                )
            if original == entry:
                raise ValidationError(_("An entry cannot correct itself."))

    @api.constrains("family_partner_id", "kind", "case_id")
    def _check_family_partner(self):
        for entry in self.filtered("family_partner_id"):
            case_sudo = entry.case_id.sudo()  # sudo: compares partner ids only
            if entry.family_partner_id not in (
                case_sudo.subject_partner_id | case_sudo.guardian_ids.partner_id
            ):
                raise ValidationError(
                    _(
                        "%s is not the person or a guardian in this case.",
                        entry.family_partner_id.name,
                    )
                )

    def _bti_check_publishable(self):
        for entry in self:
            if is_html_empty(entry.body):
                raise ValidationError(_("Write the entry before publishing it."))
            if entry.kind == "evaluation" and is_html_empty(entry.child_voice):
                raise ValidationError(
                    _(
                        "An evaluation records the child's voice: write what the child "
                        "said, or why the child could not be heard."
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        entries._bti_claim_attachments()
        return entries

    def write(self, vals):
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._bti_claim_attachments()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        if self.filtered(lambda e: e.state == "published"):
            raise UserError(
                _(
                    "A published log entry cannot be deleted. "
                    "Write a correction instead."
                )
            )

    def _bti_claim_attachments(self):
        """Attach uploaded files to their entry, so that they are read under the
        entry's record rules (also through /web/content), never publicly."""
        for entry in self:
            # sudo: the attachments were uploaded by this user to this model and
            # are linked to the entry the user may write (checked by write/create).
            attachments_sudo = entry.attachment_ids.sudo()
            foreign = attachments_sudo.filtered(
                lambda a, entry=entry: (
                    (a.res_model, a.res_id)
                    not in (
                        ("bti.log.entry", entry.id),
                        ("bti.log.entry", 0),
                        (False, 0),
                    )
                )
            )
            if foreign:
                raise UserError(
                    _("An attachment of another record cannot be added to a log entry.")
                )
            others = attachments_sudo.filtered(
                lambda a: a.res_id == 0 and a.create_uid != self.env.user
            )
            if others and not self.env.su:
                raise UserError(_("Only files you uploaded yourself can be attached."))
            attachments_sudo.write(
                {"res_model": "bti.log.entry", "res_id": entry.id, "public": False}
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_publish(self):
        self._bti_check_action("action_publish")
        for entry in self:
            if entry.state != "draft":
                raise UserError(_("The entry is already published."))
        self.case_id._bti_check_log_writable()
        self._bti_check_publishable()
        self._bti_system_write(
            {"state": "published", "published_date": fields.Datetime.now()}
        )
        for entry in self:
            entry.case_id._bti_announce_log_entry(entry)
        return True

    def action_correct(self):
        """Open a new draft that corrects this entry."""
        self.ensure_one()
        self._bti_check_action("action_correct")
        if self.state != "published":
            raise UserError(
                _("Only a published entry can be corrected; edit the draft instead.")
            )
        self.case_id._bti_check_log_writable()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bti_stafettlogg.action_bti_log_entry_correct"
        )
        action["context"] = {
            "default_case_id": self.case_id.id,
            "default_corrects_id": self.id,
            "default_kind": self.kind,
            "default_visibility": self.visibility,
            "default_info_category_id": self.info_category_id.id,
        }
        return action

    def _bti_attach(self, attachments):
        """Link existing attachments (e.g. from a meeting) to this entry."""
        self.ensure_one()
        self.attachment_ids = [Command.link(a.id) for a in attachments]
