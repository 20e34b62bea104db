#!/usr/bin/env python3
"""Time the case list, a case (without and with bti_tools' guide panel), the
per-level count, the stafettlogg of a case, writing a log entry, a concern
scale and a case's scales, and the overdue evaluations, member vs superuser,
with and without the access log's writer.

    .venv/bin/python bench/run.py [--db bti_bench] [--runs 30] [--login LOGIN]...
        [--replica] [--profile] [--explain]

Runs the same server-side calls the web client makes (``web_search_read``,
``web_read``, ``web_read_group``, ``create`` and a button) with the
specifications built from the real views, for a typical service member and a
member of the largest school (record rules apply, reads of case content are
written in the access log), for the same members with the access log's writer
disabled in this process (``access_log_writer_disabled``), and for the
superuser (``su=True``: no record rules, and uid 1 is not logged), on the same
data. The runs of the three alternate, so that the load of the machine weighs
on each alike. The ORM cache and the access log's per-request state are
emptied before every run, so each run pays what a request pays. Everything
runs in one transaction that is rolled back at the end; every written log
entry is rolled back to a savepoint after its run.

``--replica``: the reads run on a read-only cursor, as Odoo 18 serves
``@api.readonly`` calls when a replica is configured; the access log then
writes its rows in a short transaction of its own, committed at once (timed),
and this script deletes them at the end.
"""

import argparse
import ast
import contextlib
import statistics
import sys
import threading
import time

import _common

# The targets of issue 12: p95 of every read of the member at most 25 ms and
# of writing an entry 50 ms; the member's median at most 1.5x the superuser's
# for the case form and the log page (the cost of the record rules).
READ_TARGET_MS = 25.0
WRITE_TARGET_MS = 50.0
RATIO_TARGET = 1.5
# The list of a case's log (the action of the case's "Stafettlogg" button opens
# the default list view): used while bti.log.entry has no list view of its own.
LOG_LIST_SPEC = {
    "date": {},
    "kind": {},
    "subject": {},
    "author_id": {"fields": {"display_name": {}}},
    "author_service_id": {"fields": {"display_name": {}}},
    "visibility": {},
    "state": {},
    "is_corrected": {},
}
OVERDUE_SPEC = {
    "name": {},
    "case_id": {"fields": {"display_name": {}}},
    "responsible_service_id": {"fields": {"display_name": {}}},
    "responsible_user_id": {"fields": {"display_name": {}}},
    "date_evaluation": {},
    "state": {},
}
# bti_tools: the addon of the case's guide panel, and the tool measured.
TOOLS_MODULE = "bti_tools"
SCALE_MODEL = "bti.tool.concern_scale"
WRITE_CONTEXT = {
    "tracking_disable": False,  # the tracking of the entry is part of the cost
    "mail_notify_force_send": False,  # notification e-mails are queued, not sent
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    _common.add_common_arguments(parser)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per operation")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    parser.add_argument(
        "--login",
        action="append",
        help="member to use, may be repeated (default: a typical member and a "
        "member of the largest school are picked)",
    )
    parser.add_argument(
        "--replica",
        action="store_true",
        help="run the reads on a read-only cursor (Odoo with a replica): the "
        "access log commits its rows in a transaction of its own",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="list the slowest SQL queries of one member run (with the log)",
    )
    parser.add_argument(
        "--pieces",
        action="store_true",
        help="also time the access policy's pieces (the member's services, the "
        "memo's ids, the case and content domains) in one warm transaction",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="with --profile: EXPLAIN ANALYZE the slowest query",
    )
    return parser.parse_args()


# ----------------------------------------------------------------------
# Specifications, as the web client builds them from the views
# (web/static/src/model/relational_model/utils.js: getFieldsSpec)
# ----------------------------------------------------------------------
WIDGET_DEPENDENCIES = {
    # mail's list_activity / kanban_activity fieldDependencies
    "list_activity": {
        "activity_exception_decoration": {},
        "activity_exception_icon": {},
        "activity_state": {},
        "activity_summary": {},
        "activity_type_icon": {},
        "activity_type_id": {"fields": {"display_name": {}}},
    },
}
WIDGET_DEPENDENCIES["kanban_activity"] = WIDGET_DEPENDENCIES["list_activity"]


def _always_invisible(node, attr="invisible"):
    return node.get(attr) in ("1", "True")


