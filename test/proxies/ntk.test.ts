/**
 * CNNTK (TE-NAS NTK condition number). Hand-checkable cases: a linear model f(x) = x·W has
 * per-sample gradient x_b (once per output), so Θ = K·X Xᵀ and κ is the condition number of X Xᵀ,
 * checked against a Jacobi eigen-solver written here. Then the BN coupling of per-sample gradients
 * (Σ_b g_b = ∇ Σ_b s_b through one batch forward), real NB201 runs on the C=3, N=1 network, and a
 * small Kendall-τ sanity check against CIFAR-10 test accuracy (TE-NAS: τ = −0.42).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { makeBatch } from '../../src/data/batch';
import { Rng } from '../../src/engine/rng';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { parseNb201, type Nb201Arch } from '../../src/spaces/nb201/arch';
import { Nb201Network, type Nb201NetConfig } from '../../src/spaces/nb201/network';
import { loadNb201Table, NB201_TABLE_FILE } from '../../src/benchmarks/nb201';
import { kendallTauB } from '../../src/stats';
import { getProxy, type ProxyContext } from '../../src/proxies';
import {
  cnntkTenas,
  conditionNumber,
  gramMatrix,
  ntkCondition,
  ntkParamNames,
  perSampleGradients,
  TENAS_NTK_PROTOCOL,
} from '../../src/proxies/ntk';
import { needsData, CIFAR10_FILE } from '../support/data';

const skip = needsData(CIFAR10_FILE);

before(async () => {
  await initBackend({ quiet: true });
});

/** f(x) = flatten(x)·W + b, W [D, K]: the per-sample gradient of Σ_k f_k(x_b) w.r.t. W[:, k] is x_b. */
class LinearNet implements Network {
  readonly params = new Map<string, tf.Tensor>();
  readonly paramKinds = new Map<string, ParamKind>([
    ['fc.weight', 'linear'],
    ['fc.bias', 'bias'],
  ]);
  constructor(readonly D: number, readonly K: number, seed = 1) {
    const r = new Rng(seed);
    this.params.set('fc.weight', tf.tensor2d(Float32Array.from({ length: D * K }, () => r.normal()), [D, K]));
    this.params.set('fc.bias', tf.tensor1d(Float32Array.from({ length: K }, () => r.normal())));
  }
  get numParams(): number {
    return this.D * this.K + this.K;
  }
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const features = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(features, P.get('fc.weight') as tf.Tensor2D), P.get('fc.bias')!) as tf.Tensor2D;
    return { logits, features };
  }
  dispose(): void {
    for (const t of this.params.values()) t.dispose();
  }
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (independent of ml-matrix). */
function jacobiEigenvalues(a: Float64Array, n: number): number[] {
  const m = Float64Array.from(a);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => m[i * n + i]!).sort((x, y) => x - y);
}

function randomX(B: number, D: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: B * D }, () => r.normal());
}

test('conditionNumber: diagonal, 2×2 closed form, singular and NaN matrices', () => {
  const d = conditionNumber(Float64Array.from([4, 0, 0, 0, 1, 0, 0, 0, 0.5]), 3);
  assert.equal(d.status, 'ok');
  assert.ok(Math.abs(d.value - 8) < 1e-12);
  assert.deepEqual([...d.eigenvalues], [0.5, 1, 4]);
  // [[a, b], [b, c]]: λ = (a+c)/2 ± √(((a−c)/2)² + b²)
  const [a, b, c] = [3, 1.5, 2];
  const mid = (a + c) / 2;
  const rad = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const two = conditionNumber(Float64Array.from([a, b, b, c]), 2);
  assert.ok(Math.abs(two.value - (mid + rad) / (mid - rad)) < 1e-12);
  const sing = conditionNumber(Float64Array.from([1, 1, 1, 1]), 2);
  assert.equal(sing.status, 'singular');
  assert.equal(sing.value, Infinity);
  assert.match(sing.reason!, /singular/);
  const nan = conditionNumber(Float64Array.from([1, NaN, NaN, 1]), 2);
  assert.equal(nan.status, 'nan');
  assert.ok(Number.isNaN(nan.value));
  assert.match(nan.reason!, /1e5/);
});

