/**
 * grad_norm = Σ_l ‖∂L/∂W_l‖₂ (CE, conv/linear weights). Closed forms in float64 on a linear and a
 * two-layer linear toy (the sum of per-layer norms, not the global norm), a weight without a path
 * to the loss (as behind a `none` edge), NB201 via ArchScorer (no tensor left behind, all-`none`
 * arch), parity with NASLib's grad_norm column (25 reference archs with ZERONAS_SLOW_TESTS=1).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { naslibNb201Reference } from '../../src/benchmarks/naslib';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { gradNorm, sumOfLayerNorms } from '../../src/proxies/gradNorm';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS } from '../../src/runner/settings';
import { spearman } from '../../src/stats/correlation';
import '../../src/proxies';

import { noRef, noTable, noCifar, slow, inTidy, matMul, transpose, frob, reshape, dLogits, LinearChain, toyContext } from './gradFixtures';

before(async () => {
  await initBackend({ quiet: true });
});

const X = [0.3, -1.2, 0.8, 1.5, 0.1, -0.4, -0.9, 0.6, 0.2, 0.05, 1.1, -0.7];
const Y = [1, 0, 2, 1];

test('grad_norm of a linear softmax layer is ‖Xᵀ(P − Y)/N‖ (float64 closed form)', () => {
  const W = [0.2, -0.5, 0.1, 0.7, 0.3, -0.2, -0.4, 0.6, 0.9];
  const x = tf.tensor4d(X, [4, 1, 1, 3]);
  const labels = tf.tensor1d(Y, 'int32');
  const net = new LinearChain([{ w: W, shape: [3, 3] }]);
  const ctx = toyContext(net, x, labels, 3);
  const before = tf.memory().numTensors;
  try {
    const v = inTidy(() => gradNorm(ctx));
    const Xm = reshape(X, 4, 3);
    const G = matMul(transpose(Xm), dLogits(matMul(Xm, reshape(W, 3, 3)), Y));
    assert.equal(v.status, 'ok');
    assert.ok(Math.abs(v.value - frob(G)) < 1e-6 * frob(G), `${v.value} vs ${frob(G)}`);
    assert.equal(tf.memory().numTensors, before + 1); // the memoised gradient, disposed below
  } finally {
    ctx.dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

test('grad_norm sums per-layer norms (two linear layers), and an unused weight adds 0 without throwing', () => {
  const W1 = [0.2, -0.5, 0.1, 0.7, 0.3, -0.2];
  const W2 = [0.4, -0.3, 0.8, 0.5, -0.6, 0.1];
  const x = tf.tensor4d(X, [4, 1, 1, 3]);
  const labels = tf.tensor1d(Y, 'int32');
  const net = new LinearChain([{ w: W1, shape: [3, 2] }, { w: W2, shape: [2, 3] }], true);
  const ctx = toyContext(net, x, labels, 3);
  try {
    const v = inTidy(() => gradNorm(ctx));
    const Xm = reshape(X, 4, 3);
    const H = matMul(Xm, reshape(W1, 3, 2));
    const D = dLogits(matMul(H, reshape(W2, 2, 3)), Y);
    const G2 = matMul(transpose(H), D);
    const G1 = matMul(transpose(Xm), matMul(D, transpose(reshape(W2, 2, 3))));
    const expected = frob(G1) + frob(G2);
    assert.equal(v.status, 'ok');
    assert.ok(Math.abs(v.value - expected) < 1e-6 * expected, `${v.value} vs ${expected}`);
    assert.ok(Math.abs(v.value - Math.hypot(frob(G1), frob(G2))) > 1e-3, 'must not be the global norm');
  } finally {
    ctx.dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

test('sumOfLayerNorms of no layers is 0', () => {
  assert.equal(sumOfLayerNorms([]), 0);
});

const ARCHS = [4811, 5480, 13990];
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';

test('grad_norm on NB201 networks (naslib preset): finite, positive, no tensor left behind', { skip: noCifar }, async () => {
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['grad_norm'] }, { quiet: true });
  try {
    const counts: number[] = [];
    for (const i of ARCHS) {
      const r = scorer.score(i);
      const v = r.values.grad_norm!;
      assert.equal(v.status, 'ok', `${i}: ${v.reason}`);
      assert.ok(v.value > 0 && Number.isFinite(v.value));
      console.log(`grad_norm #${i} ${r.arch}: ${v.value.toFixed(4)} (${r.proxySeconds.grad_norm!.toFixed(1)} s)`);
      counts.push(tf.memory().numTensors);
    }
    assert.ok(counts.every((c) => c === counts[0]), `tensor count drifts: ${counts}`);
  } finally {
    scorer.dispose();
  }
});

test('grad_norm of the all-none architecture does not crash', { skip: noCifar || noTable }, async () => {
  const idx = loadNb201Table().indexOf(parseNb201(ALL_NONE));
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['grad_norm'] }, { quiet: true });
  try {
    const v = scorer.score(idx).values.grad_norm!;
    assert.equal(v.status, 'ok', v.reason);
    assert.ok(Number.isFinite(v.value) && v.value >= 0);
  } finally {
    scorer.dispose();
  }
});

test(
  'grad_norm ranks 25 NASLib reference archs like NASLib (ZERONAS_SLOW_TESTS=1)',
  { skip: (!slow && 'slow (~3 min on wasm): set ZERONAS_SLOW_TESTS=1') || noCifar || noRef },
  async () => {
    const ref = naslibNb201Reference('cifar10').slice(0, 25);
    const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['grad_norm'] }, { quiet: true });
    try {
      const ours = ref.map((r) => scorer.score(r.nb201Index).values.grad_norm!.value);
      const theirs = ref.map((r) => r.proxies.grad_norm!);
      const acc = ref.map((r) => r.valAccuracy);
      const rho = spearman(ours, theirs);
      console.log(`grad_norm: ρ(ours, NASLib) ${rho.toFixed(3)}; ρ(ours, val acc) ${spearman(ours, acc).toFixed(3)}; ρ(NASLib, val acc) ${spearman(theirs, acc).toFixed(3)}`);
      assert.ok(rho >= 0.8, `ρ = ${rho}`);
    } finally {
      scorer.dispose();
    }
  },
);
