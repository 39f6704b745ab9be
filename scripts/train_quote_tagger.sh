#!/usr/bin/env bash
# The exact training commands of the shipped models/quote_tagger (source / cue / content spans):
# stage 1 is round 1's six-layer tagger, stage 2 (round 8) keeps its lowest four layers and
# trains them on. Run from the repository root after `make build`; ../shared/data must be present.
#   bash scripts/train_quote_tagger.sh      # trains into models/quote_tagger (each stage resumes a checkpoint)
#   OUT=/tmp/tagger bash scripts/train_quote_tagger.sh
#   ROUND1=DIR bash scripts/train_quote_tagger.sh   # stage 2 only, from a round-1 tagger (git 0bf8492:models/quote_tagger)
set -euo pipefail
cd "$(dirname "$0")/.."
P=../shared/data/quotes/polnear
BIN=${BIN:-target/release/newsmine}
OUT=${OUT:-models/quote_tagger}
ROUND1=${ROUND1:-}
if [ -z "$ROUND1" ]; then
ROUND1="$OUT.round1"
"$BIN" train quotes --tagger --polnear $P/polnear_train.jsonl --dev $P/polnear_dev.jsonl \
 --epochs 4 --lr 1e-4 --batch 8 --max-tokens 128 --seed 13 --threads 1 --precision fp32 \
 --max-minutes "${MAX_MINUTES:-75}" --out "$ROUND1"
fi
"$BIN" train quotes --tagger --polnear $P/polnear_train.jsonl --dev $P/polnear_dev.jsonl \
 --init "$ROUND1" --layers 4 --epochs 3 --lr 1e-4 --batch 8 --max-tokens 128 --seed 13 --threads 2 \
 --precision bf16 --max-minutes "${MAX_MINUTES:-45}" --out "$OUT"
# checkpoints are not part of the model
rm -rf "$OUT/checkpoint"
