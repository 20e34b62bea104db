import weakref

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, ormcache

ACTIONS = [
    ("read", "Opened"),
    ("export", "Exported"),
    ("print", "Printed"),
    ("download", "Downloaded"),
]
# Context keys that label the rows of an export or a print (bti.access.logged).
# A client may send them too: that changes the label, never whether a row is
# written.
ACTION_CONTEXT = "bti_access_action"
DETAIL_CONTEXT = "bti_access_detail"
# Key in ``cr.cache`` of what the log wrote in the request (_RequestState).
REQUEST_STATE = "bti.access.log"


class _RequestState:
    """What the access log did in one request (one cursor)."""

    __slots__ = ("seen", "pending", "cases", "writing", "hooked")

    def __init__(self):
        self.seen = set()  # (user, case, model, action) logged in this request
        self.pending = set()  # of which written in this, uncommitted, transaction
        self.cases = {}  # (model, id) -> case id
        self.writing = False
        self.hooked = False

    def forget(self):
        # The transaction rolled back with its rows: log them again.
        self.seen -= self.pending
        self.keep()

    def keep(self):
        self.pending.clear()
        self.hooked = False


class BtiAccessLog(models.Model):
    """Who read, exported, printed or downloaded content of which case, when
    (Normen's access log).

    Rows are written by the system only (see ``bti.access.logged``, the one
    choke point of reads, and ``ir.attachment`` for downloads); nobody can
    edit or delete them through the application (no write/unlink ACL, and
    write/unlink refuse even the superuser outside of retention jobs). They
    outlive nothing: a case with a log cannot be deleted.
    """

    _name = "bti.access.log"
    _description = "BTI Access Log"
    # Nothing is set or changed by a user (bti.protected.mixin: no fields).
    _inherit = ["bti.protected.mixin"]
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
        "bti.case", required=True, readonly=True, index=True, ondelete="restrict"
    )
    model = fields.Selection(
        selection="_selection_model",
        string="Record Type",
        readonly=True,
        index=True,
        help="The kind of record that was read (its technical model name).",
    )
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    detail = fields.Char(readonly=True)
    user_may_open = fields.Boolean(
        compute="_compute_user_may_open",
        help="Technical: the current user may open the records of this row.",
    )

    # What a row is, for a person: "Opened: BTI Log Entry, BTI-2026-00042",
    # in the reader's language; the case by its reference only (whoever reads
    # the log may not read the case).
    @api.depends_context("lang")
    @api.depends("action", "model", "case_id.name")
    def _compute_display_name(self):
        actions = dict(self._fields["action"]._description_selection(self.env))
        kinds = dict(self._fields["model"]._description_selection(self.env))
        # sudo: the case reference names the row for an administrator, who
        # reads no case; it is the reference only, never the child.
        for row in self:
            row.display_name = _(
                "%(action)s: %(kind)s, %(case)s",
                action=actions.get(row.action, row.action or ""),
                kind=kinds.get(row.model, row.model or ""),
                case=row.case_id.sudo().name or "",
            )

    @api.depends_context("uid")
    @api.depends("case_id")
    def _compute_user_may_open(self):
        readable = self.case_id.sudo(False)._filtered_access("read")
        for row in self:
            row.user_may_open = row.case_id in readable

    def action_open_record(self):
        """Open what the row speaks of: the case, or the records of its kind
        in the case, for a reader who may open the case."""
        self.ensure_one()
        self._bti_check_action("action_open_record")
        case = self.case_id.sudo(False)
        if not case.has_access("read"):
            # sudo: the reference the row already shows; nothing else of the case.
            raise UserError(_("You may not open case %s.", self.case_id.sudo().name))
        if self.model == "bti.case" or not self.model:
            return case._bti_form_action()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self.model,
            "domain": [("case_id", "=", case.id)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "context": {"active_test": False},
        }

    @api.model
    def _selection_model(self):
        """The models whose records hang under a case, labelled in the
        reader's language."""
        IrModel = self.env["ir.model"]
        return [(name, IrModel._get(name).name or name) for name in self._case_models()]

    @api.model
    @ormcache()
    def _case_models(self):
        """The BTI models whose records belong to one case: the case itself,
        and every model with a stored ``case_id`` (cached per registry)."""
        names = []
        for name, model in self.env.registry.items():
            if not name.startswith("bti.") or model._abstract:
                continue
            field = model._fields.get("case_id")
            if name == "bti.case" or (
                field is not None
                and field.store
                and field.type == "many2one"
                and field.comodel_name == "bti.case"
            ):
                names.append(name)
        return tuple(sorted(names))

    @api.model
    def _bti_check_vals_shape(self, vals_list):
        # The system's own rows (users have no create right): their shape is
        # the code's, and checking the model list would read ir.model for
        # every row of every request.
        if self.env.su:
            return None
        return super()._bti_check_vals_shape(vals_list)

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

    # ------------------------------------------------------------------
    # The writer: every row is written here
    # ------------------------------------------------------------------
    @api.model
    def _bti_log_records(self, records, action=None, detail=None):
        """Log that the person of this environment read ``records`` (of any
        model under a case): one row per (user, case, model, action) and
        request.

        ``action`` and ``detail`` default to the context's (export, print),
        else "read". The person is ``self.env.uid``, also in superuser mode
        (a controller or a report reading on a user's behalf); the system
        (uid 1) is not logged. Users have no create right on the log (nobody
        forges or floods rows through RPC): rows are created as superuser,
        after the caller has read ``records`` with the user's own rights.
        """
        uid = self.env.uid
        if uid == SUPERUSER_ID or not records:
            return
        state = self._bti_request_state()
        if state.writing:
            return  # the reads of the writer itself
        context = self.env.context
        action = action or context.get(ACTION_CONTEXT)
        if not isinstance(action, str) or action not in dict(ACTIONS):
            action = "read"  # also a forged label that is no action
        if detail is None and action == context.get(ACTION_CONTEXT):
            detail = context.get(DETAIL_CONTEXT)
        detail = str(detail)[:250] if detail else False
        model = records._name
        case_ids = set(self._bti_case_ids(model, records._ids))
        keys = {(uid, case_id, model, action) for case_id in case_ids} - state.seen
        if not keys:
            return
        state.writing = True
        try:
            cases = self.env["bti.case"].browse(sorted(key[1] for key in keys))
            service_by_case = cases._bti_access_service_for(self.env.user)
            vals_list = [
                {
                    "user_id": uid,
                    "case_id": case.id,
                    "service_id": service_by_case.get(case.id, False),
                    "model": model,
                    "action": action,
                    "detail": detail,
                }
                for case in cases
            ]
            if self.env.cr.readonly:
                self._bti_create_outside(vals_list)
            else:
                # sudo: users have no create right on the log (nobody forges or
                # floods rows over RPC); the read it records was the user's own.
                self.sudo().create(vals_list)
                self._bti_pending(state, keys)
        finally:
            state.writing = False
        state.seen |= keys

    @api.model
    def _bti_case_ids(self, model, ids):
        """The cases of the records ``ids`` of ``model`` (none for a model
        that does not hang under a case)."""
        ids = [rid for rid in ids if isinstance(rid, int)]  # not new records
        if model == "bti.case":
            return ids
        if not ids or model not in self._case_models():
            return []
        known = self._bti_request_state().cases
        missing = [rid for rid in ids if (model, rid) not in known]
        if missing:
            # The fetch being logged has mostly put case_id in the cache
            # (the case of a record does not change, see below).
            records = self.env[model].browse(missing)
            field = records._fields["case_id"]
            cache = self.env.cache
            for record in records:
                if cache.contains(record, field):
                    known[model, record.id] = cache.get(record, field)
            missing = [rid for rid in missing if (model, rid) not in known]
        if missing:
            # Plain SQL: reading case_id through the ORM would fetch, and log,
            # again. The case of a record does not change (see the models).
            rows = self.env.execute_query(
                SQL(
                    "SELECT id, case_id FROM %s WHERE id = ANY(%s)",
                    SQL.identifier(self.env[model]._table),
                    missing,
                )
            )
            for rid, case_id in rows:
                known[model, rid] = case_id
        return [known[model, rid] for rid in ids if known.get((model, rid))]

    @api.model
    def _bti_request_state(self):
        cr = self.env.cr
        # cr.cache lives as long as the cursor, i.e. the request. A test
        # cursor (HttpCase) hands out the cache of the test's own cursor: the
        # state is kept per cursor object, so each request has its own.
        states = cr.cache.get(REQUEST_STATE)
        if states is None:
            states = cr.cache[REQUEST_STATE] = weakref.WeakKeyDictionary()
        state = states.get(cr)
        if state is None:
            state = states[cr] = _RequestState()
        return state

    @api.model
    def _bti_pending(self, state, keys):
        """Rows written in the current transaction are logged again if it
        rolls back (a request retried after a concurrency error)."""
        state.pending |= keys
        if not state.hooked:
            state.hooked = True
            self.env.cr.postrollback.add(state.forget)
            self.env.cr.postcommit.add(state.keep)

    @api.model
    def _bti_create_outside(self, vals_list):
        """Write rows from a read-only transaction (Odoo serves reads in one,
        on a replica when there is one): in a short read/write transaction of
        their own on the primary, committed before the read goes on."""
        self._bti_end_test_savepoint()
        with self.env.registry.cursor(readonly=False) as cr:
            api.Environment(cr, SUPERUSER_ID, {})["bti.access.log"].create(vals_list)

    @api.model
    def _bti_end_test_savepoint(self):
        """In test mode (HttpCase: ``registry.test_cr``), a TestCursor refuses
        to open a read/write cursor while a read-only one holds its savepoint
        (see odoo.sql_db.TestCursor). End the read-only cursor's savepoint
        first: it wrote nothing, and its next query opens a new one."""
        cr = self.env.cr
        if self.env.registry.test_cr is not None and getattr(cr, "_savepoint", None):
            cr._savepoint.close(rollback=True)
            cr._savepoint = None
