#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying and testing the array jobs here:
# munged, slurmctld and slurmd from Debian's packages (slurm-wlm, munge), every file (config,
# key, sockets, state, logs, pids) under one folder, free TCP ports, no systemd, no cgroups
# (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none). Needs root (slurmd starts jobs as
# the submitting user).
#
#   deploy/slurm/local-cluster.sh start DIR   # start the daemons, wait until the node is idle
#   deploy/slurm/local-cluster.sh stop DIR    # stop them by their recorded pids
#   source <(deploy/slurm/local-cluster.sh env DIR)   # SLURM_CONF for sbatch, squeue, sacct…
#
# `start` stops what it started when it fails. Callers that must not leave daemons behind run
# `stop` from a trap (see test-local.sh).
set -euo pipefail

cmd=${1:-}; dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop|env DIR" >&2; exit 2; }
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
conf="$dir/slurm.conf"

stop() {
  local name pid k
  for name in slurmd slurmctld munged; do
    [[ -f "$dir/$name.pid" ]] || continue
    pid=$(cat "$dir/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for k in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/$name.pid"
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start a daemon in the foreground mode (-D/-F) in the background and record its pid
launch() {
  local name=$1; shift
  "$@" >"$dir/$name.stdout" 2>&1 &
  echo $! >"$dir/$name.pid"
}

start() {
  for bin in munged mungekey slurmctld slurmd sinfo; do
    command -v "$bin" >/dev/null || { echo "$0: '$bin' not found: apt-get install -y slurm-wlm munge (scripts/install.sh does)" >&2; exit 1; }
  done
  [[ $(id -u) -eq 0 ]] || { echo "$0: needs root (slurmd runs jobs as their user)" >&2; exit 1; }
  trap 'stop' ERR
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 700 "$dir/munge"
  [[ -f "$dir/munge/munge.key" ]] || mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null
  chmod 600 "$dir/munge/munge.key"
  launch munged munged --foreground --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
  for k in $(seq 1 50); do [[ -S "$dir/munge/munge.sock" ]] && break; sleep 0.1; done
  [[ -S "$dir/munge/munge.sock" ]] || { echo "$0: munged did not start ($dir/munged.stdout)" >&2; cat "$dir/munged.stdout" >&2; false; }
  local host; host=$(hostname -s)
  cat >"$conf" <<CONF
ClusterName=zeronas-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.daemon.pid
SlurmdPidFile=$dir/slurmd.daemon.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$conf"
  launch slurmctld slurmctld -D -i -f "$conf"
  launch slurmd slurmd -D -f "$conf"
  local state=""
  for k in $(seq 1 150); do
    state=$(sinfo -h -o '%T' 2>/dev/null | head -1 || true)
    [[ "$state" == idle* ]] && break
    sleep 0.2
  done
  if [[ "$state" != idle* ]]; then
    echo "$0: the node did not become idle (state '$state'); logs in $dir" >&2
    tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" "$dir/slurmctld.stdout" "$dir/slurmd.stdout" >&2 2>/dev/null || true
    false
  fi
  trap - ERR
  echo "local Slurm cluster up: SLURM_CONF=$conf (munged $(cat "$dir/munged.pid"), slurmctld $(cat "$dir/slurmctld.pid"), slurmd $(cat "$dir/slurmd.pid"))"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *) echo "usage: $0 start|stop|env DIR" >&2; exit 2 ;;
esac
