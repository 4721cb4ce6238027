#!/usr/bin/env bash
# Create the repo's Python venv (.venv) and install the dev tools into it.
#
# Usage: scripts/setup-python.sh [VENV_DIR]
#
#   VENV_DIR defaults to .venv at the repo root (git-ignored).
#   Installs/updates: pip, maturin, pytest, mypy, pandas, pyarrow, polars, duckdb,
#   dask[distributed] (PYTHON_PACKAGES=... overrides the list). Uses PYTHON (default python3) to create the venv.
# Idempotent: an existing venv is reused and pip skips what is already satisfied.
# Prints the venv path on stdout (last line: VENV=/path/.venv).
set -euo pipefail

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
log() { printf '[setup-python] %s\n' "$*" >&2; }
die() { printf '[setup-python] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then usage; exit 0; fi
if [[ $# -gt 1 ]]; then usage >&2; die "too many arguments"; fi
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$REPO_ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
read -r -a PACKAGES <<<"${PYTHON_PACKAGES:-maturin pytest mypy pandas pyarrow polars duckdb dask[distributed]}"

command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  log "reusing venv $VENV ($("$VENV/bin/python" --version))"
else
  if [[ -e "$VENV" ]]; then log "$VENV exists but is not a working venv: recreating it"; fi
  rm -rf "$VENV"
  log "creating venv $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV" \
    || die "python3 -m venv failed (on Debian's python3: apt-get install python3-venv)"
fi

PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
log "upgrading pip"
"${PIP[@]}" install --quiet --upgrade pip || die "pip upgrade failed"
log "installing ${PACKAGES[*]}"
"${PIP[@]}" install --quiet "${PACKAGES[@]}" || die "pip install ${PACKAGES[*]} failed"

"$VENV/bin/python" - "${PACKAGES[@]}" <<'EOF' >&2 || die "installed packages do not import/resolve"
import sys
from importlib.metadata import version
print("[setup-python] " + ", ".join(f"{p} {version(p)}" for p in ["pip", *sys.argv[1:]]))
EOF
echo "VENV=$VENV"
