/**
 * Output sensitivity, both forms: closed forms on linear toy networks f(x) = W·vec(x) (Jacobian
 * W), per-sample exactness in eval mode, the frozen-statistics Jacobian in train mode (the
 * duplicated-batch trick) against the exact per-sample Jacobian as the batch grows, small-σ
 * agreement of the two forms, NAS-Bench-201 runs and tensor hygiene.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { Rng } from '../../src/engine/rng';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../src/engine/network';
import type { ParamMap } from '../../src/engine/params';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { getProxy, ProxyContext, ProxyValue } from '../../src/proxies';
import {
  forEachLogitJacobian, jacobianSquaredNorms, MEASURED_DIRECTION, osNoise, OS_REPEATS, osJacobian, osPerturbation,
} from '../../src/proxies/outputSensitivity';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS, ScoreSettings } from '../../src/runner/settings';
import { needsData, CIFAR10_FILE } from '../support/data';

const skip = needsData(CIFAR10_FILE);
const SHAPE: [number, number, number, number] = [6, 4, 4, 3];
const D = 4 * 4 * 3;

/** f(x) = vec(x)·W (W: D × K), no BN: Jacobian of every sample is Wᵀ. */
class LinearNet implements Network {
  readonly params: ParamMap;
  readonly paramKinds = new Map<string, ParamKind>([['w', 'linear']]);
  constructor(w: tf.Tensor2D) {
    this.params = new Map([['w', w]]);
  }
  get numParams(): number {
    return this.params.get('w')!.size;
  }
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const w = (opts.params ?? this.params).get('w') as tf.Tensor2D;
    const features = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    return { logits: tf.matMul(features, w), features };
  }
  dispose(): void {
    this.params.forEach((t) => t.dispose());
  }
}

function ctxFor(net: Network, x: tf.Tensor4D, bn: 'train' | 'eval', seed: number): ProxyContext {
  return {
    arch: parseNb201('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'),
    net, x, labels: tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D, numClasses: 1, counting: 'naslib', bn, seed,
    build: () => {
      throw new Error('not needed');
    },
    memo: <T>(_: string, compute: () => T): T => compute(),
  };
}

/** Compute a registered proxy inside a tidy scope, as the scorer does. */
function computeProxy(name: string, ctx: ProxyContext): ProxyValue {
  let v: ProxyValue | undefined;
  tf.tidy(() => {
    v = getProxy(name).compute(ctx);
  });
  return v!;
}

