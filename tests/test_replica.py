"""Odoo with a streaming replica (``setup/replica``, ``db_replica_host`` /
``db_replica_port``): read-only requests are served from the replica and
writes from the primary, and opening a case, a read-only request whose
access-log row must be written, reaches the primary without Odoo re-running
the request on a read/write cursor (no "retrying with a read/write cursor"
in the server's log).

How it is seen: the replica's ``pg_stat_activity`` shows when Odoo's
connection to the database there last ran a query; a read-only request runs
its queries there, a write none. The access-log row and the written value are
looked for on the primary (and the row, streamed, on the replica).

It builds a replica of the whole local cluster (``pg_basebackup``), starts an
Odoo server on setup/test's throw-away database (``bti_test_*``), and removes
the replica at the end. Needs root (it manages a PostgreSQL cluster).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
import requests

import odoo

REPO = Path(__file__).resolve().parents[1]
SOCKET_DIR = "/var/run/postgresql"
REPLICA_NAME = "bti_test_replica"
RETRY_LINE = "retrying with a read/write cursor"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def replica():
    db = odoo.tools.config["db_name"]
    if not db.startswith("bti_test_"):
        pytest.skip("builds a replica of the cluster: run by setup/test on bti_test_*")
    if os.geteuid() != 0 or not shutil.which("pg_createcluster"):
        pytest.skip("needs root and Debian's postgresql-common (setup/replica)")
    port = next(p for p in range(5433, 5533) if _pg_port_free(p))
    env = dict(os.environ, BTI_PG_REPLICA=REPLICA_NAME, BTI_PG_REPLICA_PORT=str(port))
    script = REPO / "setup" / "replica"
    subprocess.run(["bash", str(script), "--drop"], env=env, check=True)
    try:
        subprocess.run(["bash", str(script)], env=env, check=True, timeout=600)
        yield {"db": db, "port": port}
    finally:
        subprocess.run(["bash", str(script), "--drop"], env=env, check=False)


def _primary(db):
    conf = odoo.tools.config
    return psycopg2.connect(
        dbname=db,
        host=conf["db_host"] or SOCKET_DIR,
        port=conf["db_port"] or 5432,
        user=conf["db_user"] or None,
    )


def _replica_query(port, sql, params=()):
    conn = psycopg2.connect(dbname="postgres", host=SOCKET_DIR, port=port)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchone()[0]
    finally:
        conn.close()


def _replica_now(port):
    return _replica_query(port, "SELECT clock_timestamp()")


def _replica_served_since(port, db, moment):
    """Whether an Odoo connection to ``db`` on the replica ran a query after
    ``moment`` (pg_stat_activity is live, unlike the statistics counters)."""
    return _replica_query(
        port,
        "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = %s"
        " AND application_name LIKE 'odoo%%' AND query_start > %s",
        [db, moment],
    )


@pytest.fixture(scope="module")
def server(replica):
    db = replica["db"]
    conf = odoo.tools.config
    workdir = Path(tempfile.mkdtemp(prefix="bti-replica-"))
    logfile = workdir / "odoo.log"
    port = _free_port()
    cmd = [
        sys.executable,
        str(Path(odoo.__file__).resolve().parents[1] / "odoo-bin"),
        f"--addons-path={conf['addons_path']}",
        f"--data-dir={conf['data_dir']}",
        f"--database={db}",
        f"--db-filter=^{re.escape(db)}$",
        "--no-database-list",
        f"--db_replica_host={SOCKET_DIR}",
        f"--db_replica_port={replica['port']}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={_free_port()}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=info",
        f"--logfile={logfile}",
    ]
    for key in ("db_host", "db_port", "db_user", "db_password"):
        if conf.get(key):
            cmd.append(f"--{key}={conf[key]}")
    proc = subprocess.Popen(cmd, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                ready = requests.get(f"{base}/web/login", timeout=5).ok
            except requests.RequestException:
                ready = False  # not listening yet
            if ready:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Odoo did not start with the replica: {logfile}")
            time.sleep(1)
        yield {"base": base, "db": db, "port": replica["port"], "log": logfile}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)


class Client:
    def __init__(self, server, login):
        self.server = server
        self.session = requests.Session()
        self.uid = self._rpc(
            "/web/session/authenticate",
            {"db": server["db"], "login": login, "password": login},
        )["uid"]

    def _rpc(self, path, params):
        response = self.session.post(
            self.server["base"] + path,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        response.raise_for_status()
        body = response.json()
        assert "error" not in body, body["error"]
        return body["result"]

    def call(self, model, method, args, **kwargs):
        return self._rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )


def _log_rows(db, uid, case_id):
    with _primary(db) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM bti_access_log WHERE user_id = %s AND case_id = %s"
            " AND model = 'bti.case' AND action = 'read'",
            [uid, case_id],
        )
        return cr.fetchone()[0]


def _case_of(db, xmlid):
    module, name = xmlid.split(".")
    with _primary(db) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
            [module, name],
        )
        return cr.fetchone()[0]


def test_reads_on_the_replica_writes_and_access_log_on_the_primary(server):
    db, port = server["db"], server["port"]
    kari = Client(server, "kari")  # leader of the kindergarten: Noah's case
    case_id = _case_of(db, "bti_core.demo_case_noah")
    spec = {"name": {}, "birth_date": {}, "wondering": {}, "state": {}}
    rows_before = _log_rows(db, kari.uid, case_id)

    # A read: web_read is read-only (@api.readonly), so the replica serves
    # it; the access-log row of opening the case is committed on the primary.
    moment = _replica_now(port)
    result = kari.call("bti.case", "web_read", [[case_id]], specification=spec)
    assert result[0]["id"] == case_id
    assert _replica_served_since(port, db, moment), "the read did not reach the replica"
    assert _log_rows(db, kari.uid, case_id) == rows_before + 1, (
        "opening the case wrote no access-log row on the primary"
    )
    # the replica follows the primary: the row is there too, soon
    replica_conn = psycopg2.connect(dbname=db, host=SOCKET_DIR, port=port)
    try:
        replica_conn.autocommit = True
        deadline = time.monotonic() + 10
        while True:
            with replica_conn.cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM bti_access_log WHERE user_id = %s"
                    " AND case_id = %s AND model = 'bti.case'",
                    [kari.uid, case_id],
                )
                if cr.fetchone()[0] == rows_before + 1:
                    break
            assert time.monotonic() < deadline, "the row never reached the replica"
            time.sleep(0.2)
    finally:
        replica_conn.close()

    # A search, a count and a list read are read-only too.
    moment = _replica_now(port)
    kari.call(
        "bti.case",
        "web_search_read",
        [[("state", "!=", "closed")]],
        specification={"name": {}, "birth_date": {}},
        limit=80,
    )
    assert _replica_served_since(port, db, moment), (
        "the list was not read on the replica"
    )

    # A write: served by the primary alone, the replica is not asked.
    moment = _replica_now(port)
    kari.call("bti.case", "write", [[case_id], {"color": 7}])
    assert not _replica_served_since(port, db, moment), (
        "a write request used the replica"
    )
    with _primary(db) as conn, conn.cursor() as cr:
        cr.execute("SELECT color FROM bti_case WHERE id = %s", [case_id])
        assert cr.fetchone()[0] == 7

    log = server["log"].read_text()
    assert RETRY_LINE not in log, "a read-only request was run again on the primary"
    assert "ReadOnlySqlTransaction" not in log
    assert " ERROR " not in log, log[-3000:]
