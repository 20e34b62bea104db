#!/usr/bin/env bash
# Shared install step for setup/run and setup/test. Source it, do not run it.
#
# Idempotent: the second run only checks things and reinstalls nothing unless
# requirements*.txt, the Python version or ODOO_SRC changed.
#
# Environment overrides:
#   ODOO_SRC               Odoo 18.0 source tree (holds odoo/ and odoo-bin).
#                          Default /opt/odoo/18.0, else a downloaded copy in .cache/.
#   BTI_PYTHON             Python interpreter for the venv (default python3.11).
#   BTI_EXTRA_ADDONS_PATH  Colon separated extra directories of addons; every
#                          addon found there is treated like a BTI addon
#                          (used to test the tooling itself).
#   BTI_ADDONS_OVERRIDE    Comma separated addon names to install/test instead
#                          of the auto-discovered ones.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache"
VENV="$REPO_ROOT/.venv"
ODOO_CONF="$CACHE_DIR/odoo.conf"
ODOO_DEFAULT_SRC=/opt/odoo/18.0
ODOO_ARCHIVE_URL="https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
ODOO_CACHE_SRC="$CACHE_DIR/odoo-18.0"

log() { printf '\033[1;34m[bti]\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33m[bti] WARNING:\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31m[bti] ERROR:\033[0m %s\n' "$*" >&2
    exit 1
}

mkdir -p "$CACHE_DIR"

# --------------------------------------------------------------------------
# System packages (Chromium for browser tests, the libraries and fonts of
# wkhtmltopdf for PDF reports, poppler-utils to check those PDFs)
# --------------------------------------------------------------------------
# What the patched-Qt wkhtmltopdf (ensure_wkhtmltopdf) links dynamically.
WKHTMLTOPDF_DEBS=(libxrender1 libfontconfig1 libfreetype6 libxext6 libx11-6 zlib1g)

deb_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

find_chrome() {
    local b
    for b in google-chrome chromium chromium-browser google-chrome-stable; do
        if command -v "$b" >/dev/null 2>&1; then
            command -v "$b"
            return 0
        fi
    done
    return 1
}

ensure_system_packages() {
    local missing=()
    find_chrome >/dev/null || missing+=(chromium)
    command -v npm >/dev/null 2>&1 || missing+=(npm) # axe-core for the accessibility tests
    if command -v dpkg-query >/dev/null 2>&1; then
        local p
        for p in "${WKHTMLTOPDF_DEBS[@]}"; do
            deb_installed "$p" || missing+=("$p")
        done
        # Debian's wkhtmltopdf (unpatched Qt) would shadow ours on PATH.
        if deb_installed wkhtmltopdf; then
            if [ "$(id -u)" -eq 0 ]; then
                log "removing Debian's wkhtmltopdf (unpatched Qt: no report header/footer, fonts as outlines)"
                DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq wkhtmltopdf >/dev/null
            else
                warn "Debian's wkhtmltopdf (unpatched Qt) is installed and comes first on PATH
    for Odoo started outside setup/; remove it: sudo apt-get remove wkhtmltopdf"
            fi
        fi
    fi
    # PDF tests read the reports' text and pages with pdftotext/pdfinfo
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    # fonts used by reports and the web client (cheap check)
    [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing system packages: ${missing[*]}. Install them as root, e.g.:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "missing system packages: ${missing[*]} and no apt-get here; install them by hand."
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --------------------------------------------------------------------------
# Odoo source
# --------------------------------------------------------------------------
odoo_src_ok() { [ -d "$1/odoo" ] && [ -f "$1/odoo/release.py" ] && [ -f "$1/odoo-bin" ]; }

ensure_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        odoo_src_ok "$ODOO_SRC" ||
            die "ODOO_SRC=$ODOO_SRC does not look like an Odoo 18.0 source tree (needs odoo/ and odoo-bin)."
    elif odoo_src_ok "$ODOO_DEFAULT_SRC"; then
        ODOO_SRC="$ODOO_DEFAULT_SRC"
    elif odoo_src_ok "$ODOO_CACHE_SRC"; then
        ODOO_SRC="$ODOO_CACHE_SRC"
    else
        log "no Odoo source at $ODOO_DEFAULT_SRC; downloading $ODOO_ARCHIVE_URL"
        local tmp="$CACHE_DIR/odoo-download"
        rm -rf "$tmp" && mkdir -p "$tmp"
        if curl -fL --retry 2 -o "$tmp/odoo.tar.gz" "$ODOO_ARCHIVE_URL" &&
            tar -xzf "$tmp/odoo.tar.gz" -C "$tmp"; then
            local top
            top="$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)"
            # the nightly sdist ships the launcher as setup/odoo
            if [ ! -f "$top/odoo-bin" ] && [ -f "$top/setup/odoo" ]; then
                cp "$top/setup/odoo" "$top/odoo-bin"
            fi
            rm -rf "$ODOO_CACHE_SRC" && mv "$top" "$ODOO_CACHE_SRC"
        fi
        rm -rf "$tmp"
        odoo_src_ok "$ODOO_CACHE_SRC" ||
            die "could not find or download the Odoo 18.0 source.
Set ODOO_SRC to an Odoo 18.0 checkout (a directory holding odoo/ and odoo-bin), e.g.
    ODOO_SRC=\$HOME/src/odoo-18.0 setup/test"
        ODOO_SRC="$ODOO_CACHE_SRC"
    fi
    ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
    grep -q "18, 0" "$ODOO_SRC/odoo/release.py" ||
        warn "$ODOO_SRC does not look like Odoo 18.0 (odoo/release.py)"
    ODOO_BIN="$ODOO_SRC/odoo-bin"
    export ODOO_SRC ODOO_BIN
}

# --------------------------------------------------------------------------
# Python virtualenv
# --------------------------------------------------------------------------
pick_python() {
    local p
    for p in "${BTI_PYTHON:-}" python3.11 python3.12 python3.10 python3; do
        [ -n "$p" ] || continue
        if command -v "$p" >/dev/null 2>&1 &&
            "$p" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))'; then
            echo "$p"
            return 0
        fi
    done
    die "no Python 3.10-3.12 found (Odoo 18.0 needs one; 3.11 recommended). Set BTI_PYTHON."
}

