#!/usr/bin/env bash
# Submit a sharded zeronas run to Slurm: an array job of N tasks (task.sbatch, one shard each,
# files on shared storage) and a merge job that starts when all of them succeeded
# (merge.sbatch, --dependency=afterok).
#
#   deploy/slurm/submit.sh --shards N --workdir DIR --table FILE [--tasks LIST] [--sbatch "OPTS"] \
#       -- score --preset naswot --proxies naswot,das_na,das_logdet_s --archs sample:15625 --seed 1 --dataset cifar10
#
#   --shards N     number of tasks (shards)
#   --workdir DIR  shared folder for the task files part-I-of-N.csv|jsonl and the logs
#   --table FILE   table the merge job writes, or extends when it exists
#   --tasks LIST   submit only these tasks (sbatch --array syntax, e.g. 1 or 0,3): resubmit a
#                  failed or killed task, which resumes its file; default 0-(N-1)
#   --sbatch OPTS  extra sbatch options for the tasks (e.g. "--partition=cpu --time=12:00:00
#                  --cpus-per-task=4"); add --workers to the zeronas arguments to match
# The zeronas arguments after -- are a `score`, `train-bench` or `search zc-pt` command without
# --shard and --out. Prints the two job ids: "array <id> merge <id>".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
shards='' workdir='' table='' tasks='' extra=''
while [[ $# -gt 0 ]]; do
  case "$1" in
    --shards) shards=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --table) table=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --sbatch) extra=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "submit.sh: unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: --shards N (a positive integer) is required" >&2; exit 2; }
[[ -n "$workdir" && -n "$table" ]] || { echo "submit.sh: --workdir DIR and --table FILE are required" >&2; exit 2; }
[[ $# -gt 0 ]] || { echo "submit.sh: give the zeronas command after --, e.g. -- score --archs sample:100 ..." >&2; exit 2; }
for a in "$@"; do [[ "$a" == --shard* || "$a" == --out* ]] && { echo "submit.sh: leave --shard and --out to the script" >&2; exit 2; }; done
[[ -f "$repo/dist/cli.js" ]] || { echo "submit.sh: $repo/dist/cli.js missing: run npm run build first" >&2; exit 1; }
case "$1" in
  score | train-bench) ext=csv ;;
  search) ext=jsonl ;;
  *) echo "submit.sh: the zeronas command must be score, train-bench or search zc-pt, got '$1'" >&2; exit 2 ;;
esac
mkdir -p "$workdir/logs"
workdir=$(cd "$workdir" && pwd)
case "$table" in /*) ;; *) table="$PWD/$table" ;; esac
export ZERONAS_REPO="$repo" ZERONAS_WORKDIR="$workdir" ZERONAS_SHARDS="$shards" ZERONAS_EXT="$ext"
# shellcheck disable=SC2086  # $extra holds several sbatch options
array=$(sbatch --parsable --export=ALL --array="${tasks:-0-$((shards - 1))}" --chdir="$repo" \
  --output="$workdir/logs/task-%a-%A.log" $extra "$here/task.sbatch" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes --chdir="$repo" \
  --output="$workdir/logs/merge-%j.log" "$here/merge.sbatch" "$table")
merge=${merge%%;*}
echo "array $array merge $merge"
