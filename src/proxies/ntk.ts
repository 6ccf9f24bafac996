/**
 * CNNTK: condition number of the empirical neural tangent kernel, as TE-NAS computes it
 * (Chen, Gong, Wang, ICLR 2021 §3.1.1; VITA-Group/TENAS `lib/procedures/ntk.py`, `prune_tenas.py`,
 * `prune_launch.py`; docs/papers.md §4). For a batch x_1..x_B:
 *
 *   g_b = ∂(Σ_k f_k(x_b)) / ∂θ        θ = every parameter whose name contains "weight"
 *                                      (conv and linear weights, BN γ; not biases, not BN β)
 *   Θ = G Gᵀ  (B×B, G = [g_1; …; g_B]),    κ = λ_max(Θ) / λ_min(Θ)
 *
 * The network is in train mode, so BN couples the samples: TE-NAS runs one forward pass on the
 * whole batch and back-propagates each sample's logit sum through it (`retain_graph`); g_b is
 * therefore the gradient of Σ_k f_k(x_b) *through the batch forward*, which we reproduce with one
 * batch forward + backward per sample (tfjs cannot reuse a tape, so the forward is recomputed).
 * Θ is accumulated in float64 and its eigenvalues come from ml-matrix (symmetric solver).
 *
 * TE-NAS protocol on NAS-Bench-201: the NTK network is the supernet with C=3, N=1 and a stem (its
 * single-path form is our Nb201Network with C=3, N=1), classifier outputs = the dataset's classes,
 * Kaiming-normal fan_out init (conv/linear; BN γ=1, β=0), one shuffled CIFAR training batch of 72
 * (flip + crop), 3 repeats with a fresh init and a fresh batch each, κ averaged. Lower κ = better
 * (paper: Kendall τ(κ, NB201 test accuracy) = −0.42). TE-NAS has no NaN guard in `ntk.py`
 * (its eigenvalues come from `symeig`); we report a NaN NTK (status 'nan') and a numerically
 * singular one (λ_min ≤ B·ε·λ_max, numpy's rank tolerance; status 'singular', κ = +∞) with a
 * reason instead of ranking them (docs/papers.md §4: TE-NAS-style pipelines map NaN to 1e5).
 *
 * Our batches: each repeat draws a seeded random subset of 72 samples from the run's batch
 * `ctx.x` (all of it when the run's batch is smaller), so normalisation and augmentation follow
 * the run's settings; the network seed and the subset come from `Rng(ctx.seed ^ CNNTK_SALT)`.
 * The classifier has the run's `numClasses` outputs (TE-NAS: the dataset's classes; a run with
 * one output gives a slightly different Θ, since the classifier block of Θ scales with K).
 *
 * Cost: batch × repeats = 216 forward+backward passes of the C=3 network per architecture.
 * No full-network variant is registered: κ of the C=16, N=5 network costs one full-network
 * forward+backward pass per sample (`ntkCondition(ctx.net, ctx.x)` computes it when needed).
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Network, NetBnMode } from '../engine/network';
import { Rng } from '../engine/rng';
import { registerProxy, type ProxyContext, type ProxyStatus, type ProxyValue } from './registry';

/** TE-NAS NTK batch on NAS-Bench-201 (`prune_launch.py`). */
export const TENAS_NTK_BATCH = 72;
/** TE-NAS `--repeat 3`. */
export const TENAS_REPEATS = 3;
/** Seed salt of the cnntk stream (network seeds, batch subsets). */
export const CNNTK_SALT = 0x6e746b31; // 'ntk1'

/** Parameters TE-NAS differentiates: name contains "weight" (conv, linear, BN γ), in parameter order. */
export function ntkParamNames(net: Network): string[] {
  return [...net.params.keys()].filter((n) => {
    const k = net.paramKinds.get(n);
    return k === 'conv' || k === 'linear' || k === 'bn-weight';
  });
}

export interface PerSampleGrads {
  /** Row-major B×P: row b is g_b, parameters concatenated in `names` order, each flattened. */
  readonly G: Float32Array;
  readonly B: number;
  readonly P: number;
  readonly names: readonly string[];
}

/**
 * g_b = ∂(Σ_k logits[b, k])/∂θ for every sample b, each through a forward pass of the whole batch
 * (train-mode BN statistics of the batch). Leaves no tensors behind.
 */
export function perSampleGradients(net: Network, x: tf.Tensor4D, bn: NetBnMode = 'train'): PerSampleGrads {
  const names = ntkParamNames(net);
  if (names.length === 0) throw new Error('perSampleGradients: the network has no weight parameters');
  const ws = names.map((n) => net.params.get(n)!);
  const P = ws.reduce((s, w) => s + w.size, 0);
  const B = x.shape[0];
  const G = new Float32Array(B * P);
  for (let b = 0; b < B; b++) {
    tf.tidy(() => {
      const f = (): tf.Scalar => tf.sum(tf.slice(net.forward(x, { bn }).logits, [b, 0], [1, -1]));
      // allowNoGradients: a weight cut off from the output (a conv whose node only feeds `none`
      // edges; PyTorch's x·0 gives it a zero gradient) keeps zeros in G, which leave Θ unchanged.
      const { grads } = tf.engine().gradients(f, ws, undefined, true);
      let off = b * P;
      grads.forEach((g, i) => {
        if (g) G.set(g.dataSync() as Float32Array, off);
        off += ws[i]!.size;
      });
    });
  }
  return { G, B, P, names };
}

