/**
 * Layer functions of src/engine/layers.ts on the wasm backend against tfjs's own kernels and
 * autodiff on the cpu backend (tensors are moved between backends as plain arrays).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { avgPool, batchNorm, BN_EPS, BnMode, conv2d, conv2dWeightGrad, globalAvgPool, linear } from '../../src/engine/layers';
import { Rng } from '../../src/engine/rng';

let wasm = 'wasm';

before(async () => {
  wasm = await initBackend({ quiet: true });
});

function randArray(seed: number, n: number, scale = 1, offset = 0): Float32Array {
  const r = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = offset + scale * r.normal();
  return a;
}

/** max|a − b| / max|b| (b is the reference). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length mismatch');
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return m === 0 ? d : d / m;
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  for (let i = 0; i < a.length; i++) assert.ok(Number.isFinite(a[i]!), `${what}: non-finite value at ${i}`);
  const e = relErr(a, b);
  assert.ok(e <= tol, `${what}: relative error ${e.toExponential(3)} > ${tol}`);
}

/** Run `f` on the cpu backend and come back to wasm; `f` must return plain arrays. */
async function onCpu<T>(f: () => T): Promise<T> {
  assert.ok(await tf.setBackend('cpu'));
  try {
    let out: T | undefined;
    tf.tidy(() => {
      out = f();
    });
    return out as T;
  } finally {
    assert.ok(await tf.setBackend(wasm));
  }
}

const data = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

interface ConvCase {
  name: string;
  n: number;
  h: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
}

const CONV_CASES: ConvCase[] = [
  { name: 'k=3 stride 1 pad 1', n: 2, h: 8, cin: 3, cout: 5, k: 3, stride: 1, pad: 1 },
  { name: 'k=3 stride 2 pad 1', n: 2, h: 8, cin: 3, cout: 5, k: 3, stride: 2, pad: 1 },
  { name: 'k=1 stride 1 pad 0', n: 2, h: 8, cin: 3, cout: 5, k: 1, stride: 1, pad: 0 },
  // extra: strides that leave the last input rows/cols uncovered (dX must be 0 there)
  { name: 'k=3 stride 2 pad 0 (uncovered edge)', n: 2, h: 8, cin: 3, cout: 5, k: 3, stride: 2, pad: 0 },
  { name: 'k=1 stride 2 pad 0', n: 2, h: 8, cin: 4, cout: 2, k: 1, stride: 2, pad: 0 },
  { name: 'k=3 stride 1 pad 1, 7x7, cin 5 -> cout 3', n: 3, h: 7, cin: 5, cout: 3, k: 3, stride: 1, pad: 1 },
];

function outSide(c: ConvCase): number {
  return Math.floor((c.h + 2 * c.pad - c.k) / c.stride) + 1;
}

/** Reference forward and gradients from tfjs's built-in conv2d (explicit tf.pad + 'valid') on cpu. */
async function cpuConv(c: ConvCase, xa: Float32Array, wa: Float32Array, ra: Float32Array) {
  const ho = outSide(c);
  return onCpu(() => {
    const x = tf.tensor4d(xa, [c.n, c.h, c.h, c.cin]);
    const w = tf.tensor4d(wa, [c.k, c.k, c.cin, c.cout]);
    const r = tf.tensor4d(ra, [c.n, ho, ho, c.cout]);
    const conv = (xx: tf.Tensor4D, ww: tf.Tensor4D): tf.Tensor4D => {
      const xp = c.pad > 0 ? tf.pad(xx, [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]]) : xx;
      return tf.conv2d(xp, ww, c.stride, 'valid');
    };
    const y = conv(x, w);
    const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv(xx as tf.Tensor4D, ww as tf.Tensor4D), r)))([x, w]);
    return { y: data(y), dx: data(dx!), dw: data(dw!), yShape: y.shape };
  });
}

