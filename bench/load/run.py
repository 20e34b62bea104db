#!/usr/bin/env python3
"""Load test: service staff and families at once against Odoo in prefork mode
(1, 2 and 4 workers in one run), with locust, headless, on the loopback.

    .venv/bin/python bench/load/run.py [--db bti_bench] [--workers 1,2,4]
        [--users 8] [--spawn-rate 4] [--duration 60] [--warmup 20]
        [--think 0,0] [--staff 24] [--keep]

(plain ``python3`` works too). What it does:

1. Locust needs a newer gevent than Odoo's virtualenv pins, so it runs from a
   virtualenv of its own, ``.cache/locust-venv`` in the repository root,
   made once from ``bench/load/requirements.txt`` (again when that changes).
2. The writes go to a throw-away copy of the database: ``CREATE DATABASE
   bti_load_<pid> TEMPLATE <db>`` (waits until no one else is connected to
   ``--db``, which PostgreSQL requires) and a copy of its filestore in a
   temporary data directory. The copy is dropped at the end (``--keep``
   keeps it and the directory).
3. On the copy, in a subprocess with Odoo's virtualenv (this file with
   ``--prepare``): ``--staff`` members of a spread of the services whose
   members see open cases get a password (one PBKDF2 hash of Odoo's crypt
   context written to ``res_users.password``: hashing each would take ~1 s);
   per member the ids it touches (cases of its first list page, cases with a
   log, cases where a trial entry could be written and published, rolled
   back; final concern scales of its service; cases with meetings); the
   family logins (``family%``, password = login) with their case and whether
   its log is open for a contribution; the specifications the web client
   builds from the views. All in a JSON plan for the locustfile.
4. For each worker count: Odoo prefork (``odoo-bin --workers N`` with the
   production limits of ``setup/run``, no cron, 127.0.0.1, free ports), then
   ``locust --headless`` with the plan; its users log in, warm up, and the
   measured window of ``--duration`` seconds follows (see locustfile.py).
   Meanwhile this script reads the CPU time of locust, of Odoo's processes
   and of the database's PostgreSQL backends, the machine's, and the load
   average, at the start and the end of the window; Odoo's request log of the
   window gives the server's figures (queries, SQL, the rest). Odoo is
   stopped (its process group) before the next worker count.
5. A table per worker count (per operation: requests, failures, p50, p95,
   p99 in ms, the server's medians) and a comparison. Exit 1 if any request
   failed.
"""

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))

import _common  # noqa: E402 (bench/'s helpers)
import _server  # noqa: E402 (bench/'s helpers)
import ops  # noqa: E402 (the operations, shared with the locustfile)