def _field_nodes(node):
    """The <field> nodes of a view level, without those of sub-views."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            yield child
        elif child.tag not in ("list", "tree", "form", "kanban"):
            yield from _field_nodes(child)


def _partial_context(text, names):
    """The keys of the context ``text`` whose values use only ``names``,
    evaluated: the web client's ``evalPartialContext`` (web/core/context.js),
    which leaves out what it cannot evaluate yet (the record's ``id`` at load)."""
    from odoo.tools.safe_eval import safe_eval  # noqa: PLC0415

    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return {}
    if not isinstance(tree.body, ast.Dict):
        return {}
    context = {}
    for key, value in zip(tree.body.keys, tree.body.values, strict=True):
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        if key is None or used - set(names) - {"True", "False", "None"}:
            continue
        try:
            context[ast.literal_eval(key)] = safe_eval(ast.unparse(value), dict(names))
        except Exception:  # noqa: BLE001 (as the web client: left out)
            continue
    return context


def _field_context(node, field, names):
    """The context of a relational field in the specification (the web
    client's ``getFieldContextForSpec``): the node's, else the field's."""
    text = node.get("context")
    if not text or text.strip() == "{}":
        return dict(field.context or {})
    return _partial_context(text, names)


def web_eval_context(env):
    """The names a field's context may use when the web client loads a
    record (``getBasicEvalContext``)."""
    companies = env.context.get("allowed_company_ids") or [env.company.id]
    return {
        "context": env.context,
        "uid": env.uid,
        "allowed_company_ids": companies,
        "current_company_id": companies[0],
    }


def fields_spec(env, model, view_node, names=None):
    """The specification of ``view_node`` as the web client builds it.
    ``names``: what a field's context may use; by default what the web client
    knows when it loads a form (``getBasicEvalContext`` in web's
    ``relational_model/utils.js``): the context, ``uid`` and the companies,
    not the record's ``id``."""
    Model = env[model]
    if names is None:
        names = web_eval_context(env)
    spec = {}
    for node in _field_nodes(view_node):
        name = node.get("name")
        field = Model._fields[name]
        entry = spec.setdefault(name, {})
        invisible = _always_invisible(node) or _always_invisible(
            node, "column_invisible"
        )
        context = None
        if field.type == "many2one":
            entry.setdefault("fields", {})
            if not invisible:
                entry["fields"]["display_name"] = {}
                context = _field_context(node, field, names)
        elif field.type in ("one2many", "many2many"):
            sub = next(
                (
                    c
                    for c in node
                    if isinstance(c.tag, str) and c.tag in ("list", "tree")
                ),
                None,
            )
            widget = node.get("widget")
            if sub is not None and not invisible:
                entry["fields"] = fields_spec(env, field.comodel_name, sub, names)
                entry["limit"] = int(sub.get("limit", 40))
                if sub.get("default_order"):
                    entry["order"] = sub.get("default_order")
                context = _field_context(node, field, names)
            elif (
                widget in ("many2many_tags", "many2many_tags_avatar") and not invisible
            ):
                entry["fields"] = {"display_name": {}}
                options = ast.literal_eval(node.get("options") or "{}")
                if options.get("color_field"):
                    entry["fields"][options["color_field"]] = {}
        if context:
            entry["context"] = context
        for dep, dep_spec in WIDGET_DEPENDENCIES.get(node.get("widget"), {}).items():
            spec.setdefault(dep, dep_spec)
    return spec


def view_arch(env, model, view_type, view_id=False):
    from lxml import etree  # noqa: PLC0415

    views = env[model].get_views([(view_id, view_type)])
    return etree.fromstring(views["views"][view_type]["arch"])


def default_domain(env, action):
    """The action's domain and the domains of its search_default_* filters."""
    from odoo.osv import expression  # noqa: PLC0415
    from odoo.tools.safe_eval import safe_eval  # noqa: PLC0415

    eval_ctx = {"uid": env.uid, "context": env.context}
    domains = [safe_eval(action.domain or "[]", eval_ctx)]
    ctx = safe_eval(action.context or "{}", eval_ctx)
    wanted = {
        k[len("search_default_") :]
        for k, v in ctx.items()
        if k.startswith("search_default_") and v
    }
    if wanted:
        search = view_arch(env, action.res_model, "search", action.search_view_id.id)
        for node in search.iter("filter"):
            if node.get("name") in wanted and node.get("domain"):
                domains.append(safe_eval(node.get("domain"), eval_ctx))
    return expression.AND(domains)


# ----------------------------------------------------------------------
# The access log: its writer, its per-request state, its rows
# ----------------------------------------------------------------------
ACCESS_LOG_MODEL = "bti.access.log"
# The method every access-log row is written through (bti_core's
# bti_access_log.py); the one patch point of access_log_writer_disabled.
ACCESS_LOG_WRITER = "_bti_log_records"


def _access_log_state_key():
    """The key of the access log's per-request state in ``cr.cache``."""
    try:
        from odoo.addons.bti_core.models.bti_access_log import (  # noqa: PLC0415
            REQUEST_STATE,
        )
    except ImportError:
        return ACCESS_LOG_MODEL
    return REQUEST_STATE


def forget_access_log_state(cr):
    """Start a new request for the access log: it writes one row per (user,
    case, model, action) and request, remembered in ``cr.cache`` for the
    cursor's life. One cursor serves all runs here, so the memory is dropped
    before each run, which then writes what a request writes."""
    cr.cache.pop(_access_log_state_key(), None)


@contextlib.contextmanager
def access_log_writer_disabled(registry):
    """Within the block, this process writes no access-log row: the writer
    (``ACCESS_LOG_WRITER`` of ``bti.access.log``) does nothing. What remains is
    deciding whether a fetch is logged (``bti.access.logged._fetch_query``)."""
    cls = registry[ACCESS_LOG_MODEL]
    own = cls.__dict__.get(ACCESS_LOG_WRITER)

    def no_row(self, *args, **kwargs):
        return None

    setattr(cls, ACCESS_LOG_WRITER, no_row)
    try:
        yield
    finally:
        if own is None:
            delattr(cls, ACCESS_LOG_WRITER)
        else:
            setattr(cls, ACCESS_LOG_WRITER, own)


class AccessLogRows:
    """Counts the access-log rows a run writes, by model: those of the
    transaction of the run (visible to its cursor only) and, with --replica,
    those committed by the log's own transactions (seen by a new cursor: the
    run's cursor reads an older snapshot)."""

    def __init__(self, registry, cr, committed):
        self.registry = registry
        self.cr = cr
        self.committed = committed
        self.first_id = self.last_id()

    def last_id(self):
        # A sequence is not transactional: every id handed out so far.
        self.cr.execute(
            """SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END
                 FROM bti_access_log_id_seq"""
        )
        return self.cr.fetchone()[0]

    def since(self, last_id):
        query = """SELECT model, count(*) FROM bti_access_log WHERE id > %s
                    GROUP BY model"""
        self.cr.execute(query, [last_id])
        counts = dict(self.cr.fetchall())
        if self.committed:
            with self.registry.cursor() as cr:
                cr.execute(query, [last_id])
                for model, n in cr.fetchall():
                    counts[model] = counts.get(model, 0) + n
        return counts

    def delete_committed(self):
        """Delete the rows the runs committed (--replica): the benchmark
        database stays as generated. Plain SQL: the model refuses deletion."""
        if not self.committed:
            return 0
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM bti_access_log WHERE id > %s", [self.first_id])
            return cr.rowcount


# ----------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------
class QueryLog:
    """Collects the SQL of the current thread (Odoo's query_hooks)."""

    def __init__(self):
        self.queries = []

    def __enter__(self):
        thread = threading.current_thread()
        self._old = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*self._old, self._hook)
        return self

    def __exit__(self, *exc):
        threading.current_thread().query_hooks = self._old

    def _hook(self, cr, query, params, start, delay):
        self.queries.append((delay * 1000, query, params))