for (const c of CONV_CASES) {
  test(`conv2d ${c.name}: forward and custom dX, dW on wasm match tfjs conv2d on cpu`, async () => {
    const ho = outSide(c);
    const xa = randArray(1, c.n * c.h * c.h * c.cin);
    const wa = randArray(2, c.k * c.k * c.cin * c.cout, 0.3);
    const ra = randArray(3, c.n * ho * ho * c.cout);
    const ref = await cpuConv(c, xa, wa, ra);
    assert.equal(tf.getBackend(), wasm);
    const got = tf.tidy(() => {
      const x = tf.tensor4d(xa, [c.n, c.h, c.h, c.cin]);
      const w = tf.tensor4d(wa, [c.k, c.k, c.cin, c.cout]);
      const r = tf.tensor4d(ra, [c.n, ho, ho, c.cout]);
      const y = conv2d(x, w, c.stride, c.pad);
      const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
        tf.sum(tf.mul(conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.stride, c.pad), r)),
      )([x, w]);
      assert.deepEqual(dx!.shape, x.shape);
      assert.deepEqual(dw!.shape, w.shape);
      return { y: data(y), dx: data(dx!), dw: data(dw!), yShape: y.shape };
    });
    assert.deepEqual(got.yShape, ref.yShape);
    assert.deepEqual(got.yShape, [c.n, ho, ho, c.cout]);
    assertClose(got.y, ref.y, 1e-4, 'forward');
    assertClose(got.dx, ref.dx, 1e-3, 'dX');
    assertClose(got.dw, ref.dw, 1e-3, 'dW');
  });
}

test('conv2dWeightGrad directly equals the cpu conv2d weight gradient', async () => {
  for (const c of CONV_CASES) {
    const ho = outSide(c);
    const xa = randArray(11, c.n * c.h * c.h * c.cin);
    const wa = randArray(12, c.k * c.k * c.cin * c.cout, 0.3);
    const ra = randArray(13, c.n * ho * ho * c.cout);
    const ref = await cpuConv(c, xa, wa, ra);
    const dw = tf.tidy(() => {
      const x = tf.tensor4d(xa, [c.n, c.h, c.h, c.cin]);
      const dy = tf.tensor4d(ra, [c.n, ho, ho, c.cout]);
      const g = conv2dWeightGrad(x, dy, c.k, c.k, c.stride, c.pad, 1);
      assert.deepEqual(g.shape, [c.k, c.k, c.cin, c.cout]);
      return data(g);
    });
    assertClose(dw, ref.dw, 1e-3, `conv2dWeightGrad ${c.name}`);
  }
});

test('conv2d: gradients leave no tensors behind', () => {
  const x = tf.tensor4d(randArray(5, 2 * 8 * 8 * 3), [2, 8, 8, 3]);
  const w = tf.tensor4d(randArray(6, 3 * 3 * 3 * 4), [3, 3, 3, 4]);
  const before = tf.memory().numTensors;
  const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 2, 1)))([x, w]);
  tf.dispose(g);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, w]);
});

// ---------------------------------------------------------------------------------------------
// batchNorm

interface BnCase {
  shape: number[];
  seed: number;
  offset?: number;
}

function bnReferenceCpu(c: BnCase, mode: BnMode, xa: Float32Array, ga: Float32Array, ba: Float32Array, ra: Float32Array) {
  const ch = c.shape[c.shape.length - 1]!;
  return onCpu(() => {
    const x = tf.tensor(xa, c.shape);
    const g = tf.tensor1d(ga);
    const b = tf.tensor1d(ba);
    const r = tf.tensor(ra, c.shape);
    const axes = c.shape.slice(0, -1).map((_, i) => i);
    const bn = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Tensor => {
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (mode === 'train') ({ mean, variance } = tf.moments(xx, axes));
      else {
        mean = tf.zeros([ch]);
        variance = tf.ones([ch]);
      }
      return tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, BN_EPS))), gg), bb);
    };
    const y = bn(x, g, b);
    const [dx, dg, db] = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(bn(xx, gg, bb), r)))([x, g, b]);
    return { y: data(y), dx: data(dx!), dg: data(dg!), db: data(db!) };
  });
}

function bnWasm(c: BnCase, mode: BnMode, xa: Float32Array, ga: Float32Array, ba: Float32Array, ra: Float32Array) {
  return tf.tidy(() => {
    const x: tf.Tensor = tf.tensor(xa, c.shape);
    const g = tf.tensor1d(ga);
    const b = tf.tensor1d(ba);
    const r = tf.tensor(ra, c.shape);
    const y = batchNorm(x as tf.Tensor4D, mode, g, b);
    const [dx, dg, db] = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(batchNorm(xx as tf.Tensor4D, mode, gg as tf.Tensor1D, bb as tf.Tensor1D), r)),
    )([x, g, b]);
    assert.deepEqual(dx!.shape, c.shape);
    assert.deepEqual(dg!.shape, [c.shape[c.shape.length - 1]]);
    assert.deepEqual(db!.shape, [c.shape[c.shape.length - 1]]);
    return { y: data(y), dx: data(dx!), dg: data(dg!), db: data(db!) };
  });
}

