/**
 * Zero-Cost-PT on NAS-Bench-1Shot1 space 2: the op and topology steps on a hand-made additive
 * scorer, the cells' mapping onto the 1Shot1 table (every table cell is reachable; a cell outside
 * the table is refused), a quick headless search on real CIFAR-10 batches (tiny width), the
 * resumable results file through the CLI, option checks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf } from '../../../../src/engine/backend';
import { hasDataFile } from '../../../../src/data/root';
import { Rng } from '../../../../src/engine/rng';
import type { Network } from '../../../../src/engine/network';
import { loadNb1Shot1Space2, NB101_1SHOT1_SPACE2_FILE, uniqueNb1Shot1 } from '../../../../src/benchmarks/nb101';
import { allShot1Cells, formatShot1, parseShot1, shot1ToNb101 } from '../../../../src/spaces/nb101/shot1';
import { nb101Hash } from '../../../../src/spaces/nb101/hash';
import { mergeFiles } from '../../../../src/runner/merge';
import type { ZcptScorer } from '../../../../src/search/zcpt/scorers';
import {
  keepLowest,
  readZcptShot1Results,
  runShot1Proposal,
  shot1Lookup,
  shot1TableIndex,
  shot1TableStatus,
  SHOT1_SCORINGS_PER_PROPOSAL,
  zcptSearchShot1,
  zcptShot1Settings,
  type Shot1Mixing,
} from '../../../../src/search/zcpt/nb101-1shot1';

before(async () => {
  await initBackend({ quiet: true });
});

const HAS_TABLE = hasDataFile(NB101_1SHOT1_SPACE2_FILE);

/** S = Σ op values·w + Σ input values·u + Σ output values·v (values fixed below). */
const OPV = [
  [1, 5, 2],
  [3, 1, 2],
  [1, 2, 6],
  [4, 1, 1],
];
const INV = [
  [1, 7],
  [5, 1, 4],
  [2, 9, 1, 8],
];
const OUTV = [3, 1, 6, 2, 5];

function additiveScorer(seen: Shot1Mixing[]): ZcptScorer {
  return {
    name: 'additive',
    score: (t) => {
      const m = (t.net as unknown as { shot1Mixing: Shot1Mixing }).shot1Mixing;
      seen.push(m);
      const dot = (w: readonly (readonly number[])[], v: readonly (readonly number[])[]): number => w.reduce((a, r, i) => a + r.reduce((b, x, j) => b + x * v[i]![j]!, 0), 0);
      return dot(m.ops, OPV) + dot(m.inputs, INV) + dot([m.output], [OUTV]);
    },
  };
}

const batch = () => ({ x: tf.zeros([2, 4, 4, 3]) as tf.Tensor4D, labels: tf.zeros([2], 'int32') as tf.Tensor1D });
const view = (m: Shot1Mixing): Network => ({ shot1Mixing: m }) as unknown as Network;