/** Θ = G Gᵀ in float64 (row-major B×B) from a row-major B×P matrix. */
export function gramMatrix(G: Float32Array | Float64Array, B: number, P: number): Float64Array {
  if (G.length !== B * P) throw new Error(`gramMatrix: expected ${B}×${P} = ${B * P} entries, got ${G.length}`);
  const K = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    const a = i * P;
    for (let j = i; j < B; j++) {
      const c = j * P;
      let s = 0;
      for (let p = 0; p < P; p++) s += G[a + p]! * G[c + p]!;
      K[i * B + j] = s;
      K[j * B + i] = s;
    }
  }
  return K;
}

export interface ConditionNumber {
  /** λ_max / λ_min (NaN when Θ has non-finite entries, +∞ when λ_min ≤ n·ε·λ_max, i.e. Θ singular). */
  readonly value: number;
  readonly status: ProxyStatus;
  readonly reason?: string;
  /** Eigenvalues, ascending. */
  readonly eigenvalues: Float64Array;
}

/** κ = λ_max/λ_min of a symmetric row-major n×n float64 matrix (ml-matrix, symmetric solver). */
export function conditionNumber(a: Float64Array, n: number): ConditionNumber {
  if (a.length !== n * n) throw new Error(`conditionNumber: expected ${n}×${n} entries, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      return { value: NaN, status: 'nan', reason: 'NTK has non-finite entries (TE-NAS would map this to 1e5)', eigenvalues: new Float64Array(0) };
    }
  }
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]!);
  const eig = Float64Array.from(new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues).sort();
  const lo = eig[0]!;
  const hi = eig[n - 1]!;
  // numerical rank tolerance of numpy's matrix_rank: λ ≤ λ_max·n·ε counts as zero
  if (!(lo > hi * n * Number.EPSILON)) {
    return { value: Infinity, status: 'singular', reason: `NTK is singular (λ_min = ${lo.toExponential(3)}, λ_max = ${hi.toExponential(3)})`, eigenvalues: eig };
  }
  return { value: hi / lo, status: 'ok', eigenvalues: eig };
}

export interface NtkResult extends ConditionNumber {
  readonly batchSize: number;
  /** Number of differentiated scalars P. */
  readonly numWeights: number;
}

/** Condition number of the empirical NTK of `net` on batch `x` (TE-NAS `get_ntk_n`, one network). */
export function ntkCondition(net: Network, x: tf.Tensor4D, opts: { bn?: NetBnMode } = {}): NtkResult {
  const { G, B, P } = perSampleGradients(net, x, opts.bn ?? 'train');
  return { ...conditionNumber(gramMatrix(G, B, P), B), batchSize: B, numWeights: P };
}

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export interface CnntkProtocol {
  /** Samples per NTK (TE-NAS NB201: 72). */
  readonly batch: number;
  /** Independent inits and batches averaged (TE-NAS `--repeat 3`). */
  readonly repeats: number;
}

export const TENAS_NTK_PROTOCOL: CnntkProtocol = Object.freeze({ batch: TENAS_NTK_BATCH, repeats: TENAS_REPEATS });

export interface CnntkResult extends ProxyValue {
  /** κ of each repeat (up to the first one that could not be ranked). */
  readonly conds: readonly number[];
  readonly batchSize: number;
}

/**
 * TE-NAS κ of the architecture of `ctx`: C=3, N=1 network with stem, Kaiming-normal fan_out, per
 * repeat a fresh init and a fresh random subset of `protocol.batch` samples of `ctx.x`, mean κ.
 * A repeat whose NTK is NaN or singular makes the result NaN/singular, with the reason.
 */
export function cnntkTenas(ctx: Pick<ProxyContext, 'x' | 'seed' | 'build'>, protocol: CnntkProtocol = TENAS_NTK_PROTOCOL): CnntkResult {
  const rng = new Rng((ctx.seed ^ CNNTK_SALT) >>> 0);
  const n = ctx.x.shape[0];
  const B = Math.min(protocol.batch, n);
  const conds: number[] = [];
  for (let r = 0; r < protocol.repeats; r++) {
    const netSeed = rng.u32();
    const idx = B < n ? rng.sampleWithoutReplacement(n, B) : identity(n);
    const net = ctx.build({ C: 3, N: 1, init: 'kaiming-normal-fan-out' }, netSeed);
    let res: NtkResult;
    try {
      const xb = tf.gather(ctx.x, idx);
      try {
        res = ntkCondition(net, xb, { bn: 'train' });
      } finally {
        xb.dispose();
      }
    } finally {
      net.dispose();
    }
    if (res.status !== 'ok') return { value: res.value, status: res.status, reason: `repeat ${r + 1}: ${res.reason ?? res.status}`, conds, batchSize: B };
    conds.push(res.value);
  }
  return { value: conds.reduce((s, c) => s + c, 0) / conds.length, status: 'ok', conds, batchSize: B };
}

registerProxy({
  name: 'cnntk',
  description:
    'TE-NAS NTK condition number κ = λmax/λmin of Θ = G·Gᵀ (per-sample ∂Σlogits/∂weights, train-mode BN) ' +
    'on the C=3 N=1 network, Kaiming-normal fan_out, 72 samples of the run batch, mean of 3 repeats (Chen et al. 2021)',
  needs: 'per-sample-gradient',
  higherIsBetter: false,
  compute: (ctx) => {
    const r = cnntkTenas(ctx);
    return r.reason === undefined ? { value: r.value, status: r.status } : { value: r.value, status: r.status, reason: r.reason };
  },
});
