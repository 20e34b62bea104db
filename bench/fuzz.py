#!/usr/bin/env python3
"""Property-based fuzzing (hypothesis) of what a client can reach: every
public method of every BTI model over JSON-RPC, and every route of the BTI
controllers (the portal and the public form) over HTTP, as staff with and
without access, as a family with and without the case, and anonymously.

    .venv/bin/python bench/fuzz.py [--db NAME] [--keep] [--minutes 10]
        [--max-examples 5] [--seed 0] [--roles kari,erik,...]
        [--models REGEX] [--shrink-calls 20]

The database: without ``--db`` a fresh demo database ``bti_fuzz_<time>`` is
made (from the template ``bti_tmpl_*`` of setup/test when there is one, its
filestore copied; then the four BTI addons with demo data) and dropped at the
end unless ``--keep``. ``--db NAME`` reuses NAME when it exists (never
dropped) and makes it otherwise. Accepted calls change the data: reuse a
database only for a look at a finding.

What is called, found by loading the registry in this process:

- every model whose ``_name`` starts with ``bti.``, and every other model a
  BTI addon extends with public methods (a function defined in a module under
  ``odoo.addons.bti_`` somewhere in the class's MRO);
- tier 1, the public methods defined in BTI code (name without ``_``,
  callable, no ``api.private`` anywhere in the MRO, as Odoo's
  ``check_method_name`` decides); tier 2, the ORM entry points a client calls
  (create, write, unlink, copy, read, search_read, search_count, web_read,
  web_search_read, web_save, name_search, read_group, web_read_group,
  export_data, fields_get, default_get, onchange, action_archive/unarchive,
  toggle_active, message_post); tier 3, every other public method the model
  inherits (mail.thread, BaseModel...), with fewer examples; plus, per model,
  one call of a ``_bti_*`` method, which must be refused. Tier 2 and 3 only on
  models with a table. ``inspect.signature`` gives the parameters: their
  values are fuzzed, never their number (a wrong arity is a TypeError in any
  Odoo app). A method of a wizard (transient model) is mostly called on a
  wizard created in the same example with fuzzed values and context.
- every route of a controller under ``odoo.addons.bti_``: path ids (the
  role's cases, Noah's, others, 0, huge), the signature's and the templates'
  form fields plus random ones, huge and odd strings, files, a valid, missing
  or forged CSRF token.

Roles: kari (kindergarten: reads the kindergarten cases), erik (PPT) and
randi (BUP) without access to them, linn (Noah's mother), sara (Ella's
mother, not Noah's) and anonymous (no session over /web/dataset/call_kw;
/jsonrpc ``execute_kw`` with bad credentials). Staff and families log in with
/web/session/authenticate; some of their calls go through /jsonrpc
``execute_kw`` instead.

Values: ids (existing ids of the model and of related models, 0, negative,
huge, strings, lists, nested), values dicts from ``fields_get`` (any field,
readonly and system ones included; the field's type or any JSON; NUL,
unicode, 70,000 characters; x2many commands; dates in bad formats), domains
(valid leafs, malformed lists, unknown operators), contexts (``active_test``,
``lang``, ``tz``, ``active_*``, ``default_*``, the ``bti_*`` keys read by the
addons, ``tracking_disable``, ``mail_create_nosubscribe``, ``install_mode``,
``allowed_company_ids``...), limit/offset/order (SQL-looking) and specs.

The oracle. A JSON-RPC answer is fine when it is a result or an error named
odoo.exceptions.UserError / ValidationError / AccessError / AccessDenied /
MissingError / RedirectWarning (or a subclass), a werkzeug 4xx, or
odoo.http.SessionExpiredException for the anonymous; an HTTP route is fine
with 2xx/3xx/400/403/404/405/413/429 (a 303 to /web/login for the anonymous).
Anything else is a finding, so is an ERROR record in the server's log during
the call, and so is a refused call (an error, or a 4xx, or the anonymous'
redirect) after which the database differs: a fingerprint (``count(*)``,
``sum(hashtext(row::text))``) of every table of a BTI model and of its
many2many tables, except ``bti_access_log`` (reads are logged there by design,
refused ones included), plus mail_message, mail_activity, mail_followers,
ir_attachment (without the web asset bundles the server makes when it first
renders a page), calendar_event, res_partner and res_users, is taken before
and after each refused call (the "before" of a call is the "after" of the
previous refused one). Each finding is classified by the server's traceback:
raised in BTI code, raised in Odoo core below a BTI frame, or Odoo core only.
A refusal of BTI's RPC boundary (bti_core/controllers/rpc_boundary: Odoo's
ORM failing in Python on what the client sent, answered with a UserError, its
traceback logged at WARNING) is classified by that traceback the same way:
counted when it is Odoo's, a finding otherwise. A new BTI or BTI-below-core
finding (or a changed database) stops its (role, model, method) and is shrunk
by hypothesis (at most ``--shrink-calls`` calls); core-only findings are
counted and kept with their smallest arguments. ``res.users`` calls never
carry ``login`` or password fields (a role that changes its own would lock
itself out).

Phases, so that accepted writes come last: (A) calls that do not write, every
role, until 35 % of ``--minutes``; (B) writing calls of the roles that are
mostly refused (erik, randi, sara, anonymous) until 70 %; (C) the writing
calls of kari and linn. In each phase tier 1 first, then 2, then 3; a phase
that ends early leaves its time to the next. ``--max-examples`` per (role,
model or route, method); anonymous calls get a fifth of it (at least one).

The server: odoo-bin on a free loopback port, threaded (``--workers=0``), no
cron, logging to a file whose path is printed, with this checkout's addons.
It is stopped at the end, whatever happens. Output: a table per role (calls,
accepted, refused cleanly, findings), the coverage per phase and tier, and
the findings with their arguments and tracebacks (all of them in
``findings.json`` next to the server log). Exit status 1 when there is any
finding.
"""

import argparse
import base64
import configparser
import datetime
import functools
import inspect
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import _common
import _server

# ----------------------------------------------------------------------
# What is called, by whom
# ----------------------------------------------------------------------
# The end of a traceback of Odoo's Environment.lang on an unhashable lang, or
# of Environment.company on unhashable allowed_company_ids.
ENV_LANG_FAILURE = re.compile(
    r'odoo/api\.py", line \d+, in lang\n(?:.*\n)*?.*res_lang\.py", line \d+, '
    r"in _get_data\n(?:.*\n)*?TypeError: unhashable type"
    r'|odoo/api\.py", line \d+, in company\n(?:.*\n)*?TypeError: unhashable type'
)


def odoo_environment(category, where, debug):
    """Odoo's Environment reading a malformed lang from the context (a dict or
    a list: unhashable), whichever code first asks for the language (a
    translated refusal of BTI's included), or the company from a malformed
    allowed_company_ids: Odoo's, wherever it happens."""
    if category != "core" and ENV_LANG_FAILURE.search(debug):
        return "core", f"{where} (malformed context: Odoo's Environment)"
    return category, where


BTI_ADDONS = "bti_core,bti_stafettlogg,bti_tools,bti_portal"
ROLES = {
    "kari": "staff with access (kindergarten)",
    "erik": "staff without access (PPT)",
    "randi": "staff without access (BUP)",
    "linn": "family (Noah's mother)",
    "sara": "family without the case (Ella's mother)",
    "anonymous": "no session / bad credentials",
}
# Their writing calls run last (phase C): they are mostly accepted.
WRITERS = {"kari", "linn"}
# Noah's case: the case of linn that sara must not reach.
CASE_OWNER = "linn"

ORM_ENTRY_POINTS = (
    "create",
    "write",
    "unlink",
    "copy",
    "read",
    "search_read",
    "search_count",
    "web_read",
    "web_search_read",
    "web_save",
    "name_search",
    "read_group",
    "web_read_group",
    "export_data",
    "fields_get",
    "default_get",
    "onchange",
    "action_archive",
    "action_unarchive",
    "toggle_active",
    "message_post",
)
ACTIVE_ONLY = {"action_archive", "action_unarchive", "toggle_active"}
READ_METHODS = {
    "read",
    "search_read",
    "search_count",
    "search",
    "search_fetch",
    "fetch",
    "web_read",
    "web_search_read",
    "name_search",
    "read_group",
    "web_read_group",
    "read_progress_bar",
    "export_data",
    "fields_get",
    "default_get",
    "onchange",
    "exists",
    "browse",
    "activity_search",
    "message_get_followers",
    "view_header_get",
    "mail_allowed_qweb_expressions",
}
READ_PREFIXES = ("get_", "check_", "has_", "search_panel_", "action_view_")

CLEAN_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
}
SESSION_EXPIRED = "odoo.http.SessionExpiredException"
CATEGORIES = ("bti", "bti>core", "mixin", "ensure_one", "core")
# The JSON shape an ORM parameter has when a client calls it right; a call
# with another shape is replayed on a model BTI does not touch (CONTROL) to
# see what Odoo itself does with it.
SHAPES = {
    "vals": "dict",
    "values": "dict",
    "default": "dict",
    "specification": "dict",
    "fields_spec": "dict",
    "context": "dict",
    "vals_list": "dicts",
    "fields": "strs",
    "fields_list": "strs",
    "field_names": "strs",
    "fields_to_export": "strs",
    "allfields": "strs",
    "attributes": "strs",
    "groupby": "strs",
    "domain": "list",
    "args": "list",
    "partner_ids": "ints",
    "attachment_ids": "ints",
    "offset": "int",
    "limit": "int",
    "order": "str",
    "orderby": "str",
    "body": "str",
    "subject": "str",
    "name": "str",
    "message_type": "str",
    "subtype_xmlid": "str",
}
# Context keys Odoo itself reads, and their shape.
CONTEXT_SHAPES = {
    "lang": "str",
    "tz": "str",
    "allowed_company_ids": "ints",
    "active_test": "bool",
    "active_model": "str",
    "active_id": "int",
    "active_ids": "ints",
}
CONTROL = {"default": "res.partner.category", "mail": "res.partner"}
CONTROL_LOGIN = "admin"
CLEAN_HTTP = {400, 403, 404, 405, 413, 429}

