/**
 * The trainer on a tiny NB201 network (C=4, N=1) and a few hundred CIFAR-10 images: the loss
 * decreases over ~20 steps, two runs with the same seeds give identical parameters, live tensors
 * stay flat across steps, eval mode uses the running BN statistics (per-sample outputs, matching
 * train-mode BN when the statistics are those of the batch) for NB201 (BN inputs by naming
 * convention) and for a toy network with the proposed BN hooks, records and `trainSteps`.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { makeBatch } from '../../src/data/batch';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { train, Trainer, trainSteps } from '../../src/train/trainer';
import { bnLayerNames, type BnForwardOptions } from '../../src/train/bnStats';
import { batchNorm, conv2d, globalAvgPool } from '../../src/engine/layers';
import type { ForwardResult, Network, ParamKind } from '../../src/engine/network';
import type { ParamMap } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import { needsData, CIFAR10_FILE } from '../support/data';

const noCifar = needsData(CIFAR10_FILE);
const ARCH = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|');
const tiny = (C = 4, seed = 1): Nb201Network => new Nb201Network(ARCH, { C, N: 1, numClasses: 10 }, seed);
const snapshot = (net: Nb201Network): Map<string, Float32Array> => new Map([...net.params].map(([n, t]) => [n, t.dataSync().slice() as Float32Array]));

before(async () => {
  await initBackend({ quiet: true });
});

test('loss decreases over 20 steps on 128 images (C=4, N=1)', { skip: noCifar }, () => {
  const net = tiny(4);
  const losses: number[] = [];
  try {
    const r = train(net, { steps: 20, batchSize: 32, trainLimit: 128, augment: 'none', lr: 0.2, evalEvery: 0, onStep: (s) => losses.push(s.loss) });
    assert.equal(r.steps, 20);
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    const first = mean(losses.slice(0, 4));
    const last = mean(losses.slice(-4));
    assert.ok(Number.isFinite(last) && last < 0.9 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
    assert.equal(r.records.length, 5, 'one record per epoch of 4 steps');
    assert.ok(r.records.at(-1)!.trainAcc > r.records[0]!.trainAcc);
  } finally {
    net.dispose();
  }
});

test('deterministic: same network seed and data seed give identical parameters; another data seed differs', { skip: noCifar }, () => {
  const run = (seed: number): Map<string, Float32Array> => {
    const net = tiny(4, 11);
    try {
      train(net, { steps: 4, batchSize: 16, trainLimit: 64, seed, evalEvery: 0 });
      return snapshot(net);
    } finally {
      net.dispose();
    }
  };
  const a = run(5);
  const b = run(5);
  for (const [n, v] of a) assert.deepEqual(b.get(n), v, `parameter ${n}`);
  const c = run(6);
  assert.ok([...a].some(([n, v]) => c.get(n)!.some((x, i) => x !== v[i])), 'another data seed changes the result');
});

test('no tensor leaks: live tensors flat across steps and epochs; back to the start after dispose', { skip: noCifar }, () => {
  const start = tf.memory().numTensors;
  const net = tiny(4);
  const withNet = tf.memory().numTensors;
  const trace: number[] = [];
  const t = new Trainer(net, { epochs: 3, batchSize: 16, trainLimit: 48, evalEvery: 1, evalLimit: 32, evalBatchSize: 16, onStep: () => trace.push(tf.memory().numTensors) });
  try {
    t.runToEnd();
    assert.equal(trace.length, 9);
    assert.ok(trace.slice(1).every((n) => n === trace[0]), `live tensors per step: ${trace.join(', ')}`);
    assert.equal(t.records.length, 3);
    assert.ok(t.records.every((r) => r.testAcc !== undefined && r.testAcc >= 0 && r.testAcc <= 1));
  } finally {
    t.dispose();
  }
  assert.equal(tf.memory().numTensors, withNet, 'only the (updated) parameters remain');
  net.dispose();
  assert.equal(tf.memory().numTensors, start);
});

/**
 * A network with the proposed BN hooks (bnStats.ts `BnForwardOptions`): conv 3×3 (3→4) → BN
 * without affine parameters → ReLU → global average pool → linear (4→10).
 */
