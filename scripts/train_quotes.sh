#!/usr/bin/env bash
# The exact training command of the shipped models/quotes (the quote model over the rules).
# Run from the repository root after `make build`; ../shared/data must be present.
#   bash scripts/train_quotes.sh            # trains into models/quotes (resumes a checkpoint)
#   OUT=/tmp/quotes bash scripts/train_quotes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
P=../shared/data/quotes/polnear
BIN=${BIN:-target/release/newsmine}
OUT=${OUT:-models/quotes}
"$BIN" train quotes --polnear $P/polnear_train.jsonl --dev $P/polnear_dev.jsonl \
 --epochs 3 --lr 5e-5 --batch 32 --max-tokens 160 --seed 13 --threads 1 --precision fp32 \
 --max-minutes "${MAX_MINUTES:-80}" --out "$OUT"
# checkpoints are not part of the model
rm -rf "$OUT/checkpoint"