test('op step keeps the op whose removal scores lowest; topology step keeps the parents whose removal lowers the score most', () => {
  const seen: Shot1Mixing[] = [];
  const p = runShot1Proposal({ view, scorer: additiveScorer(seen), nextBatch: batch, rng: new Rng(4), topologyWeights: 'raw' });
  assert.equal(seen.length, SHOT1_SCORINGS_PER_PROPOSAL);
  assert.equal(SHOT1_SCORINGS_PER_PROPOSAL, 26);
  // the op worth most is kept in every block
  assert.equal(formatShot1(p.cell).split('|')[0], 'c1-c3-mp-c3');
  for (const s of p.opSteps) assert.equal(s.scores.indexOf(Math.min(...s.scores)), ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'].indexOf(s.chosen));
  // first scoring: one op of one row at 0, the others near 1/3 (softmax of 1e-3 noise)
  const first = seen[0]!;
  const zeroed = first.ops.flat().filter((v) => v === 0).length;
  assert.equal(zeroed, 1);
  for (const v of first.ops.flat().filter((x) => x !== 0)) assert.ok(Math.abs(v - 1 / 3) < 1e-3);
  for (const s of p.nodeSteps) {
    assert.deepEqual(s.kept, keepLowest(s.scores, s.kept.length).map((i) => s.candidates[i]!).sort((a, b) => a - b));
    assert.deepEqual(p.cell.parents[s.node], s.kept);
  }
  assert.deepEqual(p.nodeSteps.map((s) => s.node).slice(-1), [5]);
  assert.deepEqual(new Set(p.nodeSteps.map((s) => s.node)), new Set([2, 3, 4, 5]));
  // node 2 keeps the parent with the larger input value (1 = node 1, worth 7)
  assert.deepEqual(p.cell.parents[2], [1]);
  // softmax topology weights: encodings enter through softmax (no exact zeros in the topology scorings)
  const seen2: Shot1Mixing[] = [];
  runShot1Proposal({ view, scorer: additiveScorer(seen2), nextBatch: batch, rng: new Rng(4) });
  const topo = seen2.slice(12);
  assert.ok(topo.every((m) => m.ops.every((r) => r.every((v) => v > 0)) && m.output.every((v) => v > 0)));
  assert.ok(Math.abs(Math.max(...topo[0]!.ops[0]!) - Math.E / (Math.E + 2)) < 1e-12);
});

test('a scorer that gives NaN for every op removal stops the proposal, naming the block (no silent first op)', () => {
  const nan: ZcptScorer = { name: 'nan', score: () => NaN };
  const live = tf.memory().numTensors;
  assert.throws(() => runShot1Proposal({ view, scorer: nan, nextBatch: batch, rng: new Rng(4) }), /^Error: Zero-Cost-PT: every removal score is NaN on block [1-4]$/);
  assert.equal(tf.memory().numTensors, live, 'batch disposed on failure');
});

test('keepLowest: lowest first, NaN last, first index on ties', () => {
  assert.deepEqual(keepLowest([3, NaN, 1, 1], 2), [2, 3]);
  assert.deepEqual(keepLowest([NaN, 2, NaN], 2), [1, 0]);
});

test('cells: text form round-trips; every table cell is reachable; a cell outside the table is refused', { skip: !HAS_TABLE && 'no 1Shot1 table' }, () => {
  const cells = allShot1Cells();
  assert.equal(cells.length, 2 * 3 * 6 * 10 * 81);
  for (const c of cells.slice(0, 200)) assert.equal(formatShot1(parseShot1(formatShot1(c))), formatShot1(c));
  assert.throws(() => parseShot1('c3-c1-mp-c3|2:0|3:0|4:1,2|5:1,3,4'), /node 3 needs 2 distinct parents/);
  assert.throws(() => parseShot1('c3-c1-mp-c5|2:0|3:0,1|4:1,2|5:1,3,4'), /unknown op code 'c5'/);
  const rows = loadNb1Shot1Space2();
  const index = shot1TableIndex(rows);
  const reachable = new Set(cells.map((c) => nb101Hash(shot1ToNb101(c))));
  assert.equal(index.size, uniqueNb1Shot1(rows).length);
  for (const h of index.keys()) assert.ok(reachable.has(h), `table cell ${h} is reachable`);
  const inside = cells.find((c) => index.has(nb101Hash(shot1ToNb101(c))))!;
  const outside = cells.find((c) => !index.has(nb101Hash(shot1ToNb101(c))))!;
  const row = shot1Lookup(inside, index);
  assert.ok(row.meanTestAccuracy > 0 && row.meanTestAccuracy <= 100);
  assert.equal(shot1TableStatus(inside, index).accuracies?.mean, row.meanTestAccuracy);
  assert.throws(() => shot1Lookup(outside, index), /is not in the 1Shot1 space-2 table .*accuracy is unknown/);
  const st = shot1TableStatus(outside, index);
  assert.equal(st.accuracies, undefined);
  assert.equal(st.outsideTable?.hash, nb101Hash(shot1ToNb101(outside)));
});

test('quick headless search: proposals, post-validation, table status, timings, determinism', { skip: !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10' }, async () => {
  const opts = { seed: 3, proposals: 2, valBatches: 2, batchSize: 4, C: 2, layers: 3 } as const;
  const a = await zcptSearchShot1(opts);
  assert.equal(a.proposals.length, 2);
  assert.equal(a.timing.supernetScorings, 2 * SHOT1_SCORINGS_PER_PROPOSAL);
  assert.ok(a.validation.candidates.length >= 1 && a.validation.candidates.length <= 2);
  assert.ok(a.validation.candidates.every((c) => c.batchScores.length === 2 && Math.abs(c.score - c.batchScores[0]! - c.batchScores[1]!) < 1e-9));
  assert.equal(a.archString, a.validation.candidates[a.validation.chosen]!.archString);
  const best = Math.max(...a.validation.candidates.map((c) => c.score));
  assert.equal(a.validation.candidates[a.validation.chosen]!.score, best);
  if (HAS_TABLE) assert.ok((a.accuracies !== undefined) !== (a.outsideTable !== undefined));
  const b = await zcptSearchShot1(opts);
  assert.deepEqual(b.proposals.map((p) => p.cellString), a.proposals.map((p) => p.cellString));
  assert.deepEqual(b.validation.candidates.map((c) => c.score), a.validation.candidates.map((c) => c.score));
});

test('zeronas search zc-pt --space nb101-1shot1: one line per seed, resumes, refuses another setting', { skip: !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10' }, () => {
  const cli = path.join(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zn-zcpt-shot1-')), 's.jsonl');
  const args = ['search', 'zc-pt', '--space', 'nb101-1shot1', '--seeds', '0', '--channels', '2', '--layers', '3', '--proposals', '1', '--val-batches', '1', '--batch-size', '4', '--out', out];
  const r = run(...args);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^post-validated: (c3|c1|mp)-/m);
  const recs = readZcptShot1Results(out);
  assert.equal(recs.length, 1);
  assert.equal(formatShot1(recs[0]!.arch), recs[0]!.archString);
  assert.equal(JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8')).kind, 'zcpt-nb101-1shot1');
  const again = run(...args.map((x) => (x === '0' ? '0-1' : x)));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /1 of 2 seeds already done; running 1/);
  assert.deepEqual(readZcptShot1Results(out).map((x) => x.settings.seed), [0, 1]);
  const other = run(...args.map((x) => (x === '4' ? '8' : x)));
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /batchSize 4 → 8/);
  assert.match(run('search', 'zc-pt', '--space', 'nb101-1shot1', '--decided', 'one-hot').stderr, /--decided does not apply to --space nb101-1shot1/);
  assert.match(run('search', 'zc-pt', '--topology-weights', 'raw').stderr, /--topology-weights applies to --space nb101-1shot1 only/);
});

