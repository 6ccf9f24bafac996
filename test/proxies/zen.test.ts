/**
 * zen: an independent re-computation on a small all-skip NB201 network (written out layer by
 * layer with plain tfjs ops), the Gaussian re-initialisation, determinism, ArchScorer, and the
 * rank correlation with NASLib's validation accuracy (NASLib's reference table has no zen column).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { naslibNb201Reference, NASLIB_REFERENCE_FILE } from '../../src/benchmarks/naslib';
import { Rng } from '../../src/engine/rng';
import { zen, zenGaussianParams, ZEN_SALT } from '../../src/proxies/zen';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS } from '../../src/runner/settings';
import { spearman } from '../../src/stats/correlation';
import '../../src/proxies';
import { needsData, CIFAR10_FILE } from '../support/data';

const noRef = needsData(NASLIB_REFERENCE_FILE);
const noCifar = needsData(CIFAR10_FILE);

const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|';

before(async () => {
  await initBackend({ quiet: true });
});

test('Gaussian re-initialisation: conv/linear N(0,1), BN γ=1 β=0, biases 0; original parameters untouched', () => {
  const net = new Nb201Network(parseNb201(ALL_SKIP), { C: 16, N: 1, numClasses: 10 }, 2);
  const p = zenGaussianParams(net, new Rng(9));
  try {
    for (const [name, kind] of net.paramKinds) {
      const v = Array.from(p.get(name)!.dataSync() as Float32Array);
      assert.deepEqual(p.get(name)!.shape, net.params.get(name)!.shape);
      if (kind === 'bn-weight') assert.ok(v.every((a) => a === 1), name);
      else if (kind === 'bn-bias' || kind === 'bias') assert.ok(v.every((a) => a === 0), name);
      else if (v.length >= 4096) {
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
        assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.06, `${name}: mean ${mean}, var ${variance}`);
      }
    }
    assert.notDeepEqual(Array.from(p.get('stem.conv.weight')!.dataSync()), Array.from(net.params.get('stem.conv.weight')!.dataSync()));
  } finally {
    for (const t of p.values()) t.dispose();
    net.dispose();
  }
});

test('all-skip NB201 (C=4, N=1, 4×8×8 inputs) recomputed by hand: log Δ and Σ log √(mean running var)', () => {
  const net = new Nb201Network(parseNb201(ALL_SKIP), { C: 4, N: 1, numClasses: 10 }, 5);
  const shape = [4, 8, 8, 3] as const;
  const seed = 123;
  const before = tf.memory().numTensors;
  const ours = zen(net, { shape, seed });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(ours.numBn, 6); // stem, 2 × (conv_a, conv_b), head; an all-skip cell has none
  // Same random stream: weights first, then x, then ε.
  const rng = new Rng((seed ^ ZEN_SALT) >>> 0);
  const P = zenGaussianParams(net, rng);
  const n = shape.reduce((a, b) => a * b, 1);
  const x1 = Float32Array.from({ length: n }, () => rng.normal());
  const eps = Float32Array.from({ length: n }, () => rng.normal());
  const x2 = x1.map((v, i) => v + 0.01 * eps[i]!);
  const pad = (p: number): [[number, number], [number, number], [number, number], [number, number]] => [[0, 0], [p, p], [p, p], [0, 0]];
  const expected = tf.tidy(() => {
    const W = (name: string): tf.Tensor4D => P.get(name) as tf.Tensor4D;
    const pass = (x: tf.Tensor4D): { f: tf.Tensor4D; vars: number[] } => {
      const vars: number[] = [];
      const bn = (h: tf.Tensor4D): tf.Tensor4D => {
        const { mean, variance } = tf.moments(h, [0, 1, 2]);
        const m = h.size / h.shape[3];
        vars.push(tf.mean(variance).dataSync()[0]! * (m / (m - 1)));
        return tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))) as tf.Tensor4D;
      };
      let h = bn(tf.conv2d(x, W('stem.conv.weight'), 1, pad(1)));
      const cell = (v: tf.Tensor4D): tf.Tensor4D => tf.mul(v, 4) as tf.Tensor4D; // n1 = v, n2 = 2v, n3 = v + n1 + n2
      const resblock = (v: tf.Tensor4D, name: string): tf.Tensor4D => {
        const a = bn(tf.conv2d(tf.relu(v), W(`${name}.conv_a.conv.weight`), 2, pad(1)));
        const b = bn(tf.conv2d(tf.relu(a), W(`${name}.conv_b.conv.weight`), 1, pad(1)));
        const s = tf.conv2d(tf.avgPool(v, 2, 2, 'valid'), W(`${name}.downsample.conv.weight`), 1, 'valid');
        return tf.add(s, b) as tf.Tensor4D;
      };
      h = cell(h);
      h = resblock(h, 'cells.1');
      h = cell(h);
      h = resblock(h, 'cells.3');
      h = cell(h);
      return { f: tf.relu(bn(h)) as tf.Tensor4D, vars };
    };
    const a = pass(tf.tensor4d(x1, [...shape]));
    const b = pass(tf.tensor4d(x2, [...shape]));
    const delta = tf.mean(tf.sum(tf.abs(tf.sub(a.f, b.f)), [1, 2, 3])).dataSync()[0]!;
    let logBn = 0;
    for (let i = 0; i < a.vars.length; i++) logBn += 0.5 * Math.log(0.81 + 0.09 * a.vars[i]! + 0.1 * b.vars[i]!);
    return { logDelta: Math.log(delta), logBn, n: a.vars.length };
  });
  for (const t of P.values()) t.dispose();
  net.dispose();
  assert.equal(expected.n, 6);
  assert.ok(Math.abs(ours.logDelta[0]! - expected.logDelta) < 1e-4, `log Δ ${ours.logDelta[0]} vs ${expected.logDelta}`);
  assert.ok(Math.abs(ours.logBnScale[0]! - expected.logBn) < 1e-4, `BN term ${ours.logBnScale[0]} vs ${expected.logBn}`);
  assert.ok(Math.abs(ours.score - (expected.logDelta + expected.logBn)) < 2e-4);
});

test('real NB201 network (C=16, N=5): finite, deterministic per seed, seed-dependent; BN count = network BN layers', () => {
  const arch = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|');
  const net = new Nb201Network(arch, { C: 16, N: 5, numClasses: 10 }, 4);
  try {
    const shape = [8, 32, 32, 3] as const;
    const a = zen(net, { shape, seed: 1 });
    const b = zen(net, { shape, seed: 1 });
    const c = zen(net, { shape, seed: 2 });
    assert.ok(Number.isFinite(a.score));
    assert.equal(a.score, b.score);
    assert.notEqual(a.score, c.score);
    assert.equal(a.numBn, 1 + 15 * 4 + 4 + 1);
    assert.ok(Math.abs(a.score - c.score) < 0.05 * Math.abs(a.score), `${a.score} vs ${c.score}`);
  } finally {
    net.dispose();
  }
});

test('ArchScorer: status ok, tensor count flat over 3 archs; ρ with NASLib val accuracy on 24 reference archs', { skip: noCifar || noRef }, async (t) => {
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['zen'] }, { quiet: true });
  try {
    const before = tf.memory().numTensors;
    for (const index of [0, 4811, 15624]) {
      const row = scorer.score(index);
      assert.equal(row.values.zen!.status, 'ok', JSON.stringify(row.values.zen));
      assert.equal(tf.memory().numTensors, before, `tensors leaked after #${index}`);
    }
    const ref = naslibNb201Reference('cifar10');
    const n = 24;
    const rows = Array.from({ length: n }, (_, i) => ref[Math.floor((i * ref.length) / n) + 1]!);
    const ours: number[] = [];
    let secs = 0;
    for (const r of rows) {
      const row = scorer.score(r.nb201Index);
      ours.push(row.values.zen!.value);
      secs += row.proxySeconds.zen!;
    }
    const keep = ours.map((v) => Number.isFinite(v));
    const f = (a: number[]): number[] => a.filter((_, i) => keep[i]);
    const acc = rows.map((r) => r.valAccuracy);
    const rho = spearman(f(ours), f(acc));
    t.diagnostic(`n=${f(ours).length}/${n}: ρ(zen, val acc) ${rho.toFixed(3)}; ${(secs / n).toFixed(2)} s/arch (no zen column in NASLib's table)`);
    assert.ok(rho > 0, `ρ(zen, val acc) = ${rho}`);
  } finally {
    scorer.dispose();
  }
});