CORE_TABLES = (
    "mail_message",
    "mail_activity",
    "mail_followers",
    "ir_attachment",
    "calendar_event",
    "res_partner",
    "res_users",
)
EXCLUDED_TABLES = {"bti_access_log"}
# Fields a role would lock itself out with.
USER_FIELDS_LEFT_OUT = {"login", "password", "new_password"}

# Context keys worth sending besides the addons' bti_* keys.
CONTEXT_KEYS = (
    "active_test",
    "lang",
    "tz",
    "tracking_disable",
    "mail_create_nosubscribe",
    "mail_create_nolog",
    "mail_notrack",
    "mail_post_autofollow",
    "install_mode",
    "import_file",
    "active_id",
    "active_ids",
    "active_model",
    "allowed_company_ids",
    "bin_size",
    "prefetch_fields",
    "no_reset_password",
    "force_email",
    "uid",
    "su",
)
OPERATORS = (
    "=",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "in",
    "not in",
    "like",
    "ilike",
    "=like",
    "=ilike",
    "not like",
    "not ilike",
    "child_of",
    "parent_of",
    "any",
    "not any",
    "=?",
)
BAD_OPERATORS = ("~", "===", "regex", "; DROP TABLE bti_case; --", "", "IN", "<>")
ORDERS = (
    "id",
    "id desc",
    "id desc nulls first",
    "create_date desc, id",
    "name",
    "case_id",
    "case_id.name",
    "id; DROP TABLE bti_case; --",
    "(SELECT 1)",
    "id desc, (select pg_sleep(1))",
    "nonexistent_field",
    "id asc asc",
    ",",
    "",
    "id DESC LIMIT 1",
    "1",
    "random()",
)
NASTY_TEXT = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "' OR 1=1 --",
    "'; DROP TABLE bti_case; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%s",
    "%(name)s",
    "{0}{1}",
    "${object.name}",
    "{{ 7*7 }}",
    "../../../etc/passwd",
    "null",
    "NaN",
    "1e309",
    "2024-02-30",
    "\r\n\t",
    "\u202e\u200b",
    "😀👨‍👩‍👧",
    "ÆØÅ æøå",
    "x" * 300,
)
BAD_DATES = (
    "2024-02-30",
    "31.12.2024",
    "2024-13-45",
    "0000-00-00",
    "9999-99-99 99:99:99",
    "now",
    "today",
    "2024-01-01T25:61:61",
    "2024-01-01 00:00:00+99:00",
    "-1-01-01",
    "10000-01-01",
    "",
    "1970-01-01",
    "2999-12-31 23:59:59",
)
SELECTION_NOISE = ("", "none", "draft", "done", "active", "cancel", "x" * 64)
PRELUDE = "__the wizard created first__"
FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$')
LOG_RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<rest>.*)$"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--db",
        default=None,
        help="database: reused when it exists, made otherwise (default: a new "
        "bti_fuzz_<time>, dropped at the end unless --keep)",
    )
    parser.add_argument("--keep", action="store_true", help="keep a database made")
    parser.add_argument(
        "--template",
        default=None,
        help="template database to make the demo database from (default: the "
        "newest bti_tmpl_* of setup/test, else none)",
    )
    parser.add_argument(
        "--minutes", type=float, default=10, help="time limit (default %(default)s)"
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=5,
        help="examples per (role, model or route, method) (default %(default)s)",
    )
    parser.add_argument(
        "--shrink-calls",
        type=int,
        default=20,
        help="calls at most to shrink one finding (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument(
        "--roles",
        default=",".join(ROLES),
        help="comma-separated roles (default: all: %(default)s)",
    )
    parser.add_argument(
        "--models", default=None, help="only models (and routes) matching this regex"
    )
    parser.add_argument(
        "--tiers", default="1,2,3", help="method tiers to fuzz (default %(default)s)"
    )
    parser.add_argument(
        "--no-http", action="store_true", help="leave out the HTTP routes"
    )
    _common.add_addons_path_argument(parser)
    parser.add_argument(
        "--log-level", default="warn", help="log level of this process's Odoo"
    )
    parser.add_argument(
        "--startup-timeout", type=int, default=600, help="seconds for the server"
    )
    args = parser.parse_args()
    args.roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = set(args.roles) - set(ROLES)
    if unknown:
        parser.error(f"unknown roles: {', '.join(sorted(unknown))}")
    args.tiers = {int(t) for t in args.tiers.split(",") if t.strip()}
    if args.max_examples < 1 or args.minutes <= 0:
        parser.error("--max-examples and --minutes must be positive")
    return args


# ----------------------------------------------------------------------
# The database
# ----------------------------------------------------------------------
def psql_databases():
    out = subprocess.run(
        ["psql", "-lqtA", "-d", "postgres"], capture_output=True, text=True, check=True
    ).stdout
    return {line.split("|", 1)[0] for line in out.splitlines() if "|" in line}


