/**
 * Does a re-scored sample reproduce a cached score table? Cached tables (data/scores/) are read
 * back by the notebooks, which re-score a few architectures with the stored settings and compare.
 *
 *   rel Δ = |fresh − cached| / |cached|   per (architecture, proxy), worst case reported
 *
 * Exact equality is too strict a contract for float32 kernels: a changed summation order inside
 * a kernel (e.g. a faster batch-norm reduction) moves the last digits, and proxies built on
 * cancellations amplify that. The tolerance is per proxy, set by its float32 conditioning
 * (measured when the batch-norm reductions changed, NB201, NASLib / NASWOT presets):
 *  - naswot / nwot: log|K| of integer ReLU-code counts, 2e-7 relative → 1e-5;
 *  - jacov / cj / epe_nas: 1/(λ + 1e-5) on near-zero eigenvalues of the Jacobian correlation, 1e-4 → 1e-3;
 *  - os_perturbation: a difference of two forward passes at σ = 0.01, 1.1e-3 → 1e-2;
 *  - others: 1e-3.
 * A real change of definition, batch or initialisation moves a score by far more.
 * Non-finite values reproduce only as the same non-finite value.
 */
import type { ScoreTable } from './results';

export const REPRODUCE_REL_TOL: Readonly<Record<string, number>> = {
  naswot: 1e-5,
  nwot: 1e-5,
  jacov: 1e-3,
  cj: 1e-3,
  epe_nas: 1e-3,
  os_perturbation: 1e-2,
};

/** Relative tolerance for re-scoring `proxy` (REPRODUCE_REL_TOL, else 1e-3). */
export function reproductionTolerance(proxy: string): number {
  return REPRODUCE_REL_TOL[proxy] ?? 1e-3;
}

/** A score-file row, as far as the check reads it. */
type Scored = Pick<ScoreTable['rows'][number], 'index' | 'values'>;

export interface ReproductionCheck {
  /** (architecture, proxy) pairs compared. */
  readonly compared: number;
  readonly maxAbs: number;
  readonly maxRel: number;
  /** Largest relative |Δ| as a fraction of its proxy's tolerance (≤ 1 passes). */
  readonly worstOfTolerance: number;
  /** Pairs where one side is finite and the other is not, or the two non-finite values differ. */
  readonly nonFiniteMismatches: number;
  readonly ok: boolean;
}

/**
 * Compares `fresh` rows with the `cached` rows of the same indices on `proxies`, each against
 * `tolerance(proxy)` (default: reproductionTolerance).
 * @throws when a fresh index has no cached row, or a proxy is missing from a row.
 */
export function checkReproduction(
  cached: readonly Scored[],
  fresh: readonly Scored[],
  proxies: readonly string[],
  tolerance: (proxy: string) => number = reproductionTolerance,
): ReproductionCheck {
  const byIndex = new Map(cached.map((r) => [r.index, r]));
  let maxAbs = 0;
  let maxRel = 0;
  let worstOfTolerance = 0;
  let compared = 0;
  let nonFiniteMismatches = 0;
  for (const f of fresh) {
    const c = byIndex.get(f.index);
    if (!c) throw new Error(`checkReproduction: architecture ${f.index} is not in the cached table`);
    for (const p of proxies) {
      const a = f.values[p];
      const b = c.values[p];
      if (a === undefined || b === undefined) throw new Error(`checkReproduction: proxy '${p}' missing for architecture ${f.index}`);
      compared++;
      if (!Number.isFinite(a) || !Number.isFinite(b)) {
        if (!Object.is(a, b)) nonFiniteMismatches++;
        continue;
      }
      const d = Math.abs(a - b);
      maxAbs = Math.max(maxAbs, d);
      const rel = b === 0 ? (d === 0 ? 0 : Infinity) : d / Math.abs(b);
      maxRel = Math.max(maxRel, rel);
      worstOfTolerance = Math.max(worstOfTolerance, rel === 0 ? 0 : rel / tolerance(p));
    }
  }
  return { compared, maxAbs, maxRel, worstOfTolerance, nonFiniteMismatches, ok: nonFiniteMismatches === 0 && worstOfTolerance <= 1 };
}

/** One line for a notebook: the worst differences and the verdict against the per-proxy tolerances. */
export function formatReproduction(c: ReproductionCheck): string {
  const used = `${(100 * c.worstOfTolerance).toFixed(0)} % of the float32 tolerance`;
  const verdict = c.ok
    ? `reproduced (${used})`
    : `NOT reproduced (${Number.isFinite(c.worstOfTolerance) ? used : 'tolerance exceeded'}${c.nonFiniteMismatches ? `; ${c.nonFiniteMismatches} non-finite mismatch(es)` : ''})`;
  return `max |Δ| = ${c.maxAbs.toExponential(2)}, max relative |Δ| = ${c.maxRel.toExponential(2)} over ${c.compared} values: ${verdict}`;
}
