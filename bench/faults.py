#!/usr/bin/env python3
"""Fault runs: PostgreSQL restarted or crashed under a write load, and prefork
workers killed with SIGKILL in the middle of a write. Does Odoo recover by
itself, is every acknowledged write there exactly once and whole, and is
nothing half-written?

    .venv/bin/python bench/faults.py [--writers 8] [--seconds 30] [--kills 5]
        [--warmup 8] [--downtime 3] [--port PORT] [--keep-cluster]
        [--faults restart,crash,kill] [--rebuild]

Nothing runs on the shared cluster ``15/main``: the script creates a private
PostgreSQL cluster of its own (``pg_createcluster 15 bti_faults_<pid>``, a free
port, trust authentication, a ``root`` superuser role), restores the newest
template database of ``setup/test`` (``bti_tmpl_*``, only read with
``pg_dump``) into it, installs the BTI addons with their demo data, and drops
the cluster at the end (``pg_dropcluster --stop``), whatever happens, unless
``--keep-cluster``. The installed database is dumped under
``.cache/faults/<hash of the addons>/`` and restored directly by the next run
(``--rebuild`` installs again).

Before the load, the ORM says (in transactions that are rolled back) in which
cases each demo writer may publish, and what one entry leaves in the
database, created and then published, as the model does it: its messages
(the creation message; the tracking message of the state), its followers,
the announcement on the case, the access-log rows of the publication. That
is the shape every entry of the run must have.

Odoo runs in prefork as ``setup/run --workers 2`` runs it (the gevent port,
the memory and time limits), without cron, on free ports, against the private
cluster (over TCP on 127.0.0.1, so that a worker's database session is found
by its client port). ``--writers`` threads log in as the demo staff (kari,
ingrid, lars on the kindergarten cases; per, nina on the school's) over
JSON-RPC and loop: ``bti.log.entry.create`` (a note, with a unique marker in
its text) and ``action_publish``. Every request is recorded: acknowledged
(HTTP 200 with a result) or failed (connection error, HTTP error, JSON-RPC
error), with its marker and the id it returned. A writer whose session
expired logs in again (counted).

The faults, one after the other, on the same server (it is never restarted):

* ``restart``: after ``--warmup`` seconds of load, ``pg_ctlcluster restart``
  (fast shutdown: open transactions are rolled back); the load goes on for
  ``--seconds``;
* ``crash``: ``pg_ctlcluster stop -m immediate`` (no shutdown checkpoint:
  a crash, WAL recovery at the start), ``--downtime`` seconds down, start;
* ``kill``: ``--kills`` times at random moments over ``--seconds``, a prefork
  HTTP worker (a child of the master that is not the gevent process) is
  killed with SIGKILL, preferably one whose database session is inside a
  writing transaction (it holds a transaction id) at that moment. The
  master must spawn a new one (timed).

After each fault the writers stop and the database is checked in SQL:

* every acknowledged publication: its marker is in exactly one entry, with
  the id the client got, published, whole (the shape above: the creation
  message, the state's tracking message, the author following, the
  access-log rows of the publication);
* every acknowledged creation whose publication failed: one entry, a whole
  draft or a whole published entry (the commit may have happened before
  the answer was lost);
* every failed creation: no entry, or one whole draft;
* no entry of the run without a marker the client sent; per case, as many
  announcements as entries published in the run;
* no orphan (more than before the run): a message, follower or activity of
  a BTI record that does not exist, a notification or tracking value
  without its message, a published entry without its date;
* no PostgreSQL session left inside a transaction, no lock held, no
  prepared transaction.

The report gives, per fault: writes attempted, acknowledged, failed (by
kind), how long until writes succeed again, the re-logins the writers
needed, the kills (in a transaction or not, rolled back or committed, the
new worker's delay) and the checks. The exit status is 1 on any lost or
duplicated acknowledged write, half-written record, orphan, open
transaction, or if writes never succeed again after a fault. Logs (Odoo's,
PostgreSQL's) and report.json are kept in ``.cache/faults/runs/<time>/``.
"""

import argparse
import collections
import configparser
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import _common
import _server

PG_VERSION = "15"
DB = "bti_faults"
ADDONS = ("bti_core", "bti_stafettlogg", "bti_tools", "bti_portal")
# The demo staff who write in the kindergarten's and the school's logs.
WRITER_LOGINS = ("kari", "ingrid", "lars", "per", "nina")
MARK = "FAULTRUN"
MARKER_RE = MARK + r"-[0-9a-f]+-[a-z]+-w[0-9]+-[0-9]+"
FAULTS = ("restart", "crash", "kill")
CACHE = _common.REPO_ROOT / ".cache" / "faults"
SESSION_EXPIRED = "odoo.http.SessionExpiredException"


