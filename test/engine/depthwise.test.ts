/**
 * Depthwise convolution of src/engine/depthwise.ts on the wasm backend against tfjs's own
 * depthwise kernels and autodiff on the cpu backend, adjoint identities and finite differences.
 * tfjs's cpu gradient has no dilation, so dilated cases are referenced through the equivalent
 * undilated filter of side d(k−1)+1 with zeros between the taps.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import {
  convOutSize,
  depthwiseConv2d,
  depthwiseFilterGrad,
  depthwiseFilterGradByOffsets,
  depthwiseInputGrad,
} from '../../src/engine/depthwise';
import { Rng } from '../../src/engine/rng';

let wasm = 'wasm';

before(async () => {
  wasm = await initBackend({ quiet: true });
});

function randArray(seed: number, n: number, scale = 1): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => scale * r.normal());
}

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

interface Case {
  n: number;
  h: number;
  c: number;
  k: number;
  stride: number;
  pad: number;
  dilation: number;
}

// DARTS: sep_conv 3×3/5×5 (pad 1/2) and dil_conv 3×3/5×5 (pad 2/4, dilation 2), stride 1 and 2.
const CASES: Case[] = [
  { n: 2, h: 8, c: 3, k: 3, stride: 1, pad: 1, dilation: 1 },
  { n: 2, h: 8, c: 3, k: 3, stride: 2, pad: 1, dilation: 1 },
  { n: 2, h: 8, c: 4, k: 5, stride: 1, pad: 2, dilation: 1 },
  { n: 2, h: 8, c: 4, k: 5, stride: 2, pad: 2, dilation: 1 },
  { n: 2, h: 8, c: 3, k: 3, stride: 1, pad: 2, dilation: 2 },
  { n: 2, h: 8, c: 3, k: 3, stride: 2, pad: 2, dilation: 2 },
  { n: 2, h: 9, c: 2, k: 5, stride: 1, pad: 4, dilation: 2 },
  { n: 2, h: 9, c: 2, k: 5, stride: 2, pad: 4, dilation: 2 },
  { n: 3, h: 7, c: 2, k: 3, stride: 2, pad: 0, dilation: 1 }, // uncovered last row/column
  { n: 1, h: 6, c: 5, k: 3, stride: 1, pad: 3, dilation: 1 }, // pad > d(k−1): dX crops dy
];

const label = (c: Case): string => `k=${c.k} stride=${c.stride} pad=${c.pad} dilation=${c.dilation} (${c.h}×${c.h}×${c.c})`;

/** Undilated filter [K, K, C, 1], K = d(k−1)+1, with w's taps at multiples of d. */
function expandFilter(w: Float32Array, k: number, c: number, d: number): Float32Array {
  const K = d * (k - 1) + 1;
  const out = new Float32Array(K * K * c);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let ch = 0; ch < c; ch++) out[(i * d * K + j * d) * c + ch] = w[(i * k + j) * c + ch]!;
  return out;
}

function gatherFilter(g: Float32Array, k: number, c: number, d: number): Float32Array {
  const K = d * (k - 1) + 1;
  const out = new Float32Array(k * k * c);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let ch = 0; ch < c; ch++) out[(i * k + j) * c + ch] = g[(i * d * K + j * d) * c + ch]!;
  return out;
}

async function cpuReference(c: Case, xa: Float32Array, wa: Float32Array, ra: Float32Array) {
  const ho = convOutSize(c.h, c.k, c.stride, c.pad, c.dilation);
  const K = c.dilation * (c.k - 1) + 1;
  const we = expandFilter(wa, c.k, c.c, c.dilation);
  const ref = await onCpu(() => {
    const x = tf.tensor4d(xa, [c.n, c.h, c.h, c.c]);
    const w = tf.tensor4d(we, [K, K, c.c, 1]);
    const r = tf.tensor4d(ra, [c.n, ho, ho, c.c]);
    const conv = (xx: tf.Tensor4D, ww: tf.Tensor4D): tf.Tensor4D =>
      tf.depthwiseConv2d(tf.pad(xx, [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]]), ww, c.stride, 'valid');
    const y = conv(x, w);
    const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv(xx as tf.Tensor4D, ww as tf.Tensor4D), r)))([x, w]);
    return { y: data(y), yShape: y.shape, dx: data(dx!), dwe: data(dw!) };
  });
  return { ...ref, dw: gatherFilter(ref.dwe, c.k, c.c, c.dilation), ho };
}

