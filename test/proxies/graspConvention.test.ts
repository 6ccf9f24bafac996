/**
 * grasp conventions, checked by hand (NASLib measures/grasp.py: T = 1, score = Σ −W ⊙ Hg, no abs):
 *  - one sample, one feature, softmax regression: −W·Hg = −(9/32)·ln 3 exactly, and a T = 200
 *    temperature (original GraSP) would give ≈ 1e-7 instead;
 *  - a train-mode BN toy: the frozen-ReLU central difference equals nested autodiff (so BN's
 *    second-order terms are included), and the BN-followed layer obeys the scale-invariance
 *    identity −W₁ᵀ(Hg)₁ = ‖g₁‖², which is why grasp is a small difference of large terms.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import type { ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { BN_EPS } from '../../src/engine/layers';
import { countParams, disposeParams, type ParamMap } from '../../src/engine/params';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { crossEntropy2, graspFrozenRelu, graspScore, type ReluHookForwardOptions } from '../../src/proxies/grasp';
import { getProxy, type ProxyContext, type ProxyValue } from '../../src/proxies/registry';
import '../../src/proxies';

before(async () => {
  await initBackend({ quiet: true });
});

function toyContext(net: Network, x: tf.Tensor4D, labels: tf.Tensor1D, numClasses: number): { ctx: ProxyContext; dispose: () => void } {
  const memo = new Map<string, unknown>();
  const ctx: ProxyContext = {
    arch: parseNb201('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'),
    net, x, labels, numClasses, counting: 'naslib', bn: 'train', seed: 0,
    build: () => {
      throw new Error('not needed');
    },
    memo: <T>(key: string, compute: () => T): T => {
      if (!memo.has(key)) {
        const v = compute() as { grads?: Map<string, tf.Tensor> };
        for (const t of v.grads?.values() ?? []) tf.keep(t);
        memo.set(key, v);
      }
      return memo.get(key) as T;
    },
  };
  const dispose = (): void => {
    for (const v of memo.values()) for (const t of (v as { grads?: Map<string, tf.Tensor> }).grads?.values() ?? []) t.dispose();
  };
  return { ctx, dispose };
}

/** logits = ReLU(x)·W / T (x > 0, so the ReLU is the identity but goes through `reluHook`). */
class SoftmaxRegression implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>([['fc.weight', 'linear']]);
  constructor(w: number[], shape: [number, number], readonly T = 1) {
    this.params.set('fc.weight', tf.tensor2d(w, shape));
  }
  get numParams(): number {
    return countParams(this.params);
  }
  forward(x: tf.Tensor4D, opts: ReluHookForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const features = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    const h = (opts.reluHook ? opts.reluHook(features, 'relu') : tf.relu(features)) as tf.Tensor2D;
    return { features, logits: tf.div(tf.matMul(h, P.get('fc.weight')! as tf.Tensor2D), this.T) as tf.Tensor2D };
  }
  dispose(): void {
    disposeParams(this.params);
  }
}

test('grasp by hand: x = 1, W = [ln 3, 0], label 1 → −W·Hg = −(9/32)·ln 3 (T = 1, minus sign, no abs)', () => {
  // p = softmax(ln 3, 0) = (3/4, 1/4); g = p − e₁ = (3/4, −3/4); H = diag(p) − ppᵀ = (3/16)·[[1, −1], [−1, 1]];
  // Hg = (9/32, −9/32); −W·Hg = −(9/32)·ln 3 ≈ −0.30899.
  const byHand = -(9 / 32) * Math.log(3);
  const x = tf.tensor4d([1], [1, 1, 1, 1]);
  const labels = tf.tensor1d([1], 'int32');
  const net = new SoftmaxRegression([Math.log(3), 0], [1, 2]);
  const hot = new SoftmaxRegression([Math.log(3), 0], [1, 2], 200);
  const { ctx, dispose } = toyContext(net, x, labels, 2);
  const { ctx: ctxT, dispose: disposeT } = toyContext(hot, x, labels, 2);
  const before = tf.memory().numTensors;
  try {
    const exact = graspScore(ctx, { split: 1 });
    assert.ok(Math.abs(exact - byHand) < 1e-5, `double backprop ${exact} vs ${byHand}`);
    let fd: number | undefined;
    let registered: ProxyValue = { value: NaN, status: 'error' };
    tf.tidy(() => {
      fd = graspFrozenRelu(ctx);
      registered = getProxy('grasp').compute(ctx);
    });
    assert.ok(fd !== undefined && Math.abs(fd - byHand) < 1e-3 * Math.abs(byHand), `frozen-ReLU difference ${fd} vs ${byHand}`);
    assert.equal(registered.status, 'ok', registered.reason);
    assert.ok(Math.abs(registered.value - byHand) < 1e-3 * Math.abs(byHand), `registered proxy ${registered.value}`);
    assert.ok(registered.value < 0, 'the minus sign of −θ⊙Hg is kept (no abs)');
    // GraSP's own temperature T = 200 scales g by 1/T and H by 1/T²: the value would be ~1e-7, not −0.31
    const withT200 = graspScore(ctxT, { split: 1 });
    assert.ok(Math.abs(withT200) < 1e-5, `T = 200 gives ${withT200}`);
    dispose();
    disposeT();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    net.dispose();
    hot.dispose();
    x.dispose();
    labels.dispose();
  }
});

