/**
 * grasp = −Σ W ⊙ Hg (g = ∇L detached, Hg by double backprop) over conv/linear weights.
 * Closed form in float64 on a linear softmax toy (full batch and NASLib-style split into two
 * parts); a softplus MLP against a central difference of gradients (smooth, so the difference is
 * accurate); the twice-differentiable cross-entropy against tfjs's; NB201 via ArchScorer (the
 * frozen-ReLU route; double backprop needs `engineSecondOrderCheck` to pass); parity with NASLib's
 * grasp column on 25 reference archs (ZERONAS_SLOW_TESTS=1). Hand-checked conventions (T = 1, sign,
 * BN second-order terms, scale invariance) are in graspConvention.test.ts.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { naslibNb201Reference, NASLIB_REFERENCE_FILE } from '../../src/benchmarks/naslib';
import { loadNb201Table, NB201_TABLE_FILE } from '../../src/benchmarks/nb201';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { countParams, disposeParams, type ParamMap } from '../../src/engine/params';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { crossEntropy } from '../../src/proxies/grads';
import { crossEntropy2, engineSecondOrderCheck, graspFrozenRelu, graspScore, type ReluHookForwardOptions } from '../../src/proxies/grasp';
import type { ProxyContext } from '../../src/proxies/registry';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS } from '../../src/runner/settings';
import { spearman } from '../../src/stats/correlation';
import '../../src/proxies';
import { needsData, CIFAR10_FILE } from '../support/data';

const noRef = needsData(NASLIB_REFERENCE_FILE);
const noTable = needsData(NB201_TABLE_FILE);
const noCifar = needsData(CIFAR10_FILE);
const slow = process.env.ZERONAS_SLOW_TESTS === '1';

before(async () => {
  await initBackend({ quiet: true });
});

/** flatten(x) → linear → (softplus → linear)…; twice differentiable (matMul; softplus recomputes its derivative from its input). */
class Mlp implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  constructor(readonly layers: { w: number[]; shape: [number, number] }[]) {
    layers.forEach(({ w, shape }, i) => {
      this.params.set(`fc${i}.weight`, tf.tensor2d(w, shape));
      this.paramKinds.set(`fc${i}.weight`, 'linear');
    });
  }
  get numParams(): number {
    return countParams(this.params);
  }
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const features = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    let h: tf.Tensor2D = features;
    this.layers.forEach((_, i) => {
      if (i > 0) h = tf.softplus(h);
      h = tf.matMul(h, P.get(`fc${i}.weight`)! as tf.Tensor2D);
    });
    return { logits: h, features };
  }
  dispose(): void {
    disposeParams(this.params);
  }
}

function toyContext(net: Network, x: tf.Tensor4D, labels: tf.Tensor1D, numClasses: number): ProxyContext {
  return {
    arch: parseNb201('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'),
    net, x, labels, numClasses, counting: 'naslib', bn: 'train', seed: 0,
    build: () => {
      throw new Error('not needed');
    },
    memo: <T>(_key: string, compute: () => T): T => compute(),
  };
}

const X = [0.3, -1.2, 0.8, 1.5, 0.1, -0.4, -0.9, 0.6, 0.2, 0.05, 1.1, -0.7];
const Y = [1, 0, 2, 1];
const W = [0.2, -0.5, 0.1, 0.7, 0.3, -0.2, -0.4, 0.6, 0.9];

