#!/usr/bin/env bash
# newsmine benchmark on the BBC corpus (../shared/data/news/bbc_news, 2,225 articles), side by side
# with what a user would otherwise run, one tool after the other on the same machine, 2 threads each:
#   newsmine run          the default, each precision, each with and without the run-wide cache;
#                         BBC-relevant stance targets; stages switched off (per-stage costs)
#   CoNLL-2003            each newsmine mode's NER F1 on eng.testb through the run path
#                         (`newsmine eval ner --run-path`), so speed and accuracy are read together
#   spaCy                 en_core_web_sm 3.8 NER alone and the full pipeline, through nlp.pipe
#   Python transformers   newsmine's own NER and stance networks, end to end (scripts/bench_python.py)
#   memory                the articles xK (each copy a new article) against x1: peak RSS must not grow
# Prints one table (words/s, articles/s, peak RSS, load average at start, CoNLL F1, cache hits) and
# writes it as JSON to $OUT_DIR/bench.json (default bench-out/). Speed is quoted as ratios measured in
# the same run.
#
# usage: bash scripts/bench.sh [--limit N] [--scale K] [--scale-limit N] [--ner-model DIR]
#                              [--stance-model DIR] [--out DIR] [--variants LIST] [--no-python]
#                              [--no-spacy] [--no-spacy-full] [--no-scale] [--no-conll] [--conll FILE]
#                              [--threads N] [--attn A] [--precision P] [--python-bf16]
#                              [--install-python]
#   --limit N         N articles, spread evenly over the corpus (default: all 2,225)
#   --scale K         the memory check reads the articles K times (default 10)
#   --scale-limit N   articles in the memory check, x1 and xK (default 200, at most --limit; 0 = all:
#                     the full corpus x10 with all stages takes over an hour on 2 cores)
#   --ner-model DIR   NER model folder (default models/ner)
#   --stance-model DIR  stance model folder (default models/stance; when missing, a placeholder with
#                     the NER encoder and a random head is made for the speed measurements)
#   --variants LIST   newsmine runs, comma-separated from: default,default-nocache,fp32,fp32-nocache,
#                     bf16,bf16-nocache,stance-heavy,stance-heavy-nocache,skip-stance,ner-only,text-only
#                     (default: all but skip-stance; `all` is the old name of `default`).
#                     default = no precision flag (`auto`: bf16 where the CPU has it, else fp32);
#                     -nocache = with `--no-cache`; stance-heavy uses BBC-relevant targets so that
#                     stance has work (the bundled targets concern Armenia-Azerbaijan, 3 BBC articles)
#   --precision P     precision of stance-heavy, skip-stance, ner-only and the memory check (default
#                     auto, i.e. no flag); --bf16 is --precision bf16
#   --conll FILE      the CoNLL file each mode is scored on (default $DATA/ner/conll2003/eng.testb)
#   --threads N       threads for every tool (default 2)
#   --attn eager|sdpa  attention of the Python transformers run (default eager, as newsmine computes it)
#   --python-bf16     the Python transformers run in bfloat16 (weights and activations, as newsmine bf16)
#   --install-python  install the spaCy / Python tools into .deps/bench-venv when missing (about 5.4 GB:
#                     PyPI's torch 2.4.0 for Linux is the CUDA build); with --no-python only spaCy, into
#                     .deps/bench-spacy-venv (about 150 MB); without it, a missing venv leaves those
#                     rows out, saying so
#   --out DIR         where bench.json and each run's files go (default bench-out/)
#   --no-python, --no-spacy, --no-spacy-full, --no-scale, --no-conll   leave that part out
# Environment: DATA (default ../shared/data), PYTHON (default python3) for the venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LIMIT=0
SCALE=10
SCALE_LIMIT=200
NER_MODEL=""
STANCE_MODEL=""
OUT_DIR="bench-out"
VARIANTS="default,default-nocache,fp32,fp32-nocache,bf16,bf16-nocache,stance-heavy,stance-heavy-nocache,ner-only,text-only"
DO_PY=1
DO_SPACY=1
SPACY_FULL=1
DO_SCALE=1
DO_CONLL=1
CONLL=""
THREADS=2
ATTN=eager
PRECISION=auto
PY_BF16=0
INSTALL_PY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) LIMIT="$2"; shift 2 ;;
    --scale) SCALE="$2"; shift 2 ;;
    --scale-limit) SCALE_LIMIT="$2"; shift 2 ;;
    --ner-model) NER_MODEL="$2"; shift 2 ;;
    --stance-model) STANCE_MODEL="$2"; shift 2 ;;
    --out) OUT_DIR="$2"; shift 2 ;;
    --variants) VARIANTS="$2"; shift 2 ;;
    --no-python) DO_PY=0; shift ;;
    --no-spacy) DO_SPACY=0; shift ;;
    --spacy-full) SPACY_FULL=1; shift ;;
    --no-spacy-full) SPACY_FULL=0; shift ;;
    --no-scale) DO_SCALE=0; shift ;;
    --no-conll) DO_CONLL=0; shift ;;
    --conll) CONLL="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --attn) ATTN="$2"; shift 2 ;;
    --precision) PRECISION="$2"; shift 2 ;;
    --bf16) PRECISION=bf16; shift ;;
    --python-bf16) PY_BF16=1; shift ;;
    --install-python) INSTALL_PY=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
