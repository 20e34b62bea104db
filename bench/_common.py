"""Shared helpers of the benchmark scripts: where Odoo is, how to configure it."""

import configparser
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "bti_bench"


def odoo_src():
    """The Odoo 18.0 source tree, found the way setup/common.sh finds it."""
    for candidate in (
        os.environ.get("ODOO_SRC"),
        "/opt/odoo/18.0",
        str(REPO_ROOT / ".cache" / "odoo-18.0"),
    ):
        if candidate and (Path(candidate) / "odoo-bin").is_file():
            return Path(candidate).resolve()
    sys.exit(
        "Odoo 18.0 source not found: set ODOO_SRC "
        "(a directory holding odoo/ and odoo-bin)."
    )


def default_addons_path():
    """The addons path of setup/common.sh's config, else Odoo's and the repo."""
    conf = REPO_ROOT / ".cache" / "odoo.conf"
    if conf.is_file():
        parser = configparser.ConfigParser()
        parser.read(conf)
        path = parser.get("options", "addons_path", fallback="")
        if path:
            return path
    src = odoo_src()
    paths = [src / "odoo" / "addons"]
    if (src / "addons").is_dir():
        paths.append(src / "addons")
    paths.append(REPO_ROOT)
    return ",".join(str(p) for p in paths)


def odoo_conf():
    """The config setup/ writes (``.cache/odoo.conf``) of this checkout, else
    of the main worktree (a git worktree has no ``.cache`` of its own); None
    without one."""
    candidates = [REPO_ROOT / ".cache" / "odoo.conf"]
    try:
        common = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--path-format=absolute"]
            + ["--git-common-dir"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        candidates.append(Path(common).parent / ".cache" / "odoo.conf")
    except (OSError, subprocess.CalledProcessError):
        pass
    return next((path for path in candidates if path.is_file()), None)


def add_addons_path_argument(parser):
    parser.add_argument(
        "--addons-path",
        default=None,
        help="Odoo addons path (default: the one of .cache/odoo.conf written by "
        "setup/, else Odoo's addons and this repository)",
    )


def add_common_arguments(parser):
    parser.add_argument(
        "--db", default=DEFAULT_DB, help="database name (default %(default)s)"
    )
    add_addons_path_argument(parser)
    parser.add_argument(
        "--log-level", default="warn", help="Odoo log level (default %(default)s)"
    )


def setup_odoo(args):
    """Configure Odoo in this process and return the ``odoo`` package."""
    src = str(odoo_src())
    if src not in sys.path:
        sys.path.insert(0, src)
    import odoo  # noqa: PLC0415 (imported once the path is known)

    addons_path = args.addons_path or default_addons_path()
    args.addons_path = addons_path
    odoo.tools.config.parse_config(
        ["-d", args.db, f"--addons-path={addons_path}", f"--log-level={args.log_level}"]
    )
    return odoo


def percentile(values, pct):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]
