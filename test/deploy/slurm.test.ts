/**
 * The Slurm deployment for real (deploy/slurm/test-local.sh): a single-node cluster from Debian's
 * slurm-wlm and munge, a 2-task array job scoring a small NB201 sample, one task killed with
 * SIGKILL part-way and resubmitted alone, the dependent merge job, and the merged table equal to
 * an unsharded run. No Slurm or munge daemon may outlive the script. Needs root and the packages
 * (scripts/install.sh installs them) and dist/ built (npm test builds first).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasDataFile } from '../../src/data/root';

const root = path.join(__dirname, '..', '..');
const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const skip =
  (!hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10 data') ||
  (process.getuid?.() !== 0 && 'needs root (slurmd)') ||
  (!['slurmctld', 'slurmd', 'munged', 'sbatch'].every(has) && 'slurm-wlm / munge not installed (bash scripts/install.sh)');

/** Pids of the Slurm and munge daemons running now. */
function daemons(): Set<string> {
  // one name per call: pgrep matches at most 15 characters of a process name
  return new Set(
    ['munged', 'slurmctld', 'slurmd', 'slurmstepd'].flatMap((name) =>
      spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== ''),
    ),
  );
}

test('the daemon probe sees a running munged', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-probe-'));
  const script = path.join(root, 'deploy', 'slurm', 'local-cluster.sh');
  const up = spawnSync('bash', [script, 'start', dir], { encoding: 'utf8' });
  try {
    assert.equal(up.status, 0, up.stderr);
    const pid = fs.readFileSync(path.join(dir, 'munged.pid'), 'utf8').trim();
    assert.ok(daemons().has(pid), `munged ${pid} not found by the probe`);
  } finally {
    spawnSync('bash', [script, 'stop', dir]);
  }
});

test('Slurm array job: kill -9 one task, resubmit it alone, merged table = unsharded run; no daemon left', { skip }, () => {
  const before = daemons();
  const r = spawnSync('bash', [path.join(root, 'deploy', 'slurm', 'test-local.sh'), '--kill', '--archs', '12'], { encoding: 'utf8', cwd: root, timeout: 600_000 });
  const left = [...daemons()].filter((p) => !before.has(p));
  assert.deepEqual(left, [], `daemons left running: ${left.join(', ')}`);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /killed task 1 \(kill -9\) after \d+ of 6 rows/);
  assert.match(r.stdout, /merged table identical to the unsharded run \(12 archs/);
});

test('the cluster script stops its daemons when it fails', { skip }, () => {
  const before = daemons();
  // sample:0 is refused by every task once the cluster is up: tasks fail, the merge is cancelled, the script exits 1
  const r = spawnSync('bash', [path.join(root, 'deploy', 'slurm', 'test-local.sh'), '--archs', '0'], { encoding: 'utf8', cwd: root, timeout: 300_000 });
  assert.notEqual(r.status, 0, 'sample:0 must fail');
  assert.deepEqual([...daemons()].filter((p) => !before.has(p)), [], 'daemons left after a failed run');
});