class Interrupted(Exception):
    """SIGTERM: stop as on Ctrl-C (the finally blocks clean up)."""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--writers", type=int, default=8, help="writer threads")
    parser.add_argument(
        "--seconds",
        type=int,
        default=30,
        help="load after each PostgreSQL fault, and the span of the kills "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--warmup", type=int, default=8, help="load before each fault (seconds)"
    )
    parser.add_argument(
        "--kills", type=int, default=5, help="workers killed (default %(default)s)"
    )
    parser.add_argument(
        "--downtime",
        type=float,
        default=3,
        help="seconds PostgreSQL stays down after the crash",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="Odoo prefork HTTP workers"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port of the private cluster (free one)"
    )
    parser.add_argument(
        "--faults",
        default=",".join(FAULTS),
        help="which faults, in this order (default %(default)s)",
    )
    parser.add_argument(
        "--keep-cluster",
        action="store_true",
        help="leave the private cluster (and the server's data directory) "
        "behind; drop it later with pg_dropcluster --stop 15 <name>",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="install the addons again"
    )
    parser.add_argument(
        "--template",
        default=None,
        help="database of the main cluster to start from (default: the newest "
        "bti_tmpl_*; none: an empty database)",
    )
    _common.add_addons_path_argument(parser)
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    args = parser.parse_args()
    args.faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = set(args.faults) - set(FAULTS)
    if unknown or not args.faults:
        parser.error(f"--faults: some of {', '.join(FAULTS)}")
    if args.writers < 1 or args.workers < 1 or args.seconds < 5:
        parser.error("--writers and --workers at least 1, --seconds at least 5")
    args.addons_path = args.addons_path or _common.default_addons_path()
    return args


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd, **kwargs):
    """Run a command; its output in the error if it fails."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    result = subprocess.run(cmd, check=False, **kwargs)
    if result.returncode:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} exited with {result.returncode}:\n"
            f"{(result.stdout or '')[-2000:]}{(result.stderr or '')[-2000:]}"
        )
    return result


# ----------------------------------------------------------------------
# The private cluster
# ----------------------------------------------------------------------
class Cluster:
    """A PostgreSQL cluster of this run (Debian's postgresql-common)."""

    def __init__(self, name, port):
        self.name = name
        self.port = port
        self.created = False

    @property
    def logfile(self):
        return Path(f"/var/log/postgresql/postgresql-{PG_VERSION}-{self.name}.log")

    def ctl(self, action, mode=None):
        cmd = ["pg_ctlcluster"]
        if mode:
            cmd += ["-m", mode]
        run(cmd + [PG_VERSION, self.name, action])

    def create(self):
        existing = run(["pg_lsclusters", "-h"]).stdout.split("\n")
        if any(line.split()[1:2] == [self.name] for line in existing if line):
            raise RuntimeError(f"cluster {PG_VERSION}/{self.name} exists already")
        run(
            [
                "pg_createcluster",
                "--port",
                str(self.port),
                "--start-conf",
                "manual",
                PG_VERSION,
                self.name,
                "--",
                "--auth=trust",
            ]
        )
        self.created = True
        self.ctl("start")
        self.psql("postgres", "CREATE ROLE root SUPERUSER LOGIN", user="postgres")

    def psql(self, db, sql, user="root"):
        return run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", user]
            + ["-d", db, "-v", "ON_ERROR_STOP=1", "-Atqc", sql]
        ).stdout

    def connect(self, db=DB):
        import psycopg2  # noqa: PLC0415

        conn = psycopg2.connect(
            host="127.0.0.1",
            port=self.port,
            dbname=db,
            application_name="bti-faults-check",
            connect_timeout=10,
        )
        conn.autocommit = True
        return conn

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.connect().close()
                return
            except Exception:  # noqa: BLE001 (any: not ready yet)
                time.sleep(0.2)
        raise RuntimeError(f"cluster {self.name} does not answer")

    def drop(self, keep_log_in=None):
        if not self.created:
            return
        if keep_log_in and self.logfile.exists():
            with contextlib.suppress(OSError):
                shutil.copy(self.logfile, keep_log_in / "postgresql.log")
        run(["pg_dropcluster", "--stop", PG_VERSION, self.name])
        self.created = False


# ----------------------------------------------------------------------
# The database: the template, the addons with demo data, cached
# ----------------------------------------------------------------------
def newest_template():
    names = run(
        ["psql", "-d", "postgres", "-Atqc"]
        + [
            "SELECT datname FROM pg_database WHERE datname LIKE 'bti\\_tmpl\\_%' "
            "ORDER BY oid DESC"
        ]
    ).stdout.split()
    return names[0] if names else ""


def cache_key(args, template):
    digest = hashlib.sha256()
    digest.update(f"{template}\n{args.addons_path}\n".encode())
    digest.update((_common.odoo_src() / "odoo" / "release.py").read_bytes())
    for addon in ADDONS:
        root = _common.REPO_ROOT / addon
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_conf(args, cluster, rundir, data_dir):
    """setup/'s config without its database, with this checkout's addons, the
    run's data directory and the private cluster."""
    conf = rundir / "odoo.conf"
    _server.write_conf(
        conf,
        args.addons_path,
        data_dir,
        drop=("db_name", "db_user", "db_password", "dbfilter", "logfile"),
        db_host="127.0.0.1",
        db_port=cluster.port,
    )
    return conf


