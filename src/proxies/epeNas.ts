/**
 * EPE-NAS (Lopes, Alirezazadeh, Alexandre, "EPE-NAS: Efficient Performance Estimation Without
 * Training for Neural Architecture Search", ICANN 2021, arXiv 2102.08099), as NASLib computes it
 * (`naslib/predictors/utils/pruners/measures/epe_nas.py`, taken from the authors' `search.py`):
 *
 *   J     = ∂(Σ_k f_k(X))/∂X flattened per sample (the same Jacobian of the summed logits as
 *           `jacov`; shared through `inputJacobian(ctx)`), BN in the run's mode (train in NASLib)
 *   group the rows of J by the batch labels; for each class c present, with m_c samples:
 *   C_c   = corrcoef(J_c) (m_c × m_c; numpy gives the scalar 1 for m_c = 1)
 *   s_c   = Σ_{a,b} ln(|C_c[a,b]| + k),  k = 1e-5
 *   K     = number of logits (`ctx.numClasses`; NASLib reads it from the output width)
 *   K ≤ 100:  score = Σ_c |s_c|
 *   K > 100:  s_c ← s_c / m_c (classes with a single sample are dropped: NASLib's `len()` of the
 *             scalar correlation raises and the class is skipped), then
 *             score = Σ_c Σ_c' |s_c − s_c'| / (number of classes kept)
 *
 * Higher is better (a large |s_c| means weakly correlated Jacobians within a class). A zero-variance
 * Jacobian row makes its class's correlation NaN and NASLib's score NaN (recorded as −1e8); we
 * report NaN with status 'nan' and a reason.
 */
import { inputJacobianRows, corrcoefRows, JACOV_K } from './jacov';
import { ProxyContext, proxyValue, ProxyValue, registerProxy } from './registry';

/**
 * EPE-NAS score of a row-major n×d Jacobian matrix with integer labels per row, for a network
 * with `numClasses` outputs (selects NASLib's K ≤ 100 or K > 100 rule).
 */
export function epeScore(jac: ArrayLike<number>, labels: ArrayLike<number>, n: number, d: number, numClasses: number, k = JACOV_K): ProxyValue {
  if (labels.length !== n) throw new Error(`epeScore: ${labels.length} labels for ${n} rows`);
  for (let i = 0; i < jac.length; i++) {
    if (!Number.isFinite(jac[i])) return { value: NaN, status: 'nan', reason: 'non-finite input Jacobian' };
  }
  // rows per class in order of first appearance (NASLib's dict insertion order)
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(labels[i]);
    if (g) g.push(i);
    else groups.set(labels[i], [i]);
  }
  const big = numClasses > 100;
  const perClass: number[] = [];
  for (const [label, rows] of groups) {
    const m = rows.length;
    const sub = new Float64Array(m * d);
    rows.forEach((r, a) => {
      for (let t = 0; t < d; t++) sub[a * d + t] = jac[r * d + t];
    });
    let s: number;
    if (m === 1) {
      if (big) continue; // NASLib: len() of numpy's scalar correlation raises → class skipped
      let mean = 0;
      for (let t = 0; t < d; t++) mean += sub[t];
      mean /= d;
      let v = 0;
      for (let t = 0; t < d; t++) v += (sub[t] - mean) ** 2;
      // numpy's corrcoef of one variable: cov/cov = 1, or NaN for zero variance
      if (!(v > 0)) return { value: NaN, status: 'nan', reason: `input Jacobian of the single class-${label} sample has zero variance` };
      s = Math.log(1 + k);
    } else {
      const c = corrcoefRows(sub, m, d);
      s = 0;
      for (let i = 0; i < m * m; i++) s += Math.log(Math.abs(c[i]) + k);
      if (Number.isNaN(s)) {
        return { value: NaN, status: 'nan', reason: `class ${label}: an input Jacobian row has zero variance (correlation undefined)` };
      }
      if (big) s /= m;
    }
    perClass.push(s);
  }
  let score = 0;
  if (!big) {
    for (const s of perClass) score += Math.abs(s);
  } else {
    for (const a of perClass) for (const b of perClass) score += Math.abs(a - b);
    if (perClass.length > 0) score /= perClass.length;
  }
  return proxyValue(score, 'non-finite epe_nas score');
}

function computeEpe(ctx: ProxyContext): ProxyValue {
  const { rows, n, d } = inputJacobianRows(ctx);
  return epeScore(rows, ctx.labels.dataSync(), n, d, ctx.numClasses);
}

registerProxy({
  name: 'epe_nas',
  description: 'EPE-NAS (NASLib epe_nas): Σ_c |Σ ln(|corrcoef(J_c)|+k)| over the classes of the batch, J = ∂Σlogits/∂x',
  needs: 'input-gradient',
  higherIsBetter: true,
  compute: computeEpe,
});
