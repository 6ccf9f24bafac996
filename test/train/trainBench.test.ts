/**
 * Mini training bench (issue #7): file layout, resume after a kill (incomplete architecture
 * trained again, complete ones skipped), settings refused, epoch-0 atoms = a direct NASWOT on a
 * fresh network of the same seed, determinism, no tensor leaks, CLI argument parsing. Tiny
 * networks (C=4, N=1) on 32 training / 32 test images.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf } from '../../src/engine/backend';
import { naswot } from '../../src/proxies/naswot';
import { archSet, type ArchSet } from '../../src/runner/archSets';
import { networkSeed } from '../../src/runner/settings';
import {
  defaultTrainBenchSettings, formatTrainBenchRow, openTrainBenchFile, parseTrainBenchArgs, readTrainBench, runTrainBench, TRAIN_BENCH_HEADER,
  TRAIN_BENCH_HELP, trainBenchArch, trainBenchScoreBatch, type TrainBench, type TrainBenchRow, type TrainBenchSettings,
} from '../../src/train/trainBench';
import { needsData, CIFAR10_FILE } from '../support/data';

const noCifar = needsData(CIFAR10_FILE);
const TINY: TrainBenchSettings = {
  ...defaultTrainBenchSettings('nb201'),
  C: 4, N: 1, epochs: 2, batchSize: 16, scoreBatchSize: 16, trainLimit: 32, evalLimit: 32, seed: 3,
};
const ARCHS = [5111, 1234];
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'zn-tb-'));
/** Rows without the wall-clock column, for equality across runs. */
const values = (b: TrainBench): Omit<TrainBenchRow, 'seconds'>[] => b.archs.flatMap((a) => a.rows.map(({ seconds: _s, ...r }) => r));
const lines = (f: string): string[] => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0);

let dir = '';
let fileA = '';
let benchA: TrainBench;
let benchB: TrainBench;

before(async () => {
  await initBackend({ quiet: true });
  if (noCifar) return;
  dir = tmp();
  fileA = path.join(dir, 'a', 'bench.csv');
  benchA = await runTrainBench(TINY, ARCHS, fileA, { quiet: true, command: 'zeronas train-bench --test' });
  benchB = await runTrainBench(TINY, ARCHS, path.join(dir, 'b.csv'), { quiet: true });
});

test('layout: header, epochs 0..E per architecture in one block, epoch 0 untrained with nan train/test columns, settings sidecar', { skip: noCifar }, () => {
  const ls = lines(fileA);
  assert.equal(ls[0], 'index,arch,epoch,train_loss,train_acc,test_loss,test_acc,seconds,naswot,das_na,das_logdet_s');
  assert.equal(ls[0], TRAIN_BENCH_HEADER);
  assert.equal(ls.length, 1 + ARCHS.length * (TINY.epochs + 1));
  const set = archSet('nb201');
  assert.deepEqual(ls.slice(1).map((l) => l.split(',').slice(0, 3).join(',')), ARCHS.flatMap((i) => [0, 1, 2].map((e) => `${i},${set.archString(i)},${e}`)));
  assert.match(ls[1]!, /^5111,[^,]+,0,nan,nan,nan,nan,0\.000,[-\d.e]+,\d+,[-\d.e]+$/);
  assert.deepEqual(benchA.archs.map((a) => a.index), ARCHS);
  for (const a of benchA.archs) {
    assert.deepEqual(a.rows.map((r) => r.epoch), [0, 1, 2]);
    for (const r of a.rows.slice(1)) {
      for (const v of [r.trainAcc, r.testAcc]) assert.ok(v >= 0 && v <= 1, `accuracy ${v}`);
      assert.ok(r.trainLoss > 0 && r.testLoss > 0 && r.seconds > 0 && Number.isFinite(r.naswot) && r.dasNa > 0);
      // S = K_H/N_A has a unit diagonal, so log|S| ≤ 0 (Hadamard); the atoms themselves are tied to
      // a direct naswot below, whose log|S| naswot.test.ts checks against an independent LU of S
      assert.ok(r.dasLogDetS <= 1e-9, `log|S| ≤ 0, got ${r.dasLogDetS}`);
    }
  }
  // (#1234 has a single 1x1 conv: 4 tiny steps leave its activation codes on 16 images unchanged)
  assert.notEqual(benchA.archs[0]!.rows[2]!.naswot, benchA.archs[0]!.rows[0]!.naswot, 'training changes the score of #5111');
  const meta = JSON.parse(fs.readFileSync(`${fileA}.meta.json`, 'utf8')) as { settings: TrainBenchSettings; command: string };
  assert.deepEqual(meta.settings, TINY);
  assert.equal(meta.command, 'zeronas train-bench --test');
  assert.deepEqual(readTrainBench(fileA).settings, TINY);
});