def make_database(args, data_dir):
    """The demo database: the template of setup/test (its filestore copied)
    when there is one, then the BTI addons with demo data."""
    databases = psql_databases()
    template = args.template
    if template is None:
        templates = sorted(d for d in databases if re.match(r"^bti_tmpl_\w+$", d))
        template = templates[-1] if templates else None
    started = time.monotonic()
    if template:
        subprocess.run(["createdb", "-T", template, args.db], check=True)
        # The template's filestore: in this data_dir, or the main checkout's.
        candidates = [Path(data_dir) / "filestore" / template]
        main_conf = _common.REPO_ROOT / ".cache" / "odoo.conf"
        for conf in (_common.odoo_conf(), main_conf):
            if conf and conf.is_file():
                parser = configparser.ConfigParser(interpolation=None)
                parser.read(conf)
                candidates.append(
                    Path(_server.data_dir_of(parser)) / "filestore" / template
                )
        target = Path(data_dir) / "filestore" / args.db
        for candidate in candidates:
            if candidate.is_dir() and not target.exists():
                shutil.copytree(candidate, target)
                break
    print(f"  installing {BTI_ADDONS} with demo data (template {template})...")
    conf = args.workdir / "install.conf"
    _server.write_conf(conf, args.addons_path, data_dir)
    log = args.workdir / "install.log"
    with log.open("w") as out:
        result = subprocess.run(
            [
                sys.executable,
                str(_common.odoo_src() / "odoo-bin"),
                "-c",
                str(conf),
                "-d",
                args.db,
                "-i",
                BTI_ADDONS,
                "--without-demo=",
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if result.returncode or "demo data failed" in log.read_text(errors="replace"):
        sys.exit(f"installing the addons into {args.db} failed: see {log}")
    print(f"  {args.db} made in {time.monotonic() - started:.0f} s")


def drop_database(args, data_dir):
    subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    shutil.rmtree(Path(data_dir) / "filestore" / args.db, ignore_errors=True)


# ----------------------------------------------------------------------
# The inventory: models, methods, fields, ids, routes (in this process)
# ----------------------------------------------------------------------
def _is_private(cls, name):
    # As odoo.service.model.get_public_method: private if any class of the
    # MRO marks it so.
    return name.startswith("_") or any(
        getattr(vars(c).get(name), "_api_private", False) for c in cls.__mro__
    )


def _bti_module(obj):
    return (getattr(obj, "__module__", "") or "").startswith("odoo.addons.bti_")


def _params(cls, name):
    """The parameters of ``cls.name`` after self: the most derived concrete
    signature (an override taking ``*args, **kwargs`` hides nothing)."""
    for klass in cls.__mro__:
        func = vars(klass).get(name)
        if not inspect.isfunction(func):
            continue
        try:
            signature = inspect.signature(func)
        except (TypeError, ValueError):
            continue
        params = list(signature.parameters.values())[1:]
        if all(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params) and any(
            True for _p in params
        ):
            continue
        kinds = {
            inspect.Parameter.POSITIONAL_ONLY: "pos",
            inspect.Parameter.POSITIONAL_OR_KEYWORD: "pos",
            inspect.Parameter.KEYWORD_ONLY: "kwonly",
        }
        return [
            {
                "name": p.name,
                "kind": kinds[p.kind],
                "required": p.default is inspect.Parameter.empty,
            }
            for p in params
            if p.kind in kinds
        ]
    return []


def _read_only(name):
    return name in READ_METHODS or name.startswith(READ_PREFIXES)


def grep_context_keys():
    """The bti_* context keys the addons read."""
    keys = set()
    pattern = re.compile(
        r"""context\.get\(\s*["'](bti_\w+)["']|context\[["'](bti_\w+)["']\]"""
        r"""|with_context\(\s*(bti_\w+)\s*="""
    )
    for path in _common.REPO_ROOT.glob("bti_*/**/*.py"):
        if "/tests/" in str(path):
            continue
        for match in pattern.finditer(path.read_text(errors="replace")):
            keys.update(g for g in match.groups() if g)
    return sorted(keys)


def inventory(args):  # noqa: C901 (one pass over the registry)
    odoo = _common.setup_odoo(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(args.db)
    inv = {
        "models": {},
        "ids": {},
        "fields": {},
        "users": {},
        "cases": {},
        "routes": [],
        "tables": [],
        "form_names": [],
        "context_keys": grep_context_keys(),
    }
    model_filter = re.compile(args.models) if args.models else None
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        tables = set()
        comodels = set()
        for name in sorted(registry):
            cls = registry[name]
            bti_defined = set()
            for klass in cls.__mro__:
                if not _bti_module(klass):
                    continue
                for attr, value in vars(klass).items():
                    if inspect.isfunction(value) and not _is_private(cls, attr):
                        bti_defined.add(attr)
            is_bti = name.startswith("bti.")
            if not is_bti and not bti_defined:
                continue
            if model_filter and not model_filter.search(name):
                continue
            has_table = not cls._abstract and cls._auto
            public = {}
            for attr in dir(cls):
                value = getattr(cls, attr, None)
                if (
                    attr.startswith("_")
                    or not inspect.isfunction(value)
                    or _is_private(cls, attr)
                ):
                    continue
                if attr in bti_defined:
                    tier = 1
                elif not is_bti or not has_table:
                    continue  # core models: only what BTI adds; mixins: no table
                elif attr in ORM_ENTRY_POINTS:
                    if attr in ACTIVE_ONLY and not cls._active_name:
                        continue
                    tier = 2
                else:
                    tier = 3
                public[attr] = {
                    "tier": tier,
                    "api": getattr(value, "_api", None),
                    "params": _params(cls, attr),
                    "read_only": _read_only(attr),
                }
            # One private method, which must be refused.
            private = sorted(
                a
                for a in dir(cls)
                if a.startswith("_bti_") and callable(getattr(cls, a))
            )
            inv["models"][name] = {
                "methods": public,
                "private": private[:1],
                "transient": bool(cls._transient),
                "table": cls._table if has_table else None,
                "active": cls._active_name,
            }
            if has_table and is_bti and cls._table not in EXCLUDED_TABLES:
                tables.add(cls._table)
            fields_info = {}
            for fname, field in cls._fields.items():
                info = {
                    "type": field.type,
                    "relation": getattr(field, "comodel_name", None),
                    "store": bool(field.store),
                    "readonly": bool(field.readonly),
                }
                if field.type == "selection":
                    try:
                        info["selection"] = [
                            k for k, _v in field._description_selection(env)
                        ]
                    except Exception:  # noqa: BLE001 (any selection goes)
                        info["selection"] = []
                if field.type == "many2many" and field.store and is_bti:
                    tables.add(field.relation)
                if info["relation"]:
                    comodels.add(info["relation"])
                fields_info[fname] = info
            inv["fields"][name] = fields_info
        # The fields of the comodels, for the values of (0, 0, {...}).
        for name in comodels - set(inv["fields"]):
            if name in registry:
                inv["fields"][name] = {
                    fname: {
                        "type": f.type,
                        "relation": getattr(f, "comodel_name", None),
                        "store": bool(f.store),
                        "readonly": bool(f.readonly),
                        "selection": [],
                    }
                    for fname, f in registry[name]._fields.items()
                    if f.type not in ("one2many", "many2many")
                }
        inv["control_methods"] = {
            control: sorted(
                a
                for a in dir(registry[control])
                if not a.startswith("_") and callable(getattr(registry[control], a))
            )
            for control in CONTROL.values()
        }
        # Existing ids: the first and last 25 of each model (archived too).
        for name in sorted(set(inv["models"]) | comodels | set(CONTROL.values())):
            if name not in registry or registry[name]._abstract:
                continue
            model = env[name].with_context(active_test=False)
            ids = set(model.search([], order="id", limit=25).ids)
            ids |= set(model.search([], order="id desc", limit=25).ids)
            inv["ids"][name] = sorted(ids)
        inv["tables"] = sorted(tables) + [
            t for t in CORE_TABLES if t not in tables and _table_exists(cr, t)
        ]
        inv["tables"] = [t for t in inv["tables"] if _table_exists(cr, t)]
        # The roles: their uid and the cases they read.
        Users = env["res.users"].with_context(active_test=False)
        for role in ROLES:
            if role == "anonymous":
                continue
            user = Users.search([("login", "=", role)])
            if not user:
                sys.exit(f"no demo login {role} in {args.db}")
            inv["users"][role] = user.id
            inv["cases"][role] = env["bti.case"].with_user(user).search([]).ids
        inv["cases"]["anonymous"] = []
        inv["cases"]["all"] = env["bti.case"].search([]).ids
        # The routes of the BTI controllers.
        IrHttp = env["ir.http"]
        modules = sorted(registry._init_modules)
        for url, endpoint in IrHttp._generate_routing_rules(
            modules, converters=IrHttp._get_converters()
        ):
            func = getattr(endpoint, "original_endpoint", None)
            if not _bti_module(func):
                continue
            if model_filter and not model_filter.search(url):
                continue
            routing = endpoint.routing
            inv["routes"].append(
                {
                    "url": url,
                    "methods": routing.get("methods") or ["GET", "POST"],
                    "auth": routing.get("auth"),
                    "type": routing.get("type"),
                    "params": [
                        p.name
                        for p in list(inspect.signature(func).parameters.values())[1:]
                        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                    ],
                }
            )
        # The names of the portal's form fields.
        names = set()
        for view in env["ir.ui.view"].search([("key", "=like", "bti_portal.%")]):
            names.update(
                re.findall(
                    r"<(?:input|textarea|select|button)\b[^>]*?\bname=\"([\w.-]+)\"",
                    view.arch_db or "",
                )
            )
        inv["form_names"] = sorted(names - {"csrf_token"})
        cr.rollback()
    odoo.modules.registry.Registry.delete(args.db)
    odoo.sql_db.close_all()
    return inv


def _table_exists(cr, table):
    cr.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return cr.fetchone()[0]


# ----------------------------------------------------------------------
# The database's fingerprint
# ----------------------------------------------------------------------
class Fingerprint:
    def __init__(self, db, tables):
        import psycopg2  # noqa: PLC0415

        self.conn = psycopg2.connect(dbname=db)
        self.conn.autocommit = True
        parts = []
        for table in tables:
            where = ""
            if table == "ir_attachment":
                # Web asset bundles are made when a page is first rendered.
                where = " WHERE coalesce(t.url, '') NOT LIKE '/web/assets/%%'"
            parts.append(
                f"SELECT '{table}', count(*), "
                f'coalesce(sum(hashtext(t::text)::bigint), 0) FROM "{table}" t{where}'
            )
        with self.conn.cursor() as cur:
            cur.execute("PREPARE bti_fuzz_fingerprint AS " + " UNION ALL ".join(parts))
        self.taken = 0
        self.seconds = 0.0

    def take(self):
        start = time.perf_counter()
        with self.conn.cursor() as cur:
            cur.execute("EXECUTE bti_fuzz_fingerprint")
            rows = {table: (count, total) for table, count, total in cur.fetchall()}
        self.taken += 1
        self.seconds += time.perf_counter() - start
        return rows

    @staticmethod
    def diff(before, after):
        return [
            f"{t} ({before[t][0]}->{after[t][0]} rows)"
            if before[t][0] != after[t][0]
            else f"{t} (rows changed)"
            for t in sorted(before)
            if before[t] != after.get(t)
        ]

    def close(self):
        self.conn.close()


# ----------------------------------------------------------------------
# The server and its log
# ----------------------------------------------------------------------
# bti_core/controllers/rpc_boundary: a call Odoo's ORM failed on in Python,
# refused in words, its traceback logged at WARNING.
BOUNDARY_MARK = "BTI RPC boundary: refused"


def split_boundary(records):
    """(errors, refusals of the RPC boundary) among the server's records."""
    boundary = [record for record in records if BOUNDARY_MARK in record]
    return [record for record in records if BOUNDARY_MARK not in record], boundary


class LogWatcher:
    """The ERROR/CRITICAL records the server logged since the last look, and
    the refusals of BTI's RPC boundary (WARNING, with their traceback)."""

    def __init__(self, path):
        self.path = Path(path)
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def new_errors(self):
        if not self.path.exists():
            return []
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            raw = handle.read()
        # Only whole lines; the rest is read next time.
        cut = raw.rfind(b"\n") + 1
        self.offset += cut
        records, current = [], None
        for line in raw[:cut].decode(errors="replace").splitlines():
            match = LOG_RECORD.match(line)
            if match:
                current = None
                if match["level"] in ("ERROR", "CRITICAL") or (
                    match["level"] == "WARNING" and BOUNDARY_MARK in line
                ):
                    current = [line]
                    records.append(current)
            elif current is not None:
                current.append(line)
        return ["\n".join(record) for record in records]


# ----------------------------------------------------------------------
# Tracebacks and findings
# ----------------------------------------------------------------------
def _is_bti_frame(path):
    return "/bti_" in path and "/odoo/addons/" not in path.replace(
        str(_common.REPO_ROOT), ""
    )


def classify_traceback(text):
    """(category, where): 'bti' when raised in BTI code, 'bti>core' when
    raised in Odoo core below a BTI frame, 'core' otherwise."""
    frames, code = [], {}
    for line in (text or "").splitlines():
        match = FRAME.match(line)
        if match:
            frames.append(match)
        elif frames and id(frames[-1]) not in code and line.strip():
            code[id(frames[-1])] = line.strip()  # the frame's line of code
    if not frames:
        return "core", "?"
    last = frames[-1]
    bti = [f for f in frames if _is_bti_frame(f["file"])]

    def short(frame):
        path = frame["file"]
        for marker in ("/bti_", "/odoo/addons/", "/odoo/", "/site-packages/"):
            if marker in path:
                path = path[path.index(marker) + 1 :]
                break
        return f"{path}:{frame['line']} {frame['func']}"

    if _is_bti_frame(last["file"]):
        return "bti", short(last)
    if bti:
        where = f"{short(bti[-1])} -> {short(last)}"
        if "super()." in code.get(id(bti[-1]), ""):
            # The BTI override only handed the call on: Odoo raised on what
            # the client sent.
            return "core", f"{where} (through a BTI override's super())"
        return "bti>core", where
    return "core", short(last)


# Raised by Odoo (or psycopg2 under it) on what any model receives: the value
# went through BTI code unchanged. Checked on res.partner.category by hand
# (see bench/README.md).
CORE_MESSAGES = {
    "A string literal cannot contain NUL": "NUL in a string: psycopg2",
    "surrogates not allowed": "a lone surrogate in a string",
    "Invalid field ": "an unknown field name",
    "out of range": "an integer out of PostgreSQL's range",
    "LIMIT must not be negative": "a negative limit",
    "OFFSET must not be negative": "a negative offset",
}


def core_message(debug):
    last = (debug or "").strip().splitlines()[-3:]
    for marker, label in CORE_MESSAGES.items():
        if any(marker in line for line in last):
            return label
    return None


def error_name_is_clean(name, odoo):
    if name in CLEAN_ERRORS:
        return True
    if name.startswith("werkzeug.exceptions."):
        import werkzeug.exceptions  # noqa: PLC0415

        klass = getattr(werkzeug.exceptions, name.rsplit(".", 1)[1], None)
        code = getattr(klass, "code", None) or 0
        return 400 <= code < 500
    module, _dot, cls_name = name.rpartition(".")
    try:
        import importlib  # noqa: PLC0415

        klass = getattr(importlib.import_module(module), cls_name)
    except Exception:  # noqa: BLE001 (an unknown name is not clean)
        return False
    ex = odoo.exceptions
    return isinstance(klass, type) and issubclass(
        klass, (ex.UserError, ex.AccessDenied)
    )


class Outcome:
    __slots__ = ("verdict", "name", "debug", "status", "message", "result")

    def __init__(self, verdict, name="", debug="", status=200, message="", result=None):
        self.verdict = verdict  # accepted | refused | finding (| expired)
        self.name = name
        self.debug = debug
        self.status = status
        self.message = message
        self.result = result


def short_json(value, limit=1500):
    try:
        text = json.dumps(value, ensure_ascii=True, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > limit:
        text = f"{text[:limit]}... ({len(text)} chars)"
    return text


# ----------------------------------------------------------------------
# Strategies
# ----------------------------------------------------------------------
def build_strategies(inv, st):  # noqa: C901 (closures)
    """Every strategy, once per model (hypothesis' composite strategies are
    defined once here and parametrised: defining one costs milliseconds)."""
    cache = functools.lru_cache(maxsize=None)
    ints = st.one_of(
        st.integers(-5, 50),
        st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**30]),
    )
    long_text = st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["a", "ø", "😀", "\x00", "<b>x</b>"]),
        st.sampled_from([5001, 70000]),
    )
    text = st.one_of(
        st.text(max_size=30), st.sampled_from(NASTY_TEXT), long_text, st.just("x")
    )
    scalar = st.one_of(
        st.none(),
        st.booleans(),
        ints,
        st.floats(allow_nan=True, allow_infinity=True),
        text,
    )
    anything = st.recursive(
        scalar,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=8), children, max_size=4),
        ),
        max_leaves=8,
    )
    all_ids = sorted({i for ids in inv["ids"].values() for i in ids}) or [1]
    models = sorted(inv["ids"]) or ["bti.case"]
    order = st.one_of(st.sampled_from(ORDERS), text, st.none())
    limit = st.one_of(st.integers(-5, 100), ints, st.none(), text, st.booleans())

    def info_of(model, name):
        return (inv["fields"].get(model) or {}).get(name) or {}

    def field_names(model, stored=False, exclude=()):
        names = [
            n
            for n, i in (inv["fields"].get(model) or {}).items()
            if (not stored or i.get("store")) and n not in exclude
        ]
        return names or ["id"]

    @cache
    def existing(model):
        ids = inv["ids"].get(model)
        return st.sampled_from(ids) if ids else st.sampled_from(all_ids)

    @cache
    def id_value(model):
        return st.one_of(existing(model), existing(model), ints, text, anything)

    @cache
    def ids_arg(model):
        good = st.lists(existing(model), min_size=1, max_size=3, unique=True)
        return st.one_of(
            good,
            good,
            good,
            good,
            st.just([]),
            st.lists(ints, max_size=3),
            st.one_of(ints, text, st.none()),
            st.lists(st.lists(existing(model), max_size=2), max_size=2),
            st.lists(anything, max_size=3),
        )

    @cache
    def date_value(kind):
        good = st.dates(
            min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)
        ).map(lambda d: d.isoformat() if kind == "date" else f"{d} 12:00:00")
        return st.one_of(good, st.sampled_from(BAD_DATES), ints, st.booleans())

    @cache
    def commands(relation, depth):
        nested = values_dict(relation, depth + 1)
        one = st.one_of(
            st.tuples(st.just(0), st.just(0), nested),
            st.tuples(st.just(6), st.just(0), st.lists(existing(relation), max_size=3)),
            st.tuples(st.just(4), id_value(relation)),
            st.tuples(st.just(3), id_value(relation)),
            st.tuples(st.just(2), id_value(relation)),
            st.tuples(st.just(1), id_value(relation), nested),
            st.just((5,)),
            st.tuples(st.integers(-1, 9), anything),
            anything,
        ).map(lambda c: list(c) if isinstance(c, tuple) else c)
        return st.one_of(
            st.lists(one, max_size=3), st.lists(existing(relation), max_size=3)
        )

    @cache
    def field_value(model, name, depth=0):
        info = info_of(model, name)
        ftype = info.get("type")
        relation = info.get("relation")
        if ftype in ("char", "text", "html"):
            typed = text
        elif ftype == "selection":
            typed = st.one_of(
                st.sampled_from(info.get("selection") or ["x"]),
                st.sampled_from(SELECTION_NOISE),
            )
        elif ftype in ("integer", "many2one_reference"):
            typed = ints
        elif ftype in ("float", "monetary"):
            typed = st.one_of(st.floats(allow_nan=True, allow_infinity=True), ints)
        elif ftype == "boolean":
            typed = st.booleans()
        elif ftype in ("date", "datetime"):
            typed = date_value(ftype)
        elif ftype == "many2one" and relation:
            typed = st.one_of(
                existing(relation),
                existing(relation),
                ints,
                st.tuples(existing(relation), text).map(list),
                st.just(False),
            )
        elif ftype in ("one2many", "many2many") and relation and depth < 1:
            typed = commands(relation, depth)
        elif ftype == "binary":
            typed = st.one_of(
                st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode()),
                text,
            )
        elif ftype == "reference":
            typed = st.one_of(
                st.builds(lambda m, i: f"{m},{i}", st.sampled_from(models), ints), text
            )
        else:
            typed = anything
        return st.one_of(typed, typed, typed, anything)

    @st.composite
    def values_composite(draw, model, depth):
        exclude = USER_FIELDS_LEFT_OUT if model == "res.users" else ()
        names = field_names(model, exclude=exclude)
        if depth:
            # Nested (0, 0, {...}): a few plain fields.
            names = [
                n
                for n in names
                if info_of(model, n).get("type") not in ("one2many", "many2many")
            ] or names
        vals = {}
        picked = draw(
            st.lists(st.sampled_from(names), max_size=4 if depth else 6, unique=True)
        )
        for name in picked:
            vals[name] = draw(field_value(model, name, depth))
        if draw(st.integers(0, 9)) == 0:
            key = draw(st.one_of(st.text(max_size=10), st.sampled_from(["id", "x"])))
            vals[key] = draw(anything)
        return vals

    @cache
    def values_dict(model, depth=0):
        return values_composite(model, depth)

    @st.composite
    def leaf_composite(draw, model):
        names = field_names(model, stored=True)
        name = draw(
            st.one_of(
                st.sampled_from(names),
                st.sampled_from(names).map(lambda n: f"{n}.id"),
                st.sampled_from(["id", "case_id.name", "create_uid.login"]),
                st.text(max_size=10),
            )
        )
        op = draw(st.one_of(st.sampled_from(OPERATORS), st.sampled_from(BAD_OPERATORS)))
        value = draw(
            st.one_of(
                field_value(model, name) if info_of(model, name) else anything,
                anything,
            )
        )
        return [name, op, value]

    @cache
    def domain(model):
        leaf = leaf_composite(model)
        good = st.lists(leaf, max_size=3)
        return st.one_of(
            good,
            good,
            st.tuples(st.sampled_from(["&", "|"]), leaf, leaf).map(list),
            st.tuples(st.just("!"), leaf).map(list),
            st.lists(st.sampled_from(["&", "|", "!"]), max_size=3),
            st.lists(st.lists(anything, max_size=4), max_size=3),
            anything,
        )

    @cache
    def fields_list(model):
        names = st.sampled_from(field_names(model))
        return st.one_of(
            st.lists(names, max_size=5, unique=True),
            st.lists(
                st.one_of(
                    names,
                    names.map(lambda n: f"{n}:sum"),
                    names.map(lambda n: f"{n}.display_name"),
                    st.sampled_from(["id:count", "__count", "display_name", "x"]),
                    text,
                ),
                max_size=4,
            ),
            anything,
        )

    @cache
    def groupby(model):
        names = st.sampled_from(field_names(model, stored=True))
        item = st.one_of(
            names,
            st.builds(
                lambda n, g: f"{n}:{g}",
                names,
                st.sampled_from(["day", "week", "month", "year", "quarter", "x", ""]),
            ),
            text,
        )
        return st.one_of(st.lists(item, max_size=3), item, anything)

    @st.composite
    def spec_composite(draw, model, depth):
        out = {}
        picked = draw(
            st.lists(st.sampled_from(field_names(model)), max_size=5, unique=True)
        )
        for name in picked:
            relation = info_of(model, name).get("relation")
            if relation and depth < 1 and draw(st.booleans()):
                out[name] = {"fields": draw(spec_composite(relation, depth + 1))}
            else:
                out[name] = draw(st.one_of(st.just({}), anything))
        return out

    @cache
    def spec(model):
        return st.one_of(spec_composite(model, 0), spec_composite(model, 0), anything)

    context_keys = list(CONTEXT_KEYS) + inv["context_keys"]

    @st.composite
    def context_composite(draw, model):
        ctx = {}
        for key in draw(
            st.lists(st.sampled_from(context_keys), max_size=4, unique=True)
        ):
            if key == "lang":
                choices = st.sampled_from(["en_US", "nb_NO", "xx_XX"])
            elif key == "tz":
                choices = st.sampled_from(["Europe/Oslo", "UTC", "Mars/Base"])
            elif key == "active_model":
                choices = st.sampled_from(models)
            elif key == "active_id":
                choices = id_value(draw(st.sampled_from(models)))
            elif key == "active_ids":
                choices = ids_arg(draw(st.sampled_from(models)))
            elif key == "allowed_company_ids":
                choices = st.one_of(st.just([1]), st.lists(ints, max_size=2))
            else:
                choices = st.booleans()
            ctx[key] = draw(st.one_of(choices, choices, anything))
        m2o = [
            n
            for n, i in (inv["fields"].get(model) or {}).items()
            if i["type"] == "many2one"
        ]
        if m2o and draw(st.booleans()):
            name = draw(st.sampled_from(m2o))
            ctx[f"default_{name}"] = draw(id_value(info_of(model, name)["relation"]))
        return ctx

    @cache
    def context(model):
        return context_composite(model)

    @cache
    def param_value(model, name):  # noqa: C901 (a table by name)
        """The value of a parameter, by its name."""
        if name in ("vals", "values", "default", "vals_list"):
            vals = values_dict(model)
            if name == "vals_list":
                return st.one_of(vals, st.lists(vals, max_size=3), anything)
            return st.one_of(vals, vals, vals, anything)
        if name in ("domain", "args"):
            return domain(model)
        if name in (
            "fields",
            "fields_list",
            "field_names",
            "allfields",
            "fields_to_export",
            "field_name",
        ):
            return fields_list(model)
        if name in ("specification", "fields_spec"):
            return spec(model)
        if name == "attributes":
            keys = ["string", "type", "relation", "readonly", "x"]
            return st.one_of(st.lists(st.sampled_from(keys), max_size=3), anything)
        if name in ("offset", "limit", "count_limit", "expand_limit", "next_id"):
            return limit
        if name in ("order", "orderby", "expand_orderby"):
            return order
        if name == "groupby":
            return groupby(model)
        if name in ("lazy", "expand", "done", "agree", "raise_exception"):
            return st.one_of(st.booleans(), anything)
        if name == "load":
            return st.one_of(st.sampled_from(["_classic_read", "", None]), anything)
        if name == "operator":
            return st.one_of(
                st.sampled_from(OPERATORS), st.sampled_from(BAD_OPERATORS), text
            )
        if name == "message_type":
            kinds = ["comment", "notification", "email", "user_notification", "x"]
            return st.one_of(st.sampled_from(kinds), anything)
        if name == "subtype_xmlid":
            xmlids = ["mail.mt_note", "mail.mt_comment", "base.user_admin", "x.y"]
            return st.one_of(st.sampled_from(xmlids), anything)
        if name == "answer":
            answers = ["given", "refused", "accept", "decline"]
            return st.one_of(st.sampled_from(answers), text, anything)
        guess = {
            "partner_ids": "res.partner",
            "attachment_ids": "ir.attachment",
            "user_ids": "res.users",
            "partner_id": "res.partner",
            "user_id": "res.users",
            "author_id": "res.partner",
        }
        if name.endswith(("_id", "_ids")):
            relation = info_of(model, name).get("relation") or guess.get(name, model)
            if name.endswith("_ids"):
                return st.one_of(
                    st.lists(existing(relation), max_size=3), ids_arg(relation)
                )
            return id_value(relation)
        if info_of(model, name):
            return field_value(model, name)
        return st.one_of(text, text, anything)

    @st.composite
    def method_call(draw, model, method, params, record_method, transient, role):
        """One example: the arguments and the transport. A wizard's method is
        mostly called on a wizard created first (``prelude``)."""
        args, kwargs, prelude = [], {}, None
        if record_method:
            if transient and draw(st.integers(0, 9)) < 7:
                prelude = draw(values_dict(model))
                args.append(PRELUDE)
            else:
                args.append(draw(ids_arg(model)))
        for param in params:
            if param["required"] and param["kind"] == "pos":
                args.append(draw(param_value(model, param["name"])))
            elif draw(st.booleans()):
                kwargs[param["name"]] = draw(param_value(model, param["name"]))
        ctx = draw(context(model))
        if ctx:
            kwargs["context"] = ctx
        call = {"args": args, "kwargs": kwargs, "prelude": prelude, "jsonrpc": None}
        if role == "anonymous":
            if draw(st.booleans()):
                call["jsonrpc"] = draw(bad_credentials)
        elif draw(st.integers(0, 9)) == 0:
            call["jsonrpc"] = "own"  # /jsonrpc execute_kw with the role's password
        return call

    uids = sorted(inv["users"].values()) + [1, 2]
    bad_credentials = st.fixed_dictionaries(
        {
            "uid": st.one_of(st.sampled_from(uids), ints, text, st.none()),
            "password": st.one_of(st.sampled_from(["", "admin", "kari", "x"]), text),
        }
    )

    huge = st.sampled_from([0, 2**31, 2**63, 10**30])

    @cache
    def path_value(name, role):
        own = inv["cases"].get(role) or []
        noah = inv["cases"].get(CASE_OWNER) or []
        if name == "case_id":
            choices = [st.sampled_from(inv["cases"]["all"] or [1]), huge]
            if own:
                choices += [st.sampled_from(own)] * 3
            if noah:
                choices.append(st.sampled_from(noah))
            return st.one_of(*choices)
        stem = name[:-3] if name.endswith("_id") else name
        model = next(
            (m for m in inv["ids"] if m.endswith(f".{stem}")),
            "ir.attachment" if stem == "attachment" else None,
        )
        if model:
            return st.one_of(existing(model), existing(model), huge)
        return st.one_of(st.integers(0, 100), huge)

    form_value = st.one_of(
        text,
        text,
        st.sampled_from(["1", "0", "given", "refused", "accept", "decline", "on"]),
        st.sampled_from(BAD_DATES),
        st.lists(text, min_size=2, max_size=3),
    )
    file_name = st.one_of(
        st.sampled_from(
            ["a.pdf", "../../etc/passwd", "x.exe", "", "ø😀.png", "a" * 300]
        ),
        st.text(max_size=20),
    )

    @st.composite
    def route_call(draw, url, path_names, form_names, method, role):
        path = {name: draw(path_value(name, role)) for name in path_names}
        form = {}
        for name in draw(
            st.lists(st.sampled_from(form_names), max_size=8, unique=True)
        ):
            form[name] = draw(form_value)
        if draw(st.integers(0, 3)) == 0:
            form[draw(st.text(min_size=1, max_size=12))] = draw(form_value)
        files = None
        if (
            method == "POST"
            and "attachment" in form_names
            and draw(st.integers(0, 3)) == 0
        ):
            size = draw(st.sampled_from([0, 10, 5000, 8 * 1024 * 1024 + 1]))
            files = {"attachment": (draw(file_name), b"%PDF-1.4\n" + b"\x00" * size)}
        csrf = draw(st.sampled_from(["valid"] * 6 + ["missing", "forged"]))
        return {"path": path, "form": form, "files": files, "csrf": csrf}

    def method_strategy(model, method, info, role):
        model_info = inv["models"][model]
        record_method = info["api"] not in ("model", "model_create")
        transient = model_info["transient"] and method not in (
            "create",
            "web_save",
            "onchange",
            "default_get",
        )
        return method_call(
            model, method, info["params"], record_method, transient, role
        )

    def route_strategy(route, method, role):
        path_names = [
            name for _conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route["url"])
        ]
        names = sorted(set(inv["form_names"]) | set(route["params"]))
        names = [n for n in names if n not in path_names] or ["x"]
        return route_call(route["url"], path_names, names, method, role)

    return method_strategy, route_strategy


