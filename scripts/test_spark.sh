#!/usr/bin/env bash
# `make test-spark`: proves that `rdd.pipe("newsmine run - -q")` works on Spark. Installs PySpark
# (PyPI) into .deps/spark-venv and a Java runtime (Debian's default-jre-headless) when missing,
# then runs scripts/spark_job.py: a local-mode job (local[2], 3 partitions) that pipes a JSONL
# corpus through the binary and compares the JSON lines with a single `newsmine run -`.
# Skips (exit 0, with a message) where Java or PySpark cannot be installed; exits 1 when the
# job's lines differ. Without the shipped models it runs the model-free stages only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NEWSMINE_BIN:-target/release/newsmine}
VENV=.deps/spark-venv
PY=${PYTHON:-python3}
skip() { echo "test-spark: SKIPPED: $*" >&2; exit 0; }

[ -x "$BIN" ] || { echo "test-spark: $BIN not built (make build)" >&2; exit 2; }

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -1; }
if ! command -v java >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-spark: installing a Java runtime (default-jre-headless)" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; } \
            || skip "no Java runtime, and apt-get could not install default-jre-headless"
    else
        skip "no Java runtime (install one, e.g. apt-get install default-jre-headless), and not root to install it"
    fi
fi
JAVA=$(java_major)
[ -n "$JAVA" ] || skip "cannot tell the Java version ($(java -version 2>&1 | head -1))"
# Spark 4 needs Java 17+; Spark 3.5 runs on Java 8, 11 and 17
if [ "$JAVA" -ge 17 ]; then SPEC='pyspark>=4,<5'; else SPEC='pyspark>=3.5,<4'; fi

if ! { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import pyspark" 2>/dev/null; }; then
    echo "test-spark: installing $SPEC into $VENV" >&2
    "$PY" -m venv "$VENV" || skip "cannot create $VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$SPEC" \
        || skip "cannot install $SPEC from PyPI"
fi

FLAGS=""
if [ ! -f models/ner/model.safetensors ] || [ ! -f models/stance/model.safetensors ]; then
    echo "test-spark: models/ner or models/stance not present: model-free stages only" >&2
    FLAGS="--skip ner --skip stance"
fi
echo "test-spark: Java $JAVA, $("$VENV/bin/python" -c 'import pyspark; print("PySpark", pyspark.__version__)')" >&2
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
# the executors are this machine's Python: the venv's, not whatever `python3` PATH finds
export PYSPARK_PYTHON="$PWD/$VENV/bin/python"
"$VENV/bin/python" scripts/spark_job.py --bin "$BIN" --flags "$FLAGS" --root .