test('epoch-0 atoms equal a direct naswot on a fresh network of the same seed and the same batch', { skip: noCifar }, () => {
  const set = archSet('nb201');
  const x = trainBenchScoreBatch(TINY);
  try {
    for (const a of benchA.archs) {
      const net = set.build(a.index, { C: TINY.C, N: TINY.N, numClasses: 10 }, networkSeed(TINY.seed, a.index));
      try {
        const r = naswot(net, x, { counting: TINY.counting, bn: 'train' });
        assert.deepEqual([a.rows[0]!.naswot, a.rows[0]!.dasNa, a.rows[0]!.dasLogDetS], [r.score, r.numUnits, r.logDetS], `arch ${a.index}`);
      } finally {
        net.dispose();
      }
    }
  } finally {
    x.dispose();
  }
});

test('deterministic: a second run into another file gives identical values (seconds aside)', { skip: noCifar }, () => {
  assert.deepEqual(values(benchB), values(benchA));
});

test('resume: complete architectures are skipped, one cut mid-write (partial line) is dropped and trained again with the same values', { skip: noCifar }, async () => {
  const f = path.join(tmp(), 'r.csv');
  fs.copyFileSync(fileA, f);
  fs.copyFileSync(`${fileA}.meta.json`, `${f}.meta.json`);
  // a kill inside the second architecture's append: its first two rows and part of the third
  const ls = lines(f);
  fs.writeFileSync(f, ls.slice(0, -1).join('\n') + '\n' + ls.at(-1)!.slice(0, 17));
  const trained: number[] = [];
  const b = await runTrainBench(TINY, [...ARCHS, 7], f, { quiet: true, onArch: (a) => trained.push(a.index) });
  assert.deepEqual(trained, [1234, 7]);
  assert.deepEqual(b.archs.map((a) => a.index), [5111, 1234, 7]);
  assert.deepEqual(values({ ...b, archs: b.archs.slice(0, 2) }), values(benchA));
  assert.equal(lines(f).length, 1 + 3 * (TINY.epochs + 1), 'every architecture exactly once');
  const again: number[] = [];
  await runTrainBench(TINY, [...ARCHS, 7], f, { quiet: true, onArch: (a) => again.push(a.index) });
  assert.deepEqual(again, [], 'nothing left to train');
});

test('no tensor leaks: live tensors are the same before and after a run, and flat across epochs', { skip: noCifar }, async () => {
  const start = tf.memory().numTensors;
  const trace: number[] = [];
  await runTrainBench(TINY, [5111], path.join(tmp(), 'l.csv'), { quiet: true, onRow: () => trace.push(tf.memory().numTensors) });
  assert.equal(tf.memory().numTensors, start);
  assert.equal(trace.length, 3);
  assert.equal(trace[2], trace[1], `live tensors per row: ${trace.join(', ')}`);
});

