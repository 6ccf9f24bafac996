/**
 * SGD (PyTorch semantics) against hand-computed updates: momentum, Nesterov, weight decay scope;
 * an SGD step through the trainer on a tiny linear model equals the float64 closed form; cosine
 * schedule values; no tensor leaks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import type { ParamKind } from '../../src/engine/network';
import { isDecayed, Sgd } from '../../src/train/sgd';
import { COSINE, lrAt } from '../../src/train/schedule';
import { crossEntropy } from '../../src/train/metrics';
import { dLogits, LinearChain, matMul, reshape, transpose } from '../proxies/gradFixtures';

before(async () => {
  await initBackend({ quiet: true });
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('SGD with momentum and weight decay follows PyTorch: v = μv + (g + λθ), θ −= ηv (two steps, per parameter kind)', () => {
  const kinds = new Map<string, ParamKind>([
    ['w', 'conv'],
    ['b', 'bias'],
    ['g', 'bn-weight'],
  ]);
  const params = new Map<string, tf.Tensor>([
    ['w', tf.tensor1d([1, -2])],
    ['b', tf.tensor1d([0.5])],
    ['g', tf.tensor1d([1])],
  ]);
  const sgd = new Sgd(kinds, { momentum: 0.9, weightDecay: 0.1, decay: 'weights' });
  const g1 = new Map([
    ['w', tf.tensor1d([0.3, 0.4])],
    ['b', tf.tensor1d([-1])],
    ['g', tf.tensor1d([0.2])],
  ]);
  const before = tf.memory().numTensors;
  sgd.step(params, g1, 0.5);
  // w: d = g + 0.1·θ = [0.4, 0.2]; v = d; θ = θ − 0.5·v = [0.8, −2.1]
  // b (not decayed): v = −1; θ = 0.5 + 0.5 = 1.0;  g (BN weight, not decayed): θ = 1 − 0.1 = 0.9
  close(params.get('w')!.dataSync(), [0.8, -2.1], 1e-6, 'w after step 1');
  close(params.get('b')!.dataSync(), [1.0], 1e-6, 'b after step 1');
  close(params.get('g')!.dataSync(), [0.9], 1e-6, 'g after step 1');
  sgd.step(params, g1, 0.5);
  // w: d = [0.3 + 0.08, 0.4 − 0.21] = [0.38, 0.19]; v = 0.9·[0.4, 0.2] + d = [0.74, 0.37]; θ = [0.43, −2.285]
  // b: v = 0.9·(−1) − 1 = −1.9; θ = 1 + 0.95 = 1.95
  close(params.get('w')!.dataSync(), [0.43, -2.285], 1e-6, 'w after step 2');
  close(params.get('b')!.dataSync(), [1.95], 1e-6, 'b after step 2');
  assert.equal(tf.memory().numTensors, before + 3, 'one momentum buffer per parameter, parameters replaced one for one');
  sgd.dispose();
  for (const t of [...params.values(), ...g1.values()]) t.dispose();
});

test("Nesterov momentum: θ −= η(d + μv); decay 'all' also decays biases and BN parameters", () => {
  const kinds = new Map<string, ParamKind>([['b', 'bias']]);
  const params = new Map<string, tf.Tensor>([['b', tf.tensor1d([2])]]);
  const sgd = new Sgd(kinds, { momentum: 0.5, weightDecay: 0.25, decay: 'all', nesterov: true });
  const g = new Map([['b', tf.tensor1d([1])]]);
  sgd.step(params, g, 0.1); // d = 1 + 0.5 = 1.5, v = 1.5, step = 1.5 + 0.75 = 2.25, θ = 2 − 0.225
  close(params.get('b')!.dataSync(), [1.775], 1e-6, 'step 1');
  sgd.step(params, g, 0.1); // d = 1 + 0.44375 = 1.44375, v = 0.75 + 1.44375 = 2.19375, step = 1.44375 + 1.096875
  close(params.get('b')!.dataSync(), [1.775 - 0.1 * (1.44375 + 1.096875)], 1e-6, 'step 2');
  assert.ok(isDecayed('bn-bias', 'all') && !isDecayed('bn-bias', 'weights') && isDecayed('linear', 'weights'));
  sgd.dispose();
  params.get('b')!.dispose();
  g.get('b')!.dispose();
});

test('SGD rejects bad settings and gradients with clear errors', () => {
  const kinds = new Map<string, ParamKind>([['w', 'conv']]);
  assert.throws(() => new Sgd(kinds, { momentum: 1 }), /momentum/);
  assert.throws(() => new Sgd(kinds, { momentum: 0, nesterov: true }), /Nesterov/);
  const sgd = new Sgd(kinds);
  const params = new Map<string, tf.Tensor>([['w', tf.tensor1d([1, 2])]]);
  const bad = new Map([['w', tf.tensor1d([1])]]);
  const unknown = new Map([['v', tf.tensor1d([1, 2])]]);
  assert.throws(() => sgd.step(params, bad, 0.1), /shape/);
  assert.throws(() => sgd.step(params, unknown, 0.1), /unknown parameter 'v'/);
  for (const t of [...params.values(), ...bad.values(), ...unknown.values()]) t.dispose();
  sgd.dispose();
});

test('one SGD step on a linear softmax model equals the float64 hand computation (momentum + weight decay)', () => {
  const X = [0.3, -1.2, 0.8, 1.5, 0.1, -0.4, -0.9, 0.6, 0.2, 0.05, 1.1, -0.7];
  const Y = [1, 0, 2, 1];
  const W = [0.2, -0.5, 0.1, 0.7, 0.3, -0.2, -0.4, 0.6, 0.9];
  const net = new LinearChain([{ w: W, shape: [3, 3] }]);
  const x = tf.tensor4d(X, [4, 1, 1, 3]);
  const y = tf.tensor1d(Y, 'int32');
  const sgd = new Sgd(net.paramKinds, { momentum: 0.9, weightDecay: 0.01 });
  const lr = 0.3;
  const Xm = reshape(X, 4, 3);
  let Wm = reshape(W, 3, 3);
  let V: number[][] | undefined;
  for (let s = 0; s < 2; s++) {
    const { grads, value } = tf.engine().gradients(() => crossEntropy(net.forward(x, { bn: 'train' }).logits, y, 3), [net.params.get('fc0.weight')!]);
    sgd.step(net.params, new Map([['fc0.weight', grads[0]!]]), lr);
    grads[0]!.dispose();
    value.dispose();
    const G = matMul(transpose(Xm), dLogits(matMul(Xm, Wm), Y));
    const D = G.map((r, i) => r.map((g, j) => g + 0.01 * Wm[i]![j]!));
    V = V ? V.map((r, i) => r.map((v, j) => 0.9 * v + D[i]![j]!)) : D;
    Wm = Wm.map((r, i) => r.map((w, j) => w - lr * V![i]![j]!));
    close(net.params.get('fc0.weight')!.dataSync(), Wm.flat(), 1e-5, `W after step ${s + 1}`);
  }
  sgd.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
});

test('cosine schedule: lr₀ at step 0, lr₀/2 half-way, → lrMin; linear warm-up; constant', () => {
  assert.equal(lrAt(COSINE, 0.1, 0, 100), 0.1);
  assert.ok(Math.abs(lrAt(COSINE, 0.1, 50, 100) - 0.05) < 1e-12);
  assert.ok(Math.abs(lrAt(COSINE, 0.1, 25, 100) - 0.05 * (1 + Math.SQRT1_2)) < 1e-12);
  assert.ok(Math.abs(lrAt(COSINE, 0.1, 99, 100) - 0.05 * (1 + Math.cos((Math.PI * 99) / 100))) < 1e-12);
  const warm = { kind: 'cosine', warmupSteps: 10, minLr: 0.01 } as const;
  assert.ok(Math.abs(lrAt(warm, 0.1, 0, 110) - 0.01) < 1e-12);
  assert.ok(Math.abs(lrAt(warm, 0.1, 9, 110) - 0.1) < 1e-12);
  assert.ok(Math.abs(lrAt(warm, 0.1, 10, 110) - 0.1) < 1e-12);
  assert.ok(Math.abs(lrAt(warm, 0.1, 60, 110) - 0.055) < 1e-12);
  for (let s = 11; s < 110; s++) assert.ok(lrAt(warm, 0.1, s, 110) < lrAt(warm, 0.1, s - 1, 110), `decreasing at ${s}`);
  assert.equal(lrAt({ kind: 'constant' }, 0.3, 7, 10), 0.3);
  assert.throws(() => lrAt(COSINE, 0.1, 100, 100), /step/);
  assert.throws(() => lrAt({ kind: 'cosine', warmupSteps: 100 }, 0.1, 0, 100), /warmupSteps/);
  assert.throws(() => lrAt({ kind: 'cosine', minLr: 0.2 }, 0.1, 0, 100), /minLr/);
});
