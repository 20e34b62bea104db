from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.bti_stafettlogg.models.bti_log_content_mixin import (
    CONTENT_CREATE_FIELDS,
    CONTENT_UNLOGGED_FIELDS,
    CONTENT_WRITE_FIELDS,
)

# What a user sets on every tool; each tool adds its own fields to both.
TOOL_CREATE_FIELDS = CONTENT_CREATE_FIELDS | {"date"}
TOOL_WRITE_FIELDS = CONTENT_WRITE_FIELDS | {"date"}
# Bookkeeping of every tool, not content (bti.access.logged).
TOOL_UNLOGGED_FIELDS = CONTENT_UNLOGGED_FIELDS | {
    "date",
    "final_date",
    "version",
    "previous_id",
    "is_superseded",
    "log_entry_id",
}


class BtiToolMixin(models.AbstractModel):
    """What every BTI tool shares: a form written into a case by an author for
    their service, read as the stafettlogg's content policy says (visibility,
    information category, the service's read scope), with chatter and
    activities, access-logged reads and prints.

    A tool is a draft of its author until it is made final; final, it is
    never changed: a change is a new version that points to the old one.
    A tool that may be shared is shared in the log by a log entry that links
    it (only with consent). Unlike the log itself, a tool needs no consent:
    the working tools of level 0 are written before the family is asked.

    Adding a tool is a model inheriting this one (with a ``previous_id`` to
    itself and its allow-lists), a form and a print template.
    """

    _name = "bti.tool.mixin"
    _description = "BTI Tool"
    _inherit = ["bti.log.content.mixin", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _bti_needs_consent = False
    # Readers of a form follow it up (activities, notes) once it is final and
    # closed to writes.
    _mail_post_access = "read"
    _bti_unlogged_fields = TOOL_UNLOGGED_FIELDS
    _bti_frozen_states = frozenset({"final"})
    _bti_create_fields = TOOL_CREATE_FIELDS
    _bti_write_fields = {"draft": TOOL_WRITE_FIELDS}
    # Declarations of each tool:
    # may be shared in the log with the participating services
    _bti_tool_shareable = True
    # may be shown to the family (not the service's internal working tools)
    _bti_tool_family = True
    # xml id of the tool's PDF, and of the family's copy (if it has one)
    _bti_tool_report = ""
    _bti_tool_family_report = ""

    date = fields.Date(required=True, default=lambda self: self._bti_today())
    state = fields.Selection(
        [("draft", "Draft"), ("final", "Final")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    visibility = fields.Selection(default="service", tracking=True)
    final_date = fields.Datetime(string="Made Final", readonly=True, copy=False)
    version = fields.Integer(default=1, readonly=True, copy=False)
    is_superseded = fields.Boolean(
        string="Superseded",
        readonly=True,
        copy=False,
        help="A newer version of this form exists.",
    )
    log_entry_id = fields.Many2one(
        "bti.log.entry",
        string="Shared in the Log",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    tool_may_share = fields.Boolean(compute="_compute_tool_may_share")

    @api.depends("state", "log_entry_id")
    def _compute_tool_may_share(self):
        for tool in self:
            tool.tool_may_share = (
                tool._bti_tool_shareable
                and tool.state == "final"
                and not tool.log_entry_id
                and bool(tool.case_id)
            )

    # ------------------------------------------------------------------
    # Labels
    # ------------------------------------------------------------------
    @api.model
    def _bti_tool_type(self):
        return self.env["bti.tool.type"].search([("model", "=", self._name)], limit=1)

    def _bti_label(self):
        return "{} {}".format(
            self._bti_tool_type().name or self._description,
            fields.Date.to_string(self.date) if self.date else "",
        ).strip()

    def _bti_neutral_label(self):
        return _("%(tool)s #%(id)s", tool=self._description, id=self.id or "")

    # ------------------------------------------------------------------
    # Print frame
    # ------------------------------------------------------------------
    def _bti_tool_reference(self):
        """The case reference the print frame shows (a form read outside the
        case keeps a copy of its own)."""
        return self.case_id.name or ""

    def _bti_tool_readers(self):
        """Who reads this form, as the print frame says it."""
        return dict(self._fields["visibility"]._description_selection(self.env)).get(
            self.visibility, ""
        )

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains("visibility")
    def _check_tool_visibility(self):
        for tool in self:
            if tool.visibility == "family" and not tool._bti_tool_may_reach_family():
                raise ValidationError(
                    _(
                        "%s is an internal working tool of the service: it is never "
                        "shown to the family.",
                        tool._description,
                    )
                )

    def _bti_tool_may_reach_family(self):
        """Whether this form may be shown to the family (a tool may decide per
        record, e.g. by its template)."""
        return self._bti_tool_family

    def _bti_check_finalizable(self):
        """Hook: raise a ValidationError when a draft is not complete."""
        return True

    def _bti_before_finalize(self):
        """Hook: what the draft must get, from the system, before it is made
        final (it is still the author's draft to write)."""

    def _bti_after_finalize(self):
        """Hook: what making the form final sets in motion (a case, an
        activity); may return a window action."""
        return True

    # ------------------------------------------------------------------
    # Windows
    # ------------------------------------------------------------------
    @api.model
    def _bti_tool_window(self, case, view_mode="list,form", res_id=False):
        action = {
            "type": "ir.actions.act_window",
            "name": self._bti_tool_type().name or self._description,
            "res_model": self._name,
            "view_mode": view_mode,
            "domain": [("case_id", "=", case.id)] if case else [],
            "context": {"default_case_id": case.id} if case else {},
        }
        if res_id:
            action["res_id"] = res_id
        if view_mode == "form":
            action["views"] = [(False, "form")]
            action["target"] = "current"
        return action

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_finalize(self):
        self._bti_check_action("action_finalize")
        for tool in self:
            if tool.state != "draft":
                raise UserError(_("%s is already final.", tool.display_name))
        self.case_id._bti_check_log_writable()
        self._bti_check_finalizable()
        self._bti_before_finalize()
        self._bti_system_write({"state": "final", "final_date": fields.Datetime.now()})
        # sudo: the previous version is final, closed to every user's writes;
        # marking it superseded is the system's, after the checks above.
        self.previous_id.sudo()._bti_system_write({"is_superseded": True})
        result = True
        for tool in self:
            result = tool._bti_after_finalize()
        return result if len(self) == 1 else True

    def action_new_version(self):
        """A new draft from this final form; the form itself stays as it was."""
        self.ensure_one()
        self._bti_check_action("action_new_version")
        if self.is_superseded:
            raise UserError(
                _("A newer version of %s exists: change that one.", self.display_name)
            )
        self.case_id._bti_check_log_writable()
        vals = self._bti_version_vals()
        new = self.create(vals)
        new._bti_system_write({"previous_id": self.id, "version": self.version + 1})
        return self._bti_tool_window(self.case_id, view_mode="form", res_id=new.id)

    def _bti_version_vals(self):
        """The values of a new draft that repeats this form: every field a
        user writes in a draft, lines included."""
        allowed = set(self._bti_create_fields)
        vals = {}
        for name in allowed:
            field = self._fields.get(name)
            if not field or name in ("date",):
                continue
            if field.type == "one2many":
                vals[name] = [
                    Command.create(
                        {
                            key: value
                            for key, value in line.copy_data()[0].items()
                            if key in line._bti_create_fields
                            and key != field.inverse_name
                        }
                    )
                    for line in self[name]
                ]
            else:
                vals[name] = field.convert_to_write(self[name], self)
        return vals

    def action_print(self):
        self.ensure_one()
        self._bti_check_action("action_print")
        self.check_access("read")
        return self.env.ref(self._bti_tool_report).report_action(self)

    def action_share_in_log(self):
        """Open the share wizard (who should see it, a few words)."""
        self.ensure_one()
        self._bti_check_action("action_share_in_log")
        self._bti_check_shareable()
        return {
            "type": "ir.actions.act_window",
            "name": _("Share in the log"),
            "res_model": "bti.tool.share.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "bti_tool_family": self._bti_tool_may_reach_family(),
            },
        }

    def _bti_check_shareable(self, visibility=None):
        self.ensure_one()
        if not self._bti_tool_shareable:
            raise UserError(_("%s is not shared in the log.", self._description))
        if self.state != "final":
            raise UserError(_("Make the form final before sharing it."))
        if self.log_entry_id:
            raise UserError(_("%s is already shared in the log.", self.display_name))
        if visibility == "family":
            if not self._bti_tool_may_reach_family():
                raise UserError(
                    _(
                        "%s is an internal working tool of the service: it is never "
                        "shared with the family.",
                        self._description,
                    )
                )
            # sudo: the flag only, for a reader of the tool.
            if self.case_id.sudo().violence_suspicion:
                raise UserError(
                    _(
                        "While violence or abuse is suspected, nothing is shared "
                        "with the family."
                    )
                )
        self.case_id._bti_check_log_writable()
        # Sharing is writing in the log: only with consent.
        self.case_id._bti_check_log_open()

    def _bti_share(self, visibility, note=False):
        """Share this final form in the log: a published entry that links it,
        read by whom ``visibility`` says, and the form itself then as well."""
        self.ensure_one()
        self._bti_check_action("action_share_in_log")
        self._bti_check_shareable(visibility)
        if visibility not in ("participants", "family"):
            raise UserError(_("Share with the participating services or the family."))
        body = note or _("<p>%s is shared in the log.</p>", self._bti_label())
        # The entry's link to the tool is the system's (a transition); the
        # record rules of the entry still apply to the user.
        entry = (
            self.env["bti.log.entry"]
            ._bti_transition()
            .create(
                {
                    "case_id": self.case_id.id,
                    "kind": "note",
                    "subject": self._bti_label(),
                    "body": body,
                    "visibility": visibility,
                    "info_category_id": self.info_category_id.id,
                    "tool_model": self._name,
                    "tool_res_id": self.id,
                }
            )
        )
        if visibility == "family":
            # The family reads the form itself in the portal, as this PDF of the
            # entry (its own copy where the tool has one).
            entry._bti_attach(self._bti_family_copy())
        entry.action_publish()
        # sudo: the form is final, closed to every user's writes; who reads it
        # and the entry that shares it are the system's, after the checks
        # above (action table, consent, the family rule).
        self.sudo()._bti_system_write(
            {"visibility": visibility, "log_entry_id": entry.id}
        )
        self.message_post(
            body=_("Shared in the log: %s.", entry.display_name),
            subtype_xmlid="mail.mt_note",
        )
        return entry

    def _bti_family_copy(self):
        """The family's copy of this form as a PDF attachment (of the entry
        that shares it): the tool's copy for the family, else its print."""
        report = self.env.ref(self._bti_tool_family_report or self._bti_tool_report)
        pdf, _format = report._render_qweb_pdf(report, self.ids)
        return self.env["ir.attachment"].create(
            {
                "name": _("%s - copy for the family.pdf", self._bti_label()),
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": "bti.log.entry",
                "res_id": 0,
            }
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_final(self):
        if self.filtered(lambda t: t.state == "final"):
            raise UserError(
                _("A final form cannot be deleted. Make a new version instead.")
            )
