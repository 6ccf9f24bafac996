import { assertFinitePairs } from "./clean";
import { Rng } from "../engine/rng";
import { kendallTauB, kendallTauBOnResamples, pearson, pearsonOnResamples, rmse, rmseOnResamples, spearman, spearmanOnResamples, type ResampleMetric } from "./correlation";

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
 * Metrics with a resample fast path: built once from the full (x, y), it returns exactly
 * metric(x[idx], y[idx]) for a resample's row indices idx, reusing the sort of the full sample.
 */
const ON_RESAMPLES = new Map<PairedMetric, (x: readonly number[], y: readonly number[]) => ResampleMetric>([
  [pearson, pearsonOnResamples],
  [rmse, rmseOnResamples],
  [spearman, spearmanOnResamples],
  [kendallTauB, kendallTauBOnResamples],
]);

/** Largest table of resample indices (n·B entries) kept for reuse; larger draws are streamed. */
const DRAWS_CACHE_LIMIT = 1 << 22;
let drawsCache: { readonly n: number; readonly resamples: number; readonly seed: number; readonly table: Int32Array } | undefined;

/**
 * The row indices of resample b (0 ≤ b < B, called in increasing b): n draws of rng.int(n) per
 * resample from one engine Rng seeded with `seed`. Successive bootstraps with the same (n, B, seed)
 * draw the same resamples (e.g. several predictors of one table), so the last table of draws (up to
 * DRAWS_CACHE_LIMIT entries) is kept and reused instead of being drawn again; the values are the
 * same either way.
 */
function resampleDraws(n: number, resamples: number, seed: number): (b: number) => Int32Array {
  const c = drawsCache;
  if (c !== undefined && c.n === n && c.resamples === resamples && c.seed === seed) {
    return (b) => c.table.subarray(b * n, (b + 1) * n);
  }
  const rng = new Rng(seed);
  if (n * resamples > DRAWS_CACHE_LIMIT) {
    const idx = new Int32Array(n);
    return () => {
      for (let i = 0; i < n; i++) idx[i] = rng.int(n);
      return idx;
    };
  }
  const table = new Int32Array(n * resamples);
  for (let k = 0; k < table.length; k++) table[k] = rng.int(n);
  drawsCache = { n, resamples, seed, table };
  return (b) => table.subarray(b * n, (b + 1) * n);
}

/**
 * Percentile bootstrap confidence intervals for several paired metrics on the SAME resamples
 * (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3): draw B resamples of n
 * index pairs (i, i) uniformly with replacement, evaluate every metric θ*_b = metric(x[idx], y[idx])
 * on each, and report per metric the (1-level)/2 and (1+level)/2 quantiles (type-7 interpolation)
 * of its finite θ*_b. Resamples where a metric is undefined (non-finite result, e.g. a constant
 * resample) are skipped for that metric and counted in its `skipped`; if all are skipped,
 * lo = hi = NaN. Each resample is drawn once for all metrics, so the result for each metric is
 * exactly bootstrapCI(x, y, metric, options) with the same options. spearman and kendallTauB are
 * evaluated from the full sample's ranks (no sort per resample), with identical values.
 * Deterministic for a given seed (engine Rng).
 * @throws Error on length mismatch, n < 2, non-finite input or bad options.
 */
export function bootstrapCIs<K extends string>(
  x: readonly number[],
  y: readonly number[],
  metrics: Readonly<Record<K, PairedMetric>>,
  options: BootstrapOptions = {},
): Record<K, BootstrapResult> {
  return bootstrapMany("bootstrapCIs", x, y, metrics, options);
}