const BN_CASES: BnCase[] = [
  { shape: [2, 4, 4, 3], seed: 21 },
  { shape: [3, 5, 5, 6], seed: 22, offset: 2 },
  { shape: [8, 5], seed: 23 }, // [N, C] input
];

for (const mode of ['train', 'eval'] as const) {
  for (const c of BN_CASES) {
    test(`batchNorm ${mode} ${JSON.stringify(c.shape)}: forward and dx, dγ, dβ match a cpu reference from primitives`, async () => {
      const size = c.shape.reduce((a, b) => a * b, 1);
      const ch = c.shape[c.shape.length - 1]!;
      const xa = randArray(c.seed, size, 1.5, c.offset ?? 0);
      const ga = randArray(c.seed + 100, ch, 0.3, 1);
      const ba = randArray(c.seed + 200, ch, 0.5);
      const ra = randArray(c.seed + 300, size);
      const ref = await bnReferenceCpu(c, mode, xa, ga, ba, ra);
      const got = bnWasm(c, mode, xa, ga, ba, ra);
      assertClose(got.y, ref.y, 1e-4, 'forward');
      assertClose(got.dx, ref.dx, 1e-3, 'dx');
      assertClose(got.dg, ref.dg, 1e-3, 'dγ');
      assertClose(got.db, ref.db, 1e-3, 'dβ');
    });
  }
}

test('batchNorm train: central finite differences on a few coordinates of x and γ', () => {
  const shape = [2, 2, 2, 3];
  const size = 24;
  const xa = randArray(31, size);
  const ga = Float32Array.from([1.2, 0.8, 1.0]);
  const ba = Float32Array.from([0.1, -0.2, 0.3]);
  const ra = randArray(32, size);
  // loss accumulated in float64 from the float32 outputs
  const loss = (xv: Float32Array, gv: Float32Array): number =>
    tf.tidy(() => {
      const y = data(batchNorm(tf.tensor4d(xv, shape as [number, number, number, number]), 'train', tf.tensor1d(gv), tf.tensor1d(ba)));
      let s = 0;
      for (let i = 0; i < size; i++) s += y[i]! * ra[i]!;
      return s;
    });
  const { dx, dg } = bnWasm({ shape, seed: 0 }, 'train', xa, ga, ba, ra);
  const eps = 1e-2;
  const fd = (arr: Float32Array, i: number, f: (v: Float32Array) => number): number => {
    const p = arr.slice();
    const m = arr.slice();
    p[i] = arr[i]! + eps;
    m[i] = arr[i]! - eps;
    return (f(p) - f(m)) / (p[i]! - m[i]!);
  };
  for (const i of [0, 7, 17]) {
    const num = fd(xa, i, (v) => loss(v, ga));
    assert.ok(Math.abs(num - dx[i]!) <= 1e-2 * Math.max(Math.abs(num), 1e-1), `dx[${i}]: fd ${num} vs ${dx[i]}`);
  }
  for (const i of [0, 2]) {
    const num = fd(ga, i, (v) => loss(xa, v));
    assert.ok(Math.abs(num - dg[i]!) <= 1e-2 * Math.max(Math.abs(num), 1e-1), `dγ[${i}]: fd ${num} vs ${dg[i]}`);
  }
});

test('batchNorm train output: per-channel mean 0 and biased variance 1 (γ=1, β=0)', () => {
  const shape: [number, number, number, number] = [4, 3, 3, 5];
  const xa = randArray(41, 4 * 3 * 3 * 5, 2, 3);
  const y = tf.tidy(() => data(batchNorm(tf.tensor4d(xa, shape), 'train')));
  const m = 4 * 3 * 3;
  for (let c = 0; c < 5; c++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < m; i++) s += y[i * 5 + c]!;
    const mean = s / m;
    for (let i = 0; i < m; i++) s2 += (y[i * 5 + c]! - mean) ** 2;
    assert.ok(Math.abs(mean) < 1e-5, `channel ${c} mean ${mean}`);
    assert.ok(Math.abs(s2 / m - 1) < 1e-3, `channel ${c} biased variance ${s2 / m}`);
  }
});

