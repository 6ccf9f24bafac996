/**
 * The Fusion-Indicator quality metrics (Tran et al. 2021, docs/papers.md §4) for a predictor of accuracy
 * evaluated on held-out rows:
 *   PLCC  = pearson(pred, acc)            SROCC = spearman(pred, acc)   (average ranks for ties)
 *   RMSE  = sqrt(mean((pred − acc)²))      KROCC = kendallTauB(pred, acc) (τ-b for ties)
 * each with a percentile-bootstrap CI (bootstrapCIs: each resample is drawn once and all four
 * metrics are evaluated on it). RMSE needs predictions in accuracy units, so a single indicator is first mapped
 * by a 1-D least-squares line acc ≈ α + β·x fitted on training rows and applied to the held-out
 * rows (no logistic mapping: whether the paper used one is UNCONFIRMED). A negative β makes a
 * "lower is better" indicator's PLCC/SROCC/KROCC positive.
 */
import { bootstrapCIs } from './bootstrap';
import { pairFinite } from './clean';
import { kendallTauB, pearson, rmse, spearman } from './correlation';

export interface FitMetricsOptions {
  /** Bootstrap resamples B (default 1000); 0 ⇒ no CI (lo = hi = NaN). */
  readonly bootstrap?: number;
  /** Bootstrap seed (default 1). */
  readonly seed?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
}

/** One metric: its value on the evaluated pairs and a bootstrap CI. */
export interface MetricWithCI {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
  readonly level: number;
  readonly resamples: number;
  /** Resamples where the metric was undefined (e.g. a constant resample) and skipped. */
  readonly skipped: number;
  /** Pairs evaluated. */
  readonly n: number;
  /** Pairs dropped because the prediction or the accuracy was not finite. */
  readonly dropped: number;
}

export interface FitMetrics {
  readonly plcc: MetricWithCI;
  readonly rmse: MetricWithCI;
  readonly srocc: MetricWithCI;
  readonly krocc: MetricWithCI;
  readonly n: number;
  readonly dropped: number;
}

/** The four metrics' point values only (e.g. per fold). */
export interface MetricValues {
  readonly plcc: number;
  readonly rmse: number;
  readonly srocc: number;
  readonly krocc: number;
  readonly n: number;
}

/** Point values of the four metrics on finite pairs; NaN where undefined (n < 2, constant input). */
export function metricValues(pred: readonly number[], actual: readonly number[]): MetricValues {
  const c = pairFinite(pred, actual);
  if (c.n < 2) return { plcc: NaN, rmse: c.n === 1 ? rmse(c.x, c.y) : NaN, srocc: NaN, krocc: NaN, n: c.n };
  return { plcc: pearson(c.x, c.y), rmse: rmse(c.x, c.y), srocc: spearman(c.x, c.y), krocc: kendallTauB(c.x, c.y), n: c.n };
}

/**
 * PLCC, RMSE, SROCC, KROCC of predictions against accuracy, with bootstrap CIs. Non-finite pairs are
 * dropped and counted.
 * @throws Error on a length mismatch or fewer than 2 finite pairs.
 */
export function fitMetrics(pred: readonly number[], actual: readonly number[], options: FitMetricsOptions = {}): FitMetrics {
  const { bootstrap = 1000, seed = 1, level = 0.95 } = options;
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) throw new Error(`fitMetrics: bootstrap must be an integer ≥ 0, got ${bootstrap}`);
  const c = pairFinite(pred, actual);
  if (c.n < 2) throw new Error(`fitMetrics: needs at least 2 finite (prediction, accuracy) pairs, got ${c.n} (${c.dropped} dropped)`);
  const metrics = { plcc: pearson, rmse, srocc: spearman, krocc: kendallTauB };
  const base = { level, n: c.n, dropped: c.dropped };
  if (bootstrap === 0) {
    const none = (metric: (x: readonly number[], y: readonly number[]) => number): MetricWithCI => ({ value: metric(c.x, c.y), lo: NaN, hi: NaN, resamples: 0, skipped: 0, ...base });
    return { plcc: none(pearson), rmse: none(rmse), srocc: none(spearman), krocc: none(kendallTauB), n: c.n, dropped: c.dropped };
  }
  // one set of resamples for all four metrics
  const r = bootstrapCIs(c.x, c.y, metrics, { resamples: bootstrap, seed, level });
  const ci = (k: keyof typeof metrics): MetricWithCI => ({ value: r[k].estimate, lo: r[k].lo, hi: r[k].hi, resamples: bootstrap, skipped: r[k].skipped, ...base });
  return { plcc: ci('plcc'), rmse: ci('rmse'), srocc: ci('srocc'), krocc: ci('krocc'), n: c.n, dropped: c.dropped };
}

