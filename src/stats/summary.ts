import { bootstrapCI } from "./bootstrap";
import { pairFinite } from "./clean";
import { kendallTauB, pearson, rmse, spearman } from "./correlation";

export interface SummarizeOptions {
  /** Bootstrap resamples for CIs; 0 or absent ⇒ no `ci` field. */
  bootstrap?: number;
  /** Bootstrap PRNG seed (default 1). */
  seed?: number;
  /** Confidence level of the intervals (default 0.95). */
  ci?: number;
  /** Also report rmse(x, y) — only meaningful when x predicts y on y's scale. */
  rmse?: boolean;
}

export interface SummaryCI {
  level: number;
  resamples: number;
  seed: number;
  plcc: [number, number];
  srocc: [number, number];
  krocc: [number, number];
  /** Resamples skipped per metric because it was undefined on them. */
  skipped: { plcc: number; srocc: number; krocc: number };
}

export interface Summary {
  /** Pairs used (finite in both x and y). */
  n: number;
  /** Pairs dropped because x[i] or y[i] was NaN/±Infinity. */
  dropped: number;
  plcc: number;
  srocc: number;
  krocc: number;
  rmse?: number;
  ci?: SummaryCI;
}

/**
 * Summarises how well x (e.g. a proxy score) tracks y (e.g. accuracy):
 * PLCC (pearson), SROCC (spearman), KROCC (kendallTauB) and optionally RMSE,
 * after explicitly dropping non-finite pairs (reported as `dropped`).
 * With `bootstrap: B > 0`, adds percentile-bootstrap CIs (bootstrapCI; all
 * three metrics see the same B resamples because they share the seed).
 * Coefficients are NaN when undefined (constant x or y).
 * @throws Error on length mismatch or if fewer than 2 finite pairs remain.
 */
export function summarize(x: readonly number[], y: readonly number[], options: SummarizeOptions = {}): Summary {
  const { bootstrap = 0, seed = 1, ci: level = 0.95 } = options;
  const clean = pairFinite(x, y);
  if (clean.n < 2) {
    throw new Error(`summarize: needs at least 2 finite pairs, got ${clean.n} (${clean.dropped} dropped)`);
  }
  const out: Summary = {
    n: clean.n,
    dropped: clean.dropped,
    plcc: pearson(clean.x, clean.y),
    srocc: spearman(clean.x, clean.y),
    krocc: kendallTauB(clean.x, clean.y),
  };
  if (options.rmse) out.rmse = rmse(clean.x, clean.y);
  if (bootstrap > 0) {
    const opts = { resamples: bootstrap, seed, level };
    const p = bootstrapCI(clean.x, clean.y, pearson, opts);
    const s = bootstrapCI(clean.x, clean.y, spearman, opts);
    const k = bootstrapCI(clean.x, clean.y, kendallTauB, opts);
    out.ci = {
      level,
      resamples: bootstrap,
      seed,
      plcc: [p.lo, p.hi],
      srocc: [s.lo, s.hi],
      krocc: [k.lo, k.hi],
      skipped: { plcc: p.skipped, srocc: s.skipped, krocc: k.skipped },
    };
  }
  return out;
}
