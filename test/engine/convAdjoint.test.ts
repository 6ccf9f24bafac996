import test from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { conv2dInputGrad, conv2dWeightGrad, conv2dWeightGradByOffsets } from '../../src/engine/layers';
import { Rng } from '../../src/engine/rng';

// A convolution is bilinear, so its gradients are its adjoints: for any x, w, R
//   <conv(x, w), R> = <x, dX(R)> = <w, dW(x, R)>   — an exact check for every stride/dilation.
const rand = (rng: Rng, shape: number[]): tf.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
};

const cases = [
  { k: 3, stride: 1, pad: 1, dilation: 1 },
  { k: 3, stride: 2, pad: 1, dilation: 1 },
  { k: 1, stride: 1, pad: 0, dilation: 1 },
  { k: 3, stride: 1, pad: 2, dilation: 2 },
  { k: 5, stride: 1, pad: 4, dilation: 2 },
  { k: 5, stride: 2, pad: 2, dilation: 1 },
];
// (stride > 1 with dilation > 1 is not supported by tfjs's conv2d forward itself.)

for (const c of cases) {
  test(`conv adjoints k=${c.k} stride=${c.stride} pad=${c.pad} dilation=${c.dilation}`, async () => {
    await initBackend({ quiet: true });
    const rng = new Rng(c.k * 100 + c.stride * 10 + c.dilation);
    tf.tidy(() => {
      const x = rand(rng, [2, 9, 9, 3]) as tf.Tensor4D;
      const w = rand(rng, [c.k, c.k, 3, 4]) as tf.Tensor4D;
      const y = tf.conv2d(x, w, c.stride, [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]], 'NHWC', c.dilation);
      const r = rand(rng, y.shape) as tf.Tensor4D;
      const lhs = tf.sum(tf.mul(y, r)).dataSync()[0];
      const dw = conv2dWeightGrad(x, r, c.k, c.k, c.stride, c.pad, c.dilation);
      assert.deepEqual(dw.shape, w.shape);
      const viaW = tf.sum(tf.mul(w, dw)).dataSync()[0];
      assert.ok(Math.abs(viaW - lhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `<w, dW> ${viaW} vs ${lhs}`);
      const dwRef = conv2dWeightGradByOffsets(x, r, c.k, c.k, c.stride, c.pad, c.dilation);
      assert.ok(tf.max(tf.abs(tf.sub(dw, dwRef))).dataSync()[0] < 1e-4);
      if (!(c.stride > 1 && c.dilation > 1)) {
        const dx = conv2dInputGrad(r, w, x.shape, c.stride, c.pad, c.dilation);
        assert.deepEqual(dx.shape, x.shape);
        const viaX = tf.sum(tf.mul(x, dx)).dataSync()[0];
        assert.ok(Math.abs(viaX - lhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `<x, dX> ${viaX} vs ${lhs}`);
      }
    });
  });
}
