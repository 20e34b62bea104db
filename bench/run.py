#!/usr/bin/env python3
"""Time the case list, a case, the per-level count, the stafettlogg of a case,
writing a log entry and the overdue evaluations, member vs superuser.

    .venv/bin/python bench/run.py [--db bti_bench] [--runs 30] [--profile] [--explain]

Runs the same server-side calls the web client makes (``web_search_read``,
``web_read``, ``web_read_group``, ``create`` and a button) with the
specifications built from the real views, for a typical service member (record
rules apply) and for the superuser (``su=True``: no record rules), on the same
data. The ORM cache is emptied before every run; everything runs in one
transaction that is rolled back at the end, so the access-log rows that opening
a case writes do not stay, and every written log entry is rolled back to a
savepoint after its run.
"""

import argparse
import ast
import statistics
import sys
import threading
import time

import _common

READ_TARGET_MS = 100.0  # p95 of the member's lists
WRITE_TARGET_MS = 150.0  # p95 of the member's log entry
RATIO_TARGET = 2.0
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
        "--login", help="member to use (default: a typical one is picked)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="list the slowest SQL queries of one member run",
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


def fields_spec(env, model, view_node):
    Model = env[model]
    spec = {}
    for node in _field_nodes(view_node):
        name = node.get("name")
        field = Model._fields[name]
        entry = spec.setdefault(name, {})
        invisible = _always_invisible(node) or _always_invisible(
            node, "column_invisible"
        )
        if field.type == "many2one":
            entry.setdefault("fields", {})
            if not invisible:
                entry["fields"]["display_name"] = {}
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
                entry["fields"] = fields_spec(env, field.comodel_name, sub)
                entry["limit"] = int(sub.get("limit", 40))
                if sub.get("default_order"):
                    entry["order"] = sub.get("default_order")
            elif (
                widget in ("many2many_tags", "many2many_tags_avatar") and not invisible
            ):
                entry["fields"] = {"display_name": {}}
                options = ast.literal_eval(node.get("options") or "{}")
                if options.get("color_field"):
                    entry["fields"][options["color_field"]] = {}
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
    """One timed operation: ``fn`` is timed; ``setup`` (its result is passed to
    ``teardown``) and ``teardown`` run around it, untimed."""

    def __init__(self, fn, target_ms=None, setup=None, teardown=None):
        self.fn = fn
        self.target_ms = target_ms
        self.setup = setup
        self.teardown = teardown

    def run(self, env, log=None):
        env.invalidate_all()
        state = self.setup() if self.setup else None
        try:
            t0 = time.perf_counter()
            if log is None:
                self.fn()
                env.flush_all()  # the access-log row is written within the request
            else:
                with log:
                    self.fn()
                    env.flush_all()
            return (time.perf_counter() - t0) * 1000
        finally:
            if self.teardown:
                self.teardown(state)


def measure(env, op, runs, warmup):
    for _ in range(warmup):
        op.run(env)
    return [op.run(env) for _ in range(runs)]