# ----------------------------------------------------------------------
# The client
# ----------------------------------------------------------------------
class Client:
    def __init__(self, base, db, inv, odoo):
        import requests  # noqa: PLC0415

        self.requests = requests
        self.base = base
        self.db = db
        self.inv = inv
        self.odoo = odoo
        self.sessions = {}
        self.csrf = {}
        self.prefix = {}
        self.counter = 0

    def login(self, role):
        session = self.requests.Session()
        if role != "anonymous":
            answer = session.post(
                f"{self.base}/web/session/authenticate",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"db": self.db, "login": role, "password": role},
                },
                timeout=120,
            ).json()
            if not (answer.get("result") or {}).get("uid"):
                raise RuntimeError(f"{role} could not log in: {short_json(answer)}")
        # The routes of the portal (website=True) redirect a user to the
        # URL with the user's language (/nb_NO/my/bti): a browser follows.
        probe = session.get(f"{self.base}/my/bti", timeout=120, allow_redirects=False)
        match = re.match(
            r"^/([a-z]{2}(?:_[A-Z]{2})?)/my/bti", probe.headers.get("Location", "")
        )
        self.prefix[role] = f"/{match.group(1)}" if match else ""
        page = session.get(f"{self.base}{self.prefix[role]}/bti/request", timeout=120)
        token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page.text)
        self.csrf[role] = token.group(1) if token else ""
        self.sessions[role] = session
        return session

    def _json_outcome(self, response, role):
        if response.status_code != 200:
            verdict = "refused" if response.status_code in CLEAN_HTTP else "finding"
            return Outcome(
                verdict,
                f"HTTP {response.status_code}",
                response.text[-3000:],
                response.status_code,
            )
        try:
            body = response.json()
        except ValueError:
            return Outcome("finding", "not JSON", response.text[-3000:])
        if "error" not in body:
            return Outcome("accepted", result=body.get("result"))
        data = body["error"].get("data") or {}
        name = data.get("name") or str(body["error"].get("code"))
        debug = data.get("debug") or ""
        message = data.get("message") or ""
        if name == SESSION_EXPIRED:
            verdict = "refused" if role == "anonymous" else "expired"
            return Outcome(verdict, name, debug, message=message)
        if error_name_is_clean(name, self.odoo):
            return Outcome("refused", name, debug, message=message)
        return Outcome("finding", name, debug, message=message)

    def call_kw(self, role, model, method, args, kwargs, via=None):
        """/web/dataset/call_kw in the role's session; with ``via``, /jsonrpc
        execute_kw instead, with the role's credentials ("own") or the bad
        ones given."""
        self.counter += 1
        if via:
            creds = (
                via
                if isinstance(via, dict)
                else {
                    "uid": self.inv["users"][role],
                    "password": role,
                }
            )
            payload = {
                "jsonrpc": "2.0",
                "method": "call",
                "id": self.counter,
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [
                        self.db,
                        creds["uid"],
                        creds["password"],
                        model,
                        method,
                        args,
                        kwargs,
                    ],
                },
            }
            url = f"{self.base}/jsonrpc"
            session = self.requests  # no cookie
        else:
            payload = {
                "jsonrpc": "2.0",
                "method": "call",
                "id": self.counter,
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": kwargs,
                },
            }
            url = f"{self.base}/web/dataset/call_kw/{model}/{method}"
            session = self.sessions[role]
        try:
            data = json.dumps(payload, allow_nan=True)
            response = session.post(
                url,
                data=data.encode("utf-8", "surrogatepass"),
                headers={"Content-Type": "application/json"},
                timeout=300,
            )
        except self.requests.RequestException as error:
            return Outcome("finding", f"client: {type(error).__name__}", str(error))
        return self._json_outcome(response, role)

    def http(self, role, method, url, form, files, csrf):
        session = self.sessions[role]
        form = dict(form)
        if method == "POST" and csrf != "missing":
            form["csrf_token"] = (
                self.csrf[role] if csrf == "valid" else "forged0123456789"
            )
        try:
            encoded = {
                k: [str(x).encode("utf-8", "surrogatepass") for x in v]
                if isinstance(v, list)
                else str(v).encode("utf-8", "surrogatepass")
                for k, v in form.items()
            }
            if method == "GET":
                # A browser's URL: the server drops a request line over 64 KiB.
                encoded = {
                    k: [x[:2000] for x in v] if isinstance(v, list) else v[:2000]
                    for k, v in encoded.items()
                }
                response = session.get(
                    f"{self.base}{self.prefix[role]}{url}",
                    params=encoded,
                    timeout=300,
                    allow_redirects=False,
                )
            else:
                response = session.post(
                    f"{self.base}{url}",
                    data=encoded,
                    files=files,
                    timeout=300,
                    allow_redirects=False,
                )
        except self.requests.RequestException as error:
            return Outcome("finding", f"client: {type(error).__name__}", str(error))
        status = response.status_code
        location = response.headers.get("Location", "")
        if 300 <= status < 400:
            if "/web/login" in location:
                return Outcome("refused", f"HTTP {status} login", status=status)
            return Outcome("accepted", status=status)
        if 200 <= status < 300:
            return Outcome("accepted", status=status)
        if status in CLEAN_HTTP:
            return Outcome("refused", f"HTTP {status}", status=status)
        return Outcome("finding", f"HTTP {status}", response.text[-3000:], status)