for (const c of CASES) {
  test(`depthwiseConv2d ${label(c)}: forward, dX and dW on ${'wasm'} match tfjs on cpu`, async () => {
    const xa = randArray(c.k * 7 + c.stride, c.n * c.h * c.h * c.c);
    const wa = randArray(c.k * 11 + c.dilation, c.k * c.k * c.c, 0.5);
    const ho = convOutSize(c.h, c.k, c.stride, c.pad, c.dilation);
    const ra = randArray(99 + c.h, c.n * ho * ho * c.c);
    const ref = await cpuReference(c, xa, wa, ra);
    assert.equal(tf.getBackend(), wasm);
    const got = tf.tidy(() => {
      const x = tf.tensor4d(xa, [c.n, c.h, c.h, c.c]);
      const w = tf.tensor4d(wa, [c.k, c.k, c.c, 1]);
      const r = tf.tensor4d(ra, [c.n, ho, ho, c.c]);
      const y = depthwiseConv2d(x, w, c.stride, c.pad, c.dilation);
      const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
        tf.sum(tf.mul(depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.stride, c.pad, c.dilation), r)),
      )([x, w]);
      assert.deepEqual(dx!.shape, x.shape);
      assert.deepEqual(dw!.shape, w.shape);
      const byOffsets = depthwiseFilterGradByOffsets(x, r, c.k, c.k, c.stride, c.pad, c.dilation);
      return { y: data(y), yShape: y.shape, dx: data(dx!), dw: data(dw!), dwOffsets: data(byOffsets) };
    });
    assert.deepEqual(got.yShape, ref.yShape);
    assert.deepEqual(got.yShape, [c.n, ho, ho, c.c]);
    assertClose(got.y, ref.y, 1e-5, 'forward');
    assertClose(got.dx, ref.dx, 1e-4, 'dX');
    assertClose(got.dw, ref.dw, 1e-4, 'dW');
    assertClose(got.dwOffsets, ref.dw, 1e-4, 'dW by offsets');
  });
}

test('depthwise adjoint identities <y, R> = <x, dX(R)> = <w, dW(x, R)> for every case', () => {
  for (const c of CASES) {
    const rng = new Rng(c.k * 100 + c.stride * 10 + c.dilation);
    const rand = (shape: number[]): tf.Tensor =>
      tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
    tf.tidy(() => {
      const x = rand([c.n, c.h, c.h, c.c]) as tf.Tensor4D;
      const w = rand([c.k, c.k, c.c, 1]) as tf.Tensor4D;
      const y = depthwiseConv2d(x, w, c.stride, c.pad, c.dilation);
      const r = rand(y.shape) as tf.Tensor4D;
      const lhs = tf.sum(tf.mul(y, r)).dataSync()[0]!;
      const viaX = tf.sum(tf.mul(x, depthwiseInputGrad(r, w, x.shape, c.stride, c.pad, c.dilation))).dataSync()[0]!;
      const viaW = tf.sum(tf.mul(w, depthwiseFilterGrad(x, r, c.k, c.k, c.stride, c.pad, c.dilation))).dataSync()[0]!;
      const tol = 1e-4 * Math.max(1, Math.abs(lhs));
      assert.ok(Math.abs(viaX - lhs) <= tol, `${label(c)} <x, dX> ${viaX} vs ${lhs}`);
      assert.ok(Math.abs(viaW - lhs) <= tol, `${label(c)} <w, dW> ${viaW} vs ${lhs}`);
    });
  }
});