class Op:
    """One timed operation in ``env``: ``fn`` is timed; ``setup`` (its result is
    passed to ``teardown``) and ``teardown`` run around it, untimed."""

    def __init__(
        self, env, fn, target_ms=READ_TARGET_MS, setup=None, teardown=None, ratio=False
    ):
        self.env = env
        self.fn = fn
        self.target_ms = target_ms
        self.ratio = ratio  # whether RATIO_TARGET applies
        self.setup = setup
        self.teardown = teardown

    def run(self, rows=None, log=None):
        """Milliseconds, and the access-log rows by model (with ``rows``)."""
        env = self.env
        env.invalidate_all()
        forget_access_log_state(env.cr)
        last_id = rows.last_id() if rows else None
        state = self.setup() if self.setup else None
        try:
            with log or contextlib.nullcontext():
                t0 = time.perf_counter()
                self.fn()
                env.flush_all()  # the access-log rows are written in the request
                elapsed = (time.perf_counter() - t0) * 1000
            return elapsed, (rows.since(last_id) if rows else {})
        finally:
            if self.teardown:
                self.teardown(state)


class Result:
    def __init__(self):
        self.times = []
        self.rows = []  # total access-log rows of each run
        self.models = {}  # model -> rows of the last run

    def add(self, elapsed, counts):
        self.times.append(elapsed)
        self.rows.append(sum(counts.values()))
        self.models = counts


