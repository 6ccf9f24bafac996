/**
 * BN running statistics: the PyTorch update rule (momentum, unbiased variance) by hand; folding
 * into γ, β reproduces eval-mode BN with explicit running statistics (layers.ts); the NB201 input
 * hooks see every BN layer once per forward pass; no tensors left behind.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { batchNorm } from '../../src/engine/layers';
import type { ParamKind } from '../../src/engine/network';
import { Rng } from '../../src/engine/rng';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { bnInputHooks, bnLayerNames, RunningBnStats } from '../../src/train/bnStats';

before(async () => {
  await initBackend({ quiet: true });
});

const kinds = new Map<string, ParamKind>([
  ['bn.weight', 'bn-weight'],
  ['bn.bias', 'bn-bias'],
]);

test('running statistics follow PyTorch: (1−m)·old + m·batch, unbiased batch variance, from μ=0, σ²=1', () => {
  const s = new RunningBnStats(0.1);
  const before = tf.memory().numTensors;
  // channel 0: values 1,2,3,6 (mean 3, unbiased var 14/3); channel 1: 0,0,4,4 (mean 2, unbiased var 16/3)
  const x = tf.tensor4d([1, 0, 2, 0, 3, 4, 6, 4], [2, 1, 2, 2]);
  s.observe('bn', x);
  s.commit();
  let r = s.get('bn')!;
  const near = (a: ArrayLike<number>, b: number[]): void => b.forEach((v, i) => assert.ok(Math.abs(a[i]! - v) < 1e-5, `${a[i]} vs ${v}`));
  near(r.mean, [0.3, 0.2]);
  near(r.variance, [0.9 + 0.1 * (14 / 3), 0.9 + 0.1 * (16 / 3)]);
  s.observe('bn', x);
  s.commit();
  r = s.get('bn')!;
  near(r.mean, [0.9 * 0.3 + 0.3, 0.9 * 0.2 + 0.2]);
  assert.deepEqual(s.layers, ['bn']);
  const z = tf.zeros([2, 3]);
  assert.throws(() => s.observe('bn', z), /had 2 channels, now 3/);
  z.dispose();
  s.observe('bn', x);
  assert.throws(() => s.observe('bn', x), /observed twice/);
  s.discardPending();
  x.dispose();
  assert.equal(tf.memory().numTensors, before + 2, 'only the running mean and variance remain');
  s.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('folded γ′, β′ in eval mode equal BN normalised with the running statistics', () => {
  const rng = new Rng(1);
  const arr = (n: number, scale: number, off = 0): number[] => Array.from({ length: n }, () => off + scale * rng.normal());
  const s = new RunningBnStats(0.3);
  const train = tf.tensor4d(arr(2 * 3 * 3 * 4, 2, 1.5), [2, 3, 3, 4]);
  s.observe('bn', train);
  s.commit();
  const gamma = tf.tensor1d(arr(4, 0.5, 1));
  const beta = tf.tensor1d(arr(4, 0.5));
  const params = new Map<string, tf.Tensor>([
    ['bn.weight', gamma],
    ['bn.bias', beta],
  ]);
  assert.throws(() => s.foldedParams(new Map()), /no affine parameters/);
  const folded = s.foldedParams(params);
  const x = tf.tensor4d(arr(3 * 2 * 2 * 4, 3, -1), [3, 2, 2, 4]);
  const r = s.get('bn')!;
  const running = { mean: tf.tensor1d(r.mean), variance: tf.tensor1d(r.variance) };
  const want = batchNorm(x, 'eval', gamma, beta, running).dataSync();
  const got = batchNorm(x, 'eval', folded.get('bn.weight') as tf.Tensor1D, folded.get('bn.bias') as tf.Tensor1D).dataSync();
  want.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) < 1e-5 * (1 + Math.abs(v)), `${got[i]} vs ${v}`));
  RunningBnStats.disposeFolded(folded, params);
  assert.ok(!gamma.isDisposed && !beta.isDisposed, 'the network’s own tensors stay');
  for (const t of [train, gamma, beta, x, running.mean, running.variance]) t.dispose();
  s.dispose();
});

test('NB201 BN input hooks observe every BN layer exactly once per forward pass (head BN included)', () => {
  const net = new Nb201Network(parseNb201('|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'), { C: 4, N: 1, numClasses: 10 }, 3);
  const layers = bnLayerNames(net.paramKinds);
  assert.ok(layers.includes('lastact.bn') && layers.includes('stem.bn') && layers.includes('cells.1.conv_a.bn'));
  const seen: string[] = [];
  const shapes = new Map<string, number>();
  const hooks = bnInputHooks(net, (t, n) => {
    seen.push(n);
    shapes.set(n, t.shape[3]!);
  });
  const x = tf.tensor4d(new Float32Array(2 * 32 * 32 * 3).map((_, i) => Math.sin(i)), [2, 32, 32, 3]);
  tf.tidy(() => {
    net.forward(x, { bn: 'train', ...hooks.options });
    hooks.flush();
  });
  assert.deepEqual([...seen].sort(), [...layers].sort());
  for (const n of layers) assert.equal(shapes.get(n), net.params.get(`${n}.weight`)!.shape[0], `${n}: channels of its input`);
  const bad = new Map<string, ParamKind>([...kinds, ['other.weight', 'bn-weight'], ['other.bias', 'bn-bias']]);
  assert.throws(() => bnInputHooks({ paramKinds: bad }, () => {}), /follow no 'X.conv.weight' conv/);
  x.dispose();
  net.dispose();
});