REQUIREMENTS = HERE / "requirements.txt"
LOCUSTFILE = HERE / "locustfile.py"
VENV = _common.REPO_ROOT / ".cache" / "locust-venv"
STAFF_PASSWORD = "bti-load-test"
FAMILY_LOGINS = "family%"
SCALE_MODEL = "bti.tool.concern_scale"
LOGIN_TIMEOUT = 300  # seconds for every locust user to log in
CLK_TCK = os.sysconf("SC_CLK_TCK")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    _common.add_common_arguments(parser)
    parser.add_argument(
        "--workers",
        default="1,2,4",
        help="Odoo worker counts, one run each (default %(default)s)",
    )
    parser.add_argument(
        "--users",
        type=int,
        default=8,
        help="concurrent locust users, staff and families 3:1 (default "
        "%(default)s: with no think time, 8 requests always in flight saturate "
        "2 cores from 2 workers on, and stay within the listen backlog of one "
        "worker, 8)",
    )
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=4,
        help="users started per second (default %(default)s)",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=60,
        help="measured seconds per worker count (default %(default)s)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="seconds of load after every user logged in, before the measured "
        "window (default %(default)s)",
    )
    parser.add_argument(
        "--think",
        default="0,0",
        help="min,max seconds a user waits between two tasks (default "
        "%(default)s: a closed loop, each user sends its next request when the "
        "last one answered)",
    )
    parser.add_argument(
        "--staff",
        type=int,
        default=24,
        help="staff logins prepared (the locust staff users take them in turn; "
        "default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=42, help="which ids (default 42)")
    parser.add_argument(
        "--data-dir",
        default=os.path.expanduser("~/.local/share/Odoo"),
        help="the data directory whose filestore/<db> belongs to --db (the "
        "generator's, Odoo's default: %(default)s)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database copy and the working directory",
    )
    parser.add_argument(
        "--startup-timeout",
        type=int,
        default=600,
        help="seconds to wait for Odoo to answer (default %(default)s)",
    )
    parser.add_argument(
        "--copy-timeout",
        type=int,
        default=1800,
        help="seconds to wait for --db to have no other connection, as "
        "copying it requires (default %(default)s)",
    )
    parser.add_argument("--prepare", metavar="PLAN", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        args.worker_counts = [int(n) for n in args.workers.split(",") if n.strip()]
        think = [float(x) for x in args.think.split(",")]
    except ValueError:
        parser.error("--workers: numbers separated by commas; --think: min,max")
    if not args.worker_counts or min(args.worker_counts) < 1:
        parser.error("--workers: at least one worker")
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error("--think: min,max with 0 <= min <= max")
    if args.users < 1 or args.staff < 1 or args.duration < 1 or args.warmup < 0:
        parser.error("--users, --staff, --duration: at least 1; --warmup >= 0")
    return args


# ----------------------------------------------------------------------
# Preparation on the copy (runs in Odoo's virtualenv: --prepare PLAN)
# ----------------------------------------------------------------------
def _bench_run():
    """bench/run.py (the specifications as the web client builds them), loaded
    under another name: this file is also called run.py."""
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _specs(env, bench_run):
    """The specifications, domains and orders the web client sends."""
    fields_spec, view_arch = bench_run.fields_spec, bench_run.view_arch

    def form(model):
        spec = fields_spec(env, model, view_arch(env, model, "form"))
        spec.setdefault("display_name", {})
        return {"fields": spec}

    def listing(model, order=None):
        return {
            "fields": fields_spec(env, model, view_arch(env, model, "list")),
            "order": order or env[model]._order,
        }

    action = env.ref("bti_core.action_bti_case")
    return {
        "case_list": dict(
            listing("bti.case"), domain=bench_run.default_domain(env, action)
        ),
        "case_form": form("bti.case"),
        "log_list": listing("bti.log.entry", "date desc, id desc"),
        "entry_form": form("bti.log.entry"),
        "scale_form": form(SCALE_MODEL),
        "meeting_list": listing("bti.meeting"),
    }


def _pick_staff(env, bench_run, count):
    """``count`` members (not leaders first) of a spread of the services whose
    members see open cases: evenly over the services ordered by how many open
    cases they see, the median and the largest included."""
    services = [row for row in bench_run._visible_open_cases(env) if row[2]]
    if not services:
        sys.exit("no service sees an open case")
    wanted = min(len(services), max(1, -(-count // 2)))
    if wanted == 1:
        indices = [len(services) // 2]
    else:
        indices = sorted(
            {round(i * (len(services) - 1) / (wanted - 1)) for i in range(wanted)}
            | {len(services) // 2}
        )
    pools = []
    for index in indices:
        service = env["bti.service"].browse(services[index][0])
        members = service.member_ids.filtered(lambda u: u.active and not u.share)
        ordered = (members - service.leader_ids).sorted("id") + (
            members & service.leader_ids
        ).sorted("id")
        pools.append((services[index], list(ordered)))
    picked, seen = [], set()
    while len(picked) < count and any(pool for _row, pool in pools):
        for row, pool in pools:
            while pool and pool[0].id in seen:
                pool.pop(0)
            if pool and len(picked) < count:
                user = pool.pop(0)
                seen.add(user.id)
                picked.append((user, row))
    return picked


def _trial_write(env, uenv, case_id, spec):
    """Whether the member can save and publish a note in the case (rolled
    back)."""
    cr = env.cr
    savepoint = cr.savepoint(flush=True)
    try:
        entries = uenv["bti.log.entry"].with_context(
            default_case_id=case_id, mail_notify_force_send=False
        )
        saved = entries.web_save(
            {
                "case_id": case_id,
                "kind": "note",
                "subject": "Trial",
                "body": "<p>Trial of the load test.</p>",
                "visibility": "participants",
            },
            spec,
        )
        entries.browse(saved[0]["id"]).action_publish()
        uenv.flush_all()
        return True
    except Exception:  # noqa: BLE001 (any refusal: not a case to write in)
        return False
    finally:
        savepoint.close(rollback=True)
        env.invalidate_all()
        cr.precommit.clear()
        cr.postcommit.clear()


def _staff_plan(env, user, row, specs, rnd):
    """The ids one member touches, checked as the member."""
    from odoo import api  # noqa: PLC0415

    cr = env.cr
    context = dict(
        user.context_get(), uid=user.id, allowed_company_ids=[user.company_id.id]
    )
    uenv = api.Environment(cr, user.id, context)
    case_ids = env["bti.access.policy"]._case_ids(user) or []
    spec = specs["case_list"]
    page = uenv["bti.case"].search(spec["domain"], limit=80, order=spec["order"])
    if not page:
        return None
    form_cases = rnd.sample(page.ids, min(10, len(page)))
    cr.execute(
        """SELECT e.case_id, c.state FROM bti_log_entry e
             JOIN bti_case c ON c.id = e.case_id
            WHERE e.case_id = ANY(%s) GROUP BY e.case_id, c.state ORDER BY e.case_id""",
        [case_ids],
    )
    logged = cr.fetchall()
    rnd.shuffle(logged)
    entries = uenv["bti.log.entry"]
    log_cases = [
        case_id
        for case_id, _state in logged[:30]
        if entries.search_count([("case_id", "=", case_id)], limit=1)
    ][:8]
    write_cases = []
    for case_id, _state in [r for r in logged if r[1] == "active"][:8]:
        if _trial_write(env, uenv, case_id, specs["entry_form"]["fields"]):
            write_cases.append(case_id)
            if len(write_cases) == 3:
                break
    cr.execute(
        f"""SELECT id FROM {SCALE_MODEL.replace(".", "_")}
             WHERE case_id = ANY(%s) AND author_service_id = ANY(%s)
               AND state = 'final' ORDER BY id""",
        [case_ids, user.bti_service_ids.ids],
    )
    scales = [r[0] for r in cr.fetchall()]
    scales = (
        uenv[SCALE_MODEL]
        .search([("id", "in", rnd.sample(scales, min(20, len(scales))))])
        .ids[:10]
    )
    cr.execute(
        "SELECT DISTINCT case_id FROM bti_meeting WHERE case_id = ANY(%s)",
        [case_ids],
    )
    meeting_cases = sorted(r[0] for r in cr.fetchall())[:5]
    return {
        "login": user.login,
        "password": STAFF_PASSWORD,
        "uid": user.id,
        "service": row[1],
        "service_open_cases": row[2],
        "cases_seen": len(case_ids),
        "context": context,
        "form_cases": form_cases,
        "log_cases": log_cases or form_cases[:3],
        "write_cases": write_cases,
        "scales": scales,
        "meeting_cases": meeting_cases or (log_cases or form_cases)[:3],
        "has_meetings": bool(meeting_cases),
    }


def _family_plan(env, portal):
    users = env["res.users"].search(
        [("login", "=like", FAMILY_LOGINS), ("groups_id", "in", portal.ids)],
        order="login",
    )
    families = []
    for user in users:
        case = env["bti.case"].with_user(user).search([], order="id desc", limit=1)
        if not case:
            continue
        families.append(
            {
                "login": user.login,
                "uid": user.id,
                "case_id": case.id,
                "case_name": case.sudo().name,
                "may_contribute": bool(case._bti_family_log_open()),
            }
        )
    return families


def prepare(args):
    """Prepare the copy and write the plan (in Odoo's virtualenv)."""
    odoo = _common.setup_odoo(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    bench_run = _bench_run()
    rnd = random.Random(args.seed)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        cr.execute("SET LOCAL jit = off")  # not measured; many short queries
        env = api.Environment(cr, SUPERUSER_ID, {"mail_notify_force_send": False})
        for model in ("bti.log.entry", SCALE_MODEL, "bti.family.access.wizard"):
            if model not in env:
                sys.exit(f"{model} is missing in {args.db}: bti_tools and bti_portal")
        specs = _specs(env, bench_run)
        picked = _pick_staff(env, bench_run, args.staff)
        started = time.monotonic()
        hashed = env["res.users"]._crypt_context().hash(STAFF_PASSWORD)
        cr.execute(
            "UPDATE res_users SET password = %s WHERE id = ANY(%s)",
            [hashed, [user.id for user, _row in picked]],
        )
        env.invalidate_all()
        staff = []
        for user, row in picked:
            plan = _staff_plan(env, user, row, specs, rnd)
            if plan:
                staff.append(plan)
        if not staff:
            sys.exit("none of the picked members sees an open case")
        families = _family_plan(env, env.ref("base.group_portal"))
        cr.commit()
    plan = {
        "db": args.db,
        "specs": specs,
        "staff": staff,
        "families": families,
        "seconds": round(time.monotonic() - started, 1),
    }
    Path(args.prepare).write_text(json.dumps(plan, indent=1, default=list))


# ----------------------------------------------------------------------
# The runner's environment: Odoo's Python, locust's virtualenv
# ----------------------------------------------------------------------
def odoo_python():
    """Odoo's virtualenv: $ODOO_PYTHON, this checkout's .venv, the main
    worktree's .venv, else this interpreter."""
    candidates = [os.environ.get("ODOO_PYTHON"), _common.REPO_ROOT / ".venv"]
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        common = subprocess.run(
            ["git", "-C", str(_common.REPO_ROOT), "rev-parse"]
            + ["--path-format=absolute", "--git-common-dir"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        candidates.append(Path(common).parent / ".venv")
    for candidate in candidates:
        if not candidate:
            continue
        path = Path(candidate)
        python = path if path.is_file() else path / "bin" / "python"
        if python.is_file():
            return str(python)
    return sys.executable


def locust_venv():
    """.cache/locust-venv with the pinned requirements (made once; again when
    requirements.txt changes). Returns the locust executable."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = VENV / ".requirements.sha256"
    locust = VENV / "bin" / "locust"
    if locust.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
        return locust
    print(f"Making {VENV} from {REQUIREMENTS.name}...", flush=True)
    shutil.rmtree(VENV, ignore_errors=True)
    base = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    pip = subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
        + ["-r", str(REQUIREMENTS)],
        capture_output=True,
        text=True,
    )
    if pip.returncode:
        sys.exit(f"pip failed:\n{pip.stdout}{pip.stderr}")
    stamp.write_text(digest + "\n")
    return locust


# ----------------------------------------------------------------------
# The database copy
# ----------------------------------------------------------------------
def psql(sql, db="postgres"):
    return subprocess.run(
        ["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _quote_literal(text):
    return "'" + text.replace("'", "''") + "'"


def copy_database(source, target, timeout):
    """CREATE DATABASE target TEMPLATE source, once no one else is connected
    to source (PostgreSQL refuses a template in use)."""
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = {_quote_literal(source)}"):
        sys.exit(f"database {source} not found")
    deadline = time.monotonic() + timeout
    said = False
    while True:
        others = psql(
            "SELECT string_agg(pid || ' ' || coalesce(application_name, '') || ' '"
            " || state, '; ') FROM pg_stat_activity"
            f" WHERE datname = {_quote_literal(source)} AND pid != pg_backend_pid()"
        )
        if not others:
            try:
                psql(
                    f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY'
                )
                return
            except subprocess.CalledProcessError as error:
                if "being accessed by other users" not in error.stderr:
                    sys.exit(f"copying {source}: {error.stderr.strip()}")
        if time.monotonic() > deadline:
            sys.exit(f"{source} is in use ({others}): no copy after {timeout} s")
        if not said:
            print(f"  waiting: connections to {source}: {others}", flush=True)
            said = True
        time.sleep(5)


def drop_database(name):
    with contextlib.suppress(subprocess.CalledProcessError):
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------
# Processes and their CPU time
# ----------------------------------------------------------------------
def _stat(pid):
    """(pgrp, utime + stime, cutime + cstime) in seconds, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): pgrp 5, utime 14, stime 15, cutime 16, cstime 17
    own = (int(fields[11]) + int(fields[12])) / CLK_TCK
    children = (int(fields[13]) + int(fields[14])) / CLK_TCK
    return int(fields[2]), own, children


def group_cpu(pgid):
    """CPU seconds of a process group: its processes, and the children its
    leader reaped (Odoo's recycled workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat and stat[0] == pgid:
                total += stat[1]
                if int(entry.name) == pgid:
                    total += stat[2]
    return total


def backends_cpu(db):
    pids = psql(
        f"SELECT pid FROM pg_stat_activity WHERE datname = {_quote_literal(db)}"
    ).split()
    return sum(stat[1] for stat in map(_stat, pids) if stat)


def machine_cpu():
    """(busy, total) jiffies of the machine, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def listen_overflows():
    """The machine's count of connections dropped by a full listen queue
    (TcpExt ListenOverflows; every process's, Odoo's among them)."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=True))
            return int(table.get("ListenOverflows", 0))
    return 0


def cpu_sample(locust_pid, odoo_pgid, db, logfile):
    stat = _stat(locust_pid)
    return {
        "time": time.monotonic(),
        "locust": stat[1] if stat else 0.0,
        "odoo": group_cpu(odoo_pgid),
        "postgres": backends_cpu(db),
        "machine": machine_cpu(),
        "load": os.getloadavg(),
        "overflows": listen_overflows(),
        "log_offset": logfile.stat().st_size if logfile.exists() else 0,
    }


# ----------------------------------------------------------------------
# One worker count
# ----------------------------------------------------------------------
def run_workers(args, workers, ctx):
    """Odoo with ``workers`` workers and locust against it; the results."""
    workdir = ctx["workdir"] / f"workers-{workers}"
    workdir.mkdir()
    logfile = workdir / "odoo.log"
    # a free port P whose P+3 (the gevent port) is free too
    port = _server.free_port(
        check=lambda p: p + 3 <= 65535 and _server.port_is_free(p + 3)
    )
    base = f"http://127.0.0.1:{port}"
    odoo_cmd = _server.odoo_command(
        ctx["conf"],
        ctx["db"],
        port,
        logfile,
        workers=workers,
        extra=[f"--gevent-port={port + 3}", *_server.PREFORK_LIMITS],
        python=ctx["python"],
    )
    mark, out = workdir / "window.json", workdir / "results.json"
    env = dict(
        os.environ,
        BTI_LOAD_PLAN=str(ctx["plan"]),
        BTI_LOAD_WARMUP=str(args.warmup),
        BTI_LOAD_DURATION=str(args.duration),
        BTI_LOAD_THINK=args.think,
        BTI_LOAD_MARK=str(mark),
        BTI_LOAD_OUT=str(out),
        BTI_LOAD_LOGIN_TIMEOUT=str(LOGIN_TIMEOUT),
    )
    limit = LOGIN_TIMEOUT + args.warmup + args.duration + 60
    locust_cmd = [
        str(ctx["locust"]),
        "--headless",
        "-f",
        str(LOCUSTFILE),
        "--host",
        base,
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{limit}s",
        "--stop-timeout",
        "30",
        "--csv",
        str(workdir / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    print(f"\n== {workers} worker(s): Odoo on {base}, log {logfile}", flush=True)
    server = locust = None
    samples = {}
    try:
        server = _server.start(odoo_cmd, workdir / "odoo.out")
        started = time.monotonic()
        _server.wait_for(server, base, args.startup_timeout, logfile, what="Odoo")
        print(f"  answers after {time.monotonic() - started:.0f} s; locust starts")
        locust = _server.start(locust_cmd, workdir / "locust.out", env)
        deadline = time.monotonic() + limit + 60
        while locust.poll() is None and time.monotonic() < deadline:
            if "start" not in samples and mark.exists():
                samples["start"] = cpu_sample(
                    locust.pid, server.pid, ctx["db"], logfile
                )
                window = json.loads(mark.read_text())
                print(
                    f"  {window['logged_in']} users logged in; measuring "
                    f"{args.duration} s",
                    flush=True,
                )
            if "start" in samples and "end" not in samples and out.exists():
                samples["end"] = cpu_sample(locust.pid, server.pid, ctx["db"], logfile)
            time.sleep(0.2)
        if locust.poll() is None:
            print("  locust did not stop: stopped")
    finally:
        _server.stop(locust)
        _server.stop(server)
    if not out.exists() or "end" not in samples:
        tail = (workdir / "locust.out").read_text(errors="replace")[-3000:]
        sys.exit(f"locust wrote no results; its output ends with:\n{tail}")
    results = json.loads(out.read_text())
    results["workers"] = workers
    results["wanted_users"] = args.users
    results["cpu"] = cpu_figures(samples["start"], samples["end"])
    results["server"], results["recycled"], results["errors_logged"] = server_figures(
        logfile, samples["start"]["log_offset"], samples["end"]["log_offset"]
    )
    results["logfile"] = str(logfile)
    return results


def cpu_figures(start, end):
    """Cores used (CPU seconds per second) in the window."""
    seconds = end["time"] - start["time"]
    busy = end["machine"][0] - start["machine"][0]
    total = end["machine"][1] - start["machine"][1]
    cores = os.cpu_count() or 1
    return {
        "seconds": seconds,
        "locust": (end["locust"] - start["locust"]) / seconds,
        "odoo": (end["odoo"] - start["odoo"]) / seconds,
        "postgres": (end["postgres"] - start["postgres"]) / seconds,
        "machine": busy / total * cores if total else 0.0,
        "load_start": start["load"],
        "load_end": end["load"],
        "overflows": end["overflows"] - start["overflows"],
    }


WORKER_EVENT = re.compile(r"Worker \(\d+\) .*(limit|timeout|reached)", re.IGNORECASE)


def server_figures(logfile, start, end):
    """From Odoo's log between two offsets: per operation the (queries, SQL
    ms, rest ms) of each request, the workers recycled (limits), and the
    error records."""
    with logfile.open("rb") as handle:
        handle.seek(start)
        text = handle.read(end - start).decode(errors="replace")
    figures, recycled, errors = {}, [], []
    for line in text.splitlines():
        match = ops.REQUEST_LINE.search(line)
        if match:
            name = ops.operation_of(match["method"], match["path"])
            if name:
                figures.setdefault(name, []).append(
                    (
                        int(match["queries"]),
                        float(match["sql"]) * 1000,
                        float(match["rest"]) * 1000,
                    )
                )
        elif WORKER_EVENT.search(line):
            recycled.append(line)
        elif " ERROR " in line or " CRITICAL " in line:
            errors.append(line)
    medians = {
        name: [statistics.median(column) for column in zip(*rows, strict=True)]
        for name, rows in figures.items()
    }
    return medians, recycled, errors


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def _ordered(entries):
    rank = {name: i for i, name in enumerate(ops.NAMES)}
    return sorted(entries, key=lambda e: (rank.get(e["name"], 99), e["name"]))


def print_errors(errors, most=10):
    for error in errors[:most]:
        print(f"  {error['n']} x {error['method']} {error['name']}: {error['error']}")


def print_table(results):
    duration = results["duration"]
    print(
        f"\n{'operation':<22} {'n':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}"
        f" {'max':>6} {'req/s':>6}  {'queries':>7} {'SQL':>6} {'rest':>6}"
    )
    for entry in _ordered(results["entries"]):
        if not entry["n"]:
            continue  # the logins: before the window
        server = results["server"].get(entry["name"])
        cells = (
            f"{server[0]:7g} {server[1]:6.1f} {server[2]:6.1f}"
            if server
            else f"{'':>7} {'':>6} {'':>6}"
        )
        print(
            f"{entry['name']:<22} {entry['n']:6d} {entry['failures']:5d}"
            f" {entry['p50']:6.0f} {entry['p95']:6.0f} {entry['p99']:6.0f}"
            f" {entry['max']:6.0f} {entry['n'] / duration:6.2f}  {cells}"
        )
    print(
        f"{'total':<22} {results['requests']:6d} {results['failures']:5d}"
        f" {results['p50']:6.0f} {results['p95']:6.0f} {results['p99']:6.0f}"
        f" {'':>6} {results['requests'] / duration:6.2f}"
    )
    cpu = results["cpu"]
    print(
        f"{duration:.0f} s measured, {results['users']} users "
        f"({', '.join(f'{n} {c}' for c, n in results['user_classes'].items())}); "
        "ms from the client; queries, SQL ms, rest ms: medians of Odoo's "
        "request log"
    )
    print(
        f"CPU (cores of {os.cpu_count()}): Odoo {cpu['odoo']:.2f}, PostgreSQL "
        f"(the copy's backends) {cpu['postgres']:.2f}, locust {cpu['locust']:.2f}; "
        f"machine busy {cpu['machine']:.2f}; load average "
        f"{' '.join(f'{v:.2f}' for v in cpu['load_start'])} -> "
        f"{' '.join(f'{v:.2f}' for v in cpu['load_end'])}"
    )
    if results["recycled"]:
        print(f"{len(results['recycled'])} worker limit events, e.g.:")
        for line in results["recycled"][:3]:
            print(f"  {line}")
    if results["errors"]:
        print(f"{results['failures']} FAILED requests:")
        print_errors(results["errors"])
    before = results["before_window"]
    if before:
        print(
            f"{sum(e['n'] for e in before)} FAILED requests before the window "
            "(logins, warm-up):"
        )
        print_errors(before)
    if results["users"] < results["wanted_users"]:
        print(f"only {results['users']} of {results['wanted_users']} users ran")
    for exception in results["exceptions"][:3]:
        print(f"{exception['n']} x exception in locust:\n{exception['traceback']}")
    if results["errors_logged"]:
        print(f"{len(results['errors_logged'])} errors in Odoo's log, e.g.:")
        for line in results["errors_logged"][:3]:
            print(f"  {line}")
    if cpu["overflows"] or any("timed out" in x for x in results["errors_logged"]):
        print(
            f"TCP listen queues overflowed {cpu['overflows']} times in the window "
            "(the machine's count). Odoo listens with a backlog of 8 per worker: "
            "a connection beyond it waits for TCP to retransmit, and a worker "
            'that then gets no request in 2 s logs "Request timed out" and '
            "closes it. Fewer users or more workers."
        )


def print_comparison(runs):
    names = [
        name
        for name in ops.NAMES
        if any(e["name"] == name and e["n"] for r in runs for e in r["entries"])
    ]
    head = "".join(f" {str(r['workers']) + ' worker(s)':>21}" for r in runs)
    print(f"\n== Comparison (p50 / p95 / p99 ms){head}")
    for name in names:
        cells = ""
        for run in runs:
            entry = next((e for e in run["entries"] if e["name"] == name), None)
            cells += (
                f" {entry['p50']:>6.0f} /{entry['p95']:>6.0f} /{entry['p99']:>6.0f}"
                if entry
                else f" {'-':>21}"
            )
        print(f"{name:<35}{cells}")
    print(
        f"{'throughput (req/s)':<35}"
        + "".join(f" {r['requests'] / r['duration']:>21.2f}" for r in runs)
    )
    print(f"{'failures':<35}" + "".join(f" {r['failures']:>21d}" for r in runs))
    print(
        f"{'CPU: Odoo / PostgreSQL / locust':<35}"
        + "".join(
            f" {r['cpu']['odoo']:>6.2f} /{r['cpu']['postgres']:>6.2f} /"
            f"{r['cpu']['locust']:>6.2f}"
            for r in runs
        )
    )
    print(
        f"{'machine busy (cores) / load':<35}"
        + "".join(
            f" {r['cpu']['machine']:>13.2f} /{r['cpu']['load_end'][0]:>6.2f}"
            for r in runs
        )
    )


def describe_plan(plan):
    staff, families = plan["staff"], plan["families"]
    services = {s["service"] for s in staff}
    seen = sorted(s["cases_seen"] for s in staff)
    print(
        f"  {len(staff)} staff of {len(services)} services (cases seen median "
        f"{statistics.median(seen):g}, {seen[0]}-{seen[-1]}); "
        f"{sum(1 for s in staff if s['write_cases'])} may write, "
        f"{sum(1 for s in staff if s['scales'])} read a scale of their service, "
        f"{sum(1 for s in staff if s['has_meetings'])} have a case with meetings"
    )
    print(
        f"  {len(families)} families, {sum(f['may_contribute'] for f in families)} "
        f"may write in their log; prepared in {plan['seconds']} s"
    )


def main():
    args = parse_args()
    if args.prepare:
        prepare(args)
        return 0
    # SIGTERM as Ctrl-C: the finally blocks stop Odoo and locust, drop the copy.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    locust = locust_venv()
    python = odoo_python()
    args.addons_path = args.addons_path or _common.default_addons_path()
    copy = f"bti_load_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="bti-load-"))
    data_dir = workdir / "data"
    runs, failed = [], False
    created = False
    try:
        print(f"Copying {args.db} to {copy} (workdir {workdir})...", flush=True)
        started = time.monotonic()
        copy_database(args.db, copy, args.copy_timeout)
        created = True
        source_store = Path(args.data_dir) / "filestore" / args.db
        target_store = data_dir / "filestore" / copy
        if source_store.is_dir():
            shutil.copytree(source_store, target_store)
        else:
            target_store.mkdir(parents=True)
        print(f"  {time.monotonic() - started:.0f} s; preparing logins and ids...")
        plan_path = workdir / "plan.json"
        subprocess.run(
            [
                python,
                str(Path(__file__).resolve()),
                "--prepare",
                str(plan_path),
                "--db",
                copy,
                "--addons-path",
                args.addons_path,
                "--staff",
                str(args.staff),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        plan = json.loads(plan_path.read_text())
        describe_plan(plan)
        # setup/'s config (if any) with this checkout's addons path and the
        # copy's data directory, without a database name
        conf = workdir / "odoo.conf"
        _server.write_conf(conf, args.addons_path, data_dir)
        ctx = {
            "workdir": workdir,
            "db": copy,
            "conf": conf,
            "plan": plan_path,
            "python": python,
            "locust": locust,
        }
        for workers in args.worker_counts:
            results = run_workers(args, workers, ctx)
            print_table(results)
            runs.append(results)
            failed = failed or any(
                (
                    results["failures"],
                    results["exceptions"],
                    results["before_window"],
                    results["users"] < args.users,
                )
            )
        if len(runs) > 1:
            print_comparison(runs)
    finally:
        if created and not args.keep:
            drop_database(copy)
        if args.keep:
            print(f"kept: database {copy}, {workdir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
            print(f"logs: {workdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
