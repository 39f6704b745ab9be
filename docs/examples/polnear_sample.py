"""A few hundred PolNeAR articles for the outlet report in the README (docs/report.png).

PolNeAR (2016 US election news, seven publishers) has one record per annotator, so an article
can appear twice: keep one record per `filename`, then `PER_OUTLET` articles per publisher spread
evenly over its dates, so the report's stance-over-time chart has every month. Only the fields
newsmine reads are kept (`publisher` becomes `outlet`, `date` becomes `published`).

    python3 docs/examples/polnear_sample.py ../shared/data/quotes/polnear/polnear_*.jsonl > polnear.jsonl
"""
import json
import sys

PER_OUTLET = 40


def main(paths):
    articles = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                articles.setdefault(r["filename"], r)
    by_outlet = {}
    for r in articles.values():
        by_outlet.setdefault(r["publisher"], []).append(r)
    for outlet in sorted(by_outlet):
        rows = sorted(by_outlet[outlet], key=lambda r: (r["date"], r["filename"]))
        step = max(len(rows) / PER_OUTLET, 1.0)
        for i in range(min(PER_OUTLET, len(rows))):
            r = rows[int(i * step)]
            print(json.dumps({"id": r["filename"], "publisher": outlet, "date": r["date"],
                              "title": r["title"], "text": r["text"]}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
