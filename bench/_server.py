"""An Odoo server of a benchmark script: a free port, its config, the
odoo-bin command, started in a process group of its own, waited for on
/web/login and stopped (the whole group) in the caller's ``finally``."""

import configparser
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import _common

# setup/run --workers N: the production limits of a prefork server.
PREFORK_LIMITS = [
    f"--limit-memory-soft={640 * 1024 * 1024}",
    f"--limit-memory-hard={768 * 1024 * 1024}",
    "--limit-time-cpu=60",
    "--limit-time-real=120",
    "--limit-request=8192",
]
# The first line of a log record of Odoo's: date, time, pid.
LOG_RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ")


def free_port(exclude=(), check=None):
    """A free loopback port, not in ``exclude``, not the socket of a local
    PostgreSQL cluster, and for which ``check(port)`` (if given) is true."""
    for _ in range(100):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port in exclude or os.path.exists(f"/var/run/postgresql/.s.PGSQL.{port}"):
            continue
        if check is None or check(port):
            return port
    sys.exit("no free port")


def port_is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def setup_conf():
    """setup/'s config (``_common.odoo_conf()``) parsed, with an ``options``
    section even without one; and its path (None without one)."""
    parser = configparser.ConfigParser(interpolation=None)
    source = _common.odoo_conf()
    if source:
        parser.read(source)
    if not parser.has_section("options"):
        parser.add_section("options")
    return parser, source


def data_dir_of(parser):
    """The data directory of a parsed config, else Odoo's default."""
    return parser["options"].get("data_dir") or str(
        Path.home() / ".local" / "share" / "Odoo"
    )


def write_conf(conf, addons_path, data_dir, drop=("db_name",), **options):
    """setup/'s config written to ``conf`` without the keys ``drop``, with
    this checkout's addons path, ``data_dir`` and ``options``; returns the
    path of setup/'s config (None without one)."""
    parser, source = setup_conf()
    section = parser["options"]
    for key in drop:
        section.pop(key, None)
    section["addons_path"] = addons_path
    section["data_dir"] = str(data_dir)
    for key, value in options.items():
        section[key] = str(value)
    with Path(conf).open("w") as handle:
        parser.write(handle)
    return source


def odoo_command(conf, db, port, logfile, workers=0, extra=(), python=None):
    """odoo-bin on ``db`` only, on 127.0.0.1:``port``, no cron, info log to
    ``logfile``; ``workers`` 0 is the threaded server."""
    return [
        python or sys.executable,
        str(_common.odoo_src() / "odoo-bin"),
        "-c",
        str(conf),
        "-d",
        db,
        f"--db-filter=^{re.escape(db)}$",
        "--no-database-list",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--workers={workers}",
        "--max-cron-threads=0",
        *extra,
        f"--logfile={logfile}",
        "--log-level=info",
    ]


def start(cmd, out, env=None):
    """Start ``cmd`` in a process group of its own, its output to ``out``."""
    with Path(out).open("w") as handle:
        return subprocess.Popen(
            cmd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, stopped as one
            env=env,
        )


def wait_for(  # noqa: PLR0913
    server, base, timeout, logfile=None, ready=None, what="the server", error=SystemExit
):
    """Wait until ``base``/web/login answers 200 (and ``ready()`` is true);
    ``error`` if the server stops or does not answer in ``timeout`` s."""
    see = f": see {logfile}" if logfile else ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise error(f"{what} stopped (exit {server.returncode}){see}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base}/web/login", timeout=30) as answer:
                if answer.status == 200 and (ready is None or ready()):
                    return
        time.sleep(1)
    raise error(f"{what} did not answer /web/login in {timeout} s{see}")


def stop(process, timeout=60):
    """Stop a process started by ``start`` and its process group (an Odoo
    master, its workers and the gevent process): SIGTERM, then SIGKILL."""
    if process is None:
        return
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    # what is left of the group, workers that outlive the master included
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def error_records(logfile, since=0):
    """The ERROR and CRITICAL records of an Odoo log after byte ``since``,
    each a list of its lines (the traceback's included)."""
    records, current = [], None
    if not Path(logfile).exists():
        return records
    with Path(logfile).open(errors="replace") as handle:
        handle.seek(since)
        text = handle.read()
    for line in text.splitlines():
        if LOG_RECORD_START.match(line):
            current = [line] if (" ERROR " in line or " CRITICAL " in line) else None
            if current:
                records.append(current)
        elif current is not None:
            current.append(line)
    return records
