/**
 * Zero-Cost-PT DARTS post-validation with random inputs and synthetic scorers: de-duplication,
 * sums, NaN never wins, networks disposed, taps unfiltered (no backward-visited filter).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../../src/engine/backend';
import { Rng } from '../../../../src/engine/rng';
import type { ReluTap } from '../../../../src/engine/taps';
import { DARTS_V2, parseGenotype } from '../../../../src/spaces/darts/genotype';
import { DartsNetwork } from '../../../../src/spaces/darts/network';
import type { ZcptBatch, ZcptScorer } from '../../../../src/search/zcpt';
import { allTapsNetwork, postValidateDarts, uniqueGenotypes } from '../../../../src/search/zcpt/darts';

before(async () => {
  await initBackend({ quiet: true });
});

// no op reads cell input 0: its preprocessing is off the output path in DartsNetwork
const NO_INPUT0 = parseGenotype(
  "Genotype(normal=[('sep_conv_3x3', 1), ('skip_connect', 1), ('max_pool_3x3', 1), ('sep_conv_3x3', 2), ('dil_conv_3x3', 2), ('avg_pool_3x3', 3), ('skip_connect', 1), ('dil_conv_5x5', 4)], " +
    "reduce=[('max_pool_3x3', 1), ('sep_conv_5x5', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('dil_conv_3x3', 1), ('skip_connect', 3), ('sep_conv_3x3', 2), ('avg_pool_3x3', 4)], normal_concat=[2, 3, 4, 5], reduce_concat=[2, 3, 4, 5])",
);
const CFG = { C: 4, layers: 3, numClasses: 10 } as const;

function batch(v: number): ZcptBatch {
  const r = new Rng(100 + v);
  return { x: tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 3 }, () => r.normal()), [2, 8, 8, 3]), labels: tf.tensor1d([0, 1], 'int32') };
}

test('unique genotypes in first-appearance order; sum over batches; NaN never wins; nothing left', () => {
  const gs = [NO_INPUT0, DARTS_V2, NO_INPUT0];
  const u = uniqueGenotypes(gs);
  assert.deepEqual(u.map((x) => x.proposals), [[0, 2], [1]]);
  // candidate 0 (first network seen): 5 then NaN; candidate 1: 1 then 2
  const seen: unknown[] = [];
  const calls = new Map<unknown, number>();
  const s2: ZcptScorer = {
    name: 'synthetic',
    score: (t) => {
      if (!seen.includes(t.net.params)) seen.push(t.net.params);
      const c = seen.indexOf(t.net.params);
      const k = calls.get(t.net.params) ?? 0;
      calls.set(t.net.params, k + 1);
      return c === 0 ? [5, NaN][k]! : [1, 2][k]!;
    },
  };
  const before = tf.memory().numTensors;
  const r = postValidateDarts(gs, { scorer: s2, valBatches: 2, batch, netConfig: CFG, netSeed: 1 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(r.candidates.length, 2);
  assert.deepEqual(r.candidates.map((c) => c.proposals), [[0, 2], [1]]);
  assert.ok(r.candidates.every((c) => c.batchScores.length === 2));
  assert.ok(Number.isNaN(r.candidates[0]!.score));
  assert.equal(r.chosen, 1);
  assert.deepEqual(r.candidates[1]!.batchScores, [1, 2]);
  assert.equal(r.candidates[1]!.score, 3);
  assert.throws(() => postValidateDarts([], { scorer: s2, valBatches: 2, batch, netConfig: CFG, netSeed: 1 }), /at least one proposal/);
  assert.throws(() => postValidateDarts(gs, { scorer: s2, valBatches: 0, batch, netConfig: CFG, netSeed: 1 }), /positive integer number of batches/);
});

test('allTapsNetwork: every tap on the output path, same values', () => {
  const net = new DartsNetwork(NO_INPUT0, CFG, 2);
  const wrapped = allTapsNetwork(net);
  const collect = (n: typeof net | typeof wrapped): ReluTap[] => {
    const out: ReluTap[] = [];
    tf.tidy(() => void n.forward(batch(0).x, { bn: 'eval', taps: (t) => out.push(t) }));
    return out;
  };
  const plain = collect(net);
  const all = collect(wrapped);
  assert.ok(plain.some((t) => !t.onOutputPath), 'preprocess0 taps are off-path in DartsNetwork');
  assert.ok(all.every((t) => t.onOutputPath));
  assert.deepEqual(all.map((t) => t.name), plain.map((t) => t.name));
  wrapped.dispose();
  assert.equal(net.params.size, 0);
});
