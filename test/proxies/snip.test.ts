/**
 * snip = Σ |W ⊙ ∂L/∂W| over conv/linear weights (CE). Closed forms in float64 on a one- and a
 * two-layer linear toy with an unused weight (as behind a `none` edge), NB201 via ArchScorer (no
 * tensor left behind, all-`none` arch), parity with NASLib's snip column (25 reference archs with
 * ZERONAS_SLOW_TESTS=1).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { naslibNb201Reference } from '../../src/benchmarks/naslib';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { snip } from '../../src/proxies/snip';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS } from '../../src/runner/settings';
import { spearman } from '../../src/stats/correlation';
import '../../src/proxies';

import { noRef, noTable, noCifar, slow, inTidy, Mat, matMul, transpose, reshape, dLogits, LinearChain, toyContext } from './gradFixtures';

before(async () => {
  await initBackend({ quiet: true });
});

const absDot = (w: Mat, g: Mat): number => w.flat().reduce((s, v, i) => s + Math.abs(v * g.flat()[i]!), 0);
const X = [0.3, -1.2, 0.8, 1.5, 0.1, -0.4, -0.9, 0.6, 0.2, 0.05, 1.1, -0.7];
const Y = [1, 0, 2, 1];

test('snip of a linear softmax layer is Σ|W ⊙ Xᵀ(P − Y)/N| (float64 closed form)', () => {
  const W = [0.2, -0.5, 0.1, 0.7, 0.3, -0.2, -0.4, 0.6, 0.9];
  const x = tf.tensor4d(X, [4, 1, 1, 3]);
  const labels = tf.tensor1d(Y, 'int32');
  const net = new LinearChain([{ w: W, shape: [3, 3] }]);
  const ctx = toyContext(net, x, labels, 3);
  try {
    const v = inTidy(() => snip(ctx));
    const Xm = reshape(X, 4, 3);
    const Wm = reshape(W, 3, 3);
    const expected = absDot(Wm, matMul(transpose(Xm), dLogits(matMul(Xm, Wm), Y)));
    assert.equal(v.status, 'ok');
    assert.ok(Math.abs(v.value - expected) < 1e-6 * expected, `${v.value} vs ${expected}`);
  } finally {
    ctx.dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

test('snip sums over layers (two linear layers); an unused weight adds 0 without throwing', () => {
  const W1 = [0.2, -0.5, 0.1, 0.7, 0.3, -0.2];
  const W2 = [0.4, -0.3, 0.8, 0.5, -0.6, 0.1];
  const x = tf.tensor4d(X, [4, 1, 1, 3]);
  const labels = tf.tensor1d(Y, 'int32');
  const net = new LinearChain([{ w: W1, shape: [3, 2] }, { w: W2, shape: [2, 3] }], true);
  const ctx = toyContext(net, x, labels, 3);
  try {
    const v = inTidy(() => snip(ctx));
    const Xm = reshape(X, 4, 3);
    const W1m = reshape(W1, 3, 2);
    const W2m = reshape(W2, 2, 3);
    const H = matMul(Xm, W1m);
    const D = dLogits(matMul(H, W2m), Y);
    const expected = absDot(W2m, matMul(transpose(H), D)) + absDot(W1m, matMul(transpose(Xm), matMul(D, transpose(W2m))));
    assert.equal(v.status, 'ok');
    assert.ok(Math.abs(v.value - expected) < 1e-6 * expected, `${v.value} vs ${expected}`);
  } finally {
    ctx.dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

const ARCHS = [4811, 5480, 13990];
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';

test('snip on NB201 networks (naslib preset): finite, positive, no tensor left behind', { skip: noCifar }, async () => {
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['snip'] }, { quiet: true });
  try {
    const counts: number[] = [];
    for (const i of ARCHS) {
      const r = scorer.score(i);
      const v = r.values.snip!;
      assert.equal(v.status, 'ok', `${i}: ${v.reason}`);
      assert.ok(v.value > 0 && Number.isFinite(v.value));
      console.log(`snip #${i} ${r.arch}: ${v.value.toFixed(4)} (${r.proxySeconds.snip!.toFixed(1)} s)`);
      counts.push(tf.memory().numTensors);
    }
    assert.ok(counts.every((c) => c === counts[0]), `tensor count drifts: ${counts}`);
  } finally {
    scorer.dispose();
  }
});

test('snip of the all-none architecture does not crash', { skip: noCifar || noTable }, async () => {
  const idx = loadNb201Table().indexOf(parseNb201(ALL_NONE));
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['snip'] }, { quiet: true });
  try {
    const v = scorer.score(idx).values.snip!;
    assert.equal(v.status, 'ok', v.reason);
    assert.ok(Number.isFinite(v.value) && v.value >= 0);
  } finally {
    scorer.dispose();
  }
});

test(
  'snip ranks 25 NASLib reference archs like NASLib (ZERONAS_SLOW_TESTS=1)',
  { skip: (!slow && 'slow (~3 min on wasm): set ZERONAS_SLOW_TESTS=1') || noCifar || noRef },
  async () => {
    const ref = naslibNb201Reference('cifar10').slice(0, 25);
    const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['snip'] }, { quiet: true });
    try {
      const ours = ref.map((r) => scorer.score(r.nb201Index).values.snip!.value);
      const theirs = ref.map((r) => r.proxies.snip!);
      const acc = ref.map((r) => r.valAccuracy);
      const rho = spearman(ours, theirs);
      console.log(`snip: ρ(ours, NASLib) ${rho.toFixed(3)}; ρ(ours, val acc) ${spearman(ours, acc).toFixed(3)}; ρ(NASLib, val acc) ${spearman(theirs, acc).toFixed(3)}`);
      assert.ok(rho >= 0.8, `ρ = ${rho}`);
    } finally {
      scorer.dispose();
    }
  },
);