test('batchNorm eval output at init statistics is x/√(1+ε) (γ=1, β=0), and γ, β apply', () => {
  const shape: [number, number, number, number] = [2, 3, 3, 4];
  const xa = randArray(42, 72, 3);
  const y = tf.tidy(() => data(batchNorm(tf.tensor4d(xa, shape), 'eval')));
  const s = 1 / Math.sqrt(1 + BN_EPS);
  assertClose(y, Array.from(xa, (v) => v * s), 1e-6, 'eval forward');
  const y2 = tf.tidy(() => data(batchNorm(tf.tensor4d(xa, shape), 'eval', tf.tensor1d([2, 2, 2, 2]), tf.tensor1d([1, 1, 1, 1]))));
  assertClose(y2, Array.from(xa, (v) => 2 * v * s + 1), 1e-6, 'eval forward with γ=2, β=1');
});

test('batchNorm eval uses given running statistics', () => {
  const xa = randArray(43, 2 * 2 * 2 * 2);
  const y = tf.tidy(() =>
    data(batchNorm(tf.tensor4d(xa, [2, 2, 2, 2]), 'eval', undefined, undefined, { mean: tf.tensor1d([1, -1]), variance: tf.tensor1d([4, 0.25]) })),
  );
  const expect = Array.from(xa, (v, i) => (i % 2 === 0 ? (v - 1) / Math.sqrt(4 + BN_EPS) : (v + 1) / Math.sqrt(0.25 + BN_EPS)));
  assertClose(y, expect, 1e-6, 'eval with running stats');
});

test('batchNorm train: variance is accurate for inputs with a large common offset (PyTorch uses a two-pass/Welford variance)', () => {
  const shape: [number, number, number, number] = [4, 4, 4, 2];
  const xa = randArray(44, 128, 1, 1000); // mean 1000, std 1
  const y = tf.tidy(() => data(batchNorm(tf.tensor4d(xa, shape), 'train')));
  const m = 64;
  for (let c = 0; c < 2; c++) {
    let s2 = 0;
    for (let i = 0; i < m; i++) s2 += y[i * 2 + c]! ** 2;
    assert.ok(Math.abs(s2 / m - 1) < 1e-2, `channel ${c}: E[y²] = ${s2 / m}, expected ≈ 1`);
  }
});

// ---------------------------------------------------------------------------------------------
// pooling and linear

test('avgPool 3×3 same, stride 1, excludes padding (count_include_pad=False), hand-checked', () => {
  const y = tf.tidy(() => data(avgPool(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), 3, 1, true)));
  // corners: mean of 4 valid cells; edges: mean of 6; centre: mean of 9
  const expect = [
    (1 + 2 + 4 + 5) / 4, (1 + 2 + 3 + 4 + 5 + 6) / 6, (2 + 3 + 5 + 6) / 4,
    (1 + 2 + 4 + 5 + 7 + 8) / 6, 5, (2 + 3 + 5 + 6 + 8 + 9) / 6,
    (4 + 5 + 7 + 8) / 4, (4 + 5 + 6 + 7 + 8 + 9) / 6, (5 + 6 + 8 + 9) / 4,
  ];
  assert.equal(y.length, 9);
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(y[i]! - expect[i]!) < 1e-6, `cell ${i}: ${y[i]} vs ${expect[i]}`);
});

test('avgPool 3×3 same keeps channels separate and matches cpu avgPool; 2×2/2 valid halves the side', async () => {
  const xa = randArray(51, 2 * 5 * 5 * 3);
  const ref = await onCpu(() => data(tf.avgPool(tf.tensor4d(xa, [2, 5, 5, 3]), 3, 1, 'same')));
  const got = tf.tidy(() => data(avgPool(tf.tensor4d(xa, [2, 5, 5, 3]), 3, 1, true)));
  assertClose(got, ref, 1e-5, 'avgPool same');
  const half = tf.tidy(() => {
    const y = avgPool(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]), 2, 2, false);
    assert.deepEqual(y.shape, [1, 2, 2, 1]);
    return Array.from(data(y));
  });
  assert.deepEqual(half, [3.5, 5.5, 11.5, 13.5]);
});

test('avgPool 2×2/2 valid gradient: each input gets ¼ of its window\'s output gradient', () => {
  const g = tf.tidy(() => {
    const r = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    return Array.from(data(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(avgPool(x as tf.Tensor4D, 2, 2, false), r)))(tf.zeros([1, 4, 4, 1]))));
  });
  assert.deepEqual(g, [0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1, 0.75, 0.75, 1, 1]);
});

