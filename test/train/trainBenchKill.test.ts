/**
 * The DARTS mini training bench through the CLI, as the committed bench is made: a run killed
 * with SIGKILL part-way keeps only complete architectures; the rerun finishes with exactly the
 * seeded sample (the first N of the seed's permutation of NASLib's NB301 genotypes, in that
 * order), epochs 0..E for each, and the values of an uninterrupted run (wall seconds aside).
 * Tiny recipe: 2 channels, 3 cells, 2 epochs on 64 training / 32 test images.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasDataFile } from '../../src/data/root';
import { archSet } from '../../src/runner/archSets';
import { selectArchs } from '../../src/runner/archs';
import { readTrainBench, type TrainBench } from '../../src/train/trainBenchFile';

const noData = (!hasDataFile('cifar10/data_batch_1.bin') || !hasDataFile('naslib/zc_nasbench301.json')) && 'no CIFAR-10 or NB301 data';
const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const ARCHS = 5;
const EPOCHS = 2;
const args = (out: string): string[] => [
  cli, 'train-bench', '--space', 'darts', '--archs', `sample:${ARCHS}`, '--epochs', String(EPOCHS), '--channels', '2', '--cells', '3',
  '--batch-size', '32', '--score-batch-size', '16', '--train-limit', '64', '--eval-limit', '32', '--seed', '2', '--quiet', '--out', out,
];
const dataRows = (f: string): number => (fs.existsSync(f) ? Math.max(0, fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0).length - 1) : 0);
const values = (b: TrainBench): unknown[] => b.archs.flatMap((a) => a.rows.map(({ seconds: _s, ...r }) => r));

test('darts train-bench: kill -9 part-way, rerun → exactly the seeded sample in order, epochs 0..E, values of an uninterrupted run', { skip: noData }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-tbkill-'));
  const killed = path.join(dir, 'killed.csv');
  const clean = path.join(dir, 'clean.csv');

  const child = spawn(process.execPath, args(killed), { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 300_000;
  // at least one complete architecture, then kill (usually inside the next one's training)
  while (dataRows(killed) < EPOCHS + 1) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      assert.fail('the training bench wrote no complete architecture in 300 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const partial = readTrainBench(killed).archs.length;
  assert.ok(partial >= 1 && partial < ARCHS, `killed after ${partial} of ${ARCHS} architectures: not part-way`);

  const rerun = spawnSync(process.execPath, args(killed), { encoding: 'utf8' });
  assert.equal(rerun.status, 0, rerun.stderr);
  const full = spawnSync(process.execPath, args(clean), { encoding: 'utf8' });
  assert.equal(full.status, 0, full.stderr);

  const a = readTrainBench(killed);
  const b = readTrainBench(clean);
  const want = selectArchs(`sample:${ARCHS}`, archSet('darts'), 2);
  assert.deepEqual(a.archs.map((x) => x.index), want, 'exactly the seeded sample, in permutation order, each once');
  assert.deepEqual(b.archs.map((x) => x.index), want);
  for (const x of a.archs) {
    assert.deepEqual(x.rows.map((r) => r.epoch), [0, 1, 2], `epochs of ${x.index}`);
    assert.equal(x.arch, archSet('darts').archString(x.index));
  }
  assert.deepEqual([a.settings.space, a.settings.C, a.settings.N, a.settings.epochs, a.settings.seed], ['darts', 2, 3, EPOCHS, 2]);
  assert.deepEqual(values(a), values(b), 'the resumed file holds the values of an uninterrupted run');
  const lines = fs.readFileSync(killed, 'utf8').split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1 + ARCHS * (EPOCHS + 1), 'no leftover rows of the killed architecture');
});