function close(a: number, b: number, rel: number, msg = ''): void {
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${msg} ${a} vs ${b} (rel ${Math.abs(a - b) / Math.abs(b)})`);
}

function randomInput(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r.normal()), shape);
}

test('linear toy f(x) = W·vec(x): os_jacobian = ‖W‖_F, os_perturbation = mean ‖Wε‖²/‖ε‖² over the seeded noise (both BN modes)', async () => {
  await initBackend({ quiet: true });
  const K = 5;
  const r = new Rng(1);
  const wv = Float64Array.from({ length: D * K }, () => r.normal() * 0.3);
  const net = new LinearNet(tf.tensor2d(Float32Array.from(wv), [D, K]));
  const x = randomInput(2, SHAPE);
  try {
    let fro = 0;
    for (const v of wv) fro += v * v;
    // closed form of the perturbation form with the proxy's own noise stream (seed 9)
    let want = 0;
    for (const e of osNoise(9, x.size)) {
      for (let i = 0; i < SHAPE[0]; i++) {
        let num = 0;
        let den = 0;
        for (let kk = 0; kk < K; kk++) {
          let s = 0;
          for (let j = 0; j < D; j++) s += e[i * D + j]! * wv[j * K + kk]!;
          num += s * s;
        }
        for (let j = 0; j < D; j++) den += e[i * D + j]! ** 2;
        want += num / den;
      }
    }
    want /= OS_REPEATS * SHAPE[0];
    for (const bn of ['train', 'eval'] as const) {
      const ctx = ctxFor(net, x, bn, 9);
      const j = computeProxy('os_jacobian', ctx);
      assert.equal(j.status, 'ok');
      close(j.value, Math.sqrt(fro), 1e-5, `${bn} os_jacobian`);
      const p = computeProxy('os_perturbation', ctx);
      assert.equal(p.status, 'ok');
      close(p.value, want, 1e-3, `${bn} os_perturbation`);
      ctx.labels.dispose();
    }
  } finally {
    net.dispose();
    x.dispose();
  }
});

test('scaled identity f(x) = c·x: os_perturbation = c² exactly, os_jacobian = c·√D', async () => {
  await initBackend({ quiet: true });
  const c = 1.7;
  const eye = tf.tidy(() => tf.mul(tf.eye(D), c) as tf.Tensor2D);
  const net = new LinearNet(eye);
  const x = randomInput(3, SHAPE);
  try {
    close(osPerturbation(net, x, 4), c * c, 1e-4);
    close(osJacobian(net, x), c * Math.sqrt(D), 1e-6);
    // zero map: no sensitivity
    const zero = new LinearNet(tf.zeros([D, 2]));
    assert.equal(osPerturbation(zero, x, 4), 0);
    assert.equal(osJacobian(zero, x), 0);
    zero.dispose();
  } finally {
    net.dispose();
    x.dispose();
  }
});

const TINY_ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|';
const TINY = { C: 4, N: 1, numClasses: 3 };

test('eval-mode BN: each sample\'s Jacobian norm in the batch equals the sample scored alone', async () => {
  await initBackend({ quiet: true });
  const net = new Nb201Network(parseNb201(TINY_ARCH), TINY, 7);
  const x = randomInput(5, [4, 8, 8, 3]);
  try {
    const batch = jacobianSquaredNorms(net, x, { bn: 'eval' });
    for (let i = 0; i < 4; i++) {
      const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
      close(jacobianSquaredNorms(net, xi, { bn: 'eval' })[0]!, batch[i]!, 1e-4, `sample ${i}`);
      xi.dispose();
    }
  } finally {
    net.dispose();
    x.dispose();
  }
});

test('train-mode BN: the duplicated-batch Jacobian is the frozen-statistics one — the exact per-sample Jacobian approaches it as N grows, the summed-logit gradient does not', async () => {
  await initBackend({ quiet: true });
  const net = new Nb201Network(parseNb201(TINY_ARCH), TINY, 7);
  const i = 2;
  const k = 1;
  const nrm = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
  const rel = (a: ArrayLike<number>, b: ArrayLike<number>): number => nrm(Array.from(a, (v, j) => v - b[j]!)) / nrm(b);
  const gaps: number[] = [];
  try {
    for (const n of [16, 128]) {
      const x = randomInput(6, [n, 8, 8, 3]);
      let frozen: ArrayLike<number> = [];
      forEachLogitJacobian(net, x, 'train', (kk, g) => {
        if (kk === k) frozen = tf.tidy(() => tf.slice(g, [i, 0, 0, 0], [1, -1, -1, -1])).dataSync();
      });
      const rowOf = (cot: (logits: tf.Tensor2D) => tf.Scalar): ArrayLike<number> => {
        const g = tf.tidy(() => tf.slice(tf.grad((xi: tf.Tensor) => cot(net.forward(xi as tf.Tensor4D, { bn: 'train' }).logits))(x), [i, 0, 0, 0], [1, -1, -1, -1]));
        const out = g.dataSync();
        g.dispose();
        return out;
      };
      const exact = rowOf((l) => tf.sum(tf.slice(l, [i, k], [1, 1])));
      const summed = rowOf((l) => tf.sum(tf.slice(l, [0, k], [-1, 1])));
      gaps.push(rel(frozen, exact));
      assert.ok(rel(summed, exact) > 0.3, `summed-logit gradient unexpectedly close at N=${n}`);
      x.dispose();
    }
    assert.ok(gaps[1]! < gaps[0]! && gaps[1]! < 0.05, `frozen vs exact per-sample: ${gaps.join(', ')}`);
  } finally {
    net.dispose();
  }
});

// The noise also moves the batch statistics, a first-order effect of relative size ~1/√(N·H·W)
// per BN layer (H·W = 2×2 in the last stage of this tiny net), so the batch is large here.
test('small σ: os_perturbation → mean‖J‖_F²/D (train-mode, frozen statistics), within sampling error', async () => {
  await initBackend({ quiet: true });
  const net = new Nb201Network(parseNb201(TINY_ARCH), TINY, 7);
  const x = randomInput(8, [64, 8, 8, 3]);
  try {
    const sq = jacobianSquaredNorms(net, x, { bn: 'train' });
    const want = sq.reduce((a, b) => a + b, 0) / sq.length / (8 * 8 * 3);
    const got = osPerturbation(net, x, 1, { bn: 'train', sigma: 1e-3, repeats: 32 });
    close(got, want, 0.1, 'small-σ perturbation vs Jacobian');
  } finally {
    net.dispose();
    x.dispose();
  }
});

test('registry directions are the measured ones', () => {
  assert.equal(getProxy('os_jacobian').higherIsBetter, MEASURED_DIRECTION.os_jacobian);
  assert.equal(getProxy('os_perturbation').higherIsBetter, MEASURED_DIRECTION.os_perturbation);
});

test('NAS-Bench-201 (NASLib preset, CIFAR-10 batch 4): both forms finite and positive; tensor count flat over 3 archs', { skip }, async (t) => {
  const settings: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', batchSize: 4, proxies: ['os_jacobian', 'os_perturbation'] };
  const scorer = await ArchScorer.create(settings, { quiet: true });
  try {
    const counts: number[] = [];
    for (const index of [982, 5480, 3114]) {
      const before = tf.memory().numTensors;
      const row = scorer.score(index);
      counts.push(tf.memory().numTensors - before);
      const j = row.values.os_jacobian!;
      const p = row.values.os_perturbation!;
      t.diagnostic(`${index}: os_jacobian ${j.value.toPrecision(4)} (${row.proxySeconds.os_jacobian!.toFixed(1)} s), os_perturbation ${p.value.toPrecision(4)} (${row.proxySeconds.os_perturbation!.toFixed(1)} s)`);
      assert.equal(j.status, 'ok');
      assert.equal(p.status, 'ok');
      assert.ok(j.value > 0 && p.value > 0);
    }
    assert.deepEqual(counts, [0, 0, 0]);
  } finally {
    scorer.dispose();
  }
});