test('linear model: g_b = x_b per output, Θ = K·X Xᵀ, κ = cond(X Xᵀ) (Jacobi check)', () => {
  const B = 5;
  const D = 12;
  const X = randomX(B, D, 3);
  for (const K of [1, 3]) {
    const net = new LinearNet(D, K);
    try {
      assert.deepEqual(ntkParamNames(net), ['fc.weight']); // biases are not differentiated (TE-NAS 'weight' filter)
      const x = tf.tensor4d(X, [B, 1, 1, D]);
      const { G, P } = perSampleGradients(net, x);
      assert.equal(P, D * K);
      for (let bi = 0; bi < B; bi++) {
        for (let i = 0; i < D; i++) {
          for (let k = 0; k < K; k++) assert.ok(Math.abs(G[bi * P + i * K + k]! - X[bi * D + i]!) < 1e-6, `g_${bi}[${i},${k}]`);
        }
      }
      const theta = gramMatrix(G, B, P);
      const xxt = gramMatrix(X, B, D);
      for (let i = 0; i < B * B; i++) assert.ok(Math.abs(theta[i]! - K * xxt[i]!) < 1e-9 * Math.max(1, Math.abs(theta[i]!)));
      const eig = jacobiEigenvalues(xxt, B);
      const r = ntkCondition(net, x);
      x.dispose();
      assert.equal(r.status, 'ok');
      assert.equal(r.batchSize, B);
      assert.ok(Math.abs(r.value - eig[B - 1]! / eig[0]!) < 1e-8 * r.value, `κ ${r.value} vs ${eig[B - 1]! / eig[0]!}`);
      eig.forEach((e, i) => assert.ok(Math.abs(r.eigenvalues[i]! - K * e) < 1e-8 * K * eig[B - 1]!));
    } finally {
      net.dispose();
    }
  }
});

test('linear model: orthogonal rows give κ = max‖x‖² / min‖x‖²; more samples than inputs → singular', () => {
  const net = new LinearNet(4, 1);
  try {
    const rows = [3, 1, 0.5, 2]; // X = diag(rows) → Θ = diag(rows²)
    const X = new Float32Array(16);
    rows.forEach((v, i) => (X[i * 4 + i] = v));
    const x = tf.tensor4d(X, [4, 1, 1, 4]);
    const r = ntkCondition(net, x);
    x.dispose();
    assert.ok(Math.abs(r.value - 9 / 0.25) < 1e-9);
    const wide = tf.tensor4d(randomX(6, 4, 9), [6, 1, 1, 4]); // rank(X Xᵀ) ≤ 4 < 6
    const s = ntkCondition(net, wide);
    wide.dispose();
    assert.equal(s.status, 'singular', `expected a singular NTK, got κ = ${s.value}`);
  } finally {
    net.dispose();
  }
});

function tinyInput(n: number, side: number, seed: number): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, () => r.normal()), [n, side, side, 3]);
}

const CONV_ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';