def pick_member(env, login=None):
    """A non-leader member of the service whose open-case count is the median."""
    if login:
        return env["res.users"].search([("login", "=", login)], limit=1)
    env.cr.execute(
        """
        WITH visible AS (
            SELECT s.id AS service_id, count(DISTINCT c.id) AS n
              FROM bti_service s
              JOIN bti_case c ON c.state != 'closed'
               AND ((c.state = 'wondering' AND c.service_id = s.id)
                    OR EXISTS (SELECT 1 FROM bti_case_participant p
                                WHERE p.case_id = c.id AND p.service_id = s.id
                                  AND p.access_granted))
             GROUP BY s.id
        )
        SELECT service_id, n FROM visible ORDER BY n
        """
    )
    rows = env.cr.fetchall()
    service_id, _n = rows[len(rows) // 2]
    service = env["bti.service"].browse(service_id)
    members = service.member_ids - service.leader_ids
    return (members or service.member_ids)[:1]


class Scenario:
    """The member, the two environments, the specifications and the case."""

    def __init__(self, cr, args):
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415

        su_env = api.Environment(cr, SUPERUSER_ID, {})
        member = pick_member(su_env, args.login)
        if not member:
            sys.exit("no member found: generate the data first (bench/generate.py)")
        ctx = dict(member.context_get(), allowed_company_ids=member.company_ids.ids)
        self.member = member
        self.envs = {
            "member": api.Environment(cr, member.id, ctx),
            "superuser": api.Environment(cr, SUPERUSER_ID, ctx, su=True),
        }
        self.cr = cr
        self.su_env = su_env
        action = su_env.ref("bti_core.action_bti_case")
        self.domain = default_domain(self.envs["member"], action)
        self.list_spec = fields_spec(
            su_env, "bti.case", view_arch(su_env, "bti.case", "list")
        )
        self.form_spec = fields_spec(
            su_env, "bti.case", view_arch(su_env, "bti.case", "form")
        )
        self.form_spec.setdefault("display_name", {})
        self.order = su_env["bti.case"]._order  # the action and the list view set none
        cases = self.envs["member"]["bti.case"]
        page = cases.search(self.domain, limit=80, order=self.order)
        cooperating = page.filtered(lambda c: len(c.sudo().participant_ids) >= 2)
        self.case = (cooperating or page)[:1]
        if not self.case:
            sys.exit(f"{member.login} sees no case")
        self.counts = (
            su_env["bti.case"].search_count([]),
            cases.search_count([]),
            cases.search_count(self.domain),
        )
        self._stafettlogg(su_env, member)

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
        case_ids = su_env["bti.case"]._bti_accessible_case_ids(member) or []
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

    def describe_log(self):
        case = self.log_case
        if not case:
            print(
                "The member takes part in no open case with a stafettlogg: the log "
                "and write operations are skipped."
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
            f"{self.log_view}, order {self.log_order!r}, fields "
            f"{', '.join(self.log_spec)}."
        )
        print(
            f"Overdue evaluations: {measures.search_count(self.overdue_domain)} "
            f"measures, the member reads "
            f"{member['bti.measure'].search_count(self.overdue_domain)}; order "
            f"{self.overdue_order!r}.\n"
        )

    def describe(self, args):
        total, seen, seen_open = self.counts
        services = ", ".join(self.member.bti_service_ids.mapped("name"))
        case = self.case.sudo()
        print(f"Database {args.db}: {total} cases; the superuser sees all of them.")
        print(
            f"Member {self.member.login} ({services}) sees {seen} cases, "
            f"{seen_open} not closed."
        )
        print(
            f"Opened case {case.name}: level {case.level_code}, {case.state}, "
            f"{len(case.participant_ids)} participants, {len(case.consent_ids)} "
            f"consents, {len(case.baton_ids)} batons."
        )
        print(
            f"List domain {self.domain}, order {self.order!r}, {len(self.list_spec)} "
            f"fields; form {len(self.form_spec)} fields. {args.runs} runs after "
            f"{args.warmup} warm-up.\n"
        )

    def operations(self, env):
        model = env["bti.case"]
        ops = {
            "list: my cases, first page": Op(
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
                lambda: model.browse(self.case.id).web_read(self.form_spec)
            ),
            "kanban: count per level": Op(
                lambda: model.web_read_group(
                    self.domain, ["level_id"], ["level_id"], lazy=True
                )
            ),
        }
        if self.log_case:
            entries = env["bti.log.entry"]
            ops["log: a case's stafettlogg"] = Op(
                lambda: entries.web_search_read(
                    self.log_domain,
                    self.log_spec,
                    offset=0,
                    limit=80,
                    order=self.log_order,
                    count_limit=10001,
                ),
                READ_TARGET_MS,
            )
            ops["write: publish a log entry"] = self._write_op(env)
        measures = env["bti.measure"]
        ops["overdue: evaluations"] = Op(
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
            entry.action_publish()  # request 2: the "Publish" button
            env.flush_all()
            cr.precommit.run()

        def teardown(savepoint):
            savepoint.close(rollback=True)  # also empties the ORM cache
            env.invalidate_all()

        return Op(
            write,
            WRITE_TARGET_MS,
            setup=lambda: cr.savepoint(flush=True),
            teardown=teardown,
        )


def main():
    args = parse_args()
    odoo = _common.setup_odoo(args)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        try:
            scenario = Scenario(cr, args)
            scenario.describe(args)
            scenario.describe_log()
            results = {}
            for who, env in scenario.envs.items():
                for label, op in scenario.operations(env).items():
                    results[(who, label)] = measure(env, op, args.runs, args.warmup)
            passed = print_table(results, scenario.operations(scenario.envs["member"]))
            if args.profile:
                env = scenario.envs["member"]
                for label, op in scenario.operations(env).items():
                    log = QueryLog()
                    op.run(env, log)
                    profile(cr, label, log.queries, args.explain)
        finally:
            cr.rollback()  # no lasting writes (the access log of the runs)
    return 0 if passed else 1


def print_table(results, ops):
    header = (
        f"{'operation':<30} {'member med':>10} {'p95':>8} {'super med':>10} "
        f"{'p95':>8} {'ratio':>6}  result"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for label, op in ops.items():
        member, superuser = results[("member", label)], results[("superuser", label)]
        m_med, m_p95 = statistics.median(member), _common.percentile(member, 95)
        s_med, s_p95 = statistics.median(superuser), _common.percentile(superuser, 95)
        ratio = m_med / s_med if s_med else float("inf")
        ok = ratio <= RATIO_TARGET
        checks = [f"ratio{'<=' if ok else '>'}{RATIO_TARGET:g}"]
        if op.target_ms:
            p95_ok = m_p95 < op.target_ms
            checks.insert(0, f"p95{'<' if p95_ok else '>='}{op.target_ms:g}ms")
            ok = ok and p95_ok
        failed = failed or not ok
        print(
            f"{label:<30} {m_med:10.1f} {m_p95:8.1f} {s_med:10.1f} {s_p95:8.1f} "
            f"{ratio:6.2f}  {'PASS' if ok else 'FAIL'} ({', '.join(checks)})"
        )
    print("\ntimes in ms; ratio = member median / superuser median")
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
