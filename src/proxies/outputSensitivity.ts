/**
 * Output sensitivity (OS), one of the Fusion Indicator's four indicators (Tran, Ali, Bae, IEEE
 * Access 9, 2021; docs/papers.md §4). The paper's exact definition could not be read and no reference
 * code exists, so both candidate forms are exposed under their own names and every results file
 * records which one was used. f = the logit vector (K = ctx.numClasses outputs), x_i = sample i
 * of the normalised batch, d = H·W·3 input values per sample.
 *
 *  - `os_jacobian` (the input–output Jacobian norm of Novak et al., ICLR 2018, "Sensitivity and
 *    Generalization in Neural Networks"; here of the logits, not of softmax probabilities):
 *      OS_J = (1/N) Σ_i ‖∂f(x_i)/∂x_i‖_F
 *    the exact Frobenius norm of each sample's K × d input–output Jacobian, one backward pass per
 *    logit (K passes; see `forEachLogitJacobian`).
 *  - `os_perturbation` (the "output change under input noise" reading):
 *      OS_P = (1/(R·N)) Σ_{r,i} ‖f(x_i + ε_ri) − f(x_i)‖² / ‖ε_ri‖²
 *    ε_ri ~ N(0, σ² I) in normalised input units, σ = 0.01, R = 3 noise draws, from
 *    `new Rng(ctx.seed ^ OS_NOISE_SALT)` (engine/rng.ts; reproducible per architecture). Dividing
 *    each draw by its own ‖ε‖² removes the noise norm's randomness (f(x) = c·x gives exactly c²).
 *    In the linear regime OS_P → mean_i ‖J_i‖_F² / d (E‖Jε‖² = σ²‖J‖_F²); at σ = 0.01 untrained
 *    conv-heavy NB201 networks are far from it (arch 982, batch 8: d·OS_P = 220 at σ = 1e-2,
 *    1094 at 1e-3, 1401 at 1e-4, vs mean‖J‖_F² = 1579), so OS_P is a finite-noise sensitivity,
 *    not a Jacobian estimate; the two forms still rank architectures alike (Spearman 0.99 below).
 *
 * BN mode: both forms use the run's mode (`ctx.bn`; train in both presets, as every reference
 * zero-cost proxy). Train-mode BN couples the samples through the batch statistics, so the
 * gradient of Σ_i f_k(x_i) is not sample i's Jacobian: it adds Σ_{j≠i} ∂f_k(x_j)/∂x_i, which does
 * not vanish as N grows (BN outputs sum to zero over the batch; measured on arch 3114 at batch 8:
 * that gradient's squared norm is 8× below the per-sample Jacobian's). os_jacobian therefore uses the
 * per-sample Jacobian with the batch statistics held fixed ("frozen"): the function each sample
 * undergoes in the train-mode forward pass, and the large-N limit of the exact per-sample
 * Jacobian (which would cost N·K passes and includes an O(1/N) self-influence on the
 * statistics). It is computed exactly with K passes on the duplicated batch [X; X] and
 * antisymmetric cotangents (see `forEachLogitJacobian`). os_perturbation runs plain train-mode
 * forwards: the noisy batch gets its own statistics, which move by O(1/√(N·H·W)) relative per BN
 * layer (≈ 2% at N = 32 in the 8×8 last stage). With eval-mode BN both forms are the plain
 * per-sample quantities (at init: running mean 0, variance 1, i.e. no normalisation). Neither
 * form reuses `inputJacobian(ctx)` (train mode, summed logits: the coupled gradient above).
 *
 * Direction (the paper does not say), measured on the first 32 NASLib reference architectures
 * (NB201 CIFAR-10, NASLib preset, Spearman ρ with NASLib's validation accuracy):
 *   train-mode BN (the presets): os_jacobian ρ = +0.741 (batch 8), os_perturbation ρ = +0.754
 *   (batch 32) / +0.737 (batch 8) → higherIsBetter = true for both; ρ(os_jacobian b8,
 *   os_perturbation b32) = 0.989; for comparison NASLib's jacov 0.845, nwot 0.871, params 0.796
 *   on the same archs.
 *   eval-mode BN: the sign flips (os_jacobian ρ = −0.635 at batch 8, os_perturbation −0.635 at
 *   batch 32): without normalisation at init, conv paths shrink the signal (values span ~1e-18 to
 *   1e2 and the perturbation form hits float32 resolution for conv-heavy nets), so the score
 *   mostly counts skip/pool paths. `higherIsBetter` describes the train-mode runs only.
 * Cost (wasm, 2 CPU cores shared with other jobs): os_perturbation 1 + R forwards (≈1–3 s/arch at
 * batch 32); os_jacobian K backward passes on 2N samples (≈20–40 s/arch at batch 32, up to ~4×
 * that under heavy contention) — ~15× jacov; small batches are the way to afford it.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetBnMode, Network } from '../engine/network';
import { Rng } from '../engine/rng';
import { ProxyContext, proxyValue, ProxyValue, registerProxy } from './registry';

/** Noise scale of os_perturbation, in normalised input units. */
export const OS_SIGMA = 0.01;
/** Number of noise draws of os_perturbation. */
export const OS_REPEATS = 3;
/** Salt xor-ed into the architecture seed for the os_perturbation noise stream. */
export const OS_NOISE_SALT = 0x05e1a7;