log() { echo "bench: $*" >&2; }

DATA="${DATA:-$ROOT/../shared/data}"
BBC="$DATA/news/bbc_news"
if [ ! -d "$BBC" ]; then
  log "the BBC corpus is not at $BBC (it comes with ../shared/data): nothing to measure, skipped."
  exit 0
fi

# Every tool gets the same number of threads, whatever nproc says.
export OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS"
export RAYON_RS_NUM_CPUS="$THREADS" RAYON_NUM_THREADS="$THREADS" TOKENIZERS_PARALLELISM=true
export OMP_WAIT_POLICY=PASSIVE

# --- build and install -------------------------------------------------------------------------
log "building newsmine (make build)"
make -s build >&2
BIN="$ROOT/target/release/newsmine"

# The Python tools: all of them (torch, transformers, spaCy) in bench-venv, about 5.4 GB; with
# --no-python only spaCy, about 150 MB, in bench-spacy-venv (or bench-venv when that is installed).
SPACY_REQ="$ROOT/scripts/bench_spacy_requirements.txt"
stamp() { cat "$@" | sha256sum | cut -c1-16; }
VENV="$ROOT/.deps/bench-venv"
REQ="$ROOT/scripts/bench_requirements.txt"
MARK="$VENV/.ok-$(stamp "$REQ" "$SPACY_REQ")"
SIZE="about 5.4 GB: torch 2.4.0 from PyPI is the CUDA build, with its nvidia-* wheels"
if [ "$DO_PY" = 0 ] && [ ! -f "$MARK" ]; then
  VENV="$ROOT/.deps/bench-spacy-venv"
  REQ="$SPACY_REQ"
  MARK="$VENV/.ok-$(stamp "$REQ")"
  SIZE="about 150 MB"
fi
PY_NOTE=""
if [ "$DO_PY$DO_SPACY" != "00" ] && [ ! -f "$MARK" ]; then
  if [ "$INSTALL_PY" = 1 ]; then
    log "installing the Python tools into $VENV ($SIZE; once)"
    if "${PYTHON:-python3}" -m venv "$VENV" && "$VENV/bin/pip" install -q -r "$REQ"; then
      touch "$MARK"
    else
      PY_NOTE="could not install the Python tools into $VENV (PyPI unreachable?): spaCy and Python rows left out"
    fi
  else
    PY_NOTE="no $VENV (the spaCy / Python tools, $SIZE): spaCy and Python rows left out; add --install-python to install it"
  fi
  if [ -n "$PY_NOTE" ]; then
    log "$PY_NOTE"
    DO_PY=0
    DO_SPACY=0
  fi
fi
PY="$VENV/bin/python"

# --- models ------------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
NER_MODEL="${NER_MODEL:-models/ner}"
STANCE_MODEL="${STANCE_MODEL:-models/stance}"
HAVE_NER=1
HAVE_STANCE=1
STANCE_NOTE="trained"
if [ ! -f "$NER_MODEL/model.safetensors" ]; then
  log "no NER model in $NER_MODEL (pass --ner-model DIR): NER is left out of every run"
  HAVE_NER=0
