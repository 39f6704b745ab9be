#!/bin/bash
# Slurm array job: one shard of the corpus per task, then one merge job.
#   sbatch --array=0-15 examples/slurm_array.sh /data/corpus /scratch/newsmine
#   sbatch --dependency=afterok:<ARRAY_JOB_ID> --wrap "newsmine merge /scratch/newsmine/shard-* --out /scratch/newsmine/all"
#SBATCH --job-name=newsmine
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=12:00:00
set -euo pipefail
CORPUS=${1:?corpus folder}
OUT=${2:?output root}
N=${SLURM_ARRAY_TASK_COUNT:?run as an array job}
I=${SLURM_ARRAY_TASK_ID:?run as an array job}
# --resume makes a re-queued (pre-empted) task continue where it stopped.
newsmine run "$CORPUS" --out "$OUT/shard-$I" --shard "$I/$N" --threads "${SLURM_CPUS_PER_TASK:-2}" --resume --quiet