export interface OsOptions {
  /** BN mode of the forward passes (default 'train'; the registered proxies use the run's mode). */
  readonly bn?: NetBnMode;
}

/** Per-sample squared norms Σ_{h,w,c} t[i]² of a batch tensor, as float64. */
function perSampleSquaredNorms(t: tf.Tensor): Float64Array {
  const n = t.shape[0]!;
  const s = tf.tidy(() => tf.sum(tf.square(tf.reshape(t, [n, -1])), 1));
  const out = Float64Array.from(s.dataSync());
  s.dispose();
  return out;
}

/**
 * Gradient of Σ_i f_k(x_i) for every logit k with respect to each sample's own input, computed so
 * that it is each sample's Jacobian row block ∂f_k(x_i)/∂x_i (f = logits): one backward pass per
 * logit. With eval-mode BN (or none) the samples are independent and the plain batch gradient is
 * exact. With train-mode BN the pass runs on the duplicated batch [X; X] (same batch statistics:
 * mean and biased variance of a duplicated set are unchanged) with cotangent +e_k on the first
 * copy and −e_k on the second: by the copy-swap symmetry every BN layer then receives cotangents
 * [g; −g], so Σg = Σg·x̂ = 0 and the batch-statistics terms of the BN backward vanish exactly; the
 * first copy's gradient is the Jacobian with the batch statistics held fixed ("frozen"). Cost: K
 * passes on 2N samples. `visit(k, g)` sees each [N, H, W, C] gradient before it is disposed.
 */
export function forEachLogitJacobian(net: Network, x: tf.Tensor4D, bn: NetBnMode, visit: (k: number, g: tf.Tensor4D) => void): void {
  const n = x.shape[0];
  const frozen = bn === 'train';
  const xin = frozen ? tf.concat([x, x]) : x;
  try {
    let numOut = 1; // read from the logits of the first pass
    for (let k = 0; k < numOut; k++) {
      const g = tf.tidy(() => {
        const full = tf.grad((xi: tf.Tensor) => {
          const logits = net.forward(xi as tf.Tensor4D, { bn }).logits;
          numOut = logits.shape[1];
          const col = tf.slice(logits, [0, k], [-1, 1]);
          return frozen ? tf.sub(tf.sum(tf.slice(col, [0, 0], [n, 1])), tf.sum(tf.slice(col, [n, 0], [n, 1]))) : tf.sum(col);
        })(xin);
        return (frozen ? tf.slice(full, [0, 0, 0, 0], [n, -1, -1, -1]) : full) as tf.Tensor4D;
      });
      try {
        visit(k, g);
      } finally {
        g.dispose();
      }
    }
  } finally {
    if (frozen) xin.dispose();
  }
}