/** −Σ W ⊙ Hg for softmax regression logits = X·W (3 features, 3 classes), float64, rows `rows`. */
function linearGrasp(rows: number[][], labels: number[], gIn?: number[][]): { grasp: number; g: number[][] } {
  const n = rows.length;
  const z = rows.map((x) => [0, 1, 2].map((k) => x.reduce((s, v, i) => s + v * W[i * 3 + k]!, 0)));
  const p = z.map((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  const g = [0, 1, 2].map((i) => [0, 1, 2].map((k) => rows.reduce((s, x, m) => s + (x[i]! * (p[m]![k]! - (labels[m] === k ? 1 : 0))) / n, 0)));
  const gv = gIn ?? g;
  let wHg = 0;
  rows.forEach((x, m) => {
    const u = [0, 1, 2].map((k) => x.reduce((s, v, i) => s + v * gv[i]![k]!, 0));
    const pu = p[m]!.reduce((s, pk, k) => s + pk * u[k]!, 0);
    const sv = p[m]!.map((pk, k) => pk * u[k]! - pk * pu);
    for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) wHg += (W[i * 3 + k]! * x[i]! * sv[k]!) / n;
  });
  return { grasp: -wHg, g };
}

test('crossEntropy2 equals tfjs softmax cross-entropy in value and gradient', () => {
  const logits = tf.tensor2d([2.5, -1, 0.3, 40, 38, -2, 0, 0, 0], [3, 3]);
  const labels = tf.tensor1d([0, 1, 2], 'int32');
  try {
    const a = tf.tidy(() => tf.valueAndGrad((z: tf.Tensor) => crossEntropy(z as tf.Tensor2D, labels, 3))(logits));
    const b = tf.tidy(() => tf.valueAndGrad((z: tf.Tensor) => crossEntropy2(z as tf.Tensor2D, labels, 3))(logits));
    assert.ok(Math.abs(a.value.dataSync()[0]! - b.value.dataSync()[0]!) < 1e-5);
    const ga = a.grad.dataSync();
    const gb = b.grad.dataSync();
    ga.forEach((v, i) => assert.ok(Math.abs(v - gb[i]!) < 1e-6, `grad ${i}: ${v} vs ${gb[i]}`));
    tf.dispose([a.value, a.grad, b.value, b.grad]);
  } finally {
    logits.dispose();
    labels.dispose();
  }
});

test('grasp of softmax regression matches the float64 closed form −Σ W ⊙ Hg (split 1 and NASLib split 2)', () => {
  const x = tf.tensor4d(X, [4, 1, 1, 3]);
  const labels = tf.tensor1d(Y, 'int32');
  const net = new Mlp([{ w: W, shape: [3, 3] }]);
  const before = tf.memory().numTensors;
  try {
    const rows = [0, 1, 2, 3].map((m) => X.slice(3 * m, 3 * m + 3));
    const full = linearGrasp(rows, Y).grasp;
    const ours1 = graspScore(toyContext(net, x, labels, 3), { split: 1 });
    assert.ok(Math.abs(ours1 - full) < 1e-5 * Math.max(1, Math.abs(full)), `${ours1} vs ${full}`);
    // split 2: g = mean of the halves' gradients, Hg = mean of the halves' H_half·g
    const ga = linearGrasp(rows.slice(0, 2), Y.slice(0, 2)).g;
    const gb = linearGrasp(rows.slice(2), Y.slice(2)).g;
    const g = ga.map((r, i) => r.map((v, k) => (v + gb[i]![k]!) / 2));
    const split2 = (linearGrasp(rows.slice(0, 2), Y.slice(0, 2), g).grasp + linearGrasp(rows.slice(2), Y.slice(2), g).grasp) / 2;
    const ours2 = graspScore(toyContext(net, x, labels, 3), { split: 2 });
    assert.ok(Math.abs(ours2 - split2) < 1e-5 * Math.max(1, Math.abs(split2)), `${ours2} vs ${split2}`);
    // without BN the batch does not couple samples, so the mean over equal parts is the full value
    assert.ok(Math.abs(split2 - full) < 1e-9);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

test('grasp of a softplus MLP matches a central difference of gradients along W (gᵀHW = WᵀHg)', () => {
  const vals = (n: number, seed: number, s: number): number[] => Array.from({ length: n }, (_, i) => s * Math.sin(2.3 * i + seed));
  const x = tf.tensor4d(vals(6 * 5, 1, 1), [6, 1, 1, 5]);
  const labels = tf.tensor1d([0, 1, 2, 3, 1, 0], 'int32');
  const net = new Mlp([
    { w: vals(5 * 7, 2, 0.6), shape: [5, 7] },
    { w: vals(7 * 6, 3, 0.5), shape: [7, 6] },
    { w: vals(6 * 4, 4, 0.7), shape: [6, 4] },
  ]);
  try {
    const ours = graspScore(toyContext(net, x, labels, 4), { split: 1 });
    const names = [...net.params.keys()];
    const loss = (s: number) => (...ws: tf.Tensor[]): tf.Scalar => {
      const p = new Map(names.map((n, i) => [n, tf.mul(ws[i]!, s)] as [string, tf.Tensor]));
      return crossEntropy2(net.forward(x, { bn: 'train', params: p }).logits, labels, 4);
    };
    const fd = tf.tidy(() => {
      const Ws = names.map((n) => net.params.get(n)!);
      const g = tf.grads(loss(1))(Ws);
      const d = 1e-3;
      const gp = tf.grads(loss(1 + d))(Ws).map((t) => tf.div(t, 1 + d)); // ∇L at W(1+d)
      const gm = tf.grads(loss(1 - d))(Ws).map((t) => tf.div(t, 1 - d));
      const gHW = tf.addN(g.map((t, i) => tf.sum(tf.mul(t, tf.sub(gp[i]!, gm[i]!))))).dataSync()[0]! / (2 * d);
      return -gHW;
    });
    assert.ok(Math.abs(ours - fd) < 1e-2 * Math.abs(fd) + 1e-4, `nested ${ours} vs difference ${fd}`);
  } finally {
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

/** flatten(x) → (linear → ReLU)… → linear; ReLUs go through `reluHook` when `hooks`. */
class ReluMlp extends Mlp {
  constructor(layers: { w: number[]; shape: [number, number] }[], readonly hooks: boolean) {
    super(layers);
  }
  override forward(x: tf.Tensor4D, opts: ReluHookForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const features = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    let h: tf.Tensor2D = features;
    this.layers.forEach((_, i) => {
      if (i > 0) h = (this.hooks && opts.reluHook ? opts.reluHook(h, `relu${i}`) : tf.relu(h)) as tf.Tensor2D;
      h = tf.matMul(h, P.get(`fc${i}.weight`)! as tf.Tensor2D);
    });
    return { logits: h, features };
  }
}

test('frozen-ReLU difference along W matches double backprop on a ReLU MLP; no hook → undefined', () => {
  const vals = (n: number, seed: number, s: number): number[] => Array.from({ length: n }, (_, i) => s * Math.sin(1.7 * i + seed));
  const x = tf.tensor4d(vals(8 * 6, 5, 1), [8, 1, 1, 6]);
  const labels = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], 'int32');
  const layers = [
    { w: vals(6 * 10, 6, 0.5), shape: [6, 10] as [number, number] },
    { w: vals(10 * 8, 7, 0.4), shape: [10, 8] as [number, number] },
    { w: vals(8 * 5, 8, 0.6), shape: [8, 5] as [number, number] },
  ];
  const hooked = new ReluMlp(layers, true);
  const plainNet = new ReluMlp(layers, false);
  const before = tf.memory().numTensors;
  try {
    const exact = graspScore(toyContext(hooked, x, labels, 5), { split: 1 });
    let fd: number | undefined;
    let none: number | undefined = 0;
    tf.tidy(() => {
      // inside a tidy, as the scorer runs proxies (the toy context's memo keeps nothing)
      fd = graspFrozenRelu(toyContext(hooked, x, labels, 5));
      none = graspFrozenRelu(toyContext(plainNet, x, labels, 5));
    });
    assert.ok(fd !== undefined);
    assert.ok(Math.abs(fd - exact) < 1e-2 * Math.abs(exact) + 1e-5, `frozen difference ${fd} vs double backprop ${exact}`);
    assert.equal(none, undefined);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    hooked.dispose();
    plainNet.dispose();
    x.dispose();
    labels.dispose();
  }
});

const ARCHS = [4811, 5480, 13990];
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';

test('grasp on NB201 networks: finite (the network calls reluHook), no tensor left behind', { skip: noCifar || noTable }, async () => {
  const check = engineSecondOrderCheck();
  console.log(`engine second-order check: ${check.ok ? 'ok' : check.reason}`);
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['grasp'] }, { quiet: true });
  try {
    const counts: number[] = [];
    const allNone = loadNb201Table().indexOf(parseNb201(ALL_NONE));
    for (const i of [...ARCHS, allNone]) {
      const r = scorer.score(i);
      const v = r.values.grasp!;
      assert.equal(v.status, 'ok', `${i}: ${v.reason}`);
      assert.ok(Number.isFinite(v.value), `${i}: ${v.value}`);
      console.log(`grasp #${i} ${r.arch}: ${v.status} ${v.value} (${r.proxySeconds.grasp!.toFixed(1)} s)`);
      counts.push(tf.memory().numTensors);
    }
    assert.ok(counts.every((c) => c === counts[0]), `tensor count drifts: ${counts}`);
  } finally {
    scorer.dispose();
  }
});

test(
  'grasp ranks 25 NASLib reference archs like NASLib (ZERONAS_SLOW_TESTS=1, needs the NB201 ReLU hook)',
  { skip: (!slow && 'slow (~5 min on wasm): set ZERONAS_SLOW_TESTS=1') || noCifar || noRef },
  async () => {
    const ref = naslibNb201Reference('cifar10').slice(0, 25);
    const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['grasp'] }, { quiet: true });
    try {
      const first = scorer.score(ref[0]!.nb201Index).values.grasp!;
      assert.equal(first.status, 'ok', first.reason);
      const ours = [first.value, ...ref.slice(1).map((r) => scorer.score(r.nb201Index).values.grasp!.value)];
      const theirs = ref.map((r) => r.proxies.grasp!);
      const acc = ref.map((r) => r.valAccuracy);
      const rho = spearman(ours, theirs);
      console.log(`grasp: ρ(ours, NASLib) ${rho.toFixed(3)}; ρ(ours, val acc) ${spearman(ours, acc).toFixed(3)}; ρ(NASLib, val acc) ${spearman(theirs, acc).toFixed(3)}`);
      // grasp is a small difference of large terms and moves a lot with the init and the batch: our
      // own scores under two seeds agree only to ρ ≈ 0.79 on these archs (NASLib's single-seed
      // column is as noisy), and ρ(ours, NASLib) was 0.78 / 0.86 for seeds 1 / 2. Hence 0.7, not 0.8.
      assert.ok(rho >= 0.7, `ρ = ${rho}`);
    } finally {
      scorer.dispose();
    }
  },
);
