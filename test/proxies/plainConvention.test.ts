/**
 * plain conventions, checked by hand (NASLib measures/plain.py: Σ W ⊙ ∂L/∂W over Conv2d/Linear
 * weights, signed, no abs):
 *  - x = 1, W = [ln 3, 0], label 1: W·g = (3/4)·ln 3;
 *  - a layer followed by train-mode BN contributes exactly 0 (L is invariant to its scale, so
 *    ⟨W₁, ∂L/∂W₁⟩ = d/dc L(c·W₁) = 0): plain only sees the layers without BN after them (NB201:
 *    the classifier and the two ResNet downsample convs), which is why it is so seed-sensitive.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { BN_EPS } from '../../src/engine/layers';
import { countParams, disposeParams, type ParamMap } from '../../src/engine/params';
import { plain, plainFromGrads, plainWeightGrads } from '../../src/proxies/plain';
import type { ProxyContext } from '../../src/proxies/registry';
import '../../src/proxies';

before(async () => {
  await initBackend({ quiet: true });
});

function toyContext(net: Network, x: tf.Tensor4D, labels: tf.Tensor1D, numClasses: number): { ctx: ProxyContext; dispose: () => void } {
  const memo = new Map<string, unknown>();
  const ctx: ProxyContext = {
    net, x, labels, numClasses, counting: 'naslib', bn: 'train', seed: 0,
    build: () => {
      throw new Error('not needed');
    },
    memo: <T>(key: string, compute: () => T): T => {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
  const dispose = (): void => {
    for (const v of memo.values()) for (const t of (v as { grads?: Map<string, tf.Tensor> }).grads?.values() ?? []) t.dispose();
  };
  return { ctx, dispose };
}

/** h = x·W₁ → optional train-mode BN → ReLU → ·W₂ (W₁ of kind conv, W₂ linear). */
class Toy implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>([
    ['w1.weight', 'conv'],
    ['w2.weight', 'linear'],
  ]);
  constructor(w1: number[], w2: number[], readonly d: number, readonly hidden: number, readonly k: number, readonly withBn: boolean) {
    this.params.set('w1.weight', tf.tensor2d(w1, [d, hidden]));
    this.params.set('w2.weight', tf.tensor2d(w2, [hidden, k]));
  }
  get numParams(): number {
    return countParams(this.params);
  }
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const features = tf.reshape(x, [x.shape[0], this.d]) as tf.Tensor2D;
    let h = tf.matMul(features, P.get('w1.weight')! as tf.Tensor2D);
    if (this.withBn) {
      const c = tf.sub(h, tf.mean(h, 0, true));
      h = tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), 0, true), BN_EPS)));
    }
    return { features, logits: tf.matMul(tf.relu(h), P.get('w2.weight')! as tf.Tensor2D) as tf.Tensor2D };
  }
  dispose(): void {
    disposeParams(this.params);
  }
}

test('plain by hand: x = 1, W₁ = 1, W₂ = [ln 3, 0], label 1 → W·g summed = (3/4)·ln 3 + W₁·g₁', () => {
  // logits = ReLU(x·W₁)·W₂ with x = W₁ = 1: p = (3/4, 1/4), ∂L/∂logits = p − e₁ = (3/4, −3/4);
  // W₂·g₂ = ln 3 · 3/4; g₁ = W₂·(p − e₁) = (3/4)·ln 3, W₁·g₁ = (3/4)·ln 3. Total (3/2)·ln 3.
  const x = tf.tensor4d([1], [1, 1, 1, 1]);
  const labels = tf.tensor1d([1], 'int32');
  const net = new Toy([1], [Math.log(3), 0], 1, 1, 2, false);
  const { ctx, dispose } = toyContext(net, x, labels, 2);
  try {
    const v = plain(ctx);
    assert.ok(Math.abs(v - 1.5 * Math.log(3)) < 1e-5, `${v}`);
  } finally {
    dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

test('plain: a layer followed by train-mode BN contributes 0; the rest is the BN-free layers', () => {
  const [n, d, hidden, k] = [10, 4, 5, 3];
  const vals = (m: number, seed: number, s: number): number[] => Array.from({ length: m }, (_, i) => s * Math.sin(1.7 * i + seed));
  const x = tf.tensor4d(vals(n * d, 0.3, 1), [n, 1, 1, d]);
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % k), 'int32');
  const net = new Toy(vals(d * hidden, 1, 0.6), vals(hidden * k, 2, 0.9), d, hidden, k, true);
  const { ctx, dispose } = toyContext(net, x, labels, k);
  try {
    const grads = plainWeightGrads(ctx);
    const layer = (name: string): number => plainFromGrads(net, new Map([[name, grads.get(name)!]]));
    const w1 = layer('w1.weight');
    const scale = tf.tidy(() => tf.norm(net.params.get('w1.weight')!).dataSync()[0]! * tf.norm(grads.get('w1.weight')!).dataSync()[0]!);
    assert.ok(scale > 1e-3, 'the BN-followed layer has a real gradient');
    assert.ok(Math.abs(w1) < 1e-4 * scale, `⟨W₁, g₁⟩ = ${w1} (‖W₁‖‖g₁‖ = ${scale})`);
    assert.ok(Math.abs(plain(ctx) - layer('w2.weight')) < 1e-4 * scale);
  } finally {
    dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});
