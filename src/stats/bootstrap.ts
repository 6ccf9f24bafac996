import { assertFinitePairs } from "./clean";
import { Rng } from "../engine/rng";

/** A paired metric, e.g. pearson / spearman / kendallTauB. */
export type PairedMetric = (x: readonly number[], y: readonly number[]) => number;

export interface BootstrapOptions {
  /** Number of bootstrap resamples B (default 1000). */
  resamples?: number;
  /** Seed for the engine Rng (default 1); same seed ⇒ same result. */
  seed?: number;
  /** Two-sided confidence level in (0, 1) (default 0.95). */
  level?: number;
}

export interface BootstrapResult {
  /** Lower percentile bound, quantile (1 - level)/2 of the resampled values. */
  lo: number;
  /** Upper percentile bound, quantile (1 + level)/2 of the resampled values. */
  hi: number;
  /** Metric on the original (non-resampled) data. */
  estimate: number;
  level: number;
  /** Resamples drawn (B). */
  resamples: number;
  /** Resamples whose metric value was finite and entered the percentiles. */
  used: number;
  /** Resamples skipped because the metric was undefined (NaN/±Infinity, e.g. zero variance). */
  skipped: number;
}

/** Quantile of an ascending array by linear interpolation (Hyndman & Fan type 7, R default). */
function quantileSorted(s: readonly number[], p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/**
 * Percentile bootstrap confidence interval for a paired metric (Efron &
 * Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3): draw B
 * resamples of n index pairs (i, i) uniformly with replacement, evaluate
 * θ*_b = metric(x[idx], y[idx]), and report the (1-level)/2 and (1+level)/2
 * quantiles (type-7 interpolation) of the finite θ*_b. Resamples where the
 * metric is undefined (non-finite result, e.g. a constant resample) are
 * skipped and counted in `skipped`; if all are skipped, lo = hi = NaN.
 * Deterministic for a given seed (engine Rng).
 * @throws Error on length mismatch, n < 2, non-finite input or bad options.
 */
export function bootstrapCI(
  x: readonly number[],
  y: readonly number[],
  metric: PairedMetric,
  options: BootstrapOptions = {},
): BootstrapResult {
  const { resamples = 1000, seed = 1, level = 0.95 } = options;
  assertFinitePairs("bootstrapCI", x, y, 2);
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`bootstrapCI: resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new Error(`bootstrapCI: level must be in (0, 1), got ${level}`);
  }
  const n = x.length;
  const rng = new Rng(seed);
  const bx = new Array<number>(n);
  const by = new Array<number>(n);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      bx[i] = x[j];
      by[i] = y[j];
    }
    const v = metric(bx, by);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const empty = values.length === 0;
  return {
    lo: empty ? NaN : quantileSorted(values, alpha),
    hi: empty ? NaN : quantileSorted(values, 1 - alpha),
    estimate: metric(x, y),
    level,
    resamples,
    used: values.length,
    skipped: resamples - values.length,
  };
}
