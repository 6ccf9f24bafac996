/**
 * Re-check of a committed training bench: the comparison (exact, seconds aside, NaN = NaN; an
 * untrained-atom difference told apart from a training difference) and the determinism it rests
 * on: a bench written to a file is reproduced by training again in this process and in another
 * process. Tiny networks (C=4, N=1) on 32 training / 32 test images.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { archSet } from '../../src/runner/archSets';
import { compareBenchRows, formatBenchRecheck, recheckBenchArch } from '../../src/train/benchRecheck';
import { defaultTrainBenchSettings, readTrainBench, runTrainBench, trainBenchArch, trainBenchScoreBatch, type TrainBench, type TrainBenchRow, type TrainBenchSettings } from '../../src/train/trainBench';
import { needsData, CIFAR10_FILE } from '../support/data';

const noCifar = needsData(CIFAR10_FILE);
const TINY: TrainBenchSettings = {
  ...defaultTrainBenchSettings('nb201'),
  C: 4, N: 1, epochs: 2, batchSize: 16, scoreBatchSize: 16, trainLimit: 32, evalLimit: 32, seed: 3,
};
const ARCHS = [5111, 1234];
const COMMAND = 'node dist/cli.js train-bench --space nb201 --archs sample:2 --out b.csv';

const row = (epoch: number, over: Partial<TrainBenchRow> = {}): TrainBenchRow => ({
  index: 7, arch: '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|', epoch,
  trainLoss: epoch === 0 ? NaN : 2 - 0.1 * epoch, trainAcc: epoch === 0 ? NaN : 0.2 + 0.05 * epoch,
  testLoss: epoch === 0 ? NaN : 2.1 - 0.1 * epoch, testAcc: epoch === 0 ? NaN : 0.21 + 0.05 * epoch,
  seconds: epoch === 0 ? 0 : 30 + epoch, naswot: 1280.123456789 + epoch, dasNa: 67584, dasLogDetS: -137.5 + epoch, ...over,
});
const ROWS = [0, 1, 2, 3].map((e) => row(e));
const withRow = (e: number, over: Partial<TrainBenchRow>): TrainBenchRow[] => ROWS.map((r) => (r.epoch === e ? { ...r, ...over } : r));

test('equal rows (NaN cells of the untrained row included, seconds ignored): reproduced', () => {
  const r = compareBenchRows(withRow(2, { seconds: 99 }), ROWS);
  assert.equal(r.rowsEqual, true);
  assert.equal(r.atomsEqual, true);
  assert.equal(r.atomsMaxRel, 0);
  assert.equal(r.testAccMaxDiff, 0);
  assert.equal(r.trainLossMaxRel, 0);
  assert.equal(r.epochs, 3);
  assert.match(formatBenchRecheck(r, COMMAND), /^re-trained bench architecture #7 \(3 epochs\) in this run: every epoch's row equal .*: reproduced$/);
});

test('an untrained atom one float step off: NOT reproduced, blamed on the kernels, with the command that regenerates the table', () => {
  const live = withRow(0, { naswot: ROWS[0]!.naswot * (1 + Number.EPSILON) });
  const r = compareBenchRows(live, ROWS);
  assert.equal(r.atomsEqual, false);
  assert.equal(r.rowsEqual, false);
  assert.ok(r.atomsMaxRel > 0 && r.atomsMaxRel < 1e-12, `${r.atomsMaxRel}`);
  const line = formatBenchRecheck(r, COMMAND);
  assert.match(line, /NOT reproduced — the untrained atoms already differ \(relative \|Δ\| \S+\)/);
  assert.ok(line.endsWith(`\n  ${COMMAND}`), line);
});

test('equal atoms, a trained accuracy off: NOT reproduced, the first differing cell and the largest accuracy gap in pp', () => {
  const live = withRow(2, { testAcc: ROWS[2]!.testAcc + 0.05 }).map((r) => (r.epoch === 3 ? { ...r, trainLoss: r.trainLoss * 1.01 } : r));
  const r = compareBenchRows(live, ROWS);
  assert.equal(r.atomsEqual, true);
  assert.equal(r.rowsEqual, false);
  assert.ok(Math.abs(r.testAccMaxDiff - 0.05) < 1e-12);
  assert.ok(Math.abs(r.trainLossMaxRel - 0.01) < 1e-12);
  assert.match(r.firstDifference, /^epoch 2 testAcc: /);
  assert.match(formatBenchRecheck(r, COMMAND), /test accuracy max \|Δ\| 5\.00 pp.*NOT reproduced|NOT reproduced.*test accuracy max \|Δ\| 5\.00 pp/);
  // a diverged epoch (NaN against a number) is a difference, not an equality
  assert.equal(compareBenchRows(withRow(3, { testAcc: NaN }), ROWS).rowsEqual, false);
  assert.ok(Number.isNaN(compareBenchRows(withRow(3, { testAcc: NaN }), ROWS).testAccMaxDiff));
});

test('rows of another architecture or other epochs are refused', () => {
  assert.throws(() => compareBenchRows(ROWS.slice(0, 3), ROWS), /3 live rows vs 4 committed rows/);
  assert.throws(() => compareBenchRows(ROWS.map((r) => ({ ...r, index: 8 })), ROWS), /#8 epoch 0 live vs #7 epoch 0 committed/);
  assert.throws(() => compareBenchRows([], []), /no rows/);
});

let dir = '';
let bench: TrainBench;
before(async () => {
  await initBackend({ quiet: true });
  if (noCifar) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-recheck-'));
  bench = await runTrainBench(TINY, ARCHS, path.join(dir, 'bench.csv'), { quiet: true });
});

test('deterministic in one process: training the bench architectures again reproduces the written file exactly', { skip: noCifar }, () => {
  const read = readTrainBench(path.join(dir, 'bench.csv'));
  const x = trainBenchScoreBatch(TINY);
  try {
    for (const a of read.archs) {
      const r = recheckBenchArch(archSet('nb201'), a, read.settings, x);
      assert.equal(r.rowsEqual, true, `#${a.index}: ${r.firstDifference}`);
    }
  } finally {
    x.dispose();
  }
  assert.deepEqual(read.archs.map((a) => a.index), bench.archs.map((a) => a.index));
});

test('a re-check of the first epochs only: trained on the whole run\'s schedule, equal to the committed first rows; a later epoch is not compared', { skip: noCifar }, () => {
  const read = readTrainBench(path.join(dir, 'bench.csv'));
  const a = read.archs[0]!;
  const x = trainBenchScoreBatch(TINY);
  try {
    const r = recheckBenchArch(archSet('nb201'), a, read.settings, x, 1);
    assert.equal(r.rowsEqual, true, r.firstDifference);
    assert.deepEqual([r.epochs, r.ofEpochs], [1, TINY.epochs]);
    assert.match(formatBenchRecheck(r, COMMAND), /^re-trained bench architecture #\d+ \(first 1 of its 2 epochs\) in this run: every epoch's row equal/);
    // a change in the last epoch only is outside the re-check; a change in epoch 1 is caught
    const lastChanged = { ...a, rows: a.rows.map((row) => (row.epoch === TINY.epochs ? { ...row, testAcc: row.testAcc + 0.01 } : row)) };
    assert.equal(recheckBenchArch(archSet('nb201'), lastChanged, read.settings, x, 1).rowsEqual, true);
    const firstChanged = { ...a, rows: a.rows.map((row) => (row.epoch === 1 ? { ...row, trainLoss: row.trainLoss * (1 + 1e-7) } : row)) };
    assert.match(recheckBenchArch(archSet('nb201'), firstChanged, read.settings, x, 1).firstDifference, /^epoch 1 trainLoss/);
    // a run trained with a schedule of one epoch differs: the first rows are the whole run's
    const short = trainBenchArch(archSet('nb201'), a.index, { ...read.settings, epochs: 1 }, x);
    assert.equal(compareBenchRows(short, a.rows.slice(0, 2)).rowsEqual, false, 'a one-epoch schedule is not the first epoch of a longer one');
    assert.throws(() => recheckBenchArch(archSet('nb201'), a, read.settings, x, 0), /throughEpoch must be an integer in 1\.\.2/);
  } finally {
    x.dispose();
  }
});

test('deterministic across processes: a bench written by another process has the same rows (seconds aside)', { skip: noCifar }, () => {
  const other = path.join(dir, 'other.csv');
  const src = path.resolve(__dirname, '..', '..', 'src');
  const script = path.join(dir, 'other.ts');
  fs.writeFileSync(script, [
    `import { initBackend } from ${JSON.stringify(path.join(src, 'engine', 'backend'))};`,
    `import { runTrainBench } from ${JSON.stringify(path.join(src, 'train', 'trainBench'))};`,
    `initBackend({ quiet: true }).then(() => runTrainBench(${JSON.stringify(TINY)}, ${JSON.stringify(ARCHS)}, ${JSON.stringify(other)}, { quiet: true }));`,
  ].join('\n'));
  execFileSync(process.execPath, ['--import', 'tsx', script], { stdio: 'pipe', cwd: path.resolve(__dirname, '..', '..') });
  const theirs = readTrainBench(other);
  const ours = readTrainBench(path.join(dir, 'bench.csv'));
  assert.equal(theirs.archs.length, ARCHS.length);
  theirs.archs.forEach((a, k) => {
    const r = compareBenchRows(a.rows, ours.archs[k]!.rows);
    assert.equal(r.rowsEqual, true, `#${a.index}: ${r.firstDifference}`);
  });
});
