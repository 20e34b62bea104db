#!/usr/bin/env python3
"""Time the family's portal pages (bti_portal) over HTTP on a real Odoo server:
the list of their cases, a case and its log, as logged-in portal users.

    .venv/bin/python bench/portal.py [--db bti_bench] [--users 30] [--runs 30]
        [--warmup 3] [--seed 42]

The family logins are those of ``generate.py`` (``family0001``...; password =
login). Which case each family reads, and how many log entries its log page
must show, is asked of the ORM as that user (the family's record rules). Then
an Odoo server is started on the database (odoo-bin: a free loopback port,
``--db-filter`` to the database, threaded (``--workers=0``), no cron, logging
to a file), ``--users`` families log in with ``requests`` (GET /web/login for
the CSRF token, POST the login), and the pages are timed from the client:
each run is one family (round robin) opening ``/my/bti``, its case and its
log, so that the pages alternate; the log page of the family with the most
entries is timed in the same runs. Each response must be 200, hold
``o_bti_portal`` and the case, and the log page as many entries as the ORM
said. The server's own figures (queries, SQL time, the rest) come from its
request log; the access-log rows the families' requests write are counted.
The server is stopped at the end, whatever happens.
"""

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common
import _server

MARKER = "o_bti_portal"
FAMILY_LOGINS = "family%"
PAGES = {
    "list": ("list: /my/bti", "/my/bti"),
    "case": ("case: /my/bti/<id>", "/my/bti/{case}"),
    "log": ("log: /my/bti/<id>/log", "/my/bti/{case}/log"),
    "largest": ("log, the largest log", "/my/bti/{case}/log"),
}
# Odoo's request log line (werkzeug, with odoo.netsvc's perf info): path,
# status, queries, SQL seconds, the rest of the request in seconds.
REQUEST_LINE = re.compile(
    r'"GET (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) \S+ '
    r"(?P<queries>\d+) (?P<sql>[\d.]+) (?P<rest>[\d.]+)"
)
KIND_PATHS = {
    "list": re.compile(r"^/my/bti$"),
    "case": re.compile(r"^/my/bti/\d+$"),
    "log": re.compile(r"^/my/bti/\d+/log$"),
    "largest": re.compile(r"^/my/bti/\d+/log$"),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    _common.add_common_arguments(parser)
    parser.add_argument(
        "--users", type=int, default=30, help="families that log in (default 30)"
    )
    parser.add_argument(
        "--runs", type=int, default=30, help="timed requests per page (default 30)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    parser.add_argument("--seed", type=int, default=42, help="which families")
    parser.add_argument(
        "--startup-timeout",
        type=int,
        default=600,
        help="seconds to wait for the server (default %(default)s)",
    )
    args = parser.parse_args()
    if args.users < 1 or args.runs < 1:
        parser.error("--users and --runs: at least one")
    return args


# ----------------------------------------------------------------------
# The families, as the ORM sees them
# ----------------------------------------------------------------------
def find_families(args):
    """Every family login with the cases it reads (newest first, as /my/bti
    lists them), their references, and the entries of each case's log page,
    read as the user. Also returns the server's data directory: the one the
    generator wrote the filestore into."""
    odoo = _common.setup_odoo(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    data_dir = odoo.tools.config["data_dir"]
    registry = odoo.modules.registry.Registry(args.db)
    families = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "bti.family.access.wizard" not in env:
            sys.exit(
                f"bti_portal is not installed in {args.db}: run generate.py "
                "--families-only"
            )
        # Not a measurement: without JIT (generate.py's report_families).
        cr.execute("SET LOCAL jit = off")
        portal = env.ref("base.group_portal")
        users = env["res.users"].search(
            [("login", "=like", FAMILY_LOGINS), ("groups_id", "in", portal.ids)],
            order="login",
        )
        for user in users:
            cases = env["bti.case"].with_user(user).search([], order="id desc")
            if not cases:
                print(f"  {user.login} reads no case: left out")
                continue
            entries = env["bti.log.entry"].with_user(user)
            families.append(
                {
                    "login": user.login,
                    "uid": user.id,
                    "cases": [(case.id, case.name) for case in cases.sudo()],
                    "entries": {
                        case.id: entries.search_count([("case_id", "=", case.id)])
                        for case in cases
                    },
                }
            )
        cr.rollback()  # nothing of this is kept
    odoo.modules.registry.Registry.delete(args.db)
    odoo.sql_db.close_all()
    if not families:
        sys.exit(f"no family login in {args.db}: run generate.py --families-only")
    return families, data_dir


# ----------------------------------------------------------------------
# The family's requests
# ----------------------------------------------------------------------
def log_in(base, login):
    """A portal session of ``login`` (password = login), as the browser gets
    it: the login form's CSRF token, then the form posted."""
    import requests  # noqa: PLC0415

    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if page.status_code != 200 or not token:
        sys.exit(f"no login form for {login} ({page.status_code})")
    answer = session.post(
        f"{base}/web/login",
        data={
            "login": login,
            "password": login,
            "csrf_token": token.group(1),
            "redirect": "/my/bti",
        },
        timeout=120,
        allow_redirects=False,
    )
    if answer.status_code not in (302, 303) or "/my/bti" not in answer.headers.get(
        "Location", ""
    ):
        sys.exit(f"{login} could not log in ({answer.status_code})")
    return session


def get_page(session, base, kind, family, case):
    """GET one page; returns (ms, entries shown, problem or None)."""
    case_id, name = case
    url = base + PAGES[kind][1].format(case=case_id)
    start = time.perf_counter()
    response = session.get(url, timeout=300, allow_redirects=False)
    elapsed = (time.perf_counter() - start) * 1000
    text = response.text
    entries = text.count("<article")
    problem = None
    if response.status_code != 200:
        problem = f"{response.status_code}"
    elif MARKER not in text:
        problem = f"no {MARKER}"
    elif kind == "list":
        missing = [n for _id, n in family["cases"] if n not in text]
        problem = f"cases missing: {missing}" if missing else None
    elif name not in text:
        problem = f"{name} missing"
    elif kind in ("log", "largest") and entries != family["entries"][case_id]:
        problem = f"{entries} entries shown, {family['entries'][case_id]} readable"
    if problem:
        problem = f"{family['login']} {url}: {problem}"
    return elapsed, entries, problem


def access_log_rows(db, uids):
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname=db)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM bti_access_log WHERE user_id = ANY(%s)", [uids]
        )
        count = cur.fetchone()[0]
    conn.close()
    return count


def server_figures(logfile, warmup):
    """Per page: [(queries, SQL ms, rest ms)] of the timed requests, from the
    server's request log. The pages were asked one at a time in the order of
    PAGES, run after run, so the n-th request of /my/bti... is of the page
    n modulo their number; the first ``warmup`` runs are left out."""
    figures = {kind: [] for kind in PAGES}
    kinds = list(PAGES)
    position = 0
    for line in Path(logfile).read_text(errors="replace").splitlines():
        match = REQUEST_LINE.search(line)
        if not match or not match["path"].startswith("/my/bti"):
            continue
        kind = kinds[position % len(kinds)]
        if not KIND_PATHS[kind].match(match["path"].split("?")[0]):
            return {}  # not the requests of this script: no figures
        if position // len(kinds) >= warmup:
            figures[kind].append(
                (
                    int(match["queries"]),
                    float(match["sql"]) * 1000,
                    float(match["rest"]) * 1000,
                )
            )
        position += 1
    return figures


def tracebacks(logfile, limit=2):
    """The last ``limit`` error records of the server's log."""
    records = _server.error_records(logfile)
    return ["\n".join(record) for record in records[-limit:]]


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def print_table(times, shown, figures, largest):
    print(
        f"\n{'page':<34} {'n':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
        f" {'queries':>8} {'SQL':>6} {'rest':>6}  entries (median/max)"
    )
    for kind, (label, _url) in PAGES.items():
        values = times[kind]
        if not values:
            continue
        if kind == "largest":
            label = f"{label} ({largest['login']})"
        server = figures.get(kind)
        cells = [
            f"{statistics.median(values):7.1f}",
            f"{_common.percentile(values, 95):7.1f}",
            f"{_common.percentile(values, 99):7.1f}",
            f"{max(values):7.1f}",
        ]
        if server:
            cells += [
                f"{statistics.median(q for q, _s, _r in server):8g}",
                f"{statistics.median(s for _q, s, _r in server):6.1f}",
                f"{statistics.median(r for _q, _s, r in server):6.1f}",
            ]
        else:
            cells += [f"{'':>8}", f"{'':>6}", f"{'':>6}"]
        entries = ""
        if kind in ("log", "largest"):
            entries = f"  {statistics.median(shown[kind]):g}/{max(shown[kind])}"
        print(f"{label:<34} {len(values):4d} {' '.join(cells)}{entries}")
    print(
        "ms from the client (request sent to body read); queries, SQL and rest: "
        "medians of the server's request log"
    )


def main():
    args = parse_args()
    print(f"Families of {args.db} (as the ORM reads them as each family)...")
    families, data_dir = find_families(args)
    rnd = random.Random(args.seed)
    chosen = sorted(
        rnd.sample(families, min(args.users, len(families))), key=lambda f: f["login"]
    )
    largest = max(families, key=lambda f: max(f["entries"].values()))
    everyone = chosen + ([largest] if largest not in chosen else [])
    counts = [f["entries"][f["cases"][0][0]] for f in chosen]
    print(
        f"  {len(families)} family logins; {len(chosen)} log in "
        f"({chosen[0]['login']}...), cases per family max "
        f"{max(len(f['cases']) for f in chosen)}, entries on their log page "
        f"median {statistics.median(counts):g}, max {max(counts)}; the largest "
        f"log: {largest['login']}, {max(largest['entries'].values())} entries"
    )
    workdir = Path(tempfile.mkdtemp(prefix="bti-portal-bench-"))
    logfile = workdir / "odoo.log"
    conf = workdir / "odoo.conf"
    # setup/'s config (if any) with this checkout's addons path and the data
    # directory of the generated database.
    source = _server.write_conf(conf, args.addons_path, data_dir, drop=())
    port = _server.free_port()
    base = f"http://127.0.0.1:{port}"
    print(
        f"Server: {base}, config {conf} (from {source or 'nothing'}), data "
        f"{data_dir}, log {logfile}"
    )
    rows_before = access_log_rows(args.db, [f["uid"] for f in everyone])
    times = {kind: [] for kind in PAGES}
    shown = {kind: [] for kind in PAGES}
    problems = []
    server = _server.start(
        _server.odoo_command(conf, args.db, port, logfile), workdir / "server.out"
    )
    started = time.monotonic()
    try:
        _server.wait_for(server, base, args.startup_timeout, logfile)
        print(f"  answers after {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        sessions = {f["login"]: log_in(base, f["login"]) for f in everyone}
        print(f"  {len(sessions)} logged in, {time.monotonic() - started:.0f} s")
        visits = dict.fromkeys(sessions, 0)
        big_case = max(largest["cases"], key=lambda c: largest["entries"][c[0]])
        for run in range(-args.warmup, args.runs):
            family = chosen[run % len(chosen)]
            case = family["cases"][visits[family["login"]] % len(family["cases"])]
            visits[family["login"]] += 1
            steps = [
                ("list", family, case),
                ("case", family, case),
                ("log", family, case),
                ("largest", largest, big_case),
            ]
            for kind, who, which in steps:
                ms, entries, problem = get_page(
                    sessions[who["login"]], base, kind, who, which
                )
                if problem:
                    problems.append(problem)
                if run >= 0:
                    times[kind].append(ms)
                    shown[kind].append(entries)
        requests_made = (args.warmup + args.runs) * len(PAGES)
    finally:
        _server.stop(server)
    rows = access_log_rows(args.db, [f["uid"] for f in everyone]) - rows_before
    figures = server_figures(logfile, args.warmup)
    print_table(times, shown, figures, largest)
    print(
        f"access-log rows written: {rows} over {requests_made} requests "
        f"({rows / requests_made:.1f} per request)"
    )
    if problems:
        print(f"\n{len(problems)} FAILED requests, e.g.:")
        for problem in problems[:10]:
            print(f"  {problem}")
        for record in tracebacks(logfile):
            print(record)
        print(f"server log: {logfile}")
        return 1
    print(f"every response 200 with {MARKER} and its case; server log: {logfile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
