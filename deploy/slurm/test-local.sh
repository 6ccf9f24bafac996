#!/usr/bin/env bash
# End-to-end check of the Slurm deployment on this machine: start a single-node cluster
# (local-cluster.sh), submit a 2-task array job scoring a small NB201 sample (submit.sh), wait for
# its merge job, score the same sample unsharded in one process, and require the merged table to
# equal it (every column but the measured seconds; sidecar byte for byte). With --kill, task 1 is
# killed with SIGKILL part-way and resubmitted alone (submit.sh --tasks 1) before the merge.
# The daemons are stopped by pid on every exit path (trap). Needs root, slurm-wlm and munge,
# and dist/ built.
#
#   deploy/slurm/test-local.sh [--archs N] [--proxies LIST] [--batch-size B] [--kill] [--no-compare] [--keep DIR]
# (defaults: 8 archs, naswot,params, batch 16; --no-compare skips the unsharded run: timing only)
# Prints "slurm 2 tasks: N archs in T s (X archs/s, from submission to merged table)".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
archs=8 kill=0 dir='' proxies=naswot,params batch=16 compare=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --archs) archs=$2; shift 2 ;;
    --kill) kill=1; shift ;;
    --proxies) proxies=$2; shift 2 ;;
    --batch-size) batch=$2; shift 2 ;;
    --no-compare) compare=0; shift ;;
    --keep) dir=$2; shift 2 ;;
    *) echo "test-local.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [[ -z "$dir" ]]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/zn-slurm-XXXXXX"); cleanup_dir=1; else mkdir -p "$dir"; cleanup_dir=0; fi
dir=$(cd "$dir" && pwd)
cluster="$dir/cluster"
finish() {
  local rc=$?
  "$here/local-cluster.sh" stop "$cluster" || true
  [[ $rc -ne 0 ]] && echo "test-local.sh: FAILED (rc $rc); files in $dir" >&2
  [[ $rc -eq 0 && $cleanup_dir -eq 1 ]] && rm -rf "$dir"
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM

"$here/local-cluster.sh" start "$cluster"
export SLURM_CONF="$cluster/slurm.conf"
args=(score --proxies "$proxies" --archs "sample:$archs" --batch-size "$batch" --seed 3 --workers 1 --quiet)
work="$dir/work" table="$dir/merged.csv"

job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
wait_done() { # wait until job $1 has left the queue; print its final state
  local k s
  for k in $(seq 1 3000); do
    s=$(job_state "$1")
    case "$s" in PENDING | RUNNING | CONFIGURING | COMPLETING | '') sleep 0.2 ;; *) echo "$s"; return ;; esac
  done
  echo TIMEOUT
}
rows() { [[ -f "$1" ]] && echo $(($(wc -l <"$1") - 1)) || echo 0; }

t0=$(date +%s.%N)
read -r _ array _ merge < <("$here/submit.sh" --shards 2 --workdir "$work" --table "$table" -- "${args[@]}")
echo "submitted array job $array, merge job $merge"
if [[ $kill -eq 1 ]]; then
  part="$work/part-1-of-2.csv"
  for k in $(seq 1 3000); do [[ $(rows "$part") -ge 1 ]] && break; sleep 0.1; done
  kill -9 "$(cat "$work/task-1.pid")"
  done_rows=$(rows "$part")
  echo "killed task 1 (kill -9) after $done_rows of $((archs / 2)) rows"
  [[ $done_rows -ge 1 && $done_rows -lt $((archs / 2)) ]] || { echo "task 1 was not killed part-way ($done_rows rows)" >&2; exit 1; }
  s=$(wait_done "${array}_1"); [[ "$s" == FAILED ]] || { echo "killed task: state $s, expected FAILED" >&2; exit 1; }
  s=$(wait_done "$merge"); [[ "$s" == CANCELLED ]] || { echo "merge after a failed task: state $s, expected CANCELLED" >&2; exit 1; }
  [[ ! -e "$table" ]] || { echo "a merged table exists although task 1 failed" >&2; exit 1; }
  read -r _ array _ merge < <("$here/submit.sh" --shards 2 --tasks 1 --workdir "$work" --table "$table" -- "${args[@]}")
  echo "resubmitted task 1 alone: array job $array, merge job $merge"
fi
s=$(wait_done "$merge")
t1=$(date +%s.%N)
[[ "$s" == COMPLETED ]] || { echo "merge job $merge: state $s" >&2; cat "$work"/logs/*.log >&2 || true; exit 1; }
cat "$work"/logs/merge-*.log
python3 -c "import sys; n, t = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); print(f'slurm 2 tasks: {n} archs in {t:.1f} s ({n / t:.3f} archs/s, from submission to merged table)')" "$archs" "$t0" "$t1"

[[ $compare -eq 1 ]] || exit 0
(cd "$repo" && node dist/cli.js "${args[@]}" --out "$dir/unsharded.csv" 2>/dev/null)
cols() { python3 -c '
import sys
lines = open(sys.argv[1]).read().split("\n")
h = lines[0].split(",")
keep = [k for k, c in enumerate(h) if not (c == "seconds" or c.endswith("_seconds"))]
print("\n".join(",".join(l.split(",")[k] for k in keep) for l in lines if l))' "$1"; }
if [[ "$(cols "$table")" != "$(cols "$dir/unsharded.csv")" ]]; then
  diff <(cols "$table") <(cols "$dir/unsharded.csv") >&2 || true
  echo "merged table differs from the unsharded run" >&2; exit 1
fi
# provenance sidecars equal: settings, data identity, and the command (the unsharded one, naming its own output)
python3 - "$table" "$dir/unsharded.csv" <<'PY'
import json, sys
merged, unsharded = sys.argv[1], sys.argv[2]
m = json.load(open(merged + ".meta.json"))
u = json.load(open(unsharded + ".meta.json"))
u["command"] = u["command"].replace(unsharded, merged)
if m != u:
    sys.exit(f"merged sidecar differs from the unsharded run's:\n{json.dumps(m, indent=1)}\n{json.dumps(u, indent=1)}")
PY
echo "merged table identical to the unsharded run ($archs archs; seconds columns aside)"