# ----------------------------------------------------------------------
# The fuzzer
# ----------------------------------------------------------------------
class Found(Exception):
    """A finding hypothesis should shrink."""


def _shape_ok(shape, value):
    def is_int(v):
        return isinstance(v, int) and not isinstance(v, bool)

    if value is None or value is False:
        return shape not in ("dict", "dicts")
    return {
        "dict": lambda: isinstance(value, dict),
        "dicts": lambda: (
            isinstance(value, dict)
            or (isinstance(value, list) and all(isinstance(v, dict) for v in value))
        ),
        "strs": lambda: (
            isinstance(value, str)
            or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ),
        "list": lambda: isinstance(value, list),
        "ints": lambda: isinstance(value, list) and all(is_int(v) for v in value),
        "int": lambda: is_int(value),
        "str": lambda: isinstance(value, str),
        "bool": lambda: isinstance(value, bool),
    }[shape]()


def malformed(params, args, kwargs, record_method):
    """The parameters of a call whose JSON shape is not the one expected."""
    named = dict(kwargs)
    positional = [p["name"] for p in params if p["kind"] == "pos"]
    required = {p["name"] for p in params if p["required"]}
    for name, value in zip(
        positional, args[1:] if record_method else args, strict=False
    ):
        named[name] = value
    if record_method and args and not _ids_are_ints(args[0]):
        named["ids"] = args[0]
    bad = [
        name
        for name, value in named.items()
        if name == "ids"
        or (name in SHAPES and not _shape_ok(SHAPES[name], value))
        or (name in required and value in (None, False) and name in SHAPES)
    ]
    context = kwargs.get("context")
    if isinstance(context, dict):
        bad += [
            f"context.{key}"
            for key, shape in CONTEXT_SHAPES.items()
            if key in context and not _shape_ok(shape, context[key])
        ]
    return sorted(bad)