function bootstrapMany<K extends string>(
  name: string,
  x: readonly number[],
  y: readonly number[],
  metrics: Readonly<Record<K, PairedMetric>>,
  options: BootstrapOptions,
): Record<K, BootstrapResult> {
  const { resamples, seed, level } = checkedOptions(name, options);
  assertFinitePairs(name, x, y, 2);
  const keys = Object.keys(metrics) as K[];
  if (keys.length === 0) throw new Error(`${name}: no metrics given`);
  const n = x.length;
  const onIdx: (ResampleMetric | undefined)[] = keys.map((k) => ON_RESAMPLES.get(metrics[k])?.(x, y));
  const gather = onIdx.some((f) => f === undefined);
  const draws = resampleDraws(n, resamples, seed);
  const bx = new Array<number>(n).fill(0);
  const by = new Array<number>(n).fill(0);
  const values: number[][] = keys.map(() => []);
  for (let b = 0; b < resamples; b++) {
    const idx = draws(b);
    if (gather) {
      for (let i = 0; i < n; i++) {
        const j = idx[i];
        bx[i] = x[j];
        by[i] = y[j];
      }
    }
    for (let m = 0; m < keys.length; m++) {
      const f = onIdx[m];
      const v = f !== undefined ? f(idx) : metrics[keys[m]](bx, by);
      if (Number.isFinite(v)) values[m].push(v);
    }
  }
  const out = {} as Record<K, BootstrapResult>;
  keys.forEach((k, m) => {
    out[k] = percentileResult(values[m], metrics[k](x, y), level, resamples);
  });
  return out;
}

/** Options with their defaults, checked: B a positive integer, level in (0, 1). */
function checkedOptions(name: string, options: BootstrapOptions): Required<BootstrapOptions> {
  const { resamples = 1000, seed = 1, level = 0.95 } = options;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`${name}: resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new Error(`${name}: level must be in (0, 1), got ${level}`);
  }
  return { resamples, seed, level };
}

/** The (1 − level)/2 and (1 + level)/2 type-7 quantiles of the finite resampled values (sorted here). */
function percentileResult(finite: number[], estimate: number, level: number, resamples: number): BootstrapResult {
  const alpha = (1 - level) / 2;
  const vs = finite.sort((a, b) => a - b);
  const empty = vs.length === 0;
  return {
    lo: empty ? NaN : quantileSorted(vs, alpha),
    hi: empty ? NaN : quantileSorted(vs, 1 - alpha),
    estimate,
    level,
    resamples,
    used: vs.length,
    skipped: resamples - vs.length,
  };
}

/**
 * A statistic of row indices on each of the B resamples of n rows that bootstrapCI draws for
 * (n, resamples, seed): element b is `metric(idx_b)`, non-finite values included. For statistics
 * of several columns on one resample, e.g. the paired ratio of two ResampleMetrics, whose per-resample
 * values can then be combined and summarised by percentileCI.
 * @throws Error when n < 2 or on bad options.
 */
export function resampleValues(n: number, metric: ResampleMetric, options: BootstrapOptions = {}): Float64Array {
  const { resamples, seed } = checkedOptions("resampleValues", options);
  if (!Number.isInteger(n) || n < 2) throw new Error(`resampleValues: need an integer n ≥ 2 rows, got ${n}`);
  const draws = resampleDraws(n, resamples, seed);
  const values = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) values[b] = metric(draws(b));
  return values;
}

/**
 * Percentile interval of per-resample values (one per resample, e.g. from resampleValues): the
 * non-finite ones are skipped and counted, the rest give the type-7 quantiles as in bootstrapCI.
 * `estimate` (the statistic on the full sample) is reported as given.
 * @throws Error on a level outside (0, 1) or no values.
 */
export function percentileCI(values: ArrayLike<number>, estimate: number, level = 0.95): BootstrapResult {
  const { resamples } = checkedOptions("percentileCI", { resamples: values.length, level });
  const finite: number[] = [];
  for (let b = 0; b < values.length; b++) if (Number.isFinite(values[b])) finite.push(values[b]);
  return percentileResult(finite, estimate, level, resamples);
}

/**
 * Percentile bootstrap confidence interval for one paired metric: bootstrapCIs with that metric
 * alone (same resamples for a given seed, same percentiles, skipped resamples counted).
 * @throws Error on length mismatch, n < 2, non-finite input or bad options.
 */
export function bootstrapCI(
  x: readonly number[],
  y: readonly number[],
  metric: PairedMetric,
  options: BootstrapOptions = {},
): BootstrapResult {
  return bootstrapMany("bootstrapCI", x, y, { metric }, options).metric;
}
