#!/usr/bin/env python3
"""Back up a BTI database with its filestore, and restore it, verified.

    setup/backup DB [--dest DIR]          -> DIR/DB-<UTC time>/ (default backups/)
    setup/restore BACKUP_DIR NEW_DB       -> NEW_DB, verified against the backup

A backup is a directory: ``db.dump`` (pg_dump, custom format: one consistent
snapshot), ``filestore.tar.gz`` (the database's filestore, taken after the
dump, so that every file the dump references is in it) and ``manifest.json``:
the SHA-256 of both files, the row counts of the BTI tables, and for every
stafettlogg archive copy the SHA-256 the database recorded when the case
closed and the SHA-256 of its file as backed up (they must agree: a backup of
a damaged archive copy is refused).

A restore checks the two files against the manifest before touching
anything, refuses an existing database, restores into a new one, unpacks the
filestore, and then checks the counts and every archive copy's SHA-256 in the
restored database and filestore. Any difference: the restored database is
dropped and the exit status is non-zero.
"""

import argparse
import configparser
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import psycopg2

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONF = os.path.join(REPO_ROOT, ".cache", "odoo.conf")
COUNTED = (
    "bti_case",
    "bti_case_participant",
    "bti_case_guardian",
    "bti_baton",
    "bti_consent",
    "bti_access_log",
    "bti_log_entry",
    "bti_goal",
    "bti_measure",
    "bti_meeting",
    "bti_log_archive",
    "ir_attachment",
    "mail_message",
)


def data_dir():
    conf = configparser.ConfigParser()
    conf.read(CONF)
    path = conf.get("options", "data_dir", fallback="") or os.path.expanduser(
        "~/.local/share/Odoo"
    )
    return path


def filestore(db):
    return os.path.join(data_dir(), "filestore", db)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def db_exists(db):
    with psycopg2.connect(dbname="postgres") as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
        return bool(cr.fetchone())


def inventory(db, store):
    """Row counts and the archive copies (recorded and actual SHA-256)."""
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        counts = {}
        for table in COUNTED:
            cr.execute("SELECT to_regclass(%s)", (table,))
            if cr.fetchone()[0]:
                cr.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
                counts[table] = cr.fetchone()[0]
        archives = []
        cr.execute("SELECT to_regclass('bti_log_archive')")
        if cr.fetchone()[0]:
            cr.execute(
                """SELECT a.id, a.sha256, att.store_fname, att.db_datas
                     FROM bti_log_archive a
                LEFT JOIN ir_attachment att
                       ON att.res_model = 'bti.log.archive'
                      AND att.res_field = 'document' AND att.res_id = a.id
                 ORDER BY a.id"""
            )
            for archive_id, recorded, fname, db_datas in cr.fetchall():
                if fname:
                    path = os.path.join(store, fname)
                    actual = sha256_file(path) if os.path.isfile(path) else None
                elif db_datas is not None:
                    actual = hashlib.sha256(bytes(db_datas)).hexdigest()
                else:
                    actual = None
                archives.append(
                    {"id": archive_id, "recorded": recorded, "actual": actual}
                )
    return counts, archives


def backup(args):
    db = args.db
    if not db_exists(db):
        sys.exit(f"database {db} does not exist")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = os.path.join(args.dest, f"{db}-{stamp}")
    os.makedirs(target)
    dump = os.path.join(target, "db.dump")
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", dump, db], check=True
    )
    store = filestore(db)
    archive = os.path.join(target, "filestore.tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        if os.path.isdir(store):
            tar.add(store, arcname="filestore")
    counts, archives = inventory(db, store)
    damaged = [a for a in archives if a["recorded"] != a["actual"]]
    if damaged:
        shutil.rmtree(target)
        sys.exit(f"archive copies that do not match their SHA-256: {damaged}")
    manifest = {
        "database": db,
        "created": stamp,
        "files": {
            "db.dump": sha256_file(dump),
            "filestore.tar.gz": sha256_file(archive),
        },
        "counts": counts,
        "archives": archives,
    }
    with open(os.path.join(target, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
    print(f"backup of {db}: {target}")
    print(
        f"  {sum(counts.values())} rows in {len(counts)} tables counted, "
        f"{len(archives)} archive copies verified"
    )
    return target


def restore(args):
    source, db = args.backup_dir, args.db
    with open(os.path.join(source, "manifest.json")) as handle:
        manifest = json.load(handle)
    for name, expected in manifest["files"].items():
        actual = sha256_file(os.path.join(source, name))
        if actual != expected:
            sys.exit(f"{name} does not match the manifest: the backup is damaged")
    if db_exists(db):
        sys.exit(f"database {db} exists: restore into a new database")
    store = filestore(db)
    if os.path.exists(store):
        sys.exit(f"{store} exists: restore into a new database")
    ok = False
    try:
        subprocess.run(["createdb", db], check=True)
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                db,
                os.path.join(source, "db.dump"),
            ],
            check=True,
        )
        os.makedirs(os.path.dirname(store), exist_ok=True)
        with tempfile.TemporaryDirectory(dir=os.path.dirname(store)) as tmp:
            with tarfile.open(os.path.join(source, "filestore.tar.gz")) as tar:
                tar.extractall(tmp, filter="data")
            unpacked = os.path.join(tmp, "filestore")
            if os.path.isdir(unpacked):
                os.rename(unpacked, store)
            else:
                os.makedirs(store)
        counts, archives = inventory(db, store)
        problems = []
        if counts != manifest["counts"]:
            problems.append(f"counts differ: {counts} != {manifest['counts']}")
        if archives != manifest["archives"]:
            problems.append("archive copies differ from the backup")
        if problems:
            sys.exit("restore NOT verified: " + "; ".join(problems))
        ok = True
        print(
            f"restored {manifest['database']} ({manifest['created']}) as {db}: "
            f"{sum(counts.values())} rows in {len(counts)} tables and "
            f"{len(archives)} archive copies (SHA-256) verified"
        )
    finally:
        if not ok:
            subprocess.run(["dropdb", "--if-exists", db], check=False)
            shutil.rmtree(store, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_backup = sub.add_parser("backup")
    p_backup.add_argument("db")
    p_backup.add_argument("--dest", default=os.path.join(REPO_ROOT, "backups"))
    p_restore = sub.add_parser("restore")
    p_restore.add_argument("backup_dir")
    p_restore.add_argument("db")
    args = parser.parse_args()
    if args.command == "backup":
        backup(args)
    else:
        restore(args)


if __name__ == "__main__":
    main()