def _ids_are_ints(ids):
    def is_int(value):
        return isinstance(value, int) and not isinstance(value, bool)

    return is_int(ids) or (isinstance(ids, list) and all(is_int(i) for i in ids))


class Fuzzer:
    def __init__(self, args, inv, client, fingerprint, watcher, server, odoo):
        self.args = args
        self.inv = inv
        self.client = client
        self.fp = fingerprint
        self.watcher = watcher
        self.server = server
        self.odoo = odoo
        self.current_fp = None
        self.stats = defaultdict(Counter)  # role -> calls/accepted/refused/findings
        self.findings = {}  # signature -> finding dict
        self.coverage = defaultdict(Counter)  # (phase, tier) -> targets/run
        self.internal_errors = []
        self.expired = Counter()
        self.control_calls = 0
        self.boundary = Counter()  # where Odoo failed -> refusals at the boundary

    # -- one call, judged ------------------------------------------------
    def judge(
        self,
        role,
        target,
        call_repr,
        run,
        garbage_ids=False,
        control=None,
        abstract=False,
    ):
        """Run ``run`` (one request) and judge it; returns (outcome, finding).
        ``control``: (what, callable) replaying a malformed call on a model BTI
        does not touch, run when BTI code is on the traceback."""
        if self.current_fp is None:
            self.current_fp = self.fp.take()
        before = self.current_fp
        outcome = run()
        if outcome.verdict == "expired":
            # The session was lost (the role changed its own user?): log in
            # again, and count the call as refused.
            self.expired[role] += 1
            self.client.login(role)
            outcome.verdict = "refused"
        errors, boundary = split_boundary(self.watcher.new_errors())
        self.stats[role]["calls"] += 1
        finding = None
        if outcome.verdict == "accepted":
            self.current_fp = None
        else:
            after = self.fp.take()
            self.current_fp = after
            changed = Fingerprint.diff(before, after)
            if changed:
                finding = {
                    "kind": "changed by a refused call",
                    "category": "bti",
                    "where": ", ".join(changed),
                }
        debug = outcome.debug or "\n".join(errors)
        if not finding and (outcome.verdict == "finding" or errors):
            category, where = odoo_environment(*classify_traceback(debug), debug)
            kind = "error" if outcome.verdict == "finding" else "server log ERROR"
            if "Expected singleton" in debug and where.endswith("ensure_one"):
                # Odoo's idiom: a method for one record called with another
                # number of them. One finding for all such methods.
                category, where = "ensure_one", "models.py ensure_one"
            elif category != "core" and abstract:
                # A method of a mixin (an abstract model: no table, no
                # records, no access rights) called directly.
                category = "mixin"
            elif garbage_ids and category == "bti>core":
                # Ids that are no integers reach the SQL (browse takes
                # anything): Odoo's behaviour, whichever override is on the way.
                category = "core"
                where = f"{where} (non-integer ids)"
            elif category == "bti>core" and core_message(debug):
                category = "core"
                where = f"{where} ({core_message(debug)})"
            elif (
                category == "bti>core"
                and control
                and any(b.startswith("context.") for b in control[0])
                and re.search(r"-> \S*odoo/(api|tools/misc)\.py:", where)
            ):
                # Odoo's Environment reading a malformed lang, tz or company.
                category = "core"
                bad = ", ".join(control[0])
                where = f"{where} (malformed {bad}: Odoo's Environment)"
            elif kind == "error" and category != "core" and control and control[2]:
                bad, what, replay = control
                self.control_calls += 1
                self.current_fp = None
                other = replay()
                self.watcher.new_errors()  # the control's own records
                # Malformed: Odoo failing at all says enough; well-formed:
                # Odoo must fail the same way.
                if other.verdict == "finding" and (bad or other.name == outcome.name):
                    category = "core"
                    shape = f"malformed {', '.join(bad)}; " if bad else ""
                    where = f"{where} ({shape}Odoo, {what}: {other.name})"
            elif kind != "error" and where == "?":
                # A record without a traceback: its logger and message.
                record = LOG_RECORD.match(errors[0]) if errors else None
                text = record["rest"] if record else ""
                logger = text.split(" ", 2)[1] if text.count(" ") >= 2 else text
                category = "bti" if logger.startswith("odoo.addons.bti_") else "core"
                where = re.sub(r"\d+", "N", text.split(" ", 1)[-1])[:120]
            finding = {"kind": kind, "category": category, "where": where}
        finding = finding or self.judge_boundary(role, boundary)
        if self.server.poll() is not None:
            raise SystemExit(f"the server died (exit {self.server.returncode})")
        if finding:
            self.stats[role]["findings"] += 1
            finding.update(
                {
                    "name": outcome.name or f"HTTP {outcome.status}",
                    "debug": finding.get("debug", debug),
                    "role": role,
                    "target": target,
                    "args": call_repr,
                }
            )
            finding["signature"] = (
                finding["kind"],
                finding["category"],
                finding["name"],
                finding["where"],
            ) + ((target,) if finding["kind"] != "error" else ())
        else:
            self.stats[role][outcome.verdict] += 1
        return outcome, finding

    def judge_boundary(self, role, records):
        """A call BTI's RPC boundary refused in words: Odoo's ORM failing in
        Python on what the client sent is counted; BTI's code on the
        traceback below its last frame is still a finding."""
        if not records:
            return None
        record = records[0]
        category, where = odoo_environment(*classify_traceback(record), record)
        if category == "core":
            self.stats[role]["boundary"] += 1
            self.boundary[where] += 1
            return None
        return {
            "kind": "refused at the RPC boundary",
            "category": category,
            "where": where,
            "debug": record,
        }

    def record(self, finding, shrunk=False):
        signature = finding["signature"]
        known = self.findings.get(signature)
        if known is None:
            self.findings[signature] = dict(
                finding,
                count=1,
                roles={finding["role"]},
                targets={finding["target"]},
                shrunk=shrunk,
            )
            return
        known["count"] += 1
        known["roles"].add(finding["role"])
        known["targets"].add(finding["target"])
        if shrunk or (
            not known["shrunk"] and len(finding["args"]) < len(known["args"])
        ):
            known.update(
                args=finding["args"],
                debug=finding["debug"],
                role=finding["role"],
                target=finding["target"],
                shrunk=known["shrunk"] or shrunk,
            )

    # -- hypothesis around one target ------------------------------------
    def run_target(self, role, target, strategy, execute, examples, deadline):
        from hypothesis import (  # noqa: PLC0415
            HealthCheck,
            Phase,
            Verbosity,
            given,
            seed,
            settings,
        )

        state = {"first": None, "best": None, "shrink_calls": 0}

        @seed(zlib.crc32(f"{self.args.seed}:{role}:{target}".encode()))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            report_multiple_bugs=False,
            print_blob=False,
        )
        @given(strategy)
        def check(call):
            if time.monotonic() > deadline:
                return
            if state["first"] is not None:
                if state["shrink_calls"] >= self.args.shrink_calls:
                    return
                state["shrink_calls"] += 1
            try:
                findings = execute(call)
            except (Found, SystemExit, KeyboardInterrupt):
                raise
            except Exception:  # noqa: BLE001 (the fuzzer's own bug: reported)
                self.internal_errors.append(
                    f"{role} {target}: {traceback.format_exc()}"
                )
                return
            for finding in findings:
                shrinkable = finding["category"] in ("bti", "bti>core")
                if state["first"] is None:
                    if shrinkable and finding["signature"] not in self.findings:
                        state["first"] = state["best"] = finding
                        raise Found()
                    self.record(finding)
                elif finding["signature"] == state["first"]["signature"]:
                    state["best"] = finding
                    raise Found()
                else:
                    self.record(finding)

        try:
            check()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as error:  # noqa: BLE001 (Found, hypothesis' Flaky...)
            if state["best"] is None:
                self.internal_errors.append(f"{role} {target}: {error!r}")
        if state["best"] is not None:
            self.record(state["best"], shrunk=True)

    # -- executors: one example, one or two requests --------------------
    def method_executor(self, role, model, method):
        target = f"{model}.{method}"

        def execute(call):
            found = []
            args = list(call["args"])
            kwargs = call["kwargs"]
            via = call["jsonrpc"]
            if call["prelude"] is not None:
                ctx = kwargs.get("context") or {}
                create_kwargs = {"context": ctx} if ctx else {}
                outcome, finding = self.judge(
                    role,
                    f"{model}.create",
                    short_json({"create": [call["prelude"]], "kwargs": create_kwargs}),
                    lambda: self.client.call_kw(
                        role, model, "create", [call["prelude"]], create_kwargs, via
                    ),
                )
                if finding:
                    found.append(finding)
                if outcome.verdict != "accepted":
                    return found
                created = outcome.result
                args[0] = created if isinstance(created, list) else [created]
            info = self.inv["models"][model]["methods"].get(method) or {}
            record_method = info.get("api") not in ("model", "model_create")
            garbage = record_method and bool(args) and not _ids_are_ints(args[0])
            control = self.control_for(method, info, args, kwargs, record_method)
            outcome, finding = self.judge(
                role,
                target,
                short_json(
                    {"args": args, "kwargs": kwargs, "jsonrpc": via}
                    | (
                        {"wizard": call["prelude"]}
                        if call["prelude"] is not None
                        else {}
                    )
                ),
                lambda: self.client.call_kw(role, model, method, args, kwargs, via),
                garbage_ids=garbage,
                control=control,
                abstract=self.inv["models"][model]["table"] is None,
            )
            if finding:
                found.append(finding)
            return found

        return execute

    def control_for(self, method, info, args, kwargs, record_method):
        """(what, replay) of a call with a malformed parameter, on a model
        without BTI code, as the administrator; None for a well-formed call or
        a method the control model does not have."""
        bad = malformed(info.get("params") or [], args, kwargs, record_method)
        kind = "mail" if method.startswith("message_") else "default"
        control = CONTROL[kind]
        if method not in self.inv["control_methods"].get(control, ()):
            return (bad, None, None) if bad else None
        args = list(args)
        if record_method and args and _ids_are_ints(args[0]):
            ids = self.inv["ids"].get(control) or [1]
            # At least one record: Odoo's write() of no record returns at once.
            count = len(args[0]) if isinstance(args[0], list) else 1
            args[0] = ids[: max(1, count)]

        def replay():
            return self.client.call_kw(CONTROL_LOGIN, control, method, args, kwargs)

        return bad, f"{control}.{method} as {CONTROL_LOGIN}", replay

    def private_executor(self, role, model, method):
        """A private method: it must be refused (AccessError), never run."""
        target = f"{model}.{method}"

        def execute(call):
            outcome, finding = self.judge(
                role,
                target,
                short_json({"args": call["args"], "kwargs": call["kwargs"]}),
                lambda: self.client.call_kw(
                    role, model, method, call["args"], call["kwargs"], call["jsonrpc"]
                ),
            )
            if not finding and outcome.verdict == "accepted":
                self.stats[role]["accepted"] -= 1
                self.stats[role]["findings"] += 1
                finding = {
                    "kind": "private method accepted",
                    "category": "bti",
                    "where": target,
                    "name": "",
                    "debug": "",
                    "role": role,
                    "target": target,
                    "args": short_json(call["args"]),
                    "signature": ("private method accepted", target),
                }
            return [finding] if finding else []

        return execute

    def route_executor(self, role, route, method):
        target = f"{method} {route['url']}"

        def execute(call):
            url = route["url"]
            for name, value in call["path"].items():
                url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
            outcome, finding = self.judge(
                role,
                target,
                short_json(
                    {
                        "url": url,
                        "form": call["form"],
                        "csrf": call["csrf"],
                        "file": call["files"]["attachment"][0]
                        if call["files"]
                        else None,
                    }
                ),
                lambda: self.client.http(
                    role, method, url, call["form"], call["files"], call["csrf"]
                ),
            )
            return [finding] if finding else []

        return execute

    # -- the targets -----------------------------------------------------
    def targets(self):
        """(phase, tier, order, role, kind, key, examples), in running order."""
        rnd = random.Random(self.args.seed)
        out = []
        for role in self.args.roles:
            examples = self.args.max_examples
            if role == "anonymous":
                examples = max(1, examples // 5)
            write_phase = "C" if role in WRITERS else "B"
            for model, model_info in sorted(self.inv["models"].items()):
                for method, info in sorted(model_info["methods"].items()):
                    if info["tier"] not in self.args.tiers:
                        continue
                    phase = "A" if info["read_only"] else write_phase
                    count = examples if info["tier"] < 3 else max(1, examples // 2)
                    out.append(
                        (
                            phase,
                            info["tier"],
                            rnd.random(),
                            role,
                            "method",
                            (model, method),
                            count,
                        )
                    )
                for private in model_info["private"]:
                    out.append(
                        ("A", 1, rnd.random(), role, "private", (model, private), 1)
                    )
            if self.args.no_http:
                continue
            for index, route in enumerate(self.inv["routes"]):
                for method in route["methods"]:
                    phase = "A" if method == "GET" else write_phase
                    out.append(
                        (
                            phase,
                            1,
                            rnd.random(),
                            role,
                            "route",
                            (index, method),
                            examples,
                        )
                    )
        out.sort(key=lambda t: t[:3])
        return out

    def prepare(self, kind, key, role, method_strategy, route_strategy):
        """(name, strategy, executor) of a target."""
        if kind == "route":
            index, method = key
            route = self.inv["routes"][index]
            return (
                f"{method} {route['url']}",
                route_strategy(route, method, role),
                self.route_executor(role, route, method),
            )
        model, method = key
        if kind == "private":
            info = {"params": [], "api": "model"}
            executor = self.private_executor(role, model, method)
        else:
            info = self.inv["models"][model]["methods"][method]
            executor = self.method_executor(role, model, method)
        return f"{model}.{method}", method_strategy(model, method, info, role), executor

    def run(self, method_strategy, route_strategy, started, total_seconds):
        targets = self.targets()
        ends = {"A": 0.35, "B": 0.70, "C": 1.0}
        for phase, tier, *_rest in targets:
            self.coverage[(phase, tier)]["targets"] += 1
        for phase, tier, _order, role, kind, key, examples in targets:
            now = time.monotonic()
            if now - started > total_seconds:
                break
            deadline = started + total_seconds * ends[phase]
            if now > deadline:
                continue
            name, strategy, execute = self.prepare(
                kind, key, role, method_strategy, route_strategy
            )
            self.run_target(role, name, strategy, execute, examples, deadline)
            self.coverage[(phase, tier)]["run"] += 1


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def report(fuzzer, args, seconds):
    print(
        f"\n{'role':<10} {'who':<42} {'calls':>7} {'accepted':>9} {'refused':>8} "
        f"{'findings':>9}"
    )
    total = Counter()
    for role in args.roles:
        row = fuzzer.stats[role]
        total.update(row)
        print(
            f"{role:<10} {ROLES[role]:<42} {row['calls']:7d} {row['accepted']:9d} "
            f"{row['refused']:8d} {row['findings']:9d}"
        )
    print(
        f"{'all':<10} {'':<42} {total['calls']:7d} {total['accepted']:9d} "
        f"{total['refused']:8d} {total['findings']:9d}"
    )
    print(
        f"{total['calls']} calls in {seconds:.0f} s "
        f"({total['calls'] / max(seconds, 1):.1f}/s), "
        f"{fuzzer.control_calls} control calls as {CONTROL_LOGIN}; "
        f"{fuzzer.fp.taken} fingerprints ({fuzzer.fp.seconds:.0f} s); load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if fuzzer.expired:
        print(f"sessions lost and logged in again: {dict(fuzzer.expired)}")
    if fuzzer.boundary:
        print(
            f"\n{total['boundary']} refusals at BTI's RPC boundary (Odoo's ORM "
            "failing in Python on what the client sent), most often at:"
        )
        for where, count in fuzzer.boundary.most_common(12):
            print(f"  {count:6d}  {where[:150]}")
    print("\ncoverage (targets = (role, model or route, method)):")
    for (phase, tier), counts in sorted(fuzzer.coverage.items()):
        print(f"  phase {phase} tier {tier}: {counts['run']}/{counts['targets']} run")
    if fuzzer.internal_errors:
        print(f"\n{len(fuzzer.internal_errors)} errors of the fuzzer itself, e.g.:")
        for text in fuzzer.internal_errors[:3]:
            print("  " + text[-1500:].replace("\n", "\n  "))
    findings = sorted(
        fuzzer.findings.values(),
        key=lambda f: (CATEGORIES.index(f["category"]), f["kind"], f["where"]),
    )
    print(f"\n{len(findings)} distinct findings")
    for number, finding in enumerate(findings, 1):
        print(
            f"\n[{number}] {finding['category']}: {finding['kind']}: "
            f"{finding['name']} at {finding['where']}\n    {finding['count']}x, "
            f"roles {sorted(finding['roles'])}, "
            f"e.g. {finding['role']} {finding['target']}"
            f"{' (shrunk)' if finding['shrunk'] else ''}; targets: "
            f"{', '.join(sorted(finding['targets'])[:6])}"
            f"{'...' if len(finding['targets']) > 6 else ''}"
        )
        print(f"    args: {finding['args'][:600]}")
        tail = "\n".join((finding["debug"] or "").strip().splitlines()[-12:])
        if tail:
            print("    " + tail.replace("\n", "\n    "))
    out = args.workdir / "findings.json"
    with out.open("w") as handle:
        json.dump(
            [
                {
                    k: sorted(v) if isinstance(v, set) else v
                    for k, v in f.items()
                    if k != "signature"
                }
                for f in findings
            ],
            handle,
            indent=1,
        )
    print(f"\nall findings: {out}; server log: {args.logfile}")
    return 1 if findings else 0


def main():
    args = parse_args()
    args.addons_path = args.addons_path or _common.default_addons_path()
    args.workdir = Path(tempfile.mkdtemp(prefix="bti-fuzz-"))
    args.logfile = args.workdir / "odoo.log"
    data_dir = _server.data_dir_of(_server.setup_conf()[0])
    made = False
    if args.db is None:
        args.db = f"bti_fuzz_{datetime.datetime.now():%Y%m%d_%H%M%S}"
    server = fingerprint = None
    try:
        if args.db not in psql_databases():
            print(f"Making the demo database {args.db}...")
            made = True
            make_database(args, data_dir)
        else:
            print(f"Reusing {args.db} (accepted calls of earlier runs changed it)")
        print("Inventory (the registry, in this process)...")
        inv = inventory(args)
        methods = Counter(
            info["tier"]
            for m in inv["models"].values()
            for info in m["methods"].values()
        )
        print(
            f"  {len(inv['models'])} models, methods by tier "
            f"{dict(sorted(methods.items()))}, "
            f"{len(inv['routes'])} routes, {len(inv['tables'])} tables fingerprinted, "
            f"context keys {inv['context_keys']}"
        )
        from hypothesis import strategies as st  # noqa: PLC0415
        from hypothesis.errors import HypothesisWarning  # noqa: PLC0415

        import odoo  # noqa: PLC0415 (set up by the inventory)

        warnings.filterwarnings("ignore", category=HypothesisWarning)

        port = _server.free_port()
        base = f"http://127.0.0.1:{port}"
        conf = args.workdir / "odoo.conf"
        source = _server.write_conf(conf, args.addons_path, data_dir)
        server = _server.start(
            _server.odoo_command(conf, args.db, port, args.logfile),
            args.workdir / "server.out",
        )
        print(f"Server: {base} (config from {source or 'nothing'}), log {args.logfile}")
        started = time.monotonic()
        _server.wait_for(server, base, args.startup_timeout, args.logfile)
        print(f"  answers after {time.monotonic() - started:.0f} s")
        client = Client(base, args.db, inv, odoo)
        for role in [*args.roles, "anonymous", CONTROL_LOGIN]:
            if role not in client.sessions:
                client.login(role)
        # Warm up: the pages the portal renders (asset bundles made once).
        for role in args.roles:
            client.sessions[role].get(f"{base}/my/bti", timeout=300)
        fingerprint = Fingerprint(args.db, inv["tables"])
        watcher = LogWatcher(args.logfile)
        fuzzer = Fuzzer(args, inv, client, fingerprint, watcher, server, odoo)
        method_strategy, route_strategy = build_strategies(inv, st)
        print(
            f"Fuzzing for {args.minutes:g} min, roles {', '.join(args.roles)}, "
            f"{args.max_examples} examples per target, seed {args.seed}..."
        )
        started = time.monotonic()
        try:
            fuzzer.run(method_strategy, route_strategy, started, args.minutes * 60)
        except KeyboardInterrupt:
            print("interrupted: the figures so far")
        seconds = time.monotonic() - started
        return report(fuzzer, args, seconds)
    finally:
        _server.stop(server)
        if fingerprint:
            fingerprint.close()
        if made and not args.keep:
            print(f"dropping {args.db}")
            drop_database(args, data_dir)
        elif made:
            print(f"kept the database {args.db} (data dir {data_dir})")


if __name__ == "__main__":
    sys.exit(main())
