/**
 * Jacobian covariance — NASWOT v1's score (Mellor et al., arXiv v1 / BayesWatch tag v1.0
 * `search.py`, docs/papers.md §2.6), zero-cost-nas `jacob_cov` and NASLib `jacov`; the Fusion
 * Indicator calls it CJ ("correlation of Jacobian"), registered here as the alias `cj`.
 *
 *   J_i = ∂(Σ_k f_k(X))/∂x_i, flattened (N × 3·H·W)   — one backward pass of the summed logits
 *   C   = corrcoef(J)  (N × N, rows = samples, numpy's np.corrcoef: row-centred, clipped to [−1, 1])
 *   s   = −Σ_i [ ln(λ_i + k) + 1/(λ_i + k) ],  λ = eigenvalues of C,  k = 1e-5
 *
 * Higher is better: ln(λ+k) + 1/(λ+k) ≥ 1, so s ≤ −N, reached when every λ = 1 − k ≈ 1 (C ≈ I:
 * uncorrelated Jacobians across samples).
 *
 * Conventions, as the reference code: NASLib's network returns the class logits (10 for
 * CIFAR-10) and back-propagates `ones_like(logits)`, i.e. the Jacobian of the sum of all logits;
 * BayesWatch v1 built the network with a single output (use `numClasses: 1`, the `naswot`
 * preset). BN runs in the run's mode (`ctx.bn`; train mode in both references), so the samples
 * of the batch are coupled through the batch statistics exactly as in PyTorch. The Jacobian is
 * the shared `inputJacobian(ctx)` (memoised: `epe_nas` reuses the same backward pass).
 * The eigenvalues of the symmetric C come from ml-matrix's symmetric EVD in float64 (numpy:
 * `np.linalg.eig`, real parts for a symmetric matrix). A Jacobian row with zero variance makes C
 * undefined: NASLib's `eig` raises and it records −1e8; we report NaN with status 'nan' and a
 * reason so the value is never ranked silently.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { inputJacobian } from './grads';
import { ProxyContext, proxyValue, ProxyValue, registerProxy } from './registry';

/** Regulariser k of the NASWOT v1 score. */
export const JACOV_K = 1e-5;

/**
 * Correlation matrix of the rows of a row-major n×d matrix (np.corrcoef(a) with rows as
 * variables), float64, entries clipped to [−1, 1] as numpy does. A row with zero (or
 * non-finite) variance gives NaN in its row and column, as numpy.
 */
export function corrcoefRows(a: ArrayLike<number>, n: number, d: number): Float64Array {
  if (a.length !== n * d) throw new Error(`corrcoefRows: expected ${n}×${d} = ${n * d} entries, got ${a.length}`);
  if (d < 2) throw new Error(`corrcoefRows: need at least 2 columns, got ${d}`);
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += a[i * d + j];
    mean /= d;
    for (let j = 0; j < d; j++) centred[i * d + j] = a[i * d + j] - mean;
  }
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      const oi = i * d;
      const oj = j * d;
      for (let t = 0; t < d; t++) s += centred[oi + t] * centred[oj + t];
      cov[i * n + j] = s;
      cov[j * n + i] = s;
    }
  }
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = cov[i * n + j] / Math.sqrt(cov[i * n + i] * cov[j * n + j]);
      c[i * n + j] = Number.isNaN(r) ? NaN : Math.min(1, Math.max(-1, r));
    }
  }
  return c;
}

/** Eigenvalues of a symmetric row-major n×n float64 matrix (ascending). */
export function symmetricEigenvalues(m: ArrayLike<number>, n: number): number[] {
  const mat = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mat.set(i, j, m[i * n + j]);
  return [...new EigenvalueDecomposition(mat, { assumeSymmetric: true }).realEigenvalues].sort((a, b) => a - b);
}

/** −Σ [ln(λ + k) + 1/(λ + k)] over the eigenvalues λ of a correlation matrix. */
export function jacovFromEigenvalues(lambdas: readonly number[], k = JACOV_K): number {
  let s = 0;
  for (const l of lambdas) s += Math.log(l + k) + 1 / (l + k);
  return -s;
}

/** NASWOT v1 score of a row-major n×d Jacobian matrix (rows = samples). */
export function jacovScore(jac: ArrayLike<number>, n: number, d: number, k = JACOV_K): ProxyValue {
  if (n < 2) return { value: NaN, status: 'nan', reason: `jacov needs at least 2 samples, got ${n}` };
  for (let i = 0; i < jac.length; i++) {
    if (!Number.isFinite(jac[i])) return { value: NaN, status: 'nan', reason: 'non-finite input Jacobian' };
  }
  const c = corrcoefRows(jac, n, d);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(c[i * n + i])) {
      return { value: NaN, status: 'nan', reason: `input Jacobian of sample ${i} has zero variance (correlation undefined)` };
    }
  }
  return proxyValue(jacovFromEigenvalues(symmetricEigenvalues(c, n), k), 'non-finite jacov score');
}

/** The shared input Jacobian of the summed logits as a row-major N × (H·W·C) array. */
export function inputJacobianRows(ctx: ProxyContext): { rows: Float32Array; n: number; d: number } {
  const jac = inputJacobian(ctx);
  const n = jac.shape[0];
  return { rows: jac.dataSync() as Float32Array, n, d: jac.size / n };
}

function computeJacov(ctx: ProxyContext): ProxyValue {
  const { rows, n, d } = inputJacobianRows(ctx);
  return jacovScore(rows, n, d);
}

registerProxy({
  name: 'jacov',
  description: 'Jacobian covariance (NASWOT v1; NASLib jacov, zero-cost-nas jacob_cov): −Σ[ln(λ+k)+1/(λ+k)] of corrcoef(∂Σlogits/∂x)',
  needs: 'input-gradient',
  higherIsBetter: true,
  compute: computeJacov,
});

registerProxy({
  name: 'cj',
  description: 'correlation of Jacobian (Fusion Indicator name for NASWOT v1); same computation as jacov',
  needs: 'input-gradient',
  higherIsBetter: true,
  compute: computeJacov,
});
