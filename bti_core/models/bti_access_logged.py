from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError

from .abstract_guard import refuse_abstract
from .bti_access_log import ACTION_CONTEXT, DETAIL_CONTEXT

# Stored fields of every access-logged model that say nothing about the child
# or the family: fetching only these (a label, a state, an access check, the
# bookkeeping of the chatter) is not an access. Models add their own.
TECHNICAL_FIELDS = frozenset(
    {
        "id",
        "display_name",
        "case_id",
        "active",
        "state",
        "color",
        "sequence",
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
        "message_main_attachment_id",
        "message_follower_ids",
        "message_ids",
        "website_message_ids",
        "activity_ids",
        "rating_ids",
    }
)


class BtiAccessLogged(models.AbstractModel):
    """Records whose reads are written in the access log (``bti.access.log``).

    The one choke point is :meth:`_fetch_query`: every read path of the ORM
    fetches through it (``read``, ``web_read``, ``search_read``,
    ``web_search_read``, ``search_fetch``, exports, reports, and fields read
    in code). When a fetch holds a content field, the person behind the
    environment is logged, also when it runs as superuser on their behalf;
    only the system itself (uid 1: jobs, installation) is not. A fetch of
    technical fields only (``_bti_unlogged_fields``, and links to other
    logged records, whose reads are logged on their own model) logs nothing.

    The row says "read"; "export" inside :meth:`export_data` and "print"
    while a report renders (the context carries the label: a forged context
    changes the label, never whether a row is written).
    """

    _name = "bti.access.logged"
    _description = "BTI Access-Logged Record"

    # Marks the models of the access log (links to them are not content).
    _bti_access_logged = True
    # Stored fields that are not content (default: every other field is).
    _bti_unlogged_fields = TECHNICAL_FIELDS

    def _fetch_query(self, query, fields):
        fetched = super()._fetch_query(query, fields)
        if (
            fetched
            and self.env.uid != SUPERUSER_ID
            and not self._bti_technical_fields().issuperset(f.name for f in fields)
        ):
            self.env["bti.access.log"]._bti_log_records(fetched)
        return fetched

    def _fetch_field(self, field):
        technical = self._bti_technical_fields()
        if (
            field.name not in technical
            or not field.prefetch
            or not self.env.context.get("prefetch_fields", True)
        ):
            return super()._fetch_field(field)
        # A technical field (a label, a state, an access check) prefetches
        # the other technical fields only, not the content: the ORM would
        # log a read of content that nobody asked for. (The rest is the
        # ORM's own _fetch_field.)
        self.check_field_access_rights("read", [field.name])
        fnames = [
            name
            for name, f in self._fields.items()
            if f.prefetch == field.prefetch
            and name in technical
            and f.is_accessible(self.env)
        ]
        if field.name not in fnames:
            fnames.append(field.name)
        self.fetch(fnames)

    def _bti_technical_fields(self):
        """The names of the fields whose fetch is not an access: the declared
        ``_bti_unlogged_fields``, and the links to other access-logged records
        (an id and a label; reading the linked content is logged there)."""
        cls = type(self)
        memo = cls.__dict__.get("_bti_technical_memo")
        # Kept on the registry class while its fields are the same (a new
        # setup makes a new dict); a field added later counts as content.
        if memo is None or memo[0] is not cls._fields:
            registry = self.env.registry
            names = set(self._bti_unlogged_fields)
            for name, field in cls._fields.items():
                comodel = registry.get(field.comodel_name) if field.relational else None
                if getattr(comodel, "_bti_access_logged", False):
                    names.add(name)
            memo = (cls._fields, frozenset(names))
            cls._bti_technical_memo = memo
        return memo[1]

    def export_data(self, fields_to_export):
        refuse_abstract(self)
        if not isinstance(fields_to_export, list) or not all(
            isinstance(name, str) for name in fields_to_export
        ):
            raise UserError(self.env._("An export takes a list of field names."))
        detail = ", ".join(fields_to_export)
        records = self.with_context(
            **{ACTION_CONTEXT: "export", DETAIL_CONTEXT: detail}
        )
        result = super(BtiAccessLogged, records).export_data(fields_to_export)
        # Values already in the cache are exported without a fetch: the
        # exported records are logged in any case.
        self.env["bti.access.log"]._bti_log_records(records, "export", detail)
        return result
