#!/usr/bin/env bash
# Idempotent project setup:
#   1. Debian packages, each only if its binary is missing: Jupyter for headless runs (nbconvert,
#      nbclient, ipykernel), the classic notebook server (`npm run notebook`), Chromium (the
#      explorer's browser tests; npm never downloads a browser) and Slurm + munge (slurm-wlm, munge:
#      the sharded-run tests start a single-node cluster, deploy/slurm/local-cluster.sh),
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
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "[install] $*"; }

# ---------------------------------------------------------------- 1. Debian packages
# binary that shows the package is installed -> packages that provide it
declare -A NEEDS=(
  [/usr/bin/jupyter-nbconvert]="jupyter-nbconvert python3-nbclient python3-ipykernel"
  [/usr/bin/jupyter-notebook]="jupyter-notebook"
  [/usr/bin/chromium]="chromium"
  [/usr/sbin/slurmctld]="slurm-wlm"
  [/usr/sbin/slurmd]="slurm-wlm"
  [/usr/sbin/munged]="munge"
)
MISSING=()
for bin in /usr/bin/jupyter-nbconvert /usr/bin/jupyter-notebook /usr/bin/chromium /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/munged; do
  if [[ -x "$bin" ]]; then
    log "present: $bin"
  else
    read -r -a pkgs <<<"${NEEDS[$bin]}"
    MISSING+=("${pkgs[@]}")
  fi
done
if [[ "${#MISSING[@]}" -gt 0 ]]; then
  read -r -a MISSING <<<"$(printf '%s\n' "${MISSING[@]}" | sort -u | tr '\n' ' ')"
  log "installing Debian packages: ${MISSING[*]}"
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=(sudo -n)
    else
      echo "install.sh: not root and no sudo; install as root: apt-get install -y ${MISSING[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${MISSING[@]}" </dev/null
  for bin in /usr/bin/jupyter-nbconvert /usr/bin/jupyter-notebook /usr/bin/chromium /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/munged; do
    if [[ ! -x "$bin" ]]; then
      echo "install.sh: $bin still missing after apt-get install" >&2
      exit 1
    fi
  done
fi
/usr/bin/python3 -c 'import nbconvert, nbclient, ipykernel, notebook' \
  || { echo "install.sh: Debian python3 cannot import nbconvert/nbclient/ipykernel/notebook" >&2; exit 1; }

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
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund </dev/null
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
log "done. Open the notebooks with: npm run notebook   (prints the URL)"