venv_pip() {
    # quiet pip; drop the noise of unreachable local find-links from pip.conf
    "$VENV/bin/python" -m pip -q --disable-pip-version-check "$@" 2>&1 |
        { grep -v 'is ignored: it is neither a file nor a directory' || true; }
    return "${PIPESTATUS[0]}"
}

ensure_venv() {
    local stamp="$VENV/.bti-requirements.sha256" want have=""
    local py
    py="$(pick_python)"
    want="$({
        cat "$REPO_ROOT/requirements.txt" "$REPO_ROOT/requirements-dev.txt" 2>/dev/null
        "$py" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1)"
    [ -f "$stamp" ] && have="$(cat "$stamp")"
    if [ ! -x "$VENV/bin/python" ] || [ "$want" != "$have" ]; then
        if [ ! -x "$VENV/bin/python" ]; then
            log "creating virtualenv $VENV with $py"
            "$py" -m venv "$VENV"
        fi
        log "installing Python requirements into .venv (first run takes a few minutes)"
        venv_pip install -U pip wheel
        local reqs=(-r "$REPO_ROOT/requirements.txt")
        [ -f "$REPO_ROOT/requirements-dev.txt" ] && reqs+=(-r "$REPO_ROOT/requirements-dev.txt")
        venv_pip install "${reqs[@]}" || die "pip install into $VENV failed (see above)"
        echo "$want" >"$stamp"
    fi
    # make `import odoo` work inside the venv
    local site pth
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    pth="$site/odoo-src.pth"
    if [ "$(cat "$pth" 2>/dev/null)" != "$ODOO_SRC" ]; then
        echo "$ODOO_SRC" >"$pth"
    fi
    PY="$VENV/bin/python"
    export PATH="$VENV/bin:$PATH" PY
}

# --------------------------------------------------------------------------
# wkhtmltopdf with patched Qt (see requirements-wkhtmltopdf.txt)
# --------------------------------------------------------------------------
WKHTMLTOPDF_REQ="$REPO_ROOT/requirements-wkhtmltopdf.txt"
WKHTMLTOPDF_DIR="$CACHE_DIR/wkhtmltopdf"
WKHTMLTOPDF_BIN="$WKHTMLTOPDF_DIR/bin/wkhtmltopdf"