def prepare_database(args, cluster, conf, data_dir, rundir):
    template = newest_template() if args.template is None else args.template
    key = cache_key(args, template)
    cached = CACHE / key
    dump = cached / f"{DB}.dump"
    filestore = data_dir / "filestore" / DB
    if dump.exists() and not args.rebuild:
        log(f"restoring the prepared database ({dump})")
        run(["createdb", "-h", "127.0.0.1", "-p", str(cluster.port), DB])
        run(
            ["pg_restore", "-h", "127.0.0.1", "-p", str(cluster.port), "-d", DB]
            + ["--no-owner", str(dump)]
        )
        if (cached / "filestore").is_dir():
            shutil.copytree(cached / "filestore", filestore)
        return template
    started = time.monotonic()
    run(["createdb", "-h", "127.0.0.1", "-p", str(cluster.port), DB])
    if template:
        log(f"copying {template} (pg_dump from the main cluster) into the cluster")
        tmp_dump = rundir / "template.dump"
        run(["pg_dump", "-Fc", "-f", str(tmp_dump), "-d", template])
        run(
            ["pg_restore", "-h", "127.0.0.1", "-p", str(cluster.port), "-d", DB]
            + ["--no-owner", str(tmp_dump)]
        )
        tmp_dump.unlink()
        source = _common.REPO_ROOT / ".cache" / "data" / "filestore" / template
        conf_source = _common.odoo_conf()
        if not source.is_dir() and conf_source:
            parser = configparser.ConfigParser(interpolation=None)
            parser.read(conf_source)
            main_data = parser.get("options", "data_dir", fallback="")
            source = Path(main_data) / "filestore" / template
        if source.is_dir():
            shutil.copytree(source, filestore)
    log(f"installing {', '.join(ADDONS)} with demo data (a few minutes)")
    with (rundir / "install.log").open("w") as out:
        result = subprocess.run(
            [sys.executable, str(_common.odoo_src() / "odoo-bin"), "-c", str(conf)]
            + ["-d", DB, "-i", ",".join(ADDONS), "--without-demo="]
            + ["--stop-after-init", "--no-http", "--log-level=warn"],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if result.returncode:
        raise RuntimeError(f"installing failed: see {rundir / 'install.log'}")
    states = cluster.psql(
        DB,
        "SELECT name || ':' || state FROM ir_module_module WHERE name IN ("
        + ",".join(f"'{a}'" for a in ADDONS)
        + ")",
    ).split()
    if sorted(states) != sorted(f"{a}:installed" for a in ADDONS):
        raise RuntimeError(f"addons not installed: {states}")
    log(f"  installed in {time.monotonic() - started:.0f} s; caching the dump")
    if CACHE.is_dir():
        for old in CACHE.iterdir():
            if old.name not in (key, "runs") and old.is_dir():
                shutil.rmtree(old)
    cached.mkdir(parents=True, exist_ok=True)
    run(
        ["pg_dump", "-h", "127.0.0.1", "-p", str(cluster.port), "-Fc"]
        + ["-f", f"{dump}.tmp", "-d", DB]
    )
    if (cached / "filestore").exists():
        shutil.rmtree(cached / "filestore")
    if filestore.is_dir():
        shutil.copytree(filestore, cached / "filestore")
    os.replace(f"{dump}.tmp", dump)
    return template


# ----------------------------------------------------------------------
# What one entry leaves in the database (used by the probe and the checks)
# ----------------------------------------------------------------------
ENTRY_FACTS_SQL = """
SELECT e.id, e.state, e.published_date IS NOT NULL, e.author_id, e.case_id,
       e.visibility, substring(e.body from %(marker)s), u.partner_id,
       (SELECT coalesce(array_agg(
                   m.message_type || '/' || coalesce(m.subtype_id, 0) || '/' ||
                   (SELECT coalesce(string_agg(f.name, '+' ORDER BY f.name), '')
                      FROM mail_tracking_value v
                      JOIN ir_model_fields f ON f.id = v.field_id
                     WHERE v.mail_message_id = m.id)
                   ORDER BY m.id), '{}')
          FROM mail_message m
         WHERE m.model = 'bti.log.entry' AND m.res_id = e.id),
       (SELECT coalesce(array_agg(fo.partner_id ORDER BY fo.partner_id), '{}')
          FROM mail_followers fo
         WHERE fo.res_model = 'bti.log.entry' AND fo.res_id = e.id),
       (SELECT coalesce(array_agg(DISTINCT l.model), '{}')
          FROM bti_access_log l
         WHERE l.user_id = e.author_id AND l.case_id = e.case_id
           AND e.published_date IS NOT NULL
           AND l.date BETWEEN date_trunc('second', e.create_date)
                          AND e.published_date + interval '30 seconds')
  FROM bti_log_entry e
  JOIN res_users u ON u.id = e.author_id
 WHERE e.id > %(after)s
 ORDER BY e.id
"""


def entry_facts(cr, after):
    """{id: facts} of the entries with an id above ``after``."""
    cr.execute(ENTRY_FACTS_SQL, {"marker": MARKER_RE, "after": after})
    facts = {}
    for row in cr.fetchall():
        (eid, state, dated, author, case, visibility, marker, partner) = row[:8]
        messages, followers, logged = row[8:]
        facts[eid] = {
            "state": state,
            "dated": dated,
            "author": author,
            "case": case,
            "visibility": visibility,
            "marker": marker,
            # the author's partner is "author", any other follower its id
            "followers": sorted(
                "author" if p == partner else str(p) for p in followers
            ),
            "messages": list(messages),
            "logged": sorted(logged),
        }
    return facts


def shape_of(facts):
    """What must be the same for every entry in the same state."""
    return {key: facts[key] for key in ("dated", "followers", "messages")}


def announcements(cr, after_message, subtype):
    """{case id: announcements on the case} of the messages above the id."""
    cr.execute(
        "SELECT res_id, count(*) FROM mail_message WHERE model = 'bti.case' "
        "AND subtype_id = %s AND id > %s GROUP BY res_id",
        [subtype, after_message],
    )
    return dict(cr.fetchall())


def max_ids(cr):
    ids = {}
    for table in ("bti_log_entry", "mail_message"):
        cr.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        ids[table] = cr.fetchone()[0]
    return ids


# ----------------------------------------------------------------------
# The probe: the ORM, in transactions that are rolled back
# ----------------------------------------------------------------------
def probe(conf):
    """Per writer login: uid, partner and the cases where a note can be
    created and published; and the shape of a draft and of a published
    entry, with the announcement subtype and the access-log models."""
    src = str(_common.odoo_src())
    if src not in sys.path:
        sys.path.insert(0, src)
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", str(conf), "-d", DB, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(DB)
    writers, shapes = {}, None
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        users = env["res.users"].search([("login", "in", WRITER_LOGINS)])
        candidates = {
            user.login: (user.id, user.partner_id.id, env["bti.case"].with_user(user))
            for user in users
        }
        candidates = {
            login: (uid, partner, cases.search([]).ids)
            for login, (uid, partner, cases) in candidates.items()
        }
        cr.rollback()
    for login in WRITER_LOGINS:
        if login not in candidates:
            continue
        uid, partner, case_ids = candidates[login]
        writable = []
        for case_id in case_ids:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                before = max_ids(cr)
                try:
                    entry = (
                        env["bti.log.entry"]
                        .with_user(uid)
                        .create(entry_vals(case_id, "probe"))
                    )
                    env.flush_all()
                    cr.precommit.run()
                    draft = entry_facts(cr, before["bti_log_entry"])[entry.id]
                    middle = max_ids(cr)
                    entry.action_publish()
                    env.flush_all()
                    cr.precommit.run()
                    published = entry_facts(cr, before["bti_log_entry"])[entry.id]
                except Exception:  # noqa: BLE001 (the rules said no)
                    cr.rollback()
                    continue
                if shapes is None:
                    cr.execute(
                        "SELECT DISTINCT subtype_id FROM mail_message WHERE id > %s "
                        "AND model = 'bti.case' AND res_id = %s",
                        [middle["mail_message"], case_id],
                    )
                    subtypes = [row[0] for row in cr.fetchall()]
                    shapes = {
                        "draft": shape_of(draft),
                        "published": shape_of(published),
                        "announcement_subtype": subtypes[0] if subtypes else None,
                        "announced": len(subtypes),
                        "logged": published["logged"],
                        "visibility": published["visibility"],
                    }
                cr.rollback()
            writable.append(case_id)
        if writable:
            writers[login] = {"uid": uid, "partner": partner, "cases": writable}
    odoo.modules.registry.Registry.delete(DB)
    odoo.sql_db.close_all()
    return writers, shapes


def entry_vals(case_id, marker):
    return {
        "case_id": case_id,
        "kind": "note",
        "body": f"<p>Fault run note {marker}.</p>",
    }


# ----------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------
def http_workers(master):
    """The prefork HTTP workers: children of the master that are not the
    gevent (bus) process."""
    import psutil  # noqa: PLC0415

    pids = []
    try:
        children = psutil.Process(master.pid).children()
    except psutil.NoSuchProcess:
        return pids
    for child in children:
        try:
            cmdline = child.cmdline()
            if "gevent" not in cmdline and child.status() != psutil.STATUS_ZOMBIE:
                pids.append(child.pid)
        except psutil.NoSuchProcess:
            continue
    return sorted(pids)


def tracebacks(logfile, since=0, limit=3):
    """The last ``limit`` error records of the server's log after byte
    ``since``."""
    records = _server.error_records(logfile, since)
    return ["\n".join(record[:1] + record[-3:]) for record in records[-limit:]]


# ----------------------------------------------------------------------
# The writers
# ----------------------------------------------------------------------
class Outcome:
    __slots__ = ("op", "writer", "t0", "t1", "ok", "result", "kind", "detail")

    def __init__(self, op, writer, t0):
        self.op, self.writer, self.t0 = op, writer, t0
        self.t1 = self.ok = self.result = self.kind = self.detail = None


class Writer(threading.Thread):
    """A member of staff writing notes in their cases' logs, as fast as the
    server answers."""

    def __init__(self, index, login, info, base, phase, run_id, stop, seed):
        super().__init__(name=f"writer-{index}", daemon=True)
        self.index, self.login, self.info = index, login, info
        self.base, self.phase, self.run_id, self.stop = base, phase, run_id, stop
        self.rng = random.Random(f"{seed}-{phase}-{index}")
        self.requests = []  # Outcome
        self.writes = []  # one per marker
        self.relogins = 0
        self.ids = 0

    def rpc(self, session, op, path, params):
        import requests  # noqa: PLC0415

        self.ids += 1
        out = Outcome(op, self.index, time.monotonic())
        payload = {"jsonrpc": "2.0", "method": "call", "id": self.ids}
        payload["params"] = params
        try:
            answer = session.post(self.base + path, json=payload, timeout=(10, 300))
        except requests.RequestException as exc:
            out.kind, out.detail = "connection", type(exc).__name__
        else:
            if answer.status_code != 200:
                out.kind = f"http {answer.status_code}"
                out.detail = answer.reason
            else:
                try:
                    data = answer.json()
                except ValueError:
                    data = None
                if not isinstance(data, dict):
                    out.kind, out.detail = "bad answer", answer.text[:80]
                elif data.get("error"):
                    error = data["error"]
                    info = error.get("data") or {}
                    out.kind = "rpc error"
                    name = info.get("name") or ""
                    message = info.get("message") or error.get("message") or ""
                    message = message.strip().split("\n")[0][:100]
                    out.detail = f"{name}: {message}"
                elif "result" not in data:
                    out.kind, out.detail = "bad answer", "no result"
                else:
                    out.ok, out.result = True, data["result"]
        out.t1 = time.monotonic()
        out.ok = bool(out.ok)
        self.requests.append(out)
        return out

    def run(self):
        import requests  # noqa: PLC0415

        session = requests.Session()
        authenticated = False
        number = 0
        call_kw = "/web/dataset/call_kw/bti.log.entry/"
        while not self.stop.is_set():
            if not authenticated:
                session = requests.Session()
                out = self.rpc(
                    session,
                    "login",
                    "/web/session/authenticate",
                    {"db": DB, "login": self.login, "password": self.login},
                )
                authenticated = out.ok and bool((out.result or {}).get("uid"))
                if not authenticated:
                    time.sleep(0.5)
                continue
            number += 1
            marker = f"{MARK}-{self.run_id}-{self.phase}-w{self.index:02d}-{number:06d}"
            case_id = self.rng.choice(self.info["cases"])
            write = {
                "marker": marker,
                "writer": self.index,
                "uid": self.info["uid"],
                "case": case_id,
                "id": None,
                "created": False,
                "published": False,
                "publish_tried": False,
            }
            self.writes.append(write)
            out = self.rpc(
                session,
                "create",
                call_kw + "create",
                {
                    "model": "bti.log.entry",
                    "method": "create",
                    "args": [entry_vals(case_id, marker)],
                    "kwargs": {},
                },
            )
            if out.ok:
                result = out.result
                write["id"] = result[0] if isinstance(result, list) else result
                write["created"] = isinstance(write["id"], int)
                write["publish_tried"] = True
                out = self.rpc(
                    session,
                    "publish",
                    call_kw + "action_publish",
                    {
                        "model": "bti.log.entry",
                        "method": "action_publish",
                        "args": [[write["id"]]],
                        "kwargs": {},
                    },
                )
                write["published"] = out.ok
            if not out.ok:
                if SESSION_EXPIRED in (out.detail or ""):
                    authenticated = False
                    self.relogins += 1
                time.sleep(0.2)


def run_writers(args, writers_info, base, phase, run_id):
    stop = threading.Event()
    logins = [login for login in WRITER_LOGINS if login in writers_info]
    writers = [
        Writer(
            i,
            logins[i % len(logins)],
            writers_info[logins[i % len(logins)]],
            base,
            phase,
            run_id,
            stop,
            args.seed,
        )
        for i in range(args.writers)
    ]
    for writer in writers:
        writer.start()
    return stop, writers


def stop_writers(stop, writers):
    stop.set()
    for writer in writers:
        writer.join(timeout=400)
    alive = [w.name for w in writers if w.is_alive()]
    if alive:
        raise RuntimeError(f"writers still waiting for an answer: {alive}")


# ----------------------------------------------------------------------
# The faults
# ----------------------------------------------------------------------
def fault_restart(args, cluster, server, events):
    events.append(("pg_ctlcluster restart (fast)", time.monotonic()))
    cluster.ctl("restart", mode="fast")
    events.append(("PostgreSQL up", time.monotonic()))


def fault_crash(args, cluster, server, events):
    events.append(("pg_ctlcluster stop -m immediate", time.monotonic()))
    cluster.ctl("stop", mode="immediate")
    events.append(("PostgreSQL down", time.monotonic()))
    time.sleep(args.downtime)
    events.append(("pg_ctlcluster start (crash recovery)", time.monotonic()))
    cluster.ctl("start")
    events.append(("PostgreSQL up", time.monotonic()))


class Watcher(threading.Thread):
    """Tries a new connection to the cluster every 0.1 s: when it refused,
    when it accepted again."""

    def __init__(self, cluster):
        super().__init__(name="pg-watcher", daemon=True)
        self.cluster = cluster
        self.stop = threading.Event()
        self.changes = []  # (time, up)

    def run(self):
        import psycopg2  # noqa: PLC0415

        up = None
        while not self.stop.is_set():
            try:
                psycopg2.connect(
                    host="127.0.0.1",
                    port=self.cluster.port,
                    dbname=DB,
                    connect_timeout=2,
                    application_name="bti-faults-watch",
                ).close()
                now_up = True
            except psycopg2.Error:
                now_up = False
            if now_up != up:
                self.changes.append((time.monotonic(), now_up))
                up = now_up
            time.sleep(0.1)

    def back_after(self, moment):
        """When connections were accepted again after being refused after
        ``moment`` (None if no refusal was seen)."""
        down = False
        for at, up in self.changes:
            if at < moment:
                continue
            if not up:
                down = True
            elif down:
                return at
        return None


def worker_sessions(cluster, conn, pids):
    """{worker pid: (backend pid, xid, state, query)} of the workers' open
    database sessions (matched by the TCP client port)."""
    import psutil  # noqa: PLC0415

    ports = {}
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            for c in psutil.Process(pid).connections(kind="tcp"):
                if c.raddr and c.raddr.port == cluster.port:
                    ports[c.laddr.port] = pid
    if not ports:
        return {}
    with conn.cursor() as cur:
        cur.execute(
            "SELECT client_port, pid, backend_xid::text, state, "
            "left(regexp_replace(query, '\\s+', ' ', 'g'), 70) "
            "FROM pg_stat_activity WHERE client_port = ANY(%s)",
            [list(ports)],
        )
        rows = cur.fetchall()
    sessions = collections.defaultdict(list)
    for port, pid, xid, state, query in rows:
        sessions[ports[port]].append((pid, xid, state, query))
    return sessions


def kill_one(args, cluster, conn, server, rng):
    """SIGKILL a worker, one inside a writing transaction if one is seen
    within 3 s; then time the master's new worker."""
    before = http_workers(server)
    chosen, session = None, None
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and chosen is None:
        sessions = worker_sessions(cluster, conn, before)
        writing = [(pid, s) for pid, found in sessions.items() for s in found if s[1]]
        if writing:
            chosen, session = rng.choice(writing)
        else:
            time.sleep(0.005)
    if chosen is None:
        chosen = rng.choice(before)
    killed_at = time.monotonic()
    os.kill(chosen, signal.SIGKILL)
    kill = {
        "at": killed_at,
        "pid": chosen,
        "in_transaction": session is not None,
        "backend": session[0] if session else None,
        "xid": session[1] if session else None,
        "query": session[3] if session else None,
        "respawn": None,
    }
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = http_workers(server)
        if chosen not in now and len(now) >= args.workers:
            kill["respawn"] = time.monotonic() - killed_at
            kill["new"] = sorted(set(now) - set(before))
            break
        time.sleep(0.02)
    return kill


def fault_kill(args, cluster, server, events, kills, rng):
    conn = cluster.connect()
    try:
        start = time.monotonic()
        moments = sorted(rng.uniform(1, args.seconds - 3) for _ in range(args.kills))
        for moment in moments:
            delay = start + moment - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            kill = kill_one(args, cluster, conn, server, rng)
            kills.append(kill)
            events.append((f"SIGKILL worker {kill['pid']}", kill["at"]))
            what = (
                f"in a writing transaction (xid {kill['xid']}: {kill['query']})"
                if kill["in_transaction"]
                else "not seen in a writing transaction"
            )
            respawn = (
                f"new worker after {kill['respawn']:.2f} s"
                if kill["respawn"] is not None
                else "NO new worker within 30 s"
            )
            log(f"  killed worker {kill['pid']} {what}; {respawn}")
        delay = start + args.seconds - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    finally:
        conn.close()


# ----------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------
ORPHAN_SQL = {
    "messages of a missing BTI record": """
        SELECT m.model, m.res_id FROM mail_message m
        WHERE m.model LIKE 'bti.%' AND m.res_id IS NOT NULL
    """,
    "followers of a missing BTI record": """
        SELECT f.res_model, f.res_id FROM mail_followers f
        WHERE f.res_model LIKE 'bti.%'
    """,
    "activities of a missing BTI record": """
        SELECT a.res_model, a.res_id FROM mail_activity a
        WHERE a.res_model LIKE 'bti.%'
    """,
}
ORPHAN_COUNT_SQL = {
    "notifications without their message": """
        SELECT count(*) FROM mail_notification n
        WHERE NOT EXISTS (SELECT 1 FROM mail_message m WHERE m.id = n.mail_message_id)
    """,
    "tracking values without their message": """
        SELECT count(*) FROM mail_tracking_value v
        WHERE NOT EXISTS (SELECT 1 FROM mail_message m WHERE m.id = v.mail_message_id)
    """,
    "published entries without a publication date": """
        SELECT count(*) FROM bti_log_entry
        WHERE state = 'published' AND published_date IS NULL
    """,
    "access-log rows of a missing case": """
        SELECT count(*) FROM bti_access_log l
        WHERE NOT EXISTS (SELECT 1 FROM bti_case c WHERE c.id = l.case_id)
    """,
}


def orphans(conn):
    """{check: count} of the orphan checks."""
    counts = {}
    with conn.cursor() as cur:
        for name, sql in ORPHAN_SQL.items():
            cur.execute(sql)
            pairs = collections.defaultdict(set)
            for model, res_id in cur.fetchall():
                pairs[model].add(res_id)
            missing = 0
            for model, ids in pairs.items():
                table = model.replace(".", "_")
                cur.execute("SELECT to_regclass(%s)", [table])
                if cur.fetchone()[0] is None:
                    missing += len(ids)
                    continue
                cur.execute(
                    f"SELECT count(*) FROM unnest(%s::int[]) AS r(id) WHERE NOT EXISTS "
                    f'(SELECT 1 FROM "{table}" t WHERE t.id = r.id)',
                    [sorted(ids)],
                )
                missing += cur.fetchone()[0]
            counts[name] = missing
        for name, sql in ORPHAN_COUNT_SQL.items():
            cur.execute(sql)
            counts[name] = cur.fetchone()[0]
    return counts


def quiet_database(cluster, timeout=20):
    """Wait until no other session is inside a transaction; return what is
    left: sessions in a transaction, locks held, prepared transactions."""
    deadline = time.monotonic() + timeout
    conn = cluster.connect()
    try:
        with conn.cursor() as cur:
            while True:
                cur.execute(
                    "SELECT pid, state, xact_start IS NOT NULL, "
                    "left(regexp_replace(query, '\\s+', ' ', 'g'), 70) "
                    "FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend' "
                    "AND (xact_start IS NOT NULL OR state LIKE 'idle in%')"
                )
                open_sessions = cur.fetchall()
                cur.execute(
                    "SELECT locktype, mode, pid FROM pg_locks "
                    "WHERE pid IS NOT NULL AND pid <> pg_backend_pid()"
                )
                locks = cur.fetchall()
                cur.execute("SELECT count(*) FROM pg_prepared_xacts")
                prepared = cur.fetchone()[0]
                if (not open_sessions and not locks and not prepared) or (
                    time.monotonic() > deadline
                ):
                    break
                time.sleep(0.5)
            cur.execute(
                "SELECT state, count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() GROUP BY state",
                [DB],
            )
            sessions = dict(cur.fetchall())
    finally:
        conn.close()
    return {
        "open_transactions": open_sessions,
        "locks": locks,
        "prepared": prepared,
        "sessions": sessions,
    }


def half_written(fact, shapes):
    """What an entry lacks of the shape of its state (None: whole)."""
    expected = shapes.get(fact["state"])
    if expected is None:
        return f"state {fact['state']}"
    if shape_of(fact) != expected:
        return f"{shape_of(fact)} instead of {expected}"
    if fact["state"] == "published" and not set(shapes["logged"]) <= set(
        fact["logged"]
    ):
        return f"access log {fact['logged']}, not {shapes['logged']}"
    return None


def judge(write, eid, facts):
    """(problems, summary labels) of one write whose marker is in the entry
    ``eid`` (None: in none)."""
    marker, state = write["marker"], facts[eid]["state"] if eid else None
    if write["published"]:
        labels = ["acknowledged"]
        if eid is None:
            return [f"{marker}: acknowledged (id {write['id']}) but LOST"], labels
        if state != "published":
            return [f"{marker}: acknowledged published, but a draft"], labels
    elif write["created"]:
        labels = ["draft acknowledged", f"draft acknowledged, then {state or '-'}"]
        if eid is None:
            return [f"{marker}: created (id {write['id']}) but LOST"], labels
    else:
        labels = ["not acknowledged", f"not acknowledged: {state or 'absent'}"]
        if state == "published":
            return [f"{marker}: never created for the client, published"], labels
        return [], labels
    if eid != write["id"]:
        return [f"{marker}: id {eid}, the client got {write['id']}"], labels
    return [], labels


def check_phase(conn, phase, writes, shapes, baseline):
    """The entries of this phase against what the client was told; the
    problems found."""
    problems = []
    with conn.cursor() as cur:
        facts = entry_facts(cur, baseline["bti_log_entry"])
    tag = f"-{phase}-w"
    by_marker = collections.defaultdict(list)
    for eid, fact in facts.items():
        if fact["marker"] and tag in fact["marker"]:
            by_marker[fact["marker"]].append(eid)
    summary = collections.Counter()
    for write in writes:
        found = by_marker.get(write["marker"], [])
        if len(found) > 1:
            problems.append(f"{write['marker']}: {len(found)} entries {found}")
            summary["duplicated"] += 1
            continue
        eid = found[0] if found else None
        found_problems, labels = judge(write, eid, facts)
        problems += found_problems
        summary.update(labels)
        if found_problems:
            summary["lost or wrong"] += 1
        problem = half_written(facts[eid], shapes) if eid else None
        if problem:
            problems.append(
                f"{write['marker']} (entry {eid}, {facts[eid]['state']}): "
                f"half-written: {problem}"
            )
            summary["half-written"] += 1
    known = {write["marker"] for write in writes}
    for marker, ids in by_marker.items():
        if marker not in known:
            problems.append(f"{marker}: entries {ids} of a marker never sent")
    return problems, summary, facts


def check_announcements(conn, shapes, baseline, facts):
    """Per case: announcements on the case = entries published in the run."""
    if shapes["announcement_subtype"] is None:
        return []
    with conn.cursor() as cur:
        announced = announcements(
            cur, baseline["mail_message"], shapes["announcement_subtype"]
        )
    published = collections.Counter(
        f["case"] for f in facts.values() if f["state"] == "published"
    )
    problems = []
    for case in set(announced) | set(published):
        expected = published.get(case, 0) * shapes["announced"]
        if announced.get(case, 0) != expected:
            problems.append(
                f"case {case}: {announced.get(case, 0)} announcements of "
                f"{published.get(case, 0)} published entries"
            )
    return problems


# ----------------------------------------------------------------------
# One phase: load, fault, checks
# ----------------------------------------------------------------------
def phase_figures(fault, writers, events, kills):
    requests = [r for w in writers for r in w.requests]
    writes = [x for w in writers for x in w.writes]
    failed = [r for r in requests if not r.ok]
    figures = {
        "fault": fault,
        "requests": len(requests),
        "requests_failed": len(failed),
        "failures": collections.Counter(
            f"{r.op}: {r.kind}" + (f" ({r.detail})" if r.detail else "") for r in failed
        ).most_common(),
        "writes": len(writes),
        "acknowledged": sum(1 for x in writes if x["published"]),
        "drafts_acknowledged": sum(
            1 for x in writes if x["created"] and not x["published"]
        ),
        "not_acknowledged": sum(1 for x in writes if not x["created"]),
        "relogins": sum(w.relogins for w in writers),
        "events": [(label, round(t - events[0][1], 3)) for label, t in events],
    }
    if fault in ("restart", "crash"):
        begin = next(t for label, t in events if label.startswith("pg_ctlcluster"))
        command_back = next(t for label, t in events if label == "PostgreSQL up")
        seen_back = [
            t
            for label, t in events
            if label == "connections accepted (watcher)" and t >= begin
        ]
        # The first connection accepted again, else the command's end.
        back = seen_back[0] if seen_back else command_back
        figures["back_by"] = "watcher" if seen_back else "command"
        figures["outage"] = round(back - begin, 2)
        work = [r for r in requests if r.op in ("create", "publish")]
        after = [r for r in work if r.t0 >= back]
        recovered = min((r.t1 for r in after if r.ok), default=None)
        figures["failed_after_postgres_back"] = sum(
            1 for r in requests if r.t0 >= back and not r.ok
        )
        figures["failed_during_outage"] = sum(
            1 for r in failed if r.t0 < back and r.t1 >= begin
        )
        figures["first_write_after_back"] = (
            round(recovered - back, 2) if recovered is not None else None
        )
        figures["first_write_after_fault"] = (
            round(recovered - begin, 2) if recovered is not None else None
        )
        every = []
        for writer in writers:
            firsts = [
                r.t1
                for r in writer.requests
                if r.ok and r.t0 >= back and r.op in ("create", "publish")
            ]
            every.append(min(firsts) if firsts else None)
        figures["every_writer_back"] = (
            round(max(every) - back, 2) if every and None not in every else None
        )
        figures["last_failure_after_back"] = (
            round(max(r.t1 for r in failed) - back, 2) if failed else None
        )
    if fault == "kill":
        figures["kills"] = [
            {
                "pid": k["pid"],
                "at": round(k["at"] - events[0][1], 2),
                "in_transaction": k["in_transaction"],
                "xid": k["xid"],
                "query": k["query"],
                "respawn": round(k["respawn"], 2) if k["respawn"] else None,
            }
            for k in kills
        ]
    return figures, writes


def xid_outcomes(cluster, kills):
    """Whether the transaction a killed worker was in committed."""
    if not any(k["xid"] for k in kills):
        return
    conn = cluster.connect()
    try:
        with conn.cursor() as cur:
            for kill in kills:
                if kill["xid"]:
                    cur.execute("SELECT pg_xact_status(%s::xid8)", [kill["xid"]])
                    kill["xact_status"] = cur.fetchone()[0]
    finally:
        conn.close()


def load_and_fault(args, fault, ctx, events, kills):
    """The writers, the fault under their load; returns the writers (done)
    and what the watcher saw of the cluster."""
    cluster, server = ctx["cluster"], ctx["server"]
    watcher = Watcher(cluster)
    watcher.start()
    stop, writers = run_writers(args, ctx["writers"], ctx["base"], fault, ctx["run_id"])
    try:
        # Under load first: every writer logged in and has written once.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not all(
            any(x["published"] for x in w.writes) for w in writers
        ):
            time.sleep(0.2)
        events.append(("every writer has written", time.monotonic()))
        time.sleep(args.warmup)
        if fault == "restart":
            fault_restart(args, cluster, server, events)
            time.sleep(args.seconds)
        elif fault == "crash":
            fault_crash(args, cluster, server, events)
            time.sleep(args.seconds)
        else:
            events.append(("kills start", time.monotonic()))
            fault_kill(args, cluster, server, events, kills, ctx["rng"])
    finally:
        stop_writers(stop, writers)
        watcher.stop.set()
        watcher.join()
    events.append(("writers stopped", time.monotonic()))
    if fault in ("restart", "crash"):
        for at, up in watcher.changes[1:]:
            label = "connections accepted" if up else "connections refused"
            events.append((f"{label} (watcher)", at))
        events.sort(key=lambda event: event[1])
    return writers


