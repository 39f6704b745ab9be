#!/usr/bin/env bash
# The exact training commands of the shipped models/stance (round 4), then its article model:
# stage 1 is round 2 (twelve sets, four epochs, from the round-1 model of git commit 1169e7a),
# stage 2 one epoch of the news sets and VAST on top of it.
# Run from the repository root after `make build`; ../shared/data must be present.
#   bash scripts/train_stance.sh            # trains into models/stance (each stage resumes a checkpoint)
#   OUT=/tmp/stance bash scripts/train_stance.sh
#   ROUND2=DIR bash scripts/train_stance.sh # stage 2 only, from a round-2 model (git d82258a:models/stance)
set -euo pipefail
cd "$(dirname "$0")/.."
D=../shared/data/stance
BIN=${BIN:-target/release/newsmine}
OUT=${OUT:-models/stance}
INIT=${INIT:-}
ROUND2=${ROUND2:-}
if [ -z "$ROUND2" ]; then
ROUND2="$OUT.round2"
if [ -z "$INIT" ]; then
  INIT="$(mktemp -d)"
  git show 1169e7a:models/stance/model.safetensors > "$INIT/model.safetensors"
  git show 1169e7a:models/stance/config.json > "$INIT/config.json"
fi
"$BIN" train stance \
 --data semeval=$D/semeval2016_t6/semeval2016-task6-trainingdata.txt \
 --data vast=$D/vast_train/vast_train.csv --dev vast=$D/vast/vast_dev.csv \
 --data newsmtsc=$D/newsmtsc/train.jsonl --data fnc1=$D/fnc1/train_stances.csv \
 --data emergent=$D/emergent/url-versions-2015-06-14-clean.csv --data persent=$D/persent/dev.csv \
 --data pstance=$D/pstance --data covid19=$D/covid19_stance --data gwsd=$D/gwsd/GWSD.tsv \
 --data ibm_claim=$D/ibm_claim_stance/claim_stance_dataset_v1.csv --data argq=$D/ibm_argq30k \
 --data sick=../shared/data/nli/sick/SICK.txt \
 --init "$INIT" --epoch-size 18000 --epochs 4 --sample-power 0.5 --news-weight 2 \
 --max-dev-per-dataset 300 --lr 4e-5 --batch 32 --max-tokens 128 --seed 13 --threads 1 --precision fp32 \
 --max-minutes "${MAX_MINUTES:-100}" --out "$ROUND2"
fi
# stage 2: the news sets and VAST, one epoch of 12,000 at a lower rate
"$BIN" train stance \
 --data vast=$D/vast_train/vast_train.csv --dev vast=$D/vast/vast_dev.csv \
 --data newsmtsc=$D/newsmtsc/train.jsonl --data fnc1=$D/fnc1/train_stances.csv \
 --data emergent=$D/emergent/url-versions-2015-06-14-clean.csv --data persent=$D/persent/dev.csv \
 --data gwsd=$D/gwsd/GWSD.tsv \
 --init "$ROUND2" --epoch-size 12000 --epochs 1 --sample-power 0.5 --news-weight 2 \
 --max-dev-per-dataset 300 --lr 2e-5 --batch 32 --max-tokens 128 --seed 13 --threads 1 --precision fp32 \
 --max-minutes "${MAX_MINUTES:-100}" --out "$OUT"
# The learned article judgement, fitted on half 0 of PerSenT random_test (half 1 measures it).
"$BIN" train article-stance --persent $D/persent/random_test.csv --model "$OUT" -j 2
