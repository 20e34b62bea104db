from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.bti_stafettlogg.models.bti_meeting import MEETING_KINDS

TEMPLATE_FIELDS = frozenset({"name", "kind", "agenda", "active", "sequence"})


class BtiMeetingTemplate(models.Model):
    """The meeting template (møtemal) of one kind of meeting: the points of
    the agenda a new meeting of that kind starts from. The stafettlogg's own
    part (the consent, the running measures, the open goals of the case)
    follows the points, filled in from the case.

    Kept by the BTI administrators: at most one active template per kind.
    """

    _name = "bti.meeting.template"
    _description = "BTI Meeting Template"
    _inherit = ["bti.protected.mixin"]
    _order = "sequence, kind, id"
    _bti_create_fields = TEMPLATE_FIELDS
    _bti_write_fields = {"*": _bti_create_fields}

    name = fields.Char(required=True)
    kind = fields.Selection(
        MEETING_KINDS,
        string="Meeting Kind",
        required=True,
        index=True,
        help="A new meeting of this kind starts from this template's agenda.",
    )
    agenda = fields.Html(
        sanitize=True,
        help="The points of the agenda. What the case already holds (the consent, "
        "the running measures, the open goals) is added after them for each "
        "meeting.",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)

    @api.constrains("kind", "active")
    def _check_one_per_kind(self):
        for template in self.filtered("active"):
            others = self.search_count(
                [
                    ("kind", "=", template.kind),
                    ("active", "=", True),
                    ("id", "!=", template.id),
                ],
                limit=1,
            )
            if others:
                kinds = dict(self._fields["kind"]._description_selection(self.env))
                raise ValidationError(
                    _(
                        "There is already an active template for the %(kind)s: "
                        "archive it first, or change that one.",
                        kind=kinds[template.kind].lower(),
                    )
                )

    @api.model
    def _bti_for_kind(self, kind):
        """The active template of a meeting kind (or none)."""
        return self.search([("kind", "=", kind)], limit=1)