fi
if [ ! -f "$STANCE_MODEL/model.safetensors" ]; then
  if [ "$HAVE_NER" = 1 ] && [ -x "$PY" ]; then
    STANCE_MODEL="$OUT_DIR/placeholder-stance"
    log "no stance model (pass --stance-model DIR): using a PLACEHOLDER in $STANCE_MODEL (NER encoder, random head; same network size, so the same speed)"
    "$PY" scripts/bench_python.py make-stance-placeholder --ner-model "$NER_MODEL" --out "$STANCE_MODEL"
    STANCE_NOTE="placeholder (random head)"
  else
    log "no stance model (pass --stance-model DIR): stance is left out of every run"
    HAVE_STANCE=0
  fi
fi
MODEL_FLAGS=()
[ "$HAVE_NER" = 1 ] && MODEL_FLAGS+=(--ner-model "$NER_MODEL") || MODEL_FLAGS+=(--skip ner)
[ "$HAVE_STANCE" = 1 ] && MODEL_FLAGS+=(--stance-model "$STANCE_MODEL") || MODEL_FLAGS+=(--skip stance)
# the precision of the runs that are not about precision (stance-heavy, per-stage, memory)
PREC_FLAGS=()
[ "$PRECISION" != auto ] && PREC_FLAGS+=(--precision "$PRECISION")

# --- corpus ------------------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/newsmine-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# The articles: <category>/<n>.txt (README.TXT left out), N of them spread evenly when --limit N.
pick() { # pick N -> paths relative to $BBC
  (cd "$BBC" && find . -mindepth 2 -maxdepth 2 -name '*.txt' | sed 's|^\./||' | LC_ALL=C sort) |
    awk -v n="$1" '{a[NR]=$0} END {if (n<=0||n>NR) n=NR; for (i=0;i<n;i++) print a[int(i*NR/n)+1]}'
}
link_corpus() { # link_corpus DIR N: DIR/<category>/<n>.txt as symlinks
  pick "$2" | "${PYTHON:-python3}" -c '
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for f in sys.stdin.read().split():
    p = os.path.join(dst, f)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    os.symlink(os.path.join(src, f), p)
' "$BBC" "$1"
}
copy_corpus() { # copy_corpus DIR COPIES N: DIR/c1..cCOPIES/<category>/<n>.txt, each copy a new article
  # Article ids are content hashes, so a plain second copy would be a duplicate_id error: every
  # copy starts with its own line ("Copy 3."), the rest of the text as it is.
  pick "$3" | "${PYTHON:-python3}" -c '
import os, sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sys.stdin.read().split()
for k in range(1, copies + 1):
    for f in files:
        p = os.path.join(dst, "c%d" % k, f)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(os.path.join(src, f), encoding="utf-8", errors="replace") as i, open(p, "w", encoding="utf-8") as o:
            o.write("Copy %d.\n\n" % k + i.read())
' "$BBC" "$1" "$2"
}
CORPUS="$WORK/bbc"
link_corpus "$CORPUS" "$LIMIT"
N_ARTICLES=$(find -L "$CORPUS" -name '*.txt' | wc -l)
log "corpus: $N_ARTICLES BBC articles (symlinked under $CORPUS)"

# Stance targets that BBC 2004-05 news talks about, so that the stance stage has work to do.
BBC_TARGETS="$OUT_DIR/bbc_targets.toml"
cat > "$BBC_TARGETS" <<'EOF'
# Written by scripts/bench.sh: targets that BBC news of 2004-05 talks about (for the stance-heavy run).
min_relevance = 0.35

[units]
quote = true
sentence = true
paragraph = false

[[target]]
name = "labour_government"
description = "the Labour government of Tony Blair and Gordon Brown"
[target.terms]
"Labour" = 0.5
"Blair" = 0.6
"Gordon Brown" = 0.6
"government" = 0.4
"prime minister" = 0.5
"chancellor" = 0.4
"minister" = 0.35
"Downing Street" = 0.6
"election" = 0.3
"Tories" = 0.3
"Conservatives" = 0.3

[[target]]
name = "european_union"
description = "the European Union and Britain's place in it: the EU constitution, the euro, Brussels"
[target.terms]
"European Union" = 0.9
"EU" = 0.6
"Brussels" = 0.5
"euro" = 0.5
"eurozone" = 0.8
"European Commission" = 0.8
"constitution" = 0.3
"Europe" = 0.3
EOF

