#!/usr/bin/env bash
# Installs trafilatura (Python, from PyPI) into .deps/trafilatura-venv for `newsmine eval html`,
# which scores it on the same benchmark in the same run. Idempotent; not needed by the pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.deps/trafilatura-venv
PY=${PYTHON:-python3}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import trafilatura" 2>/dev/null; then
    exit 0
fi
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/trafilatura_requirements.txt
"$VENV/bin/python" -c "import trafilatura; print('trafilatura', trafilatura.__version__, 'installed in $VENV')"
