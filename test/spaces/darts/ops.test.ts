/**
 * DARTS op helpers against naive loops with PyTorch semantics (windows start at −pad, symmetric
 * padding; avg pool divides by the number of real cells), gradients by finite differences.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { Rng } from '../../../src/engine/rng';
import { avgPool3x3, maxPool3x3, subsample, zeroOp } from '../../../src/spaces/darts/ops';

before(async () => {
  await initBackend({ quiet: true });
});

type Shape = [number, number, number, number];

function rand(seed: number, shape: Shape): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal());
}

/** PyTorch-style 3×3 pool, pad 1, stride s, NHWC. */
function naivePool(x: Float32Array, [n, h, w, c]: Shape, s: number, kind: 'max' | 'avg'): { y: number[]; shape: Shape } {
  const ho = Math.floor((h + 2 - 3) / s) + 1;
  const wo = Math.floor((w + 2 - 3) / s) + 1;
  const y: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let ch = 0; ch < c; ch++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let cnt = 0;
          for (let di = 0; di < 3; di++)
            for (let dj = 0; dj < 3; dj++) {
              const r = i * s - 1 + di;
              const q = j * s - 1 + dj;
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              const v = x[((b * h + r) * w + q) * c + ch]!;
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
              cnt++;
            }
          y.push(kind === 'max' ? acc : acc / cnt);
        }
  return { y, shape: [n, ho, wo, c] };
}

const SHAPES: Shape[] = [
  [2, 8, 8, 3],
  [1, 7, 5, 2], // odd sides
  [2, 4, 4, 1],
];

for (const shape of SHAPES) {
  for (const s of [1, 2]) {
    for (const kind of ['max', 'avg'] as const) {
      test(`${kind}Pool3x3 stride ${s} on ${shape.join('×')} equals PyTorch's pool (pad 1${kind === 'avg' ? ', count_include_pad=False' : ''})`, () => {
        const xa = rand(shape[1] * 10 + s, shape);
        const ref = naivePool(xa, shape, s, kind);
        const got = tf.tidy(() => {
          const y = (kind === 'max' ? maxPool3x3 : avgPool3x3)(tf.tensor4d(xa, shape), s);
          return { y: Array.from(y.dataSync()), shape: y.shape };
        });
        assert.deepEqual(got.shape, ref.shape);
        got.y.forEach((v, i) => assert.ok(Math.abs(v - ref.y[i]!) < 1e-5, `${i}: ${v} vs ${ref.y[i]}`));
      });
    }
  }
}

test('pool gradients (stride 1 and 2) match central finite differences of the naive pool', () => {
  const shape: Shape = [1, 6, 6, 2];
  const xa = rand(5, shape);
  for (const s of [1, 2]) {
    for (const kind of ['max', 'avg'] as const) {
      const ref = naivePool(xa, shape, s, kind);
      const ra = rand(6 + s, ref.shape);
      const g = tf.tidy(() =>
        Array.from(
          tf.grad((x: tf.Tensor) => tf.sum(tf.mul((kind === 'max' ? maxPool3x3 : avgPool3x3)(x as tf.Tensor4D, s), tf.tensor4d(ra, ref.shape))))(tf.tensor4d(xa, shape)).dataSync(),
        ),
      );
      const loss = (v: Float32Array): number => naivePool(v, shape, s, kind).y.reduce((a, y, i) => a + y * ra[i]!, 0);
      for (let i = 0; i < xa.length; i++) {
        const p = xa.slice();
        const m = xa.slice();
        p[i] = xa[i]! + 1e-3;
        m[i] = xa[i]! - 1e-3;
        const fd = (loss(p) - loss(m)) / (p[i]! - m[i]!);
        assert.ok(Math.abs(fd - g[i]!) < 2e-3, `${kind} stride ${s} dx[${i}]: fd ${fd} vs ${g[i]}`);
      }
    }
  }
});

test('subsample takes rows/columns 0, s, 2s, … (odd sides included) and routes gradients back there', () => {
  for (const shape of [[1, 4, 6, 2], [2, 5, 3, 1]] as Shape[]) {
    const xa = rand(9, shape);
    const [n, h, w, c] = shape;
    const got = tf.tidy(() => {
      const y = subsample(tf.tensor4d(xa, shape), 2);
      return { y: Array.from(y.dataSync()), shape: y.shape };
    });
    const ho = Math.ceil(h / 2);
    const wo = Math.ceil(w / 2);
    assert.deepEqual(got.shape, [n, ho, wo, c]);
    const expect: number[] = [];
    for (let b = 0; b < n; b++) for (let i = 0; i < ho; i++) for (let j = 0; j < wo; j++) for (let ch = 0; ch < c; ch++) expect.push(xa[((b * h + 2 * i) * w + 2 * j) * c + ch]!);
    assert.deepEqual(got.y, expect);
    const g = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(subsample(x as tf.Tensor4D, 2)))(tf.tensor4d(xa, shape)).dataSync()));
    for (let b = 0; b < n; b++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          for (let ch = 0; ch < c; ch++) assert.equal(g[((b * h + i) * w + j) * c + ch], i % 2 === 0 && j % 2 === 0 ? 1 : 0);
  }
});

test('zeroOp is x·0 (NaN propagates as in PyTorch) with the stride-2 shape', () => {
  const y = tf.tidy(() => {
    const x = tf.tensor4d([1, NaN, -2, 3, 4, 5, 6, 7, 8], [1, 3, 3, 1]);
    return { s1: Array.from(zeroOp(x, 1).dataSync()), s2: zeroOp(x, 2) .shape, s2v: Array.from(zeroOp(x, 2).dataSync()) };
  });
  assert.deepEqual(y.s2, [1, 2, 2, 1]);
  assert.ok(Number.isNaN(y.s1[1]!));
  assert.deepEqual(y.s1.filter((_, i) => i !== 1).map(Math.abs), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(y.s2v.map(Math.abs), [0, 0, 0, 0]);
});

test('maxPool3x3 gradient: ties go to the first maximum of each window (PyTorch), overlapping windows accumulate', () => {
  const g = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(maxPool3x3(x as tf.Tensor4D, 1)))(tf.ones([1, 3, 3, 1])).dataSync()));
  assert.deepEqual(g, [4, 2, 0, 2, 1, 0, 0, 0, 0]);
  const g2 = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(maxPool3x3(x as tf.Tensor4D, 2)))(tf.ones([1, 4, 4, 1])).dataSync()));
  // stride-2 windows start at rows/cols −1 and 1: first real cells (0,0), (0,1), (1,0), (1,1)
  assert.deepEqual(g2, [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('op helpers leave no tensors behind (forward and gradients)', () => {
  const x = tf.tensor4d(rand(21, [2, 6, 6, 3]), [2, 6, 6, 3]);
  const before = tf.memory().numTensors;
  for (const s of [1, 2]) {
    for (const f of [maxPool3x3, avgPool3x3, zeroOp, (t: tf.Tensor4D, k: number) => subsample(t, k)]) {
      tf.tidy(() => {
        f(x, s);
      });
      tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(f(t as tf.Tensor4D, s)))(x));
    }
  }
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