# --- measuring ---------------------------------------------------------------------------------
# measure NAME CMD...: runs CMD with its peak RSS and wall time recorded in $OUT_DIR/NAME.time
# (/usr/bin/time -v where present, else a Python wrapper reading the child's rusage).
measure() {
  local name="$1"; shift
  local rc=0
  log "run: $name"
  cut -d' ' -f1-3 /proc/loadavg > "$OUT_DIR/$name.loadavg" 2>/dev/null || true
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$OUT_DIR/$name.time" "$@" > "$OUT_DIR/$name.stdout" 2> "$OUT_DIR/$name.stderr" || rc=$?
  else
    "${PYTHON:-python3}" - "$OUT_DIR/$name.time" "$@" > "$OUT_DIR/$name.stdout" 2> "$OUT_DIR/$name.stderr" <<'EOF' || rc=$?
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"Maximum resident set size (kbytes): {ru.ru_maxrss}\n")
    f.write(f"Elapsed (wall clock) seconds: {wall:.3f}\nUser time (seconds): {ru.ru_utime:.2f}\nSystem time (seconds): {ru.ru_stime:.2f}\n")
    f.write(f"Exit status: {rc}\n")
sys.exit(rc)
EOF
  fi
  # newsmine exits 1 when some article failed (errors.csv): a result all the same
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    log "$name failed (exit $rc); see $OUT_DIR/$name.stderr"
    tail -n 5 "$OUT_DIR/$name.stderr" >&2 || true
    return 1
  fi
  [ "$rc" -eq 1 ] && log "$name: exit 1 (see its errors.csv)"
  return 0
}

has_variant() { case ",${VARIANTS//all/default}," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
newsmine() { # newsmine NAME INPUT [FLAGS...]: one run, run.json and stance row count kept
  local name="$1" input="$2"; shift 2
  rm -rf "$WORK/out-$name"
  measure "$name" "$BIN" run "$input" --out "$WORK/out-$name" -j "$THREADS" -q "$@" || return 0
  cp "$WORK/out-$name/run.json" "$OUT_DIR/$name.run.json"
}

# The modes: precision x cache. `default` passes no precision flag, as a user would.
for mode in default fp32 bf16; do
  flags=()
  [ "$mode" != default ] && flags+=(--precision "$mode")
  has_variant "$mode" && newsmine "newsmine-$mode" "$CORPUS" "${MODEL_FLAGS[@]}" "${flags[@]}"
  has_variant "$mode-nocache" && newsmine "newsmine-$mode-nocache" "$CORPUS" "${MODEL_FLAGS[@]}" "${flags[@]}" --no-cache
done
if [ "$HAVE_STANCE" = 1 ]; then
  has_variant stance-heavy &&
    newsmine newsmine-stance-heavy "$CORPUS" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}" --config "$BBC_TARGETS"
  has_variant stance-heavy-nocache &&
    newsmine newsmine-stance-heavy-nocache "$CORPUS" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}" --config "$BBC_TARGETS" --no-cache
fi
if has_variant skip-stance; then
  newsmine newsmine-skip-stance "$CORPUS" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}" --skip stance
fi
if has_variant ner-only && [ "$HAVE_NER" = 1 ]; then
  newsmine newsmine-ner-only "$CORPUS" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}" --skip quotes --skip stance
fi
if has_variant text-only; then
  newsmine newsmine-text-only "$CORPUS" --skip ner --skip quotes --skip stance
fi