/** A fitted line acc ≈ intercept + slope·x. */
export interface Linear1D {
  readonly slope: number;
  readonly intercept: number;
  /** Pairs used for the fit. */
  readonly n: number;
  /** Pairs dropped as non-finite. */
  readonly dropped: number;
}

/**
 * Least-squares line through (x, y): β = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², α = ȳ − β·x̄, on finite pairs.
 * @throws Error if fewer than 2 finite pairs or x is constant.
 */
export function fitLinear1D(x: readonly number[], y: readonly number[]): Linear1D {
  const c = pairFinite(x, y);
  if (c.n < 2) throw new Error(`fitLinear1D: needs at least 2 finite pairs, got ${c.n} (${c.dropped} dropped)`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < c.n; i++) {
    mx += c.x[i];
    my += c.y[i];
  }
  mx /= c.n;
  my /= c.n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < c.n; i++) {
    const dx = c.x[i] - mx;
    sxx += dx * dx;
    sxy += dx * (c.y[i] - my);
  }
  if (sxx === 0) throw new Error(`fitLinear1D: x is constant (${c.x[0]}) on the ${c.n} training pairs`);
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, n: c.n, dropped: c.dropped };
}

/** α + β·x (NaN stays NaN). */
export function applyLinear1D(fit: Linear1D, x: readonly number[]): number[] {
  return x.map((v) => fit.intercept + fit.slope * v);
}

/** Paired values of one indicator (x) and accuracy (y). */
export interface XY {
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export interface IndicatorEvaluation extends FitMetrics {
  /** The line fitted on the training rows. */
  readonly mapping: Linear1D;
  /** Mapped predictions on the test rows, in input order (NaN where x was not finite). */
  readonly predictions: readonly number[];
}

/**
 * Evaluates one indicator on held-out rows: fit acc ≈ α + β·x on `train`, predict `test`, and
 * compute the four metrics (+ CIs) on the test pairs. `dropped` counts the test pairs dropped.
 */
export function evaluateIndicator(split: { readonly train: XY; readonly test: XY }, options: FitMetricsOptions = {}): IndicatorEvaluation {
  if (split.test.x.length !== split.test.y.length) {
    throw new Error(`evaluateIndicator: test x has ${split.test.x.length} values, y has ${split.test.y.length}`);
  }
  const mapping = fitLinear1D(split.train.x, split.train.y);
  const predictions = applyLinear1D(mapping, split.test.x);
  return { ...fitMetrics(predictions, split.test.y, options), mapping, predictions };
}

/** Anything that maps rows to predicted accuracy (e.g. a FusionModel). */
export interface Predictor<Row> {
  predict(rows: readonly Row[]): number[];
}

/**
 * Evaluates a fitted model on held-out rows: predictions vs accuracy; rows whose prediction
 * (missing indicator) or accuracy is not finite are dropped and counted.
 */
export function evaluatePredictor<Row>(
  model: Predictor<Row>,
  rows: readonly Row[],
  actual: readonly number[],
  options: FitMetricsOptions = {},
): FitMetrics & { readonly predictions: readonly number[] } {
  if (rows.length !== actual.length) throw new Error(`evaluatePredictor: ${rows.length} rows but ${actual.length} accuracies`);
  const predictions = model.predict(rows);
  return { ...fitMetrics(predictions, actual, options), predictions };
}