test('nb101 and darts: tiny networks train and score; darts refuses running BN statistics with a clear error', { skip: noCifar }, async () => {
  const d = tmp();
  for (const [space, over] of [['nb101', {}], ['darts', { N: 2 }]] as const) {
    const s: TrainBenchSettings = { ...defaultTrainBenchSettings(space), ...TINY, space, evalBn: defaultTrainBenchSettings(space).evalBn, epochs: 1, ...over };
    const b = await runTrainBench(s, [3], path.join(d, `${space}.csv`), { quiet: true });
    const rows = b.archs[0]!.rows;
    assert.equal(rows.length, 2, space);
    assert.ok(rows.every((r) => Number.isFinite(r.naswot)) && rows[1]!.testAcc >= 0 && rows[1]!.testAcc <= 1, `${space}: ${JSON.stringify(rows)}`);
    assert.equal(b.archs[0]!.arch, archSet(space).archString(3));
  }
  await assert.rejects(
    runTrainBench({ ...TINY, space: 'darts', N: 2, epochs: 1 }, [3], path.join(d, 'running.csv'), { quiet: true }),
    /DARTS cells use BN without affine parameters.*--eval-bn batch/,
  );
  // the failed run left a header only: the corrected settings start it afresh
  const fixed = await runTrainBench({ ...TINY, space: 'darts', N: 2, epochs: 1, evalBn: 'batch' }, [3], path.join(d, 'running.csv'), { quiet: true });
  assert.deepEqual(values(fixed), values(await runTrainBench({ ...TINY, space: 'darts', N: 2, epochs: 1, evalBn: 'batch' }, [3], path.join(d, 'darts.csv'), { quiet: true })));
});

test('a network whose loss turns non-finite is kept with nan rows for the remaining epochs (not retried forever)', { skip: noCifar }, () => {
  const real = archSet('nb201');
  const exploding: ArchSet = {
    ...real,
    build: (i, o, seed) => {
      const net = real.build(i, o, seed);
      const forward = net.forward.bind(net);
      net.forward = (x, opts) => {
        const r = forward(x, opts);
        return { ...r, logits: tf.mul(r.logits, NaN) };
      };
      return net;
    },
  };
  const start = tf.memory().numTensors;
  const x = trainBenchScoreBatch(TINY);
  const rows = trainBenchArch(exploding, 5111, TINY, x);
  x.dispose();
  assert.equal(tf.memory().numTensors, start);
  assert.deepEqual(rows.map((r) => r.epoch), [0, 1, 2]);
  assert.equal(rows[0]!.naswot, benchA.archs[0]!.rows[0]!.naswot);
  assert.ok(rows.slice(1).every((r) => [r.trainLoss, r.testAcc, r.seconds, r.naswot].every(Number.isNaN)), JSON.stringify(rows));
});

/** Synthetic rows of architecture `index` for epochs 0..E (no training). */
const fake = (index: number, epochs: number, v = 1): TrainBenchRow[] =>
  Array.from({ length: epochs + 1 }, (_, e) => ({
    index, arch: `a${index}`, epoch: e, trainLoss: e ? 2 / e : NaN, trainAcc: e ? 0.1 * e : NaN, testLoss: e ? 2 : NaN, testAcc: e ? 0.2 : NaN,
    seconds: e ? 1.5 : 0, naswot: v === 0 ? -Infinity : 100 + e, dasNa: 50, dasLogDetS: -3.25,
  }));