def state_problems(fault, figures, kills):
    """The problems of the server and the database after the phase."""
    problems = []
    db = figures["database"]
    if db["open_transactions"]:
        problems.append(f"sessions left in a transaction: {db['open_transactions']}")
    if db["locks"]:
        problems.append(f"locks still held: {db['locks'][:5]}")
    if db["prepared"]:
        problems.append(f"{db['prepared']} prepared transactions")
    if not figures["master_alive"]:
        problems.append("the Odoo master died")
    if fault in ("restart", "crash") and figures["first_write_after_back"] is None:
        problems.append("no write succeeded after PostgreSQL was back: NOT RECOVERED")
    for kill in kills:
        if kill["respawn"] is None:
            problems.append(f"no new worker after killing {kill['pid']}")
    return problems


def run_phase(args, fault, ctx):
    cluster, server = ctx["cluster"], ctx["server"]
    log(f"== {fault}: {args.writers} writers")
    logfile = ctx["rundir"] / "odoo.log"
    log_from = logfile.stat().st_size if logfile.exists() else 0
    workers_before = http_workers(server)
    events = [("writers start", time.monotonic())]
    kills = []
    writers = load_and_fault(args, fault, ctx, events, kills)
    figures, writes = phase_figures(fault, writers, events, kills)
    zero = events[0][1]
    figures["timeline"] = sorted(
        (round(r.t0 - zero, 3), round(r.t1 - zero, 3), r.writer, r.op, r.ok, r.kind)
        for w in writers
        for r in w.requests
    )
    figures["master_alive"] = server.poll() is None
    figures["workers_before"] = workers_before
    figures["workers_after"] = http_workers(server)
    cluster.wait_ready()
    figures["database"] = quiet_database(cluster)
    xid_outcomes(cluster, kills)
    for kill, shown in zip(kills, figures.get("kills", []), strict=False):
        shown["xact_status"] = kill.get("xact_status")
    conn = cluster.connect()
    try:
        problems, summary, facts = check_phase(
            conn, fault, writes, ctx["shapes"], ctx["baseline"]
        )
        problems += check_announcements(conn, ctx["shapes"], ctx["baseline"], facts)
        found = orphans(conn)
    finally:
        conn.close()
    for name, count in found.items():
        if count > ctx["orphans"].get(name, 0):
            problems.append(
                f"{name}: {count} (before the run: {ctx['orphans'].get(name, 0)})"
            )
    problems += state_problems(fault, figures, kills)
    ctx["writes"][fault] = writes
    figures["checks"] = dict(summary)
    figures["orphans"] = found
    figures["problems"] = problems
    figures["server_errors"] = tracebacks(logfile, log_from)
    print_phase(figures)
    return figures