/** h = x·W₁ → BN (train, batch statistics, built from basic ops so nested autodiff is exact) → ReLU (hooked) → ·W₂. */
class BnToy implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>([
    ['w1.weight', 'conv'],
    ['w2.weight', 'linear'],
  ]);
  constructor(w1: number[], w2: number[], readonly d: number, readonly hidden: number, readonly k: number) {
    this.params.set('w1.weight', tf.tensor2d(w1, [d, hidden]));
    this.params.set('w2.weight', tf.tensor2d(w2, [hidden, k]));
  }
  get numParams(): number {
    return countParams(this.params);
  }
  forward(x: tf.Tensor4D, opts: ReluHookForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const features = tf.reshape(x, [x.shape[0], this.d]) as tf.Tensor2D;
    const h = tf.matMul(features, P.get('w1.weight')! as tf.Tensor2D);
    const mean = tf.mean(h, 0, true);
    const c = tf.sub(h, mean);
    const bn = tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), 0, true), BN_EPS))) as tf.Tensor2D;
    const r = (opts.reluHook ? opts.reluHook(bn, 'relu') : tf.relu(bn)) as tf.Tensor2D;
    return { features, logits: tf.matMul(r, P.get('w2.weight')! as tf.Tensor2D) as tf.Tensor2D };
  }
  dispose(): void {
    disposeParams(this.params);
  }
}

const vals = (n: number, seed: number, s: number): number[] => Array.from({ length: n }, (_, i) => s * Math.sin(1.3 * i + seed));

test('train-mode BN: frozen-ReLU difference = nested autodiff, and −W₁ᵀ(Hg)₁ = ‖g₁‖² for the BN-followed layer', () => {
  const [n, d, hidden, k] = [12, 5, 6, 4];
  const x = tf.tensor4d(vals(n * d, 0.4, 1), [n, 1, 1, d]);
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % k), 'int32');
  const net = new BnToy(vals(d * hidden, 2, 0.5), vals(hidden * k, 3, 0.8), d, hidden, k);
  const { ctx, dispose } = toyContext(net, x, labels, k);
  try {
    const exact = graspScore(ctx, { split: 1 });
    let fd: number | undefined;
    let fdx: number | undefined;
    tf.tidy(() => {
      fd = graspFrozenRelu(ctx);
      fdx = graspFrozenRelu(ctx, { extrapolate: true });
    });
    assert.ok(fd !== undefined && fdx !== undefined);
    assert.ok(Math.abs(fd - exact) < 1e-2 * Math.abs(exact) + 1e-5, `frozen difference ${fd} vs nested autodiff ${exact}`);
    assert.ok(Math.abs(fdx - exact) < 1e-2 * Math.abs(exact) + 1e-5, `extrapolated ${fdx} vs nested autodiff ${exact}`);

    // per-layer terms by nested autodiff: BN makes L invariant to the scale of W₁, so W₁ᵀ(Hg)₁ = −‖g₁‖²
    const [t1, g1sq, t2] = tf.tidy(() => {
      const W = [net.params.get('w1.weight')!, net.params.get('w2.weight')!];
      const loss = (w1: tf.Tensor, w2: tf.Tensor): tf.Scalar =>
        crossEntropy2(net.forward(x, { bn: 'train', params: new Map([['w1.weight', w1], ['w2.weight', w2]]) }).logits, labels, k);
      const g = tf.grads(loss)(W);
      const hg = tf.grads((w1: tf.Tensor, w2: tf.Tensor) => {
        const inner = tf.grads(loss)([w1, w2]);
        return tf.add(tf.sum(tf.mul(inner[0]!, g[0]!)), tf.sum(tf.mul(inner[1]!, g[1]!))) as tf.Scalar;
      })(W);
      return [
        -tf.sum(tf.mul(W[0]!, hg[0]!)).dataSync()[0]!,
        tf.sum(tf.square(g[0]!)).dataSync()[0]!,
        -tf.sum(tf.mul(W[1]!, hg[1]!)).dataSync()[0]!,
      ];
    });
    assert.ok(Math.abs(t1 - g1sq) < 1e-3 * g1sq, `−W₁ᵀ(Hg)₁ = ${t1} vs ‖g₁‖² = ${g1sq}`);
    assert.ok(Math.abs(t1 + t2 - exact) < 1e-3 * (Math.abs(t1) + Math.abs(t2)), `layer terms ${t1} + ${t2} vs ${exact}`);
  } finally {
    dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

test('graspFrozenRelu rejects a step outside (0, 0.5)', () => {
  const x = tf.tensor4d([1], [1, 1, 1, 1]);
  const labels = tf.tensor1d([0], 'int32');
  const net = new SoftmaxRegression([0.3, -0.2], [1, 2]);
  const { ctx, dispose } = toyContext(net, x, labels, 2);
  try {
    assert.throws(() => graspFrozenRelu(ctx, { delta: 0 }), /step must be in \(0, 0\.5\)/);
    assert.throws(() => graspFrozenRelu(ctx, { delta: 0.7 }), /got 0\.7/);
  } finally {
    dispose();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});
