import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/backend';
import { stagedGradients, stageOf } from '../../src/engine/checkpoint';
import { conv2d, ensureConv2dGradient } from '../../src/engine/layers';
import { Rng } from '../../src/engine/rng';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';

const ARCH = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|');

function batch(n: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * 16 * 16 * 3 }, () => rng.normal()), [n, 16, 16, 3]);
}

function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / (tf.max(tf.abs(a)).dataSync()[0]! + 1e-30));
}

test('Nb201Network.stages: composing the stages gives the forward logits', () => {
  const net = new Nb201Network(ARCH, { C: 4, N: 2, numClasses: 3 }, 3);
  const x = batch(5, 1);
  const stages = net.stages('train');
  assert.deepEqual(stages.map((s) => s.name), ['stem', 'cells.0', 'cells.1', 'cells.2', 'cells.3', 'cells.4', 'cells.5', 'cells.6', 'cells.7', 'head']);
  // every parameter belongs to exactly one stage
  assert.deepEqual(stages.flatMap((s) => s.paramNames).sort(), [...net.params.keys()].sort());
  tf.tidy(() => {
    let h: tf.Tensor = x;
    for (const s of stages) h = s.run(h, net.params);
    assert.ok(relDiff(net.forward(x, { bn: 'train' }).logits, h) === 0);
  });
  net.dispose();
  x.dispose();
});

for (const bn of ['train', 'eval'] as const) {
  test(`stagedGradients (BN ${bn}) equals the one-tape gradient for the input and every parameter, and leaves no tensors`, () => {
    const net = new Nb201Network(ARCH, { C: 4, N: 1, numClasses: 3 }, 7);
    const x = batch(6, 2);
    const names = [...net.params.keys()];
    const loss = (logits: tf.Tensor): tf.Scalar => tf.sum(tf.square(logits));
    const ref = tf.engine().gradients(() => loss(net.forward(x, { bn }).logits), [x, ...names.map((n) => net.params.get(n)!)], undefined, true);
    const before = tf.memory().numTensors;
    const st = stagedGradients(net.stages(bn), net.params, x, loss, { input: true, params: names });
    assert.equal(tf.memory().numTensors, before + 2 + names.length, 'value, input gradient and one gradient per parameter');
    assert.ok(Math.abs(ref.value.dataSync()[0]! - st.value.dataSync()[0]!) < 1e-6);
    assert.ok(relDiff(ref.grads[0]!, st.inputGrad!) < 1e-6);
    names.forEach((n, i) => {
      const r = ref.grads[i + 1];
      const g = st.paramGrads.get(n)!;
      // the `none` edge's weights do not exist; BN β of a stage feeding only the head still has a gradient
      if (r) assert.ok(relDiff(r, g) < 1e-6, n);
      else assert.equal(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]), 0, n);
    });
    tf.dispose([ref.value, ...ref.grads.filter((g): g is tf.Tensor => !!g), st.value, st.inputGrad!, ...st.paramGrads.values()]);
    net.dispose();
    x.dispose();
  });
}

test('stagedGradients: only the requested gradients come back; an unknown parameter is named', () => {
  const net = new Nb201Network(ARCH, { C: 4, N: 1, numClasses: 3 }, 7);
  const x = batch(3, 4);
  const before = tf.memory().numTensors;
  const st = stagedGradients(net.stages('train'), net.params, x, (l) => tf.sum(l), { input: false, params: ['classifier.weight'] });
  assert.equal(st.inputGrad, undefined);
  assert.deepEqual([...st.paramGrads.keys()], ['classifier.weight']);
  tf.dispose([st.value, ...st.paramGrads.values()]);
  // a parameter of a middle stage: the backward pass stops there, with the one-tape gradient
  const mid = [...net.params.keys()].find((n) => n.startsWith('cells.2.') && n.endsWith('conv.weight'))!;
  const loss = (l: tf.Tensor): tf.Scalar => tf.sum(tf.square(l));
  const part = stagedGradients(net.stages('train'), net.params, x, loss, { input: false, params: [mid] });
  const ref = tf.engine().gradients(() => loss(net.forward(x, { bn: 'train' }).logits), [net.params.get(mid)!], undefined, true);
  assert.ok(relDiff(ref.grads[0]!, part.paramGrads.get(mid)!) < 1e-6, mid);
  tf.dispose([part.value, ...part.paramGrads.values(), ref.value, ref.grads[0]!]);
  assert.throws(() => stagedGradients(net.stages('train'), net.params, x, loss, { input: false, params: [] }), /nothing to differentiate/);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => stagedGradients(net.stages('train'), net.params, x, (l) => tf.sum(l), { input: true, params: ['cells.9.nope.weight'] }), /'cells\.9\.nope\.weight' belongs to no stage/);
  assert.throws(() => stagedGradients(net.stages('train'), net.params, x, (l) => tf.sum(l), { input: true, params: [], others: [{ tensor: x, stage: 99 }] }), /other tensor 0 names stage 99, the network has stages 0\.\.6/);
  assert.throws(() => stageOf(net.stages('train'), 'nope'), /'nope' belongs to no stage/);
  assert.equal(stageOf(net.stages('train'), 'classifier.weight'), net.stages('train').length - 1);
  assert.equal(tf.memory().numTensors, before);
  net.dispose();
  x.dispose();
});

test('conv2d keeps its wasm-capable gradient registered even after tfjs registers its own again', () => {
  ensureConv2dGradient();
  const ours = tf.getGradient(tf.Conv2D);
  tf.registerGradient({ ...ours, gradFunc: () => { throw new Error('not ours'); } });
  const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
  const w = tf.ones([3, 3, 2, 1]) as tf.Tensor4D;
  const g = tf.grad((ww: tf.Tensor) => tf.sum(conv2d(x, ww as tf.Tensor4D, 1, 1)))(w);
  assert.equal(tf.getGradient(tf.Conv2D), ours);
  // ∂Σy/∂w[i,j,c] = number of output positions whose window reads an input cell at offset (i, j)
  assert.deepEqual(Array.from(g.dataSync()), [9, 9, 12, 12, 9, 9, 12, 12, 16, 16, 12, 12, 9, 9, 12, 12, 9, 9]);
  tf.dispose([x, w, g]);
});