def final_check(ctx):
    """Once every fault is over: the writes of every phase again (a later
    crash must not lose what an earlier phase acknowledged), the
    announcements and orphans of the whole run."""
    problems = []
    conn = ctx["cluster"].connect()
    try:
        facts = {}
        for fault, writes in ctx["writes"].items():
            found, _summary, facts = check_phase(
                conn, fault, writes, ctx["shapes"], ctx["baseline"]
            )
            problems += found
        problems += check_announcements(conn, ctx["shapes"], ctx["baseline"], facts)
        for name, count in orphans(conn).items():
            if count > ctx["orphans"].get(name, 0):
                problems.append(f"{name}: {count}")
        with conn.cursor() as cur:
            cur.execute(
                "SELECT state, count(*) FROM bti_log_entry WHERE id > %s GROUP BY 1",
                [ctx["baseline"]["bti_log_entry"]],
            )
            states = dict(cur.fetchall())
    finally:
        conn.close()
    acknowledged = sum(
        1 for writes in ctx["writes"].values() for w in writes if w["published"]
    )
    print(
        f"\n--- at the end ---\n  entries of the run: {states}; acknowledged "
        f"publications of every phase: {acknowledged}, checked again: "
        + (f"{len(problems)} PROBLEMS" if problems else "all there and whole")
    )
    for problem in problems[:20]:
        print(f"    - {problem}")
    return problems


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def print_phase(f):
    print(f"\n--- {f['fault']} ---")
    for label, at in f["events"]:
        print(f"  {at:8.2f} s  {label}")
    print(
        f"  writes attempted {f['writes']}: acknowledged (published) "
        f"{f['acknowledged']}, drafts acknowledged but publication failed "
        f"{f['drafts_acknowledged']}, creation failed {f['not_acknowledged']}"
    )
    print(
        f"  requests {f['requests']}, failed {f['requests_failed']}; "
        f"re-logins {f['relogins']}"
    )
    for what, count in f["failures"][:8]:
        print(f"    {count:5d}  {what}")
    if "outage" in f:
        print(
            f"  PostgreSQL unavailable for {f['outage']} s (from the command to "
            f"the first connection accepted, by the {f['back_by']}); "
            f"failed requests: {f['failed_during_outage']} during it, "
            f"{f['failed_after_postgres_back']} started after it"
        )
        print(
            f"  first acknowledged write {f['first_write_after_back']} s after "
            f"PostgreSQL was back ({f['first_write_after_fault']} s after the "
            f"fault began); every writer writing again after "
            f"{f['every_writer_back']} s; last failure at "
            f"{f['last_failure_after_back']} s"
        )
    for kill in f.get("kills", []):
        where = (
            f"in transaction xid {kill['xid']} ({kill['xact_status']}): {kill['query']}"
            if kill["in_transaction"]
            else "no writing transaction seen"
        )
        print(
            f"  kill at {kill['at']:6.2f} s: worker {kill['pid']}, {where}; "
            f"new worker after {kill['respawn']} s"
        )
    print(
        f"  Odoo master alive: {f['master_alive']}; workers {f['workers_before']} "
        f"-> {f['workers_after']}"
    )
    db = f["database"]
    print(
        f"  afterwards: {len(db['open_transactions'])} sessions in a transaction, "
        f"{len(db['locks'])} locks, {db['prepared']} prepared; "
        f"sessions {db['sessions']}"
    )
    print("  checks: " + ", ".join(f"{k} {v}" for k, v in sorted(f["checks"].items())))
    if f["problems"]:
        print(f"  PROBLEMS ({len(f['problems'])}):")
        for problem in f["problems"][:20]:
            print(f"    - {problem}")
    else:
        print("  every check passed")
    for record in f["server_errors"]:
        print("  server error: " + record.replace("\n", "\n    "))


