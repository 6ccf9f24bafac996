/** Fixtures shared by the gradient-proxy tests: data availability flags and a tiny MLP network with a hand-built context. */
import { tf } from '../../src/engine/backend';
import { NASLIB_REFERENCE_FILE } from '../../src/benchmarks/naslib';
import { NB201_TABLE_FILE } from '../../src/benchmarks/nb201';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { countParams, disposeParams, type ParamMap } from '../../src/engine/params';
import type { ProxyContext } from '../../src/proxies/registry';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { needsData, CIFAR10_FILE } from '../support/data';

export const noRef = needsData(NASLIB_REFERENCE_FILE);
export const noTable = needsData(NB201_TABLE_FILE);
export const noCifar = needsData(CIFAR10_FILE);
export const slow = process.env.ZERONAS_SLOW_TESTS === '1';

/** Run f inside tf.tidy and return its (non-tensor) result. */
export function inTidy<T>(f: () => T): T {
  let r: T | undefined;
  tf.tidy(() => {
    r = f();
  });
  return r as T;
}

export type Mat = number[][];
export const matMul = (a: Mat, b: Mat): Mat => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
export const transpose = (a: Mat): Mat => a[0]!.map((_, j) => a.map((r) => r[j]!));
export const frob = (a: Mat): number => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));
export const reshape = (v: number[], rows: number, cols: number): Mat => Array.from({ length: rows }, (_, i) => v.slice(i * cols, (i + 1) * cols));
/** (softmax(z) − onehot(y)) / N, row by row. */
export function dLogits(z: Mat, labels: number[]): Mat {
  return z.map((row, n) => {
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v, k) => (v / s - (k === labels[n] ? 1 : 0)) / z.length);
  });
}

/** Chain of linear layers on flatten(x): logits = ((x·W1)·W2)…, plus optional unused weight. */
export class LinearChain implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  constructor(readonly weights: { w: number[]; shape: [number, number] }[], dead = false) {
    weights.forEach(({ w, shape }, i) => {
      this.params.set(`fc${i}.weight`, tf.tensor2d(w, shape));
      this.paramKinds.set(`fc${i}.weight`, 'linear');
    });
    if (dead) {
      this.params.set('dead.weight', tf.tensor4d([0.5, -0.7, 0.2], [1, 1, 1, 3]));
      this.paramKinds.set('dead.weight', 'conv');
    }
  }
  get numParams(): number {
    return countParams(this.params);
  }
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const features = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    let h: tf.Tensor2D = features;
    this.weights.forEach((_, i) => {
      h = tf.matMul(h, P.get(`fc${i}.weight`)! as tf.Tensor2D);
    });
    return { logits: h, features };
  }
  dispose(): void {
    disposeParams(this.params);
  }
}

export function toyContext(net: Network, x: tf.Tensor4D, labels: tf.Tensor1D, numClasses: number): ProxyContext & { dispose(): void } {
  const memo = new Map<string, unknown>();
  return {
    arch: parseNb201('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'),
    net, x, labels, numClasses, counting: 'naslib', bn: 'train', seed: 0,
    build: () => {
      throw new Error('not needed');
    },
    memo: <T>(key: string, compute: () => T): T => {
      if (!memo.has(key)) {
        const v = compute();
        const ts = v && typeof v === 'object' && 'grads' in v ? [...(v as { grads: Map<string, tf.Tensor> }).grads.values()] : [];
        ts.forEach((t) => tf.keep(t));
        memo.set(key, v);
      }
      return memo.get(key) as T;
    },
    dispose: () => {
      for (const v of memo.values()) {
        if (v && typeof v === 'object' && 'grads' in v) for (const t of (v as { grads: Map<string, tf.Tensor> }).grads.values()) t.dispose();
      }
    },
  };
}
