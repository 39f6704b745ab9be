#!/usr/bin/env bash
# Installs DuckDB's Python package (PyPI) into .deps/duckdb-venv: `tests/parquet.rs` reads the
# Parquet tables with it. Idempotent; not needed by the pipeline. Exits non-zero when PyPI
# cannot be reached (the test then skips with a message).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.deps/duckdb-venv
PY=${PYTHON:-python3}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
    exit 0
fi
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "duckdb>=1.0"
"$VENV/bin/python" -c "import duckdb; print('duckdb', duckdb.__version__, 'installed in $VENV')"
