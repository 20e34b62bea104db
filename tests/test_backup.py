"""setup/backup and setup/restore, round trip on the test database: the
restored database has the same rows and the same archive copies (SHA-256);
a damaged backup is refused before anything is restored."""

import json
import os
import subprocess
import sys
import uuid

import pytest

import odoo

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(__file__)), "setup", "backup.py")


def _run(*args):
    return subprocess.run(
        [sys.executable, SCRIPT, *args], capture_output=True, text=True, check=False
    )


def _exists(db):
    out = subprocess.run(
        [
            "psql",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{db}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip() == "1"


@pytest.fixture
def backup_dir(tmp_path):
    db = odoo.tools.config["db_name"]
    done = _run("backup", db, "--dest", str(tmp_path))
    assert done.returncode == 0, done.stderr
    (target,) = tmp_path.iterdir()
    return target


@pytest.fixture
def new_db():
    name = f"bti_restore_{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["dropdb", "--if-exists", name], check=False)


def test_round_trip(backup_dir, new_db):
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["counts"]["bti_case"] > 0
    assert manifest["archives"], "the demo's closed case has an archive copy"
    assert all(a["recorded"] == a["actual"] for a in manifest["archives"])
    done = _run("restore", str(backup_dir), new_db)
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout
    assert _exists(new_db)


def test_damaged_backup_is_refused(backup_dir, new_db):
    path = backup_dir / "filestore.tar.gz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    done = _run("restore", str(backup_dir), new_db)
    assert done.returncode != 0
    assert "damaged" in done.stderr
    assert not _exists(new_db)


def test_restore_never_overwrites(backup_dir):
    db = odoo.tools.config["db_name"]
    done = _run("restore", str(backup_dir), db)
    assert done.returncode != 0
    assert "exists" in done.stderr
