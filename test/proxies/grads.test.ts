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

test('large batches are differentiated stage by stage with the one-tape result (input Jacobian and CE weight gradients)', async () => {
  const { Nb201Network } = await import('../../src/spaces/nb201/network');
  const { parseNb201 } = await import('../../src/spaces/nb201/arch');
  const { Rng } = await import('../../src/engine/rng');
  const { toyContext } = await import('./gradFixtures');
  const { ceWeightGrads, convLinearWeights, inputJacobian, ONE_TAPE_MAX_PIXELS, stagesFor } = await import('../../src/proxies/grads');
  const net = new Nb201Network(parseNb201('|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'), { C: 4, N: 1, numClasses: 10 }, 5);
  const n = ONE_TAPE_MAX_PIXELS / (32 * 32) + 1;
  const rng = new Rng(9);
  const x = tf.tensor4d(Float32Array.from({ length: n * 32 * 32 * 3 }, () => rng.normal()), [n, 32, 32, 3]);
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 10), 'int32');
  const ctx = toyContext(net, x, labels, 10);
  assert.ok(stagesFor(ctx), 'above the one-tape limit');
  const atLimit = tf.slice(x, 0, n - 1) as tf.Tensor4D;
  assert.equal(stagesFor({ ...ctx, x: atLimit }), undefined, 'at the limit: one tape');
  atLimit.dispose();
  const rel = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / tf.max(tf.abs(b)).dataSync()[0]!);
  const jac = inputJacobian(ctx);
  const jacRef = tf.grad((xi: tf.Tensor) => tf.sum(net.forward(xi as tf.Tensor4D, { bn: 'train' }).logits))(x);
  assert.ok(rel(jac, jacRef) < 1e-5);
  const names = convLinearWeights(net);
  const { grads } = ceWeightGrads(ctx);
  const ref = tf.engine().gradients(() => crossEntropy(net.forward(x, { bn: 'train' }).logits, labels, 10), names.map((m) => net.params.get(m)!), undefined, true);
  names.forEach((m, i) => assert.ok(rel(grads.get(m)!, ref.grads[i]!) < 1e-5, m));
  tf.dispose([jac, jacRef, ref.value, ...ref.grads.filter((g): g is tf.Tensor => !!g), x, labels]);
  ctx.dispose();
  net.dispose();
});

test('fisher and grasp above the one-tape limit: stage-by-stage (hooks in the stages) gives the one-tape values', async () => {
  const { Nb201Network } = await import('../../src/spaces/nb201/network');
  const { parseNb201 } = await import('../../src/spaces/nb201/arch');
  const { Rng } = await import('../../src/engine/rng');
  const { toyContext } = await import('./gradFixtures');
  const { ONE_TAPE_MAX_PIXELS, stagesFor } = await import('../../src/proxies/grads');
  const { fisherScore } = await import('../../src/proxies/fisher');
  const { graspFrozenRelu } = await import('../../src/proxies/grasp');
  const net = new Nb201Network(parseNb201('|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'), { C: 4, N: 1, numClasses: 10 }, 6);
  // the same network without stages: differentiated on one tape whatever the batch
  const oneTapeNet = { params: net.params, paramKinds: net.paramKinds, numParams: net.numParams, forward: net.forward.bind(net), dispose: () => {} };
  const n = ONE_TAPE_MAX_PIXELS / (32 * 32) + 1;
  const rng = new Rng(11);
  const x = tf.tensor4d(Float32Array.from({ length: n * 32 * 32 * 3 }, () => rng.normal()), [n, 32, 32, 3]);
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7) % 10), 'int32');
  const staged = toyContext(net, x, labels, 10);
  const oneTape = toyContext(oneTapeNet, x, labels, 10);
  assert.ok(stagesFor(staged) && !stagesFor(oneTape));
  const before = tf.memory().numTensors;
  const f = fisherScore(staged);
  const fRef = fisherScore(oneTape);
  assert.ok(f.hooked && fRef.hooked);
  assert.ok(fRef.value > 0 && Math.abs(f.value - fRef.value) < 1e-4 * fRef.value, `fisher staged ${f.value} vs one tape ${fRef.value}`);
  for (const [name, v] of fRef.perLayer) assert.ok(Math.abs(f.perLayer.get(name)! - v) <= 1e-4 * Math.abs(v) + 1e-12, name);
  const g = graspFrozenRelu(staged)!;
  const gRef = graspFrozenRelu(oneTape)!;
  assert.ok(Number.isFinite(gRef) && gRef !== 0);
  // a difference of two gradient passes: float32 rounding of the two routes differs slightly
  assert.ok(Math.abs(g - gRef) < 1e-3 * Math.abs(gRef), `grasp staged ${g} vs one tape ${gRef}`);
  staged.dispose();
  oneTape.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  tf.dispose([x, labels]);
  net.dispose();
});