test('file: a kill inside an append leaves no half architecture; duplicates, layout and settings are checked', () => {
  const f = path.join(tmp(), 'f.csv');
  const s = { ...TINY, epochs: 3 };
  const a = openTrainBenchFile(f, s);
  a.append(fake(3, 3));
  a.append(fake(8, 3, 0));
  assert.throws(() => a.append(fake(9, 2)), /epochs 0\.\.3 of one architecture/);
  const good = fs.readFileSync(f, 'utf8');
  // killed mid-append: two full rows of architecture 9 and half a line
  fs.appendFileSync(f, fake(9, 3).slice(0, 2).map((r) => `${r.index},${r.arch},${r.epoch},nan,nan,nan,nan,0.000,1,2,3\n`).join('') + '9,a9,2,0.5');
  const b = openTrainBenchFile(f, s);
  assert.deepEqual([...b.done], [3, 8]);
  assert.equal(b.droppedRows, 2);
  assert.equal(fs.readFileSync(f, 'utf8'), good, 'the file is back to its complete architectures');
  const r = readTrainBench(f);
  assert.equal(r.archs[1]!.rows[2]!.naswot, -Infinity);
  assert.ok(Number.isNaN(r.archs[0]!.rows[0]!.trainAcc));
  assert.equal(r.archs[0]!.rows[1]!.trainLoss, 2);
  // a second block of a finished architecture is refused: by the writer, and by the reader when another writer added it
  assert.throws(() => b.append(fake(3, 3, 7)), /already holds architecture index 3; not writing it twice/);
  fs.appendFileSync(f, fake(3, 3, 7).map((r) => formatTrainBenchRow(r) + '\n').join(''));
  assert.throws(() => readTrainBench(f), /holds architecture index 3 \(2×\) more than once/);
  assert.throws(() => openTrainBenchFile(f, s), /holds architecture index 3 \(2×\) more than once/);
  fs.writeFileSync(f, good);
  // other settings are refused, naming the file and each difference old → new
  assert.throws(() => openTrainBenchFile(f, { ...s, lr: 0.05 }), /f\.csv' holds training-bench file rows made with other settings or data \(.*meta\.json\): lr 0\.1 → 0\.05/);
  assert.throws(() => openTrainBenchFile(f, { ...s, trainLimit: undefined }), /trainLimit 32 → absent/);
  // another layout is refused
  const g = path.join(path.dirname(f), 'g.csv');
  fs.writeFileSync(g, 'index,arch,naswot\n1,x,2\n');
  fs.copyFileSync(`${f}.meta.json`, `${g}.meta.json`);
  assert.throws(() => openTrainBenchFile(g, s), /not a training-bench file of this layout/);
  assert.throws(() => openTrainBenchFile(f, { ...s, epochs: 0 }), /epochs must be a positive integer, got 0/);
});

test('parseTrainBenchArgs: defaults per space, every option, errors naming the option', () => {
  const base = ['--archs', 'sample:60', '--out', 'o.csv'];
  const a = parseTrainBenchArgs(base);
  assert.ok(!a.help);
  assert.deepEqual(a.settings, defaultTrainBenchSettings('nb201'));
  assert.equal(a.settings.C, 16);
  assert.equal(a.settings.N, 1);
  assert.equal(a.settings.epochs, 3);
  assert.equal(a.archsSpec, 'sample:60');
  assert.equal(a.out, 'o.csv');
  const d = parseTrainBenchArgs([...base, '--space', 'darts']);
  assert.ok(!d.help && d.settings.evalBn === 'batch' && d.settings.N === 5);
  const all = parseTrainBenchArgs([
    ...base, '--space', 'nb101', '--epochs', '5', '--channels', '8', '--cells', '2', '--batch-size', '32', '--lr', '0.05', '--momentum', '0.8',
    '--weight-decay', '0', '--decay', 'all', '--nesterov', 'false', '--augment', 'none', '--eval-bn', 'batch', '--seed', '0',
    '--score-batch-size', '64', '--counting', 'naslib', '--dataset', 'cifar100', '--train-limit', '640', '--eval-limit', '100', '--quiet',
  ]);
  assert.deepEqual(all, {
    help: false, archsSpec: 'sample:60', out: 'o.csv', quiet: true,
    settings: {
      space: 'nb101', dataset: 'cifar100', C: 8, N: 2, epochs: 5, batchSize: 32, lr: 0.05, momentum: 0.8, weightDecay: 0, decay: 'all',
      nesterov: false, augment: 'none', evalBn: 'batch', seed: 0, scoreBatchSize: 64, counting: 'naslib', trainLimit: 640, evalLimit: 100,
    },
  });
  assert.deepEqual(parseTrainBenchArgs(['--help']), { help: true });
  assert.match(TRAIN_BENCH_HELP, /--archs SPEC/);
  for (const [args, msg] of [
    [['--epochs', '0'], /--epochs must be an integer ≥ 1, got '0'/],
    [['--epochs', '2.5'], /--epochs must be an integer/],
    [['--lr', 'fast'], /--lr must be a positive number, got 'fast'/],
    [['--momentum', '1'], /--momentum must be a number in \[0, 1\)/],
    [['--space', 'nb301'], /--space must be one of nb201, nb101, nb101-naslib, darts, macro, got 'nb301'/],
    [['--nesterov', 'yes'], /--nesterov must be one of true, false/],
    [['--train-limit', '10'], /--batch-size 64 exceeds --train-limit 10/],
    [['--bogus', '1'], /bogus/],
  ] as const) {
    assert.throws(() => parseTrainBenchArgs([...base, ...args]), msg, args.join(' '));
  }
  assert.throws(() => parseTrainBenchArgs(['--out', 'o.csv']), /needs --archs/);
  assert.throws(() => parseTrainBenchArgs(['--archs', 'all']), /needs --out/);
});