# Who runs the operations: the member, the same member with the access log's
# writer disabled, the superuser.
VARIANTS = ("member", "no log", "superuser")


def measure(registry, ops, rows, runs, warmup):
    """{variant: Result} of one operation; the variants' runs alternate."""
    results = {variant: Result() for variant in ops}

    def once(variant):
        if variant == "no log":
            with access_log_writer_disabled(registry):
                return ops[variant].run(rows)
        return ops[variant].run(rows)

    for _ in range(warmup):
        for variant in ops:
            once(variant)
    for _ in range(runs):
        for variant in ops:
            results[variant].add(*once(variant))
    return results


def _visible_open_cases(env):
    """(service id, name, open cases its members see) of every service, fewest
    first; access as the policy computes it at query time."""
    from odoo.tools import SQL  # noqa: PLC0415

    granted = env["bti.access.policy"]._granted_sql(SQL("p.service_id, p.case_id"))
    return env.execute_query(
        SQL(
            """SELECT s.id, s.name, count(DISTINCT c.id) AS n
                 FROM bti_service s
                 JOIN %s AS g(service_id, case_id) ON g.service_id = s.id
                 JOIN bti_case c ON c.id = g.case_id AND c.state != 'closed'
                GROUP BY s.id, s.name ORDER BY n, s.id""",
            granted,
        )
    )


