#!/usr/bin/env bash
# Idempotent project setup:
#   1. Debian's Jupyter (nbconvert + nbclient + ipykernel) if /usr/bin/jupyter-nbconvert is missing,
#      and Debian's Slurm + munge (slurm-wlm, munge) if slurmctld is missing: the tests start a
#      single-node cluster (deploy/slurm/local-cluster.sh),
#   2. npm dependencies (`npm ci`) unless node_modules is already in sync with package-lock.json,
#   3. a PROJECT-LOCAL tslab kernelspec in .jupyter/kernels/tslab (gitignored).
# Everything that runs Jupyter must use JUPYTER_PATH="$REPO/.jupyter" and Debian's /usr/bin/jupyter
# (never a pyenv/conda python that happens to be first on PATH).
#
# Usage: bash scripts/install.sh [--force]     (--force: always run npm ci)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "[install] $*"; }

# ---------------------------------------------------------------- 1. Debian packages
# Jupyter (notebooks) and Slurm + munge (the sharded-run tests start a local cluster).
APT_PKGS=()
if [[ -x /usr/bin/jupyter-nbconvert ]]; then
  log "jupyter-nbconvert present (/usr/bin/jupyter-nbconvert)"
else
  APT_PKGS+=(jupyter-nbconvert python3-nbclient python3-ipykernel)
fi
if [[ -x /usr/sbin/slurmctld && -x /usr/sbin/slurmd && -x /usr/sbin/munged ]]; then
  log "slurm-wlm and munge present"
else
  APT_PKGS+=(slurm-wlm munge)
fi
if [[ ${#APT_PKGS[@]} -gt 0 ]]; then
  log "installing Debian packages: ${APT_PKGS[*]}"
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=(sudo -n)
    else
      echo "install.sh: not root and no sudo; install as root: apt-get install -y ${APT_PKGS[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
    "${APT_PKGS[@]}" </dev/null
  if [[ ! -x /usr/bin/jupyter-nbconvert ]]; then
    echo "install.sh: /usr/bin/jupyter-nbconvert still missing after apt-get install" >&2
    exit 1
  fi
fi
/usr/bin/python3 -c 'import nbconvert, nbclient, ipykernel' \
  || { echo "install.sh: Debian python3 cannot import nbconvert/nbclient/ipykernel" >&2; exit 1; }

# ---------------------------------------------------------------- 2. npm dependencies
if [[ -L node_modules ]]; then
  # npm ci empties node_modules before installing: through a link it would empty the shared folder it points to
  if [[ "$FORCE" -eq 1 ]]; then
    echo "install.sh: node_modules is a link to $(readlink node_modules); npm ci would empty that shared folder." >&2
    echo "  Replace the link by a copy first: rm node_modules && cp -a $(readlink node_modules) node_modules" >&2
    exit 1
  fi
  log "node_modules is a link to $(readlink node_modules): left as it is (npm ci would empty the shared folder)"
elif [[ "$FORCE" -eq 1 || ! -f node_modules/.package-lock.json \
      || ! node_modules/.package-lock.json -nt package-lock.json ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund </dev/null
else
  log "node_modules up to date with package-lock.json (use --force to reinstall)"
fi

TSLAB_BIN="$REPO/node_modules/tslab/bin/tslab"
if [[ ! -f "$TSLAB_BIN" ]]; then
  echo "install.sh: $TSLAB_BIN missing after npm ci" >&2
  exit 1
fi

# ---------------------------------------------------------------- 3. project-local tslab kernelspec
NODE_BIN="$(command -v node)"
KERNEL_DIR="$REPO/.jupyter/kernels/tslab"
mkdir -p "$KERNEL_DIR"
# Absolute paths: the kernel is started by Jupyter with cwd = the notebook's folder.
# `node <tslab>` rather than the shebang so the kernel uses the same Node as this install.
NODE_BIN="$NODE_BIN" TSLAB_BIN="$TSLAB_BIN" KERNEL_JSON="$KERNEL_DIR/kernel.json" node -e '
  const fs = require("fs");
  const spec = {
    argv: [process.env.NODE_BIN, process.env.TSLAB_BIN, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab)",
    language: "typescript",
  };
  fs.writeFileSync(process.env.KERNEL_JSON, JSON.stringify(spec, null, 2) + "\n");
'
log "kernelspec written: $KERNEL_DIR/kernel.json"
log "done. Open notebooks with: JUPYTER_PATH=\"$REPO/.jupyter\" /usr/bin/jupyter notebook notebooks/"
