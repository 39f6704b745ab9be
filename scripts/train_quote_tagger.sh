#!/usr/bin/env bash
# The exact training command of the shipped models/quote_tagger (source / cue / content spans).
# Run from the repository root after `make build`; ../shared/data must be present.
#   bash scripts/train_quote_tagger.sh      # trains into models/quote_tagger (resumes a checkpoint)
#   OUT=/tmp/tagger bash scripts/train_quote_tagger.sh
set -euo pipefail
cd "$(dirname "$0")/.."
P=../shared/data/quotes/polnear
BIN=${BIN:-target/release/newsmine}
OUT=${OUT:-models/quote_tagger}
"$BIN" train quotes --tagger --polnear $P/polnear_train.jsonl --dev $P/polnear_dev.jsonl \
 --epochs 4 --lr 1e-4 --batch 8 --max-tokens 128 --seed 13 --threads 1 --precision fp32 \
 --max-minutes "${MAX_MINUTES:-75}" --out "$OUT"
# checkpoints are not part of the model
rm -rf "$OUT/checkpoint"