/**
 * Squared Frobenius norm ‖∂f(x_i)/∂x_i‖_F² of every sample (f = logits; train-mode BN with the
 * batch statistics held fixed, see `forEachLogitJacobian`).
 */
export function jacobianSquaredNorms(net: Network, x: tf.Tensor4D, opts: OsOptions = {}): Float64Array {
  const n = x.shape[0];
  const sq = new Float64Array(n);
  forEachLogitJacobian(net, x, opts.bn ?? 'train', (_, g) => {
    const s = perSampleSquaredNorms(g);
    for (let i = 0; i < n; i++) sq[i] += s[i];
  });
  return sq;
}

/** OS_J = mean_i ‖∂f(x_i)/∂x_i‖_F (f = logits). */
export function osJacobian(net: Network, x: tf.Tensor4D, opts: OsOptions = {}): number {
  const sq = jacobianSquaredNorms(net, x, opts);
  let s = 0;
  for (const v of sq) s += Math.sqrt(v);
  return s / sq.length;
}

/** The noise ε of draw `repeat` (0-based) for a batch of `size` values: N(0, σ²) from `new Rng(seed ^ OS_NOISE_SALT)`. */
export function osNoise(seed: number, size: number, repeats = OS_REPEATS, sigma = OS_SIGMA): Float32Array[] {
  const rng = new Rng((seed ^ OS_NOISE_SALT) >>> 0);
  const out: Float32Array[] = [];
  for (let r = 0; r < repeats; r++) {
    const e = new Float32Array(size);
    for (let i = 0; i < size; i++) e[i] = sigma * rng.normal();
    out.push(e);
  }
  return out;
}

/** OS_P = mean over draws and samples of ‖f(x+ε) − f(x)‖² / ‖ε‖² (f = logits). */
export function osPerturbation(
  net: Network,
  x: tf.Tensor4D,
  seed: number,
  opts: OsOptions & { readonly repeats?: number; readonly sigma?: number } = {},
): number {
  const bn = opts.bn ?? 'train';
  const n = x.shape[0];
  const noise = osNoise(seed, x.size, opts.repeats ?? OS_REPEATS, opts.sigma ?? OS_SIGMA);
  const clean = tf.tidy(() => net.forward(x, { bn }).logits);
  try {
    let total = 0;
    for (const e of noise) {
      const eps = tf.tensor4d(e, x.shape);
      try {
        const diff = tf.tidy(() => tf.sub(net.forward(tf.add(x, eps) as tf.Tensor4D, { bn }).logits, clean));
        const change = perSampleSquaredNorms(diff);
        diff.dispose();
        const eps2 = perSampleSquaredNorms(eps);
        for (let i = 0; i < n; i++) total += change[i] / eps2[i];
      } finally {
        eps.dispose();
      }
    }
    return total / (noise.length * n);
  } finally {
    clean.dispose();
  }
}

/** Measured directions under train-mode BN (see the module comment; eval-mode BN flips them). */
export const MEASURED_DIRECTION = { os_jacobian: true, os_perturbation: true } as const;

registerProxy({
  name: 'os_jacobian',
  description: 'output sensitivity, Jacobian form: mean_i ‖∂logits(x_i)/∂x_i‖_F, exact per-sample (train BN: batch statistics held fixed), K backward passes',
  needs: 'input-gradient',
  higherIsBetter: MEASURED_DIRECTION.os_jacobian,
  compute: (ctx: ProxyContext): ProxyValue => proxyValue(osJacobian(ctx.net, ctx.x, { bn: ctx.bn }), 'non-finite Jacobian norm'),
});

registerProxy({
  name: 'os_perturbation',
  description: `output sensitivity, perturbation form: mean ‖f(x+ε)−f(x)‖²/‖ε‖² of the logits, ε~N(0,${OS_SIGMA}²), ${OS_REPEATS} draws`,
  needs: 'forward',
  higherIsBetter: MEASURED_DIRECTION.os_perturbation,
  compute: (ctx: ProxyContext): ProxyValue => proxyValue(osPerturbation(ctx.net, ctx.x, ctx.seed, { bn: ctx.bn }), 'non-finite output change'),
});
