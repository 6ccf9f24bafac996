import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/backend';
import { crossEntropy } from '../../src/proxies/grads';

test('crossEntropy: ln K for uniform logits; a 1-output classifier (naswot preset) is refused with the fix named', () => {
  const logits = tf.zeros([4, 10]) as tf.Tensor2D;
  const labels = tf.tensor1d([0, 3, 9, 1], 'int32');
  assert.ok(Math.abs(crossEntropy(logits, labels, 10).dataSync()[0]! - Math.log(10)) < 1e-6);
  assert.throws(() => crossEntropy(tf.zeros([4, 1]) as tf.Tensor2D, tf.tensor1d([0, 0, 0, 0], 'int32'), 1), /at least 2 outputs, this network has 1 .*--preset naslib/);
});
