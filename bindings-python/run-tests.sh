#!/usr/bin/env bash
# Builds and tests the Python binding: the repo venv (.venv at the repository root), the
# package installed as a user would (`pip install ./bindings-python`, maturin building the
# Rust), pytest on bindings-python/tests, and mypy's stubtest on the type stubs.
#
#   bindings-python/run-tests.sh [PYTEST ARGS...]
#
# Needs Python 3.10+ with venv and pip, and Rust (rustup); reaches PyPI and crates.io only.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

# Share the workspace's build cache, and find cargo where rustup puts it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
if [ -d "$HOME/.cargo/bin" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"  # the maturin backend runs the `maturin` command

# The data kinds the tests read (pandas, pyarrow, polars, DuckDB) and Dask's local cluster.
"$PY" -m pip install --quiet --disable-pip-version-check maturin pytest mypy pandas pyarrow polars duckdb "dask[distributed]"
# Spark's local mode needs Java: pyspark (a large download) only where the machine has it; the
# Spark test is a listed skip elsewhere.
if java -version >/dev/null 2>&1; then
    "$PY" -m pip install --quiet --disable-pip-version-check pyspark
else
    echo "no Java here: pyspark not installed, the Spark test will be skipped"
fi

echo "building and installing attain (pip install ./bindings-python; cargo's output follows)"
# --verbose: pip passes on maturin's and cargo's progress (the first build takes minutes); the
# progress lines are shown as they come, the whole output is kept, and shown when the build fails.
BUILD_LOG="$(mktemp)"
if ! "$PY" -m pip install --verbose --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps "$HERE" 2>&1 \
    | tee "$BUILD_LOG" | awk '/^ *(Compiling|Finished|Built wheel|Successfully installed)/ { print; fflush() }'; then
    tail -n 80 "$BUILD_LOG"
    echo "the Python build failed; its whole output: $BUILD_LOG" >&2
    exit 1
fi
rm -f "$BUILD_LOG"

cd "$HERE"
"$PY" -m pytest "$HERE/tests" -p no:cacheprovider -rs "$@"

echo "stubtest: attain, attain._native, attain.pytest_plugin"
"$PY" -m mypy.stubtest attain