# CoNLL-2003 F1 of each mode through the run path. `default` is scored as the precision it
# resolved to on this machine (its run.json), which is the same computation.
CONLL="${CONLL:-$DATA/ner/conll2003/eng.testb}"
if [ "$DO_CONLL" = 1 ] && [ "$HAVE_NER" = 1 ] && [ -f "$CONLL" ]; then
  for mode in fp32 fp32-nocache bf16 bf16-nocache; do
    case "$mode" in fp32*) want=fp32 ;; *) want=bf16 ;; esac
    default_is=$(cat "$OUT_DIR/newsmine-default.run.json" 2>/dev/null | "${PYTHON:-python3}" -c \
      'import json,sys; print(json.load(sys.stdin)["fingerprint"]["options"].get("precision",""))' 2>/dev/null || true)
    has_variant "$mode" || { has_variant "default${mode#$want}" && [ "$default_is" = "$want" ]; } || continue
    eflags=()
    [ "$want" = bf16 ] && eflags+=(--bf16)
    case "$mode" in *-nocache) eflags+=(--no-cache) ;; esac
    measure "conll-$mode" "$BIN" eval ner --conll "$CONLL" --run-path --model "$NER_MODEL" -j "$THREADS" --json "${eflags[@]}" || continue
    cp "$OUT_DIR/conll-$mode.stdout" "$OUT_DIR/conll-$mode.json"
  done
elif [ "$DO_CONLL" = 1 ]; then
  log "no CoNLL file at $CONLL (or no NER model): the F1 column is left empty"
fi
stance_rows() { # how many units newsmine classified in run NAME ("-" when unknown)
  local f="$OUT_DIR/$1.run.json"
  if [ -f "$f" ]; then "${PYTHON:-python3}" -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"].get("stance",0))' "$f"; else echo -; fi
}

if [ "$DO_SPACY" = 1 ]; then
  measure spacy-ner "$PY" scripts/bench_python.py spacy "$CORPUS" --json "$OUT_DIR/spacy-ner.json" || true
  if [ "$SPACY_FULL" = 1 ]; then
    measure spacy-full "$PY" scripts/bench_python.py spacy "$CORPUS" --full --json "$OUT_DIR/spacy-full.json" || true
  fi
fi

if [ "$DO_PY" = 1 ]; then
  PYFLAGS=(--threads "$THREADS" --attn "$ATTN" $([ "$PY_BF16" = 1 ] && echo --bf16) --ner-model "$([ "$HAVE_NER" = 1 ] && echo "$NER_MODEL" || echo none)"
           --stance-model "$([ "$HAVE_STANCE" = 1 ] && echo "$STANCE_MODEL" || echo none)")
  if [ "$HAVE_STANCE" = 1 ]; then
    PYFLAGS+=(--targets "default=corpus/targets.toml:$(stance_rows newsmine-default)")
    has_variant stance-heavy && PYFLAGS+=(--targets "stance-heavy=$BBC_TARGETS:$(stance_rows newsmine-stance-heavy)")
  fi
  measure python-transformers "$PY" scripts/bench_python.py transformers "$CORPUS" "${PYFLAGS[@]}" \
    --json "$OUT_DIR/python-transformers.json" || true
fi

if [ "$DO_SCALE" = 1 ] && [ "$SCALE" -gt 1 ]; then
  SL="$SCALE_LIMIT"
  if [ "$LIMIT" -gt 0 ] && { [ "$SL" -le 0 ] || [ "$SL" -gt "$LIMIT" ]; }; then SL="$LIMIT"; fi
  copy_corpus "$WORK/scale-x1" 1 "$SL"
  copy_corpus "$WORK/scale-x$SCALE" "$SCALE" "$SL"
  # without the cache every copy is encoded again (the memory a corpus of new text needs); with
  # it, the copies' sentences are the cache's hits
  newsmine scale-x1-nocache "$WORK/scale-x1" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}" --no-cache
  newsmine "scale-x$SCALE-nocache" "$WORK/scale-x$SCALE" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}" --no-cache
  newsmine scale-x1 "$WORK/scale-x1" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}"
  newsmine "scale-x$SCALE" "$WORK/scale-x$SCALE" "${MODEL_FLAGS[@]}" "${PREC_FLAGS[@]}"
fi

# --- report ------------------------------------------------------------------------------------
"${PYTHON:-python3}" scripts/bench_python.py report "$OUT_DIR" --scale "$SCALE" --threads "$THREADS" \
  --stance-model-note "$STANCE_NOTE" --ner-model "$NER_MODEL" --stance-model "$STANCE_MODEL" \
  --limit "$LIMIT" --newsmine-flags "${MODEL_FLAGS[*]} ${PREC_FLAGS[*]}" --conll "$CONLL" \
  --python-note "$PY_NOTE" --json "$OUT_DIR/bench.json"
log "written $OUT_DIR/bench.json"
