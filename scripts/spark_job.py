"""Proves `rdd.pipe("newsmine run - -q")` on Spark: a local-mode job (local[2], 3 partitions) pipes
a JSONL corpus through the binary and checks that the collected JSON lines equal one
`newsmine run -` over the same input (both sorted). Run by scripts/test_spark.sh (`make test-spark`).

Each pipe numbers the lines of its own stdin, so an article's `source` ("<stdin>:N") and an input
error's `record` say where the record was in that partition; they are the only fields compared
without, and the comparison says so. Model scores depend in their last digits on which articles
share a batch (and on the run-wide cache of model outputs), so the exact check runs with
`--batch 1 --no-cache`; the default settings are compared with floats to 0.01.
"""
import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path


def corpus_lines(root: Path) -> list[str]:
    """A small JSONL corpus from the repository's own texts: the bundled article, its paragraphs
    as articles of their own, the test corpus, and two bad records (errors must survive a pipe)."""
    recs = []
    for p in sorted((root / "corpus").rglob("*.txt")) + sorted((root / "tests/data/good").rglob("*.txt")):
        text = p.read_text(encoding="utf-8")
        recs.append({"id": str(p.relative_to(root)), "outlet": p.parent.name, "text": text})
        for i, para in enumerate(t for t in text.split("\n\n") if len(t.split()) > 8):
            recs.append({"id": f"{p.relative_to(root)}#{i}", "outlet": "paragraphs", "text": para})
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    lines += (root / "tests/data/good/outlet_b/feed.jsonl").read_text(encoding="utf-8").splitlines()
    lines += ['{"id": "broken", "text": "no closing quote', '{"id": "no-text", "title": "t"}']
    return [line for line in lines if line.strip()]


def positionless(line: str) -> dict:
    d = json.loads(line)
    if "error" in d:
        d["error"].pop("record", None)
    else:
        d.pop("source", None)
    return d


def first_difference(x, y, tol: float, path: str = "") -> tuple[str | None, float]:
    """The first path where x and y differ (floats by more than `tol`), and the largest float
    difference seen."""
    if isinstance(x, float) and isinstance(y, float):
        return (path if abs(x - y) > tol else None), abs(x - y)
    if type(x) is not type(y) or (isinstance(x, list) and len(x) != len(y)):
        return f"{path}: {str(x)[:80]} vs {str(y)[:80]}", 0.0
    worst, found = 0.0, None
    if isinstance(x, dict) or isinstance(x, list):
        keys = sorted(set(x) | set(y)) if isinstance(x, dict) else range(len(x))
        for k in keys:
            if isinstance(x, dict) and (k not in x or k not in y):
                return f"{path}.{k}: only on one side", worst
            f, w = first_difference(x[k], y[k], tol, f"{path}.{k}" if isinstance(x, dict) else f"{path}[{k}]")
            worst = max(worst, w)
            found = found or f
        return found, worst
    return (None if x == y else f"{path}: {x!r} vs {y!r}"), 0.0


def compare(piped: list[str], single: list[str], tol: float) -> tuple[str | None, float]:
    def key(d):
        return json.dumps(d.get("article_id", d.get("error")), sort_keys=True)

    a = sorted(map(positionless, piped), key=key)
    b = sorted(map(positionless, single), key=key)
    if len(a) != len(b):
        return f"{len(a)} piped lines, {len(b)} in the single run", 0.0
    worst = 0.0
    for x, y in zip(a, b):
        f, w = first_difference(x, y, tol, key(x))
        worst = max(worst, w)
        if f:
            return f, worst
    return None, worst


def run_both(spark, lines: list[str], cmd: list[str]) -> tuple[list[str], list[str], list[int]]:
    rdd = spark.sparkContext.parallelize(lines, 3)
    sizes = rdd.glom().map(len).collect()
    # exit code 1 (some records failed) is expected: the two bad records
    piped = rdd.pipe(shlex.join(cmd), checkCode=False).collect()
    single = subprocess.run(cmd, input="\n".join(lines) + "\n", capture_output=True, text=True)
    if single.returncode not in (0, 1):
        raise SystemExit(f"spark job: FAILED: the single run exited {single.returncode}: {single.stderr[-2000:]}")
    return piped, single.stdout.splitlines(), sizes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True, help="the newsmine binary")
    ap.add_argument("--flags", default="", help="more `newsmine run` flags, e.g. '--skip ner'")
    ap.add_argument("--root", default=".", help="the repository")
    a = ap.parse_args()
    from pyspark.sql import SparkSession

    base = [str(Path(a.bin).resolve()), "run", "-", "-q", "-j", "1", *shlex.split(a.flags)]
    lines = corpus_lines(Path(a.root))
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("newsmine-pipe")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    failed = False
    # The models batch the units of all articles of a `--batch`, and a score's last digits
    # depend on its batch-mates (padding, bf16 sums); a run-wide cache of model outputs hands a
    # repeated sentence the numbers it got in its first batch. With `--batch 1` (and the cache
    # off) each article's numbers are its own, so the lines must be equal exactly. The default
    # settings are checked too, with floats to 0.01 (labels, spans and texts exactly).
    help_text = subprocess.run([base[0], "run", "--help"], capture_output=True, text=True).stdout
    exact = ["--batch", "1"] + (["--no-cache"] if "--no-cache" in help_text else [])
    checks = [(" ".join(exact), exact, 0.0), ("default settings", [], 0.01)]
    for name, extra, tol in checks:
        cmd = base + extra
        piped, one, sizes = run_both(spark, lines, cmd)
        errors = sum(1 for line in one if line.startswith('{"error"'))
        print(
            f"spark job ({name}): {len(lines)} input lines in {len(sizes)} partitions {sizes}; "
            f"piped: {len(piped)} JSON lines, single run: {len(one)} ({len(one) - errors} articles, "
            f"{errors} errors); command: {shlex.join(cmd)}"
        )
        if len(sizes) != 3 or min(sizes) == 0:
            print("spark job: FAILED: expected 3 non-empty partitions", file=sys.stderr)
            failed = True
            continue
        diff, worst = compare(piped, one, tol)
        if diff:
            print(f"spark job ({name}): FAILED: piped lines differ from the single run at {diff}", file=sys.stderr)
            failed = True
            continue
        raw = sorted(piped) == sorted(one)
        print(
            f"spark job ({name}): OK: the piped JSON lines equal the single run's (sorted)"
            + (", byte for byte" if raw else ", apart from `source` / `record` (each pipe's own stdin line number)")
            + (f"; largest score difference {worst:.2g}" if tol else "")
        )
    spark.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
