# newsmine: two commands for a newcomer (each installs what it needs, idempotently):
#   make run    run the pipeline on the bundled corpus/ with the shipped models -> out/
#   make test   run the test suite
SHELL := /bin/bash
BIN := target/release/newsmine
OUT ?= out
DATA ?= ../shared/data

.PHONY: setup build run test test-core test-spark lint eval-ner eval-quotes eval-stance eval-html train-stance train-quotes train-quote-tagger bench clean-out

setup:
	@bash scripts/setup.sh

build: setup
	cargo build --release --locked

run: build
	$(BIN) run corpus/ --out $(OUT)
	@echo "tables written to $(OUT)/: articles, entities, entity_counts, quotes, stance, article_stance, speakers, outlets, errors (.csv) and run.json; columns in docs/SCHEMA.md"

# both crates: the model-free newsmine-core as it is built alone (no libtorch), then newsmine
# with the models (one `--workspace` run would build the core with the models feature and link
# its test binary to libtorch without the root crate's rpath)
test: setup
	cargo test --release --locked -p newsmine-core
	cargo test --release --locked -p newsmine

# the model-free crate alone (document model, readers, text, quote rules, aggregation, tables):
# builds and passes without libtorch, so it needs no set-up
test-core:
	cargo test --release --locked -p newsmine-core

# rdd.pipe on a local Spark (installs PySpark into .deps/spark-venv and a Java runtime when
# missing; skips with a message where it cannot): its JSON lines equal one `newsmine run -`.
test-spark: build
	bash scripts/test_spark.sh

lint: setup
	cargo fmt --check
	cargo clippy --release --workspace --all-targets --locked -- -D warnings

# Evaluations on ../shared/data (not part of the tests).
eval-ner: build
	$(BIN) eval ner --conll $(DATA)/ner/conll2003/eng.testb
	$(BIN) eval ner --conll $(DATA)/ner/wnut17/emerging.test.annotated --types PER,LOC,ORG

eval-quotes: build
	$(BIN) eval quotes --polnear $(DATA)/quotes/polnear/polnear_dev.jsonl

eval-stance: build
	$(BIN) eval stance --all $(DATA)/stance --max-per-set 1000
	$(BIN) eval stance --data vast=$(DATA)/stance/vast/vast_dev.csv --heldout 13 --zero-shot
	$(BIN) eval article-stance --persent $(DATA)/stance/persent/random_test.csv

# HTML extraction vs trafilatura (installed into .deps/trafilatura-venv from PyPI) in one run,
# and page metadata vs Readability's expected metadata.
eval-html: build
	bash scripts/setup_trafilatura.sh
	$(BIN) eval html --benchmark $(DATA)/news/article_extraction_benchmark --metadata $(DATA)/news/readability_news_pages

# Retrains models/stance and its article model exactly as shipped (about 105 min on 2 cores).
train-stance: build
	bash scripts/train_stance.sh

# Retrains models/quotes exactly as shipped (about an hour on 2 cores).
train-quotes: build
	bash scripts/train_quotes.sh

# Retrains models/quote_tagger exactly as shipped (about 75 min on 2 cores beside other work).
train-quote-tagger: build
	bash scripts/train_quote_tagger.sh

# Throughput, memory and CoNLL F1 per mode in one table; spaCy and the same networks in Python
# too when .deps/bench-venv exists (BENCH_ARGS=--install-python installs it: about 5 GB;
# BENCH_ARGS="--no-python --install-python": spaCy alone, about 150 MB).
bench:
	DATA=$(DATA) bash scripts/bench.sh $(BENCH_ARGS)

clean-out:
	rm -rf $(OUT)