test('--shard: two seed shards merged equal the unsharded run', { skip: !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10' }, () => {
  const cli = path.join(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-zcpt-shot1-shard-'));
  const common = ['search', 'zc-pt', '--space', 'nb101-1shot1', '--seeds', '0-1', '--channels', '2', '--layers', '3', '--proposals', '1', '--val-batches', '1', '--batch-size', '4'];
  const run = (...extra: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...common, ...extra], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  const full = path.join(dir, 'full.jsonl');
  run('--out', full);
  run('--shard', '1/2', '--out', path.join(dir, 's1.jsonl'));
  run('--shard', '0/2', '--out', path.join(dir, 's0.jsonl'));
  const merged = path.join(dir, 'merged.jsonl');
  assert.equal(mergeFiles([path.join(dir, 's1.jsonl'), path.join(dir, 's0.jsonl')], merged).total, 2);
  const a = readZcptShot1Results(merged);
  const b = readZcptShot1Results(full);
  assert.deepEqual(a.map((r) => r.settings.seed), [0, 1]);
  assert.deepEqual(a.map((r) => [r.archString, r.validation.candidates.map((c) => c.score)]), b.map((r) => [r.archString, r.validation.candidates.map((c) => c.score)]));
  const meta = (f: string): Record<string, unknown> => JSON.parse(fs.readFileSync(`${f}.meta.json`, 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...meta(merged), command: undefined }, { ...meta(full), command: undefined });
});

test('option checks name the option', () => {
  assert.throws(() => zcptShot1Settings({ layers: 2 }), /layers must be at least 3/);
  assert.throws(() => zcptShot1Settings({ C: 0 }), /C must be a positive integer/);
  assert.throws(() => zcptShot1Settings({ bn: 'x' as never }), /zc-pt nb101-1shot1: bn must be eval or train, got 'x'/);
  assert.deepEqual([zcptShot1Settings().batchSize, zcptShot1Settings().valBatches, zcptShot1Settings({ batchSize: 16 }).valBatchSize], [128, 100, 16]);
  assert.throws(() => zcptShot1Settings({ topologyWeights: 'soft' as never }), /topologyWeights must be softmax or raw/);
  assert.throws(() => zcptShot1Settings({ zeroOpTaps: 'x' as never }), /zeroOpTaps must be reference or skip/);
});