def pick_members(env, logins=None):
    """[(label, user)]: the members of ``logins``, else a non-leader member of
    the service whose open-case count is the median (typical) and one of the
    school with the most open cases (largest school)."""
    users = env["res.users"]
    if logins:
        return [
            (login, users.search([("login", "=", login)], limit=1)) for login in logins
        ]
    services = _visible_open_cases(env)
    if not services:
        return []
    typical = services[len(services) // 2][0]
    schools = [
        row
        for row in services
        if row[1].startswith("School ") and row[1][len("School ") :].isdigit()
    ]
    picked = [("typical member", typical)]
    if schools:
        picked.append(("largest school", schools[-1][0]))
    result = []
    for label, service_id in picked:
        service = env["bti.service"].browse(service_id)
        members = service.member_ids - service.leader_ids
        result.append((label, (members or service.member_ids)[:1]))
    return result


class Scenario:
    """One member, the environments, the specifications and the cases."""

    def __init__(self, cr, read_cr, label, member):
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415

        su_env = api.Environment(cr, SUPERUSER_ID, {})
        ctx = dict(member.context_get(), allowed_company_ids=member.company_ids.ids)
        self.label = label
        self.member = member
        # Reads on read_cr (--replica: a read-only cursor), writes on cr.
        self.envs = {
            "member": api.Environment(cr, member.id, ctx),
            "superuser": api.Environment(cr, SUPERUSER_ID, ctx, su=True),
        }
        self.read_envs = {
            "member": api.Environment(read_cr, member.id, ctx),
            "superuser": api.Environment(read_cr, SUPERUSER_ID, ctx, su=True),
        }
        self.cr = cr
        self.su_env = su_env
        action = su_env.ref("bti_core.action_bti_case")
        self.domain = default_domain(self.envs["member"], action)
        self.list_spec = fields_spec(
            su_env, "bti.case", view_arch(su_env, "bti.case", "list")
        )
        self.order = su_env["bti.case"]._order  # the action and the list view set none
        cases = self.envs["member"]["bti.case"]
        page = cases.search(self.domain, limit=80, order=self.order)
        cooperating = page.filtered(lambda c: len(c.sudo().participant_ids) >= 2)
        self.case = (cooperating or page)[:1]
        if not self.case:
            sys.exit(f"{member.login} sees no case")
        self._case_form(su_env)
        self.counts = (
            su_env["bti.case"].search_count([]),
            cases.search_count([]),
            cases.search_count(self.domain),
        )
        self._stafettlogg(su_env, member)
        self._tools(su_env, member)

    def _case_form(self, su_env):
        """The case form's specifications: with the "What to do now" panel and
        the tools page of bti_tools as the panel means them (the sub-lists of
        tool types with ``bti_case_id`` of the case: how many forms of each
        the reader has on it), and without bti_tools' fields (the form as
        before bti_tools, the figure to compare with)."""
        arch = view_arch(su_env, "bti.case", "form")
        names = web_eval_context(su_env)
        self.panel_spec = fields_spec(
            su_env, "bti.case", arch, {**names, "id": self.case.id}
        )
        self.panel_spec.setdefault("display_name", {})
        fields = su_env["bti.case"]._fields
        self.panel_fields = [
            name for name in self.panel_spec if fields[name]._module == TOOLS_MODULE
        ]
        self.form_spec = {
            name: spec
            for name, spec in self.panel_spec.items()
            if name not in self.panel_fields
        }
        # What the web client itself asks when it loads the form: a field's
        # context is evaluated without the record (no ``id``), so the panel's
        # ``{'bti_case_id': id}`` is left out (web's relational_model.js,
        # _loadData: getBasicEvalContext; utils.js, getFieldContextForSpec).
        web = fields_spec(su_env, "bti.case", arch, names)
        self.panel_web_context = {
            name: web.get(name, {}).get("context")
            for name in self.panel_fields
            if "context" in self.panel_spec[name]
        }

    def _tools(self, su_env, member):
        """The member's case with the most final concern scales of their
        service, its latest scale, and the specifications of its form and of
        the list of a case's scales (action_open_for_case)."""
        self.tool_case = su_env["bti.case"]
        self.scale = None
        if SCALE_MODEL not in su_env:
            return
        case_ids = su_env["bti.access.policy"]._case_ids(member) or []
        self.cr.execute(
            """SELECT s.case_id, max(s.id) FROM bti_tool_concern_scale s
                WHERE s.case_id = ANY(%s) AND s.author_service_id = ANY(%s)
                  AND s.state = 'final'
                GROUP BY s.case_id ORDER BY count(*) DESC, s.case_id LIMIT 1""",
            [case_ids, member.bti_service_ids.ids],
        )
        row = self.cr.fetchone()
        if not row:
            return
        self.tool_case = su_env["bti.case"].browse(row[0])
        self.scale = su_env[SCALE_MODEL].browse(row[1])
        self.scale_spec = fields_spec(
            su_env, SCALE_MODEL, view_arch(su_env, SCALE_MODEL, "form")
        )
        self.scale_spec.setdefault("display_name", {})
        self.scale_list_spec = fields_spec(
            su_env, SCALE_MODEL, view_arch(su_env, SCALE_MODEL, "list")
        )
        self.scale_domain = [("case_id", "=", self.tool_case.id)]
        self.scale_order = su_env[SCALE_MODEL]._order

    def _stafettlogg(self, su_env, member):
        """The member's open case with the longest log, and the specifications."""
        self.log_case = su_env["bti.case"]
        self.log_spec = LOG_LIST_SPEC
        self.log_view = "built in (no list view of bti.log.entry yet)"
        if su_env["ir.ui.view"].search_count(
            [("model", "=", "bti.log.entry"), ("type", "=", "list")]
        ):
            self.log_spec = fields_spec(
                su_env, "bti.log.entry", view_arch(su_env, "bti.log.entry", "list")
            )
            self.log_view = "from the list view of bti.log.entry"
        self.log_order = "date desc, id desc"
        self.overdue_domain = [("is_evaluation_overdue", "=", True)]
        self.overdue_order = su_env["bti.measure"]._order
        case_ids = su_env["bti.access.policy"]._case_ids(member) or []
        self.cr.execute(
            """SELECT e.case_id FROM bti_log_entry e
                 JOIN bti_case c ON c.id = e.case_id AND c.state = 'active'
                WHERE e.case_id = ANY(%s)
                GROUP BY e.case_id ORDER BY count(*) DESC, e.case_id LIMIT 1""",
            [case_ids],
        )
        row = self.cr.fetchone()
        if not row:
            return
        self.log_case = su_env["bti.case"].browse(row[0])
        self.log_domain = [("case_id", "=", self.log_case.id)]
        service_id = self.log_case._bti_access_service_for(member)[self.log_case.id]
        self.entry_vals = {
            "case_id": self.log_case.id,
            "kind": "note",
            "subject": "Phone call",
            "body": "<p>Talked with the mother: the mornings are calmer this "
            "week. We meet again on Friday.</p>",
            "visibility": "participants",
        }
        # The superuser is no BTI user: it writes in the member's name.
        self.entry_vals_su = dict(
            self.entry_vals, author_id=member.id, author_service_id=service_id
        )

    def describe(self, args):
        total, seen, seen_open = self.counts
        services = ", ".join(self.member.bti_service_ids.mapped("name"))
        case = self.case.sudo()
        print(f"== {self.label}: {self.member.login} ({services})")
        print(
            f"Sees {seen} of the {total} cases, {seen_open} not closed. Opened case "
            f"{case.name}: level {case.level_code}, {case.state}, "
            f"{len(case.participant_ids)} participants, {len(case.consent_ids)} "
            f"consents, {len(case.baton_ids)} batons."
        )
        print(
            f"List domain {self.domain}, order {self.order!r}, {len(self.list_spec)} "
            f"fields; form {len(self.form_spec)} fields, with the guide panel "
            f"{len(self.panel_spec)} ({', '.join(self.panel_fields)}). {args.runs} "
            f"runs after {args.warmup} warm-up."
        )
        if self.panel_fields:
            self._describe_panel()
        self._describe_tools()
        case = self.log_case
        if not case:
            print(
                "The member takes part in no open case with a stafettlogg: the log "
                "and write operations are skipped.\n"
            )
            return
        member = self.envs["member"]
        entries = self.su_env["bti.log.entry"]
        measures = self.su_env["bti.measure"]
        print(
            f"Log of case {case.name} (level {case.level_code}, the member's open "
            f"case with the longest log): {entries.search_count(self.log_domain)} "
            f"entries, the member reads "
            f"{member['bti.log.entry'].search_count(self.log_domain)}; list "
            f"{self.log_view}, order {self.log_order!r}."
        )
        print(
            f"Overdue evaluations: {measures.search_count(self.overdue_domain)} "
            f"measures, the member reads "
            f"{member['bti.measure'].search_count(self.overdue_domain)}; order "
            f"{self.overdue_order!r}.\n"
        )

    def _describe_panel(self):
        member = self.envs["member"]
        case = member["bti.case"].browse(self.case.id)
        card = case.guide_step_id
        types = case.with_context(bti_case_id=case.id).guide_tool_type_ids
        print(
            f"Guide panel of {self.case.sudo().name} for the member: card "
            f"{card.sudo().display_name or '(none)'}, {len(case.guide_task_ids)} "
            f"tasks on the checklist, tools of the card "
            f"{', '.join(f'{t.model} {t.case_tool_count}' for t in types) or '-'}."
        )
        dropped = [
            name
            for name, context in self.panel_web_context.items()
            if context != self.panel_spec[name]["context"]
        ]
        if dropped:
            print(
                "  The web client's own request leaves the context with the "
                f"case's id out of {', '.join(dropped)} (a field's context is "
                "evaluated without the record at load): measured here with it."
            )
        self.envs["member"].invalidate_all()
        forget_access_log_state(self.cr)

    def _describe_tools(self):
        if not self.scale:
            print(
                "The member's service wrote no final concern scale in the member's "
                "cases: the tool operations are skipped."
            )
            return
        scales = self.su_env[SCALE_MODEL]
        member = self.envs["member"]
        scale = self.scale
        print(
            f"Concern scales of case {self.tool_case.name} (the member's case with "
            f"the most of their service): {scales.search_count(self.scale_domain)}, "
            f"the member reads {member[SCALE_MODEL].search_count(self.scale_domain)}; "
            f"form of scale {scale.id} ({scale.kind}, step {scale.step}, "
            f"{len(scale.indicator_ids)} indicators, version {scale.version}), "
            f"{len(self.scale_spec)} fields; list {len(self.scale_list_spec)} fields, "
            f"order {self.scale_order!r}."
        )
        self.envs["member"].invalidate_all()
        forget_access_log_state(self.cr)

    def operations(self, who):
        """{label: Op} as ``who`` ("member" or "superuser")."""
        env = self.read_envs[who]
        model = env["bti.case"]
        ops = {
            "list: my cases, first page": Op(
                env,
                lambda: model.web_search_read(
                    self.domain,
                    self.list_spec,
                    offset=0,
                    limit=80,
                    order=self.order,
                    count_limit=10001,
                ),
                READ_TARGET_MS,
            ),
            "form: open one case": Op(
                env,
                lambda: model.browse(self.case.id).web_read(self.form_spec),
                ratio=True,
            ),
        }
        if self.panel_fields:
            ops["form + guide panel"] = Op(
                env, lambda: model.browse(self.case.id).web_read(self.panel_spec)
            )
        ops["kanban: count per level"] = Op(
            env,
            lambda: model.web_read_group(
                self.domain, ["level_id"], ["level_id"], lazy=True
            ),
        )
        if self.log_case:
            entries = env["bti.log.entry"]
            ops["log: a case's stafettlogg"] = Op(
                env,
                lambda: entries.web_search_read(
                    self.log_domain,
                    self.log_spec,
                    offset=0,
                    limit=80,
                    order=self.log_order,
                    count_limit=10001,
                ),
                ratio=True,
            )
            ops["write: publish a log entry"] = self._write_op(self.envs[who])
        if self.scale:
            scales = env[SCALE_MODEL]
            ops["tool: open a concern scale"] = Op(
                env, lambda: scales.browse(self.scale.id).web_read(self.scale_spec)
            )
            ops["tools: a case's scales"] = Op(
                env,
                lambda: scales.with_context(
                    default_case_id=self.tool_case.id
                ).web_search_read(
                    self.scale_domain,
                    self.scale_list_spec,
                    offset=0,
                    limit=80,
                    order=self.scale_order,
                    count_limit=10001,
                ),
                READ_TARGET_MS,
            )
        measures = env["bti.measure"]
        ops["overdue: evaluations"] = Op(
            env,
            lambda: measures.web_search_read(
                self.overdue_domain,
                OVERDUE_SPEC,
                offset=0,
                limit=80,
                order=self.overdue_order,
                count_limit=10001,
            ),
            READ_TARGET_MS,
        )
        return ops

    def _write_op(self, env):
        """Save a new note, then publish it: two requests of the web client.
        Each ends as its commit would, with the precommit hooks (the creation
        message, then the tracking of the state); publishing also posts the
        content-free notification to the case's followers (e-mails queued,
        not sent). Each run is rolled back to a savepoint."""
        entries = env["bti.log.entry"].with_context(
            **WRITE_CONTEXT, default_case_id=self.log_case.id
        )
        vals = self.entry_vals_su if env.su else self.entry_vals
        cr = env.cr

        def write():
            entry = entries.create(vals)  # request 1: save
            env.flush_all()
            cr.precommit.run()
            env.invalidate_all()
            forget_access_log_state(cr)  # request 2 is a request of its own
            entry.action_publish()  # request 2: the "Publish" button
            env.flush_all()
            cr.precommit.run()

        def teardown(savepoint):
            savepoint.close(rollback=True)  # also empties the ORM cache
            env.invalidate_all()

        return Op(
            env,
            write,
            WRITE_TARGET_MS,
            setup=lambda: cr.savepoint(flush=True),
            teardown=teardown,
        )

    def measure(self, registry, rows, args):
        """{(variant, label): Result}"""
        member_ops = self.operations("member")
        variants = {
            "member": member_ops,
            "no log": self.operations("member"),
            "superuser": self.operations("superuser"),
        }
        results = {}
        for label in member_ops:
            ops = {variant: variants[variant][label] for variant in VARIANTS}
            for variant, result in measure(
                registry, ops, rows, args.runs, args.warmup
            ).items():
                results[variant, label] = result
        return results


def read_cursor(registry, args):
    """The cursor of the reads: the run's own, or with --replica a read-only
    one (as Odoo gives an @api.readonly call when a replica is configured)."""
    if not args.replica:
        return contextlib.nullcontext(None)
    import odoo  # noqa: PLC0415

    return contextlib.closing(odoo.sql_db.db_connect(args.db, readonly=True).cursor())


def main():
    args = parse_args()
    odoo = _common.setup_odoo(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(args.db)
    if not hasattr(registry[ACCESS_LOG_MODEL], ACCESS_LOG_WRITER):
        sys.exit(f"{ACCESS_LOG_MODEL} has no {ACCESS_LOG_WRITER}: update run.py")
    passed = True
    with registry.cursor() as cr, read_cursor(registry, args) as read_cr:
        rows = AccessLogRows(registry, cr, committed=args.replica)
        try:
            su_env = api.Environment(cr, SUPERUSER_ID, {})
            members = pick_members(su_env, args.login)
            if not members or not all(user for _label, user in members):
                sys.exit("no member found: generate the data first (generate.py)")
            reads = "a read-only cursor (--replica)" if args.replica else "its cursor"
            print(
                f"Database {args.db}; reads on {reads}"
                ". Variants: the member; the member with the access log's writer "
                f"disabled ({ACCESS_LOG_MODEL}.{ACCESS_LOG_WRITER}); the superuser.\n"
            )
            for label, member in members:
                scenario = Scenario(cr, read_cr or cr, label, member)
                scenario.describe(args)
                results = scenario.measure(registry, rows, args)
                ok = print_table(results, scenario.operations("member"))
                passed = passed and ok
                if args.pieces:
                    time_policy_pieces(scenario.read_envs["member"])
                if args.profile:
                    for op_label, op in scenario.operations("member").items():
                        log = QueryLog()
                        op.run(log=log)
                        profile(cr, op_label, log.queries, args.explain)
                print()
        finally:
            cr.rollback()  # no lasting writes (the access log of the runs)
            deleted = rows.delete_committed()
            if deleted:
                print(f"Deleted the {deleted} access-log rows the runs committed.")
    return 0 if passed else 1


def time_policy_pieces(env, calls=200):
    """Milliseconds per call of the policy's pieces a page asks for (several
    times per request), warm: what a memo of each would save."""
    from odoo.addons.bti_core.models.bti_query_shape import (  # noqa: PLC0415
        check_context,
        check_domain,
    )

    policy = env["bti.access.policy"]
    entries = env["bti.log.entry"]
    log_page = [("case_id", "=", 1), ("state", "=", "published")]
    log_page += policy._content_domain(entries)
    web_context = {"lang": "nb_NO", "tz": "Europe/Oslo", "allowed_company_ids": [1]}
    pieces = {
        "the member's services": policy._services,
        "the memo's case ids": lambda: policy._participation_case_ids(
            policy._services()
        ),
        "the case domain": policy._case_domain,
        "the log entries' content domain": lambda: policy._content_domain(entries),
        "the BTI date": policy._today,
        # bti.query.shape, on every search and every call's context
        "the shape of the log page's domain": lambda: check_domain(entries, log_page),
        "the shape of a call's context": lambda: check_context(env, web_context),
    }
    print(f"The policy's pieces, warm, ms per call ({calls} calls):")
    for label, piece in pieces.items():
        piece()
        t0 = time.perf_counter()
        for _ in range(calls):
            piece()
        print(f"  {label:34s} {(time.perf_counter() - t0) / calls * 1000:7.3f}")


def _stats(values):
    return statistics.median(values), _common.percentile(values, 95)


def print_table(results, ops):
    header = (
        f"{'operation':<28} {'member':>7} {'p95':>6} {'no log':>7} {'p95':>6} "
        f"{'super':>6} {'p95':>6} {'ratio':>5} {'ratio0':>6} {'log ms':>6} "
        f"{'rows':>4}  result"
    )
    print(header)
    print("-" * len(header))
    failed = False
    models = {}
    for label, op in ops.items():
        member = results["member", label]
        m_med, m_p95 = _stats(member.times)
        n_med, n_p95 = _stats(results["no log", label].times)
        s_med, s_p95 = _stats(results["superuser", label].times)
        ratio = m_med / s_med if s_med else float("inf")
        ratio0 = n_med / s_med if s_med else float("inf")
        ok, checks = True, []
        if op.ratio:
            ok = ratio <= RATIO_TARGET
            checks.append(f"ratio{'<=' if ok else '>'}{RATIO_TARGET:g}")
        if op.target_ms:
            p95_ok = m_p95 < op.target_ms
            checks.insert(0, f"p95{'<' if p95_ok else '>='}{op.target_ms:g}ms")
            ok = ok and p95_ok
        failed = failed or not ok
        rows = statistics.median(member.rows)
        others = [
            sum(results[variant, label].rows)
            for variant in VARIANTS
            if variant != "member"
        ]
        if any(others):
            print(f"  (!) {label}: rows written without the writer or as superuser")
        models[label] = member.models
        print(
            f"{label:<28} {m_med:7.1f} {m_p95:6.1f} {n_med:7.1f} {n_p95:6.1f} "
            f"{s_med:6.1f} {s_p95:6.1f} {ratio:5.2f} {ratio0:6.2f} "
            f"{m_med - n_med:6.1f} {rows:4g}  {'PASS' if ok else 'FAIL'} "
            f"({', '.join(checks)})"
        )
    print(
        "\ntimes in ms (median, p95); member: with the access log; no log: the "
        "same member, the log's writer disabled; super: the superuser; ratio = "
        "member / super, ratio0 = no log / super (medians); log ms = member - "
        "no log; rows: access-log rows the member's run wrote (median)"
    )
    for label, counts in models.items():
        if counts:
            detail = ", ".join(f"{m} {n}" for m, n in sorted(counts.items()))
            print(f"  rows of {label}: {detail}")
    return not failed


def profile(cr, label, queries, explain):
    total = sum(q[0] for q in queries)
    print(f"\n== {label}: {len(queries)} queries, {total:.1f} ms in SQL")
    for ms, query, _params in sorted(queries, key=lambda q: -q[0])[:5]:
        text = " ".join(str(query).split())
        print(f"  {ms:8.2f} ms  {text[:300]}{'...' if len(text) > 300 else ''}")
    if explain and queries:
        _ms, query, params = max(queries, key=lambda q: q[0])
        # query: one the ORM just ran in this process (captured), with its params
        cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
        print("  EXPLAIN ANALYZE of the slowest:")
        for (line,) in cr.fetchall():
            print(f"    {line}")


if __name__ == "__main__":
    sys.exit(main())
