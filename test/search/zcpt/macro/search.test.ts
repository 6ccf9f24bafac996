/**
 * Zero-Cost-PT on NAS-Bench-Macro: the layer step on a hand-made additive scorer (reference and
 * one-hot decided weights), a quick headless search on real CIFAR-10 batches (tiny widths), the
 * resumable results file, option checks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf } from '../../../../src/engine/backend';
import { hasDataFile } from '../../../../src/data/root';
import { Rng } from '../../../../src/engine/rng';
import type { Network } from '../../../../src/engine/network';
import { MACRO_TABLE_FILE } from '../../../../src/benchmarks/macro';
import { runMacroProposal, zcptMacroSettings, zcptSearchMacro, readZcptMacroResults, pendingMacroSeeds, appendZcptMacroResult } from '../../../../src/search/zcpt/macro';
import type { ZcptScorer } from '../../../../src/search/zcpt/scorers';

before(async () => {
  await initBackend({ quiet: true });
});

/** S(w) = Σ_l Σ_o V[l][o]·w[l][o] with V[l][o] = (l + 1)·(o + 1) except layer 4 where op 0 is worth most. */
const V = Array.from({ length: 8 }, (_, l) => [0, 1, 2].map((o) => (l === 4 ? [9, 1, 2][o]! : (l + 1) * (o + 1))));

function additiveScorer(seen: number[][][]): ZcptScorer {
  return {
    name: 'additive',
    score: (t) => {
      const w = (t.net as unknown as { mixing: number[][] }).mixing;
      seen.push(w.map((r) => [...r]));
      return w.reduce((a, row, l) => a + row.reduce((b, v, o) => b + v * V[l]![o]!, 0), 0);
    },
  };
}

const batch = () => ({ x: tf.zeros([2, 4, 4, 3]) as tf.Tensor4D, labels: tf.zeros([2], 'int32') as tf.Tensor1D });

test('layer step: removing the most valuable op scores lowest, so it is kept; reference keeps 1/3 on the others', () => {
  for (const decided of ['reference', 'one-hot'] as const) {
    const seen: number[][][] = [];
    const p = runMacroProposal({ view: (w) => ({ mixing: w }) as unknown as Network, scorer: additiveScorer(seen), nextBatch: batch, rng: new Rng(3), decided });
    assert.equal(p.archString, '22220222', decided);
    assert.equal(seen.length, 24);
    assert.deepEqual([...p.order].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    // the last scoring sees every other layer decided
    const last = seen[23]!;
    const lastLayer = p.order[7]!;
    last.forEach((row, l) => {
      if (l === lastLayer) return;
      const c = p.arch[l]!;
      const want = [0, 1, 2].map((o) => (o === c ? 1 : decided === 'reference' ? 1 / 3 : 0));
      assert.deepEqual(row, want, `${decided} layer ${l}`);
    });
    // each step's scores are the three removals of its layer, on rows of 1/3 otherwise
    for (const s of p.steps) assert.equal(s.chosen, s.scores.indexOf(Math.min(...s.scores)));
  }
});

test('a scorer that gives NaN for every removal stops the proposal, naming the layer (no silent first op)', () => {
  const nan: ZcptScorer = { name: 'nan', score: () => NaN };
  const live = tf.memory().numTensors;
  assert.throws(() => runMacroProposal({ view: (w) => ({ mixing: w }) as unknown as Network, scorer: nan, nextBatch: batch, rng: new Rng(3) }), /^Error: Zero-Cost-PT: every removal score is NaN on layer [0-7]$/);
  assert.equal(tf.memory().numTensors, live, 'batch disposed on failure');
});

test('quick headless search: proposals, post-validation, first proposal, table lookup, timings, determinism', { skip: !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10' }, async () => {
  const opts = { seed: 4, proposals: 1, valBatches: 2, batchSize: 4, initChannels: 2, headChannels: 4 } as const;
  const t0 = tf.memory().numTensors;
  const r = await zcptSearchMacro(opts);
  assert.equal(tf.memory().numTensors, t0, 'no tensors left behind');
  assert.equal(r.proposals.length, 1);
  assert.equal(r.timing.supernetScorings, 24);
  assert.ok(r.validation && r.validation.candidates.length === 1 && r.validation.candidates[0]!.batchScores.length === 2);
  assert.equal(r.archString, r.validation.candidates[r.validation.chosen]!.archString);
  assert.equal(r.firstProposal.archString, r.proposals[0]!.archString);
  for (const p of r.proposals) assert.equal(p.steps.length, 8);
  if (hasDataFile(MACRO_TABLE_FILE)) assert.ok(r.accuracies && r.accuracies.mean > 0);
  const again = await zcptSearchMacro(opts);
  assert.deepEqual(again.proposals.map((p) => p.steps), r.proposals.map((p) => p.steps), 'same seed, same scores');
  // results file: append, read back (architectures revived), resume skips the seed, other settings refused
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zcpt-macro-'));
  const file = path.join(dir, 'r.jsonl');
  appendZcptMacroResult(file, r, 'test');
  const back = readZcptMacroResults(file);
  assert.equal(back[0]!.archString, r.archString);
  assert.equal(back[0]!.arch.join(''), r.archString);
  assert.deepEqual(pendingMacroSeeds(file, zcptMacroSettings({ ...opts, seed: 4 }), [4, 5]), [5]);
  assert.throws(() => pendingMacroSeeds(file, zcptMacroSettings({ ...opts, batchSize: 8 }), [4]), /holds Zero-Cost-PT NAS-Bench-Macro results rows made with other settings or data .*: batchSize 4 → 8/);
  fs.appendFileSync(file, '{"settings":{"space":"nb201","seed":9}}\n');
  assert.throws(() => readZcptMacroResults(file), /r\.jsonl:2: not a search record/);
  fs.rmSync(dir, { recursive: true });
});

test('option checks name the option', () => {
  assert.equal(zcptMacroSettings().valBatches, 0);
  assert.equal(zcptMacroSettings().batchSize, 256);
  assert.throws(() => zcptMacroSettings({ valBatches: -1 }), /valBatches must be a non-negative integer/);
  assert.throws(() => zcptMacroSettings({ decided: 'soft' as never }), /decided must be reference or one-hot/);
  assert.throws(() => zcptMacroSettings({ initChannels: 0 }), /initChannels must be a positive integer/);
  assert.throws(() => zcptMacroSettings({ batchSize: 1 }), /at least 2/);
  assert.throws(() => zcptMacroSettings({ bn: 'x' as never }), /zc-pt macro: bn must be eval or train, got 'x'/);
  assert.equal(zcptMacroSettings({ batchSize: 32 }).valBatchSize, 32);
});