test('depthwise stride 2 + dilation 2: central finite differences through a ReLU on a few coordinates', () => {
  const c: Case = { n: 1, h: 6, c: 2, k: 3, stride: 2, pad: 2, dilation: 2 };
  const xa = randArray(5, c.n * c.h * c.h * c.c);
  const wa = randArray(6, c.k * c.k * c.c, 0.5);
  const ho = convOutSize(c.h, c.k, c.stride, c.pad, c.dilation);
  const ra = randArray(7, ho * ho * c.c);
  const lossOf = (xv: Float32Array, wv: Float32Array): number =>
    tf.tidy(() => {
      const y = data(depthwiseConv2d(tf.tensor4d(xv, [c.n, c.h, c.h, c.c]), tf.tensor4d(wv, [c.k, c.k, c.c, 1]), c.stride, c.pad, c.dilation));
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i]! * ra[i]!;
      return s;
    });
  const { dx, dw } = tf.tidy(() => {
    const r = tf.tensor4d(ra, [c.n, ho, ho, c.c]);
    const [gx, gw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
      tf.sum(tf.mul(depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.stride, c.pad, c.dilation), r)),
    )([tf.tensor4d(xa, [c.n, c.h, c.h, c.c]), tf.tensor4d(wa, [c.k, c.k, c.c, 1])]);
    return { dx: data(gx!), dw: data(gw!) };
  });
  // the loss is bilinear, so a central difference is exact up to float32 rounding
  const fd = (arr: Float32Array, i: number, f: (v: Float32Array) => number): number => {
    const p = arr.slice();
    const m = arr.slice();
    p[i] = arr[i]! + 0.25;
    m[i] = arr[i]! - 0.25;
    return (f(p) - f(m)) / (p[i]! - m[i]!);
  };
  for (const i of [0, 9, 14, 30, 71]) {
    const num = fd(xa, i, (v) => lossOf(v, wa));
    assert.ok(Math.abs(num - dx[i]!) <= 1e-3 * Math.max(1, Math.abs(num)), `dx[${i}]: fd ${num} vs ${dx[i]}`);
  }
  for (const i of [0, 5, 17]) {
    const num = fd(wa, i, (v) => lossOf(xa, v));
    assert.ok(Math.abs(num - dw[i]!) <= 1e-3 * Math.max(1, Math.abs(num)), `dw[${i}]: fd ${num} vs ${dw[i]}`);
  }
});

test('depthwiseConv2d: bad filter shapes and arguments are rejected with a clear message', () => {
  tf.tidy(() => {
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    assert.throws(() => depthwiseConv2d(x, tf.zeros([3, 3, 3, 2]) as tf.Tensor4D), /channel multiplier 1/);
    assert.throws(() => depthwiseConv2d(x, tf.zeros([3, 3, 2, 1]) as tf.Tensor4D), /3 channels but the filter has 2/);
    assert.throws(() => depthwiseConv2d(x, tf.zeros([3, 3, 3, 1]) as tf.Tensor4D, 0), /stride must be an integer/);
  });
});

test('depthwiseConv2d: forward and gradients leave no tensors behind', () => {
  const x = tf.tensor4d(randArray(8, 2 * 8 * 8 * 3), [2, 8, 8, 3]);
  const w = tf.tensor4d(randArray(9, 3 * 3 * 3), [3, 3, 3, 1]);
  const before = tf.memory().numTensors;
  for (const [s, d] of [[1, 1], [2, 1], [1, 2], [2, 2]] as const) {
    const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, s, d, d)))([x, w]);
    tf.dispose(g);
    tf.tidy(() => {
      depthwiseConv2d(x, w, s, d, d);
    });
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, w]);
});