/** Exact gradient of Σ_out avgPool3x3same(x) on an h×w map: Σ over windows holding (i,j) of 1/|window ∩ image|. */
function avgPoolSameSumGrad(h: number, w: number): number[] {
  const cnt = (i: number, n: number): number => Math.min(n - 1, i + 1) - Math.max(0, i - 1) + 1;
  const out: number[] = [];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let oi = Math.max(0, i - 1); oi <= Math.min(h - 1, i + 1); oi++) {
        for (let oj = Math.max(0, j - 1); oj <= Math.min(w - 1, j + 1); oj++) s += 1 / (cnt(oi, h) * cnt(oj, w));
      }
      out.push(s);
    }
  }
  return out;
}

test('avgPool 3×3 same gradient divides by the number of valid cells (count_include_pad=False backward)', () => {
  const g = tf.tidy(() => Array.from(data(tf.grad((x: tf.Tensor) => tf.sum(avgPool(x as tf.Tensor4D, 3, 1, true)))(tf.zeros([1, 3, 3, 1])))));
  const expect = avgPoolSameSumGrad(3, 3);
  // gradient of a sum of means: the weights of each output sum to 1, so the total is the number of outputs
  assert.ok(Math.abs(expect.reduce((a, b) => a + b, 0) - 9) < 1e-12);
  assertClose(g, expect, 1e-5, 'avgPool same grad');
});

test('avgPool 3×3 same gradient matches central finite differences', () => {
  const xa = randArray(52, 4 * 4 * 2);
  const ra = randArray(53, 4 * 4 * 2);
  const shape: [number, number, number, number] = [1, 4, 4, 2];
  const got = tf.tidy(() => {
    const r = tf.tensor4d(ra, shape);
    return data(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(avgPool(x as tf.Tensor4D, 3, 1, true), r)))(tf.tensor4d(xa, shape)));
  });
  // the layer is linear, so a central difference is exact up to rounding
  const loss = (v: Float32Array): number =>
    tf.tidy(() => {
      const y = data(avgPool(tf.tensor4d(v, shape), 3, 1, true));
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i]! * ra[i]!;
      return s;
    });
  const fd = Array.from(xa, (_, i) => {
    const p = xa.slice();
    const m = xa.slice();
    p[i] = xa[i]! + 0.5;
    m[i] = xa[i]! - 0.5;
    return (loss(p) - loss(m)) / (p[i]! - m[i]!);
  });
  assertClose(got, fd, 1e-4, 'avgPool grad vs finite differences');
});

test('avgPool k×k same, stride 1 (k = 3, 5): the padded-pool gradient equals Σ over covering windows of r/count, by brute force', () => {
  const [n, h, w, c] = [2, 6, 5, 3];
  for (const k of [3, 5]) {
    const xa = randArray(60 + k, n * h * w * c);
    const ra = randArray(70 + k, n * h * w * c);
    const got = tf.tidy(() => {
      const r = tf.tensor4d(ra, [n, h, w, c]);
      return data(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(avgPool(x as tf.Tensor4D, k, 1, true), r)))(tf.tensor4d(xa, [n, h, w, c])));
    });
    const p = (k - 1) / 2;
    const expect = new Float64Array(n * h * w * c);
    const at = (b: number, i: number, j: number, ch: number): number => ((b * h + i) * w + j) * c + ch;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const rows = [Math.max(0, i - p), Math.min(h - 1, i + p)];
          const cols = [Math.max(0, j - p), Math.min(w - 1, j + p)];
          const count = (rows[1]! - rows[0]! + 1) * (cols[1]! - cols[0]! + 1);
          for (let ch = 0; ch < c; ch++) {
            for (let a = rows[0]!; a <= rows[1]!; a++) for (let e = cols[0]!; e <= cols[1]!; e++) expect[at(b, a, e, ch)] += ra[at(b, i, j, ch)]! / count;
          }
        }
      }
    }
    assertClose(got, Array.from(expect), 1e-5, `avgPool ${k}×${k} same grad`);
  }
});

test('globalAvgPool and linear', () => {
  const out = tf.tidy(() => {
    const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
    const g = globalAvgPool(x);
    assert.deepEqual(g.shape, [1, 2]);
    const y = linear(g, tf.tensor2d([1, 0, 1, 0, 1, 1], [2, 3]), tf.tensor1d([0.5, 0, -1]));
    return { g: Array.from(data(g)), y: Array.from(data(y)) };
  });
  assert.deepEqual(out.g, [2.5, 25]);
  assert.deepEqual(out.y, [2.5 + 0.5, 25, 2.5 + 25 - 1]);
});