class HookedBnNet implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>([
    ['conv.weight', 'conv'],
    ['fc.weight', 'linear'],
  ]);
  constructor() {
    const rng = new Rng(9);
    this.params.set('conv.weight', tf.tensor4d(Float32Array.from({ length: 108 }, () => rng.normal() * 0.3), [3, 3, 3, 4]));
    this.params.set('fc.weight', tf.tensor2d(Float32Array.from({ length: 40 }, () => rng.normal() * 0.5), [4, 10]));
  }
  get numParams(): number {
    return 148;
  }
  forward(x: tf.Tensor4D, o: BnForwardOptions): ForwardResult {
    const P = o.params ?? this.params;
    const h = conv2d(x, P.get('conv.weight') as tf.Tensor4D, 1, 1);
    if (o.bn === 'train') o.bnInputHook?.(h, 'bn0');
    const n = o.bn === 'off' ? h : (batchNorm(h, o.bn, undefined, undefined, o.bn === 'eval' ? o.bnRunning?.get('bn0') : undefined) as tf.Tensor4D);
    const features = globalAvgPool(tf.relu(n));
    return { logits: tf.matMul(features, P.get('fc.weight') as tf.Tensor2D), features };
  }
  dispose(): void {
    for (const t of this.params.values()) t.dispose();
  }
}

for (const [source, build] of [
  ['convention', () => tiny(4, 2)],
  ['network', () => new HookedBnNet()],
] as const) {
  test(`eval mode uses the running statistics (BN inputs by ${source}): per-sample outputs; train-mode BN when the statistics are the batch's`, { skip: noCifar }, () => {
    const net: Network = build();
    // lr 0 and BN momentum 1: one step leaves the weights as they are and sets the running statistics
    // to this batch's (unbiased variance: a factor M/(M−1), M ≥ 16·8·8, on σ²).
    const t = new Trainer(net, { steps: 1, batchSize: 16, trainLimit: 16, augment: 'none', lr: 0, bnMomentum: 1, evalEvery: 0 });
    try {
      assert.equal(t.bnSource, source);
      t.step();
      const expected = source === 'network' ? ['bn0'] : bnLayerNames(net.paramKinds);
      assert.deepEqual([...t.stats.layers].sort(), [...expected].sort(), 'every BN layer tracked');
      // the trainer's only batch is a permutation of images 0..15; evaluate on those
      const x = tf.tensor4d(makeBatch({ dataset: 'cifar10', batchSize: 16, select: 'first' }).x, [16, 32, 32, 3]);
      const ev = t.evalForward();
      const trainLogits = tf.tidy(() => net.forward(x, { bn: 'train' }).logits.dataSync());
      const evalLogits = tf.tidy(() => net.forward(x, ev.options).logits.dataSync());
      const noStats = tf.tidy(() => net.forward(x, { bn: 'eval' }).logits.dataSync());
      const head = tf.tidy(() => net.forward(tf.slice(x, [0, 0, 0, 0], [3, -1, -1, -1]), ev.options).logits.dataSync());
      ev.dispose();
      const maxAbs = (a: ArrayLike<number>): number => Math.max(...Array.from(a, Math.abs));
      const diff = (a: ArrayLike<number>, c: ArrayLike<number>): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - c[i]!)));
      assert.ok(diff(evalLogits, trainLogits) < 0.02 * maxAbs(trainLogits), `eval vs train-mode: ${diff(evalLogits, trainLogits)} (scale ${maxAbs(trainLogits)})`);
      assert.ok(diff(noStats, trainLogits) > 0.1 * maxAbs(trainLogits), 'without the statistics eval mode differs');
      assert.ok(diff(head, evalLogits.slice(0, 30)) < 1e-5 * (1 + maxAbs(head)), 'eval outputs do not depend on the rest of the batch');
      const acc = t.evaluate({ limit: 64 });
      assert.equal(acc.n, 64);
      x.dispose();
    } finally {
      t.dispose();
      net.dispose();
    }
  });
}

test('trainSteps: k steps update the network in place and can continue; option errors are clear', { skip: noCifar }, () => {
  const net = tiny(4, 5);
  const init = snapshot(net);
  const t = trainSteps(net, 2, { steps: 4, batchSize: 16, trainLimit: 64 });
  try {
    assert.equal(t.steps, 2);
    assert.ok([...init].some(([n, v]) => net.params.get(n)!.dataSync().some((x, i) => x !== v[i])), 'parameters changed');
    t.run(5);
    assert.equal(t.steps, 4);
    assert.ok(t.done);
    assert.throws(() => t.step(), /all 4 steps are done/);
  } finally {
    t.dispose();
  }
  assert.throws(() => new Trainer(net, { batchSize: 16 }), /exactly one of epochs and steps/);
  assert.throws(() => new Trainer(net, { epochs: 1, steps: 3 }), /exactly one of epochs and steps/);
  assert.throws(() => trainSteps(net, 5, { steps: 3 }), /exceeds/);
  net.dispose();
});