def machine():
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "load": [round(x, 2) for x in load],
        "host": socket.gethostname(),
    }


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def main():
    args = parse_args()

    def on_term(signum, frame):
        raise Interrupted()

    signal.signal(signal.SIGTERM, on_term)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    rundir = CACHE / "runs" / f"{stamp}-{os.getpid()}"
    rundir.mkdir(parents=True)
    data_dir = rundir / "data"
    rng = random.Random(args.seed)
    port = args.port or _server.free_port()
    cluster = Cluster(f"bti_faults_{os.getpid()}", port)
    server = None
    report = {"machine_start": machine(), "args": vars(args), "phases": []}
    status = 0
    try:
        log(f"private cluster {PG_VERSION}/{cluster.name} on port {port}")
        cluster.create()
        conf = write_conf(args, cluster, rundir, data_dir)
        report["template"] = prepare_database(args, cluster, conf, data_dir, rundir)
        log("asking the ORM who writes where, and what an entry leaves")
        writers_info, shapes = probe(conf)
        if not writers_info or not shapes:
            raise RuntimeError("no demo writer may publish in any case")
        for login, info in writers_info.items():
            log(f"  {login} (uid {info['uid']}) writes in cases {info['cases']}")
        log(f"  a draft: {shapes['draft']}")
        log(f"  published: {shapes['published']}, access log {shapes['logged']}")
        report["writers"], report["shapes"] = writers_info, shapes
        with contextlib.closing(cluster.connect()) as conn, conn.cursor() as cur:
            baseline = max_ids(cur)
        with contextlib.closing(cluster.connect()) as conn:
            orphans_before = orphans(conn)
        http_port = _server.free_port(exclude={port})
        gevent_port = _server.free_port(exclude={port, http_port})
        base = f"http://127.0.0.1:{http_port}"
        log(f"Odoo prefork ({args.workers} workers) on {base}, log {rundir}/odoo.log")
        server = _server.start(
            _server.odoo_command(
                conf,
                DB,
                http_port,
                rundir / "odoo.log",
                workers=args.workers,
                extra=[f"--gevent-port={gevent_port}", *_server.PREFORK_LIMITS],
            ),
            rundir / "server.out",
        )
        _server.wait_for(
            server,
            base,
            600,
            ready=lambda: len(http_workers(server)) == args.workers,
            error=RuntimeError,
        )
        log(f"  master {server.pid}, workers {http_workers(server)}")
        ctx = {
            "cluster": cluster,
            "server": server,
            "base": base,
            "rundir": rundir,
            "writers": writers_info,
            "shapes": shapes,
            "baseline": baseline,
            "orphans": orphans_before,
            "run_id": f"{random.getrandbits(32):08x}",
            "rng": rng,
            "writes": {},
        }
        for fault in args.faults:
            figures = run_phase(args, fault, ctx)
            report["phases"].append(figures)
            if figures["problems"]:
                status = 1
        report["final"] = final_check(ctx)
        if report["final"]:
            status = 1
    except (KeyboardInterrupt, Interrupted):
        log("interrupted")
        status = 130
    except Exception as exc:  # noqa: BLE001 (reported, then cleaned up)
        log(f"ERROR: {exc}")
        status = 2
    finally:
        _server.stop(server)
        if args.keep_cluster and cluster.created:
            log(
                f"cluster kept: {PG_VERSION}/{cluster.name} port {port} "
                f"(pg_dropcluster --stop {PG_VERSION} {cluster.name})"
            )
        else:
            try:
                cluster.drop(keep_log_in=rundir)
            except Exception as exc:  # noqa: BLE001
                log(f"could not drop the cluster {cluster.name}: {exc}")
            shutil.rmtree(data_dir, ignore_errors=True)
        report["machine_end"] = machine()
        report["status"] = status
        (rundir / "report.json").write_text(json.dumps(report, indent=1, default=str))
    log(
        f"load average {report['machine_end']['load']} on {os.cpu_count()} CPUs; "
        f"logs and report.json in {rundir}"
    )
    verdict = {0: "PASSED", 1: "FAILED", 2: "ERROR", 130: "INTERRUPTED"}[status]
    log(f"fault runs: {verdict}")
    return status


if __name__ == "__main__":
    sys.exit(main())