ensure_wkhtmltopdf() {
    local stamp="$WKHTMLTOPDF_DIR/.requirements.sha256" want have=""
    want="$(sha256sum "$WKHTMLTOPDF_REQ" | cut -d' ' -f1)"
    [ -f "$stamp" ] && have="$(cat "$stamp")"
    if [ ! -x "$WKHTMLTOPDF_BIN" ] || [ "$want" != "$have" ]; then
        log "unpacking wkhtmltopdf with patched Qt into $WKHTMLTOPDF_DIR"
        local tmp sdist
        tmp="$(mktemp -d)"
        venv_pip download --no-deps --no-build-isolation --require-hashes \
            -r "$WKHTMLTOPDF_REQ" -d "$tmp" ||
            die "could not download the wkhtmltopdf build pinned in $WKHTMLTOPDF_REQ"
        sdist="$(find "$tmp" -maxdepth 1 -name '*.tar.gz' | head -n1)"
        if ! { tar --no-same-owner -xzf "$sdist" -C "$tmp" --wildcards '*/wkhtmltox.tar.gz' &&
            tar --no-same-owner -xzf "$tmp"/*/wkhtmltox.tar.gz -C "$tmp" wkhtmltox/bin/wkhtmltopdf; }; then
            die "no wkhtmltopdf binary in $sdist"
        fi
        rm -rf "$WKHTMLTOPDF_DIR" && mkdir -p "$WKHTMLTOPDF_DIR/bin"
        mv "$tmp/wkhtmltox/bin/wkhtmltopdf" "$WKHTMLTOPDF_BIN"
        rm -rf "$tmp"
        echo "$want" >"$stamp"
    fi
    local version
    version="$("$WKHTMLTOPDF_BIN" --version 2>&1)" ||
        die "$WKHTMLTOPDF_BIN does not run: $version (missing libraries? ldd $WKHTMLTOPDF_BIN)"
    case "$version" in
    *"with patched qt"*) ;;
    *) die "$WKHTMLTOPDF_BIN is not built with patched Qt: $version" ;;
    esac
    # first on PATH for everything setup/ starts; odoo.conf's bin_path for the rest
    export PATH="$WKHTMLTOPDF_DIR/bin:$PATH"
}

# --------------------------------------------------------------------------
# axe-core (accessibility rules the browser tests inject; never committed)
# --------------------------------------------------------------------------
AXE_CORE_VERSION=4.14.1
AXE_CORE_SHA1=14d8a6f3f085afd126b8b5ca1e42e50e17fb1d99 # npm view axe-core@4.14.1 dist.shasum
AXE_CORE_DIR="$CACHE_DIR/axe-core"

ensure_axe_core() {
    local stamp="$AXE_CORE_DIR/.version"
    if [ ! -f "$AXE_CORE_DIR/axe.min.js" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$AXE_CORE_VERSION" ]; then
        command -v npm >/dev/null 2>&1 ||
            die "npm not found: it fetches axe-core $AXE_CORE_VERSION for the accessibility tests
    (Debian: apt-get install npm)."
        log "fetching axe-core $AXE_CORE_VERSION from npm into $AXE_CORE_DIR"
        local tmp tgz
        tmp="$(mktemp -d)"
        (cd "$tmp" && npm pack --silent "axe-core@$AXE_CORE_VERSION" >/dev/null) ||
            die "could not download axe-core $AXE_CORE_VERSION from npm"
        tgz="$tmp/axe-core-$AXE_CORE_VERSION.tgz"
        [ "$(sha1sum "$tgz" | cut -d' ' -f1)" = "$AXE_CORE_SHA1" ] ||
            die "axe-core $AXE_CORE_VERSION: checksum mismatch"
        tar --no-same-owner -xzf "$tgz" -C "$tmp" package/axe.min.js package/LICENSE
        rm -rf "$AXE_CORE_DIR" && mkdir -p "$AXE_CORE_DIR"
        mv "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$AXE_CORE_DIR/"
        rm -rf "$tmp"
        echo "$AXE_CORE_VERSION" >"$stamp"
    fi
    # read by bti_core/tests/test_accessibility.py (default: this path)
    BTI_AXE_JS="$AXE_CORE_DIR/axe.min.js"
    export BTI_AXE_JS
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
ensure_postgres() {
    ensure_postgres_up
    ensure_postgres_role
}

# The current login needs a role that can create databases. As root, grant it
# through the postgres superuser when it is missing (a fresh Debian cluster).
ensure_postgres_role() {
    local me can
    me="$(id -un)"
    can="$(psql -d postgres -tAc "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user" 2>/dev/null || true)"
    [ "$can" = t ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! id postgres >/dev/null 2>&1; then
        die "PostgreSQL role $me cannot create databases. Run: sudo -u postgres createuser -s $me"
    fi
    log "granting PostgreSQL role $me the right to create databases"
    if [ -z "$can" ]; then
        su postgres -c "createuser --superuser $me"
    else
        su postgres -c "psql -qc 'ALTER ROLE \"$me\" CREATEDB'"
    fi
}

ensure_postgres_up() {
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q; then
        return 0
    fi
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver name status started=0
        while read -r ver name _port status _rest; do
            [ "$status" = down ] || continue
            if [ "$(id -u)" -ne 0 ]; then
                die "PostgreSQL cluster $ver/$name is down. Start it, e.g.: sudo pg_ctlcluster $ver $name start"
            fi
            log "starting PostgreSQL cluster $ver/$name"
            pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
            started=1
        done < <(pg_lsclusters --no-header 2>/dev/null)
        if [ "$started" = 1 ]; then
            local _
            for _ in $(seq 1 20); do
                pg_isready -q && return 0
                sleep 0.5
            done
        fi
        pg_isready -q && return 0
        die "PostgreSQL is installed but not reachable (see pg_lsclusters)."
    fi
    if command -v psql >/dev/null 2>&1; then
        die "PostgreSQL is not reachable (psql exists but the server does not answer; check PGHOST/PGPORT)."
    fi
    die "PostgreSQL not found. Install it (Debian: apt-get install postgresql) and create a
superuser role for $(id -un): sudo -u postgres createuser -s $(id -un)"
}

# --------------------------------------------------------------------------
# Addons and Odoo configuration
# --------------------------------------------------------------------------
discover_addons() {
    BTI_ADDONS=()
    local d
    for d in "$REPO_ROOT"/*/; do
        [ -f "$d/__manifest__.py" ] && BTI_ADDONS+=("$(basename "$d")")
    done
    EXTRA_ADDONS_DIRS=()
    if [ -n "${BTI_EXTRA_ADDONS_PATH:-}" ]; then
        local p
        IFS=: read -r -a EXTRA_ADDONS_DIRS <<<"$BTI_EXTRA_ADDONS_PATH"
        for p in "${EXTRA_ADDONS_DIRS[@]}"; do
            for d in "$p"/*/; do
                [ -f "$d/__manifest__.py" ] && BTI_ADDONS+=("$(basename "$d")")
            done
        done
    fi
    if [ -n "${BTI_ADDONS_OVERRIDE:-}" ]; then
        IFS=, read -r -a BTI_ADDONS <<<"$BTI_ADDONS_OVERRIDE"
    fi
    [ ${#BTI_ADDONS[@]} -gt 0 ] ||
        die "no addon (directory with __manifest__.py) found in $REPO_ROOT"
    BTI_ADDONS_CSV="$(
        IFS=,
        echo "${BTI_ADDONS[*]}"
    )"
    export BTI_ADDONS_CSV
}

write_odoo_conf() {
    local paths=("$ODOO_SRC/odoo/addons")
    [ -d "$ODOO_SRC/addons" ] && paths+=("$ODOO_SRC/addons")
    local p
    for p in "${EXTRA_ADDONS_DIRS[@]}"; do
        paths+=("$(cd "$p" && pwd)")
    done
    paths+=("$REPO_ROOT")
    local new
    new="$(
        IFS=,
        cat <<EOF
# Generated by setup/common.sh -- do not edit, do not commit.
[options]
addons_path = ${paths[*]}
data_dir = $CACHE_DIR/data
bin_path = $WKHTMLTOPDF_DIR/bin
admin_passwd = admin
http_port = 8069
workers = 0
max_cron_threads = 0
limit_time_cpu = 600
limit_time_real = 1200
EOF
    )"
    if [ "$(cat "$ODOO_CONF" 2>/dev/null)" != "$new" ]; then
        echo "$new" >"$ODOO_CONF"
    fi
    export ODOO_CONF
}

# Hash of every file of the BTI addons (for "update only when changed").
addons_hash() {
    local dirs=() a p
    for a in "${BTI_ADDONS[@]}"; do
        if [ -d "$REPO_ROOT/$a" ]; then
            dirs+=("$REPO_ROOT/$a")
        else
            for p in "${EXTRA_ADDONS_DIRS[@]}"; do
                [ -d "$p/$a" ] && dirs+=("$p/$a")
            done
        fi
    done
    find "${dirs[@]}" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 |
        sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

bti_install() {
    local t0=$SECONDS
    ensure_system_packages
    ensure_odoo_src
    ensure_venv
    ensure_wkhtmltopdf
    ensure_axe_core
    ensure_postgres
    discover_addons
    write_odoo_conf
    log "ready in $((SECONDS - t0))s: Odoo $ODOO_SRC, addons: $BTI_ADDONS_CSV, config $ODOO_CONF"
}
