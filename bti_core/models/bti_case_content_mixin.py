from odoo import api, fields, models
from odoo.osv import expression

from .boolean_search import boolean_search

VISIBILITY = [
    ("family", "Shared with the family"),
    ("participants", "All participating services"),
    ("service", "My service only"),
]


class BtiCaseContentMixin(models.AbstractModel):
    """Content written into a case (log entries, tools): who may read it.

    A reader sees a record only through a service of theirs that takes part in
    the case with access, and then only when

    * the record was written by that service, or it is shared (``participants``
      or ``family``) and the service's read scope is ``shared``; and
    * the record has no information category, or the service may read it.

    Record rules of the inheriting models use ``[('is_readable', '=', True)]``.
    """

    _name = "bti.case.content.mixin"
    _description = "BTI Case Content"

    case_id = fields.Many2one("bti.case", required=True, ondelete="cascade", index=True)
    author_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    author_service_id = fields.Many2one(
        "bti.service",
        required=True,
        ondelete="restrict",
        index=True,
        default=lambda self: self._default_author_service(),
    )
    info_category_id = fields.Many2one(
        "bti.info.category", string="Information Category"
    )
    visibility = fields.Selection(VISIBILITY, required=True, default="participants")
    is_readable = fields.Boolean(
        compute="_compute_is_readable", search="_search_is_readable"
    )

    @api.model
    def _default_author_service(self):
        case_id = self.env.context.get("default_case_id")
        user = self.env.user
        if case_id:
            case = self.env["bti.case"].browse(case_id)
            return case._bti_access_service_for(user).get(case.id) or False
        return user.bti_service_ids[:1].id

    @api.model
    def _bti_readable_service_branches(self, service):
        """What a taking-part ``service`` reads: its own content, the shared
        content if its read scope is ``shared``; in a category it may read."""
        written_by = [("author_service_id", "=", service.id)]
        if service.read_scope == "shared":
            written_by = expression.OR(
                [written_by, [("visibility", "in", ("participants", "family"))]]
            )
        category = [
            "|",
            ("info_category_id", "=", False),
            ("info_category_id", "in", service.info_category_ids.ids),
        ]
        return [expression.AND([written_by, category])]

    @api.model
    def _bti_readable_user_branches(self, user):
        """Content ``user`` reads in person (e.g. a meeting they are invited to),
        through any service of theirs that takes part."""
        return []

    @api.depends_context("uid")
    @api.depends(
        "case_id.participant_ids.access_granted",
        "author_service_id",
        "visibility",
        "info_category_id",
    )
    def _compute_is_readable(self):
        policy = self.env["bti.access.policy"]
        readable_sudo = policy._matching(self, policy._content_domain(self))
        for record in self:
            record.is_readable = record in readable_sudo

    @api.model
    def _search_is_readable(self, operator, value):
        domain = self.env["bti.access.policy"]._content_domain(self)
        return boolean_search(self, domain, operator, value)
