#!/bin/bash
# Slurm array job: one shard of the corpus per array task, then one merge job.
#
#   sbatch --array=0-15 examples/slurm_array.sh /data/corpus /scratch/newsmine [RUN FLAGS...]
#   sbatch --dependency=afterok:<ARRAY_JOB_ID> --wrap "newsmine merge /scratch/newsmine/shard-* --out /scratch/newsmine/all"
#
# What it assumes:
# - `newsmine` is on PATH on every node and finds libtorch and its models there: a build from
#   this repository (its libtorch folder, .deps/libtorch, and models/ at the paths they had when
#   it was built, e.g. on a shared file system), or the Docker image as an Apptainer container
#   (`apptainer build newsmine.sif docker-daemon://newsmine:latest`, then call
#   `apptainer exec newsmine.sif newsmine` below);
# - CORPUS and OUT are on a file system that every node sees; task I writes OUT/shard-I only;
# - the array is 0-based and its size is the shard count (`--array=0-15`: 16 shards), so
#   SLURM_ARRAY_TASK_COUNT tasks cover every article exactly once;
# - the same RUN FLAGS (e.g. `--config study.toml`) for every task: merge refuses shards run
#   with other settings.
# tests/toolbox.rs checks this file with `bash -n` and runs it for one shard on the bundled corpus.
#SBATCH --job-name=newsmine
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=12:00:00
set -euo pipefail
CORPUS=${1:?corpus folder}
OUT=${2:?output root}
shift 2
N=${SLURM_ARRAY_TASK_COUNT:?run as an array job}
I=${SLURM_ARRAY_TASK_ID:?run as an array job}
# --resume makes a re-queued (pre-empted) task continue where it stopped.
newsmine run "$CORPUS" --out "$OUT/shard-$I" --shard "$I/$N" --threads "${SLURM_CPUS_PER_TASK:-2}" --resume --quiet "$@"