test('per-sample gradients go through the train-mode batch forward: Σ_b g_b = ∇ Σ_b Σ_k f_k', () => {
  const net = new Nb201Network(parseNb201(CONV_ARCH), { C: 3, N: 1, numClasses: 10, init: 'kaiming-normal-fan-out' }, 5);
  const x = tinyInput(6, 8, 2);
  try {
    const names = ntkParamNames(net);
    assert.deepEqual(names, [...net.params.keys()].filter((n) => n.includes('weight')), 'TE-NAS: every parameter named *weight*');
    const { G, B, P } = perSampleGradients(net, x, 'train');
    const total = tf.tidy(() => {
      const g = tf.grads((...ws: tf.Tensor[]) => {
        const p = new Map(net.params);
        names.forEach((n, i) => p.set(n, ws[i]!));
        return tf.sum(net.forward(x, { bn: 'train', params: p }).logits);
      })(names.map((n) => net.params.get(n)!));
      return tf.concat(g.map((t) => tf.reshape(t, [-1]))).dataSync() as Float32Array;
    });
    assert.equal(total.length, P);
    let maxAbs = 0;
    let maxErr = 0;
    for (let p = 0; p < P; p++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += G[b * P + p]!;
      maxAbs = Math.max(maxAbs, Math.abs(total[p]!));
      maxErr = Math.max(maxErr, Math.abs(s - total[p]!));
    }
    assert.ok(maxErr < 1e-3 * maxAbs, `Σ_b g_b vs batch gradient: max error ${maxErr} (scale ${maxAbs})`);
    // BN couples the samples: g_0 through the batch differs from the gradient of sample 0 alone.
    const x0 = tf.slice(x, [0, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
    const pair = perSampleGradients(net, x0, 'train');
    x0.dispose();
    let diff = 0;
    for (let p = 0; p < P; p++) diff = Math.max(diff, Math.abs(pair.G[p]! - G[p]!));
    assert.ok(diff > 1e-3 * maxAbs, 'per-sample gradient should depend on the rest of the batch in train mode');
  } finally {
    x.dispose();
    net.dispose();
  }
});

// ---------------------------------------------------------------- real NB201 (CIFAR-10) ---------

let cifar: tf.Tensor4D | undefined;
function cifarBatch(): tf.Tensor4D {
  if (!cifar) {
    const b = makeBatch({ dataset: 'cifar10', batchSize: 32, seed: 1, augment: 'crop-flip' });
    cifar = tf.keep(tf.tensor4d(b.x, b.shape as [number, number, number, number]));
  }
  return cifar;
}

function contextFor(arch: Nb201Arch, x: tf.Tensor4D, seed: number): ProxyContext & { dispose(): void } {
  const config: Nb201NetConfig = { C: 16, N: 5, numClasses: 10 };
  const labels = tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D;
  let net: Nb201Network | undefined;
  return {
    arch,
    get net(): Network {
      net ??= new Nb201Network(arch, config, seed);
      return net;
    },
    x,
    labels,
    numClasses: 10,
    counting: 'naslib',
    bn: 'train',
    seed,
    build: (over, netSeed) => new Nb201Network(arch, { ...config, ...over }, netSeed ?? seed),
    memo: <T>(_key: string, compute: () => T): T => compute(),
    dispose: () => {
      labels.dispose();
      net?.dispose();
    },
  };
}

test('TE-NAS protocol constants (prune_launch.py: batch 72 on NB201, --repeat 3); cnntk registered, lower is better', () => {
  assert.equal(TENAS_NTK_PROTOCOL.batch, 72);
  assert.equal(TENAS_NTK_PROTOCOL.repeats, 3);
  const def = getProxy('cnntk');
  assert.equal(def.higherIsBetter, false);
  assert.equal(def.needs, 'per-sample-gradient');
});

const ARCHS = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|skip_connect~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|skip_connect~2|',
  '|nor_conv_1x1~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|',
];

test('real NB201: κ ≥ 1, deterministic per seed, repeats differ, no tensors left over 3 archs', { skip }, () => {
  const x = cifarBatch();
  const before = tf.memory().numTensors;
  for (const s of ARCHS) {
    const ctx = contextFor(parseNb201(s), x, 11);
    try {
      const r = cnntkTenas(ctx, { batch: 8, repeats: 2 });
      assert.equal(r.status, 'ok', `${s}: ${r.reason}`);
      assert.equal(r.batchSize, 8);
      assert.equal(r.conds.length, 2);
      for (const c of r.conds) assert.ok(c >= 1 && Number.isFinite(c), `${s}: κ = ${c}`);
      assert.notEqual(r.conds[0], r.conds[1], 'fresh init and batch per repeat');
      assert.ok(Math.abs(r.value - (r.conds[0]! + r.conds[1]!) / 2) < 1e-9 * r.value);
      if (s === ARCHS[0]) assert.equal(cnntkTenas(ctx, { batch: 8, repeats: 2 }).value, r.value);
    } finally {
      ctx.dispose();
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

test('registered cnntk on a 4-sample run batch: the NTK batch is capped by the run batch, 3 repeats', { skip }, () => {
  const x = tf.slice(cifarBatch(), [0, 0, 0, 0], [4, -1, -1, -1]) as tf.Tensor4D;
  const ctx = contextFor(parseNb201(ARCHS[0]!), x, 3);
  try {
    const before = tf.memory().numTensors;
    const v = getProxy('cnntk').compute(ctx);
    assert.equal(v.status, 'ok');
    assert.ok(v.value >= 1);
    const r = cnntkTenas(ctx);
    assert.equal(r.batchSize, 4);
    assert.equal(r.conds.length, 3);
    assert.equal(r.value, v.value);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    ctx.dispose();
    x.dispose();
  }
});

const slow = process.env.ZERONAS_SLOW_TESTS === '1';

/**
 * κ on 30 fixed-seed NB201 archs with the TE-NAS batch (72 of a 128-image crop-flip batch) and one
 * repeat: 72 forward+backward passes per arch (~1 min on wasm), so it runs only with
 * ZERONAS_SLOW_TESTS=1. TE-NAS reports τ = −0.42; with a reduced batch (16) the correlation
 * disappears (τ ≈ −0.1), so no cheap variant is run by default. Only the sign is asserted.
 */
test(
  'Kendall τ(κ, CIFAR-10 test accuracy) over 30 sampled archs is negative (ZERONAS_SLOW_TESTS=1)',
  { skip: (!slow && 'slow (~30-60 min on wasm): set ZERONAS_SLOW_TESTS=1') || skip || (needsData(NB201_TABLE_FILE)) },
  () => {
    const table = loadNb201Table();
    const idx = new Rng(2021).sampleWithoutReplacement(table.size, 30);
    const b = makeBatch({ dataset: 'cifar10', batchSize: 128, seed: 1, augment: 'crop-flip' });
    const x = tf.tensor4d(b.x, b.shape as [number, number, number, number]);
    const kappa: number[] = [];
    const acc: number[] = [];
    const t0 = performance.now();
    try {
      for (const i of idx) {
        const ctx = contextFor(table.arch(i), x, 1000 + i);
        try {
          const r = cnntkTenas(ctx, { batch: 72, repeats: 1 });
          kappa.push(r.status === 'ok' ? r.value : 1e5); // TE-NAS-style stand-in for an unrankable κ
          acc.push(table.accuracy(i, 'cifar10-test'));
        } finally {
          ctx.dispose();
        }
      }
    } finally {
      x.dispose();
    }
    const tau = kendallTauB(kappa, acc);
    console.log(`cnntk: Kendall τ = ${tau.toFixed(3)} on ${idx.length} archs (TE-NAS: −0.42), ${((performance.now() - t0) / 1000 / idx.length).toFixed(1)} s/arch (batch 72, 1 repeat)`);
    assert.ok(tau < 0, `τ = ${tau}`);
  },
);
