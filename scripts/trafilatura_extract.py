#!/usr/bin/env python3
"""Runs trafilatura on the article-extraction benchmark pages, called as the benchmark's own
extractors/run_trafilatura.py calls it (extract(html, include_comments=False)).

Usage: trafilatura_extract.py BENCHMARK_DIR
Prints one JSON object: {"version", "seconds" (extraction only), "pages": {id: text}}.
"""
import gzip
import json
import sys
import time
from pathlib import Path

import trafilatura


def main():
    root = Path(sys.argv[1])
    pages = {}
    seconds = 0.0
    for path in sorted((root / "html").glob("*.html.gz")):
        with gzip.open(path, "rt", encoding="utf8") as f:
            html = f.read()
        start = time.perf_counter()
        text = trafilatura.extract(html, include_comments=False)
        seconds += time.perf_counter() - start
        pages[path.name.split(".")[0]] = text or ""
    json.dump({"version": trafilatura.__version__, "seconds": seconds, "pages": pages}, sys.stdout)


if __name__ == "__main__":
    main()
