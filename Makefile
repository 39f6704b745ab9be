# newsmine: two commands for a newcomer (each installs what it needs, idempotently):
#   make run    run the pipeline on the bundled corpus/ with the shipped models -> out/
#   make test   run the test suite
SHELL := /bin/bash
BIN := target/release/newsmine
OUT ?= out
DATA ?= ../shared/data

.PHONY: setup build run test lint eval-ner eval-quotes eval-stance bench clean-out

setup:
	@bash scripts/setup.sh

build: setup
	cargo build --release --locked

run: build
	$(BIN) run corpus/ --out $(OUT)
	@echo "tables written to $(OUT)/: articles, entities, entity_counts, quotes, stance, article_stance, speakers, outlets, errors (.csv) and run.json; columns in docs/SCHEMA.md"

test: setup
	cargo test --release --locked

lint: setup
	cargo fmt --check
	cargo clippy --release --all-targets --locked -- -D warnings

# Evaluations on ../shared/data (not part of the tests).
eval-ner: build
	$(BIN) eval ner --conll $(DATA)/ner/conll2003/eng.testb
	$(BIN) eval ner --conll $(DATA)/ner/wnut17/emerging.test.annotated --types PER,LOC,ORG

eval-quotes: build
	$(BIN) eval quotes --polnear $(DATA)/quotes/polnear/polnear_dev.jsonl

eval-stance: build
	$(BIN) eval stance --format vast --data $(DATA)/stance/vast/vast_dev.csv
	$(BIN) eval stance --format semeval --data $(DATA)/stance/semeval2016_t6/semeval2016-task6-trainingdata.txt

# Throughput and memory vs spaCy and the same models in Python (installs a 5 GB venv in .deps/).
bench:
	DATA=$(DATA) bash scripts/bench.sh

clean-out:
	rm -rf $(OUT)
