/**
 * One call for the Fusion-Indicator notebook: on the rows complete in every selected indicator and
 * the accuracy, split (k-fold or hold-out, seeded), and compare on held-out rows only
 *   - each indicator alone, mapped to accuracy by a 1-D least-squares line (on the same transform
 *     as in the fusion) fitted on the training rows of each fold, with
 *   - the fusion indicator FI fitted on the same training rows,
 * reporting PLCC / RMSE / SROCC / KROCC with bootstrap CIs on the pooled out-of-fold predictions
 * (the CIs resample architectures, not fold fits; every predictor sees the same resamples since
 * they share the bootstrap seed), the per-fold values, the out-of-fold predictions
 * (predicted-vs-actual and residual plots) and the model fitted on all rows.
 * `compareFusionTransfer` does the same with the fit on one dataset and the evaluation on another.
 */
import { fitLinear1D, applyLinear1D, fitMetrics, metricValues } from '../stats/fitMetrics';
import type { FitMetrics, FitMetricsOptions, Linear1D, MetricValues, MetricWithCI } from '../stats/fitMetrics';
import { crossValidatePrepared, makeSplits, type CrossValidation, type Split, type SplitSpec } from './cv';
import { prepareData, type FusionData, type FusionTable, type PreparedData } from './data';
import { fitPrepared, type FusionModel, type FusionOptions } from './model';
import { applyTransform, fitTransform, type TransformName } from './transforms';

export interface CompareFusionInput {
  readonly table: FusionTable;
  readonly indicators: readonly string[];
  /** Accuracy column of `table` (give this or `accuracy`). */
  readonly accuracyKey?: string;
  /** Accuracy per table row (give this or `accuracyKey`). */
  readonly accuracy?: readonly number[];
  /** k for k-fold CV (default 5 when `testFraction` is not given). */
  readonly folds?: number;
  /** Hold-out fraction instead of k-fold. */
  readonly testFraction?: number;
  /** Split seed (default 0). */
  readonly seed?: number;
  /** Fusion fit options (transforms also apply to the per-indicator lines). */
  readonly options?: FusionOptions;
  /** Bootstrap options of the metrics (default 1000 resamples, seed 1, 95 %). */
  readonly metrics?: FitMetricsOptions;
}

/** Held-out evaluation of one predictor (an indicator or FI). */
export interface HeldOutEvaluation {
  /** Indicator name, or 'FI'. */
  readonly name: string;
  /** Metrics (with CIs) on the pooled held-out predictions. */
  readonly metrics: FitMetrics;
  /** Metric values per fold (no CI). */
  readonly perFold: readonly MetricValues[];
  /** Held-out prediction per used row (NaN for rows never held out). */
  readonly oof: readonly number[];
}

export interface IndicatorHeldOut extends HeldOutEvaluation {
  readonly transform: TransformName;
  /** The line acc ≈ α + β·t(x) of each fold. */
  readonly mappings: readonly Linear1D[];
}

/** The rows and splits both halves of a comparison use. */
export interface HeldOutRows {
  readonly indicators: readonly string[];
  readonly spec: SplitSpec;
  readonly seed: number;
  /** Rows used (complete in every selected indicator and the accuracy). */
  readonly n: number;
  readonly dropped: number;
  readonly droppedBy: Readonly<Record<string, number>>;
  /** Input-table index and accuracy of each used row (aligned with every `oof`). */
  readonly rowIndex: readonly number[];
  readonly actual: readonly number[];
}

/** The single-indicator half of {@link compareFusion}. */
export interface IndicatorsHeldOutResult extends HeldOutRows {
  readonly perIndicator: readonly IndicatorHeldOut[];
}

/** The fusion half of {@link compareFusion}. */
export interface FusionHeldOutResult extends HeldOutRows {
  readonly fusion: HeldOutEvaluation;
  /** FI fitted on all n rows (what to apply to new architectures). */
  readonly model: FusionModel;
  /** The fold models and splits behind `fusion`. */
  readonly cv: CrossValidation;
}

export interface CompareFusionResult extends IndicatorsHeldOutResult, FusionHeldOutResult {}

function specOf(input: CompareFusionInput): SplitSpec {
  if (input.folds !== undefined && input.testFraction !== undefined) {
    throw new Error('compareFusion: give either folds or testFraction, not both');
  }
  return input.testFraction !== undefined ? { testFraction: input.testFraction } : { folds: input.folds ?? 5 };
}

function dataOf(input: CompareFusionInput): FusionData {
  if ((input.accuracyKey === undefined) === (input.accuracy === undefined)) {
    throw new Error('compareFusion: give exactly one of accuracyKey and accuracy');
  }
  return input.accuracyKey !== undefined
    ? { table: input.table, accuracyKey: input.accuracyKey }
    : { table: input.table, accuracy: input.accuracy as readonly number[] };
}

/** Values of the used rows at positions `idx`. */
function pick(v: readonly number[], idx: readonly number[]): number[] {
  return idx.map((i) => v[i]);
}

/** Per-fold metric values of `oof` on each split's test rows. */
function perFoldValues(oof: readonly number[], actual: readonly number[], tests: readonly (readonly number[])[]): MetricValues[] {
  return tests.map((t) => metricValues(pick(oof, t), pick(actual, t)));
}

/**
 * One indicator alone: fit its transform and the line acc ≈ α + β·t(x) on the training rows, predict
 * the test rows. `rows` are input-table indices (for error messages).
 */
function indicatorLine(
  name: string,
  transform: TransformName,
  train: { readonly raw: readonly number[]; readonly rows: readonly number[]; readonly acc: readonly number[] },
  test: { readonly raw: readonly number[]; readonly rows: readonly number[] },
  where: string,
): { line: Linear1D; pred: number[] } {
  const t = fitTransform(transform, train.raw, { indicator: name, rows: train.rows });
  let line: Linear1D;
  try {
    line = fitLinear1D(applyTransform(t, train.raw, { indicator: name, rows: train.rows }), train.acc);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  return { line, pred: applyLinear1D(line, applyTransform(t, test.raw, { indicator: name, rows: test.rows })) };
}

/** Complete rows of the input, with the split that both halves use. */
function heldOutRows(input: CompareFusionInput): { data: PreparedData; rows: HeldOutRows; splits: readonly Split[]; tested: number[] } {
  const spec = specOf(input);
  const seed = input.seed ?? 0;
  const data = prepareData(dataOf(input), input.indicators);
  const n = data.accuracy.length;
  if (n < 3) throw new Error(`compareFusion: needs at least 3 complete rows, got ${n} (${data.dropped} dropped as non-finite)`);
  const splits = makeSplits(n, spec, seed);
  // rows that some split holds out (all rows for k-fold; the test rows for a hold-out split)
  const tested = splits.flatMap((s) => s.test).sort((a, b) => a - b);
  const rows: HeldOutRows = { indicators: data.indicators, spec, seed, n, dropped: data.dropped, droppedBy: data.droppedBy, rowIndex: data.rowIndex, actual: data.accuracy };
  return { data, rows, splits, tested };
}

function heldOutMetrics(oof: readonly number[], actual: readonly number[], tested: readonly number[], options: FitMetricsOptions | undefined): FitMetrics {
  return fitMetrics(pick(oof, tested), pick(actual, tested), options);
}

/**
 * The single-indicator half of {@link compareFusion}: on the same rows and splits, each indicator
 * alone through its 1-D line fitted on each fold's training rows. Equal, field for field, to the
 * same fields of `compareFusion(input)`; with {@link fusionHeldOut} it can run elsewhere (e.g. in
 * a second Web Worker) and be merged.
 */
export function indicatorsHeldOut(input: CompareFusionInput): IndicatorsHeldOutResult {
  const { data, rows, splits, tested } = heldOutRows(input);
  const options = input.options ?? {};
  const { n, actual } = rows;
  const tests = splits.map((s) => s.test);
  const perIndicator: IndicatorHeldOut[] = data.indicators.map((name, j) => {
    const transform = options.transforms?.[name] ?? 'identity';
    const raw = data.columns[j];
    const oof = new Array<number>(n).fill(NaN);
    const mappings = splits.map((s, f) => {
      const { line, pred } = indicatorLine(
        name,
        transform,
        { raw: pick(raw, s.train), rows: pick(data.rowIndex, s.train), acc: pick(actual, s.train) },
        { raw: pick(raw, s.test), rows: pick(data.rowIndex, s.test) },
        `compareFusion: indicator '${name}', split ${f}`,
      );
      s.test.forEach((i, r) => (oof[i] = pred[r]));
      return line;
    });
    return { name, transform, metrics: heldOutMetrics(oof, actual, tested, input.metrics), perFold: perFoldValues(oof, actual, tests), oof, mappings };
  });
  return { ...rows, perIndicator };
}

/**
 * The fusion half of {@link compareFusion}: FI cross-validated on the same rows and splits, and the
 * model fitted on all of them. Equal, field for field, to the same fields of `compareFusion(input)`.
 */
export function fusionHeldOut(input: CompareFusionInput): FusionHeldOutResult {
  const { data, rows, splits, tested } = heldOutRows(input);
  const options = input.options ?? {};
  const cv = crossValidatePrepared(data, rows.spec, rows.seed, options);
  const fusion: HeldOutEvaluation = {
    name: 'FI',
    metrics: heldOutMetrics(cv.oof, rows.actual, tested, input.metrics),
    perFold: perFoldValues(cv.oof, rows.actual, splits.map((s) => s.test)),
    oof: cv.oof,
  };
  return { ...rows, fusion, model: fitPrepared(data, options), cv };
}

/**
 * Compares each indicator (via a 1-D linear fit) with the fusion indicator on held-out rows: the
 * fusion half ({@link fusionHeldOut}, which fails first on a bad fit) and the single-indicator half
 * ({@link indicatorsHeldOut}) on the same rows and splits.
 */
export function compareFusion(input: CompareFusionInput): CompareFusionResult {
  const { fusion, model, cv } = fusionHeldOut(input);
  return { ...indicatorsHeldOut(input), fusion, model, cv };
}

/** Flat rows (one per predictor, FI last) for a table: value and CI bounds of each metric. */
export function compareTableRows(r: CompareFusionResult): Record<string, string | number>[] {
  const row = (name: string, transform: string, m: FitMetrics): Record<string, string | number> => ({
    predictor: name,
    transform,
    n: m.n,
    plcc: m.plcc.value,
    plcc_lo: m.plcc.lo,
    plcc_hi: m.plcc.hi,
    rmse: m.rmse.value,
    rmse_lo: m.rmse.lo,
    rmse_hi: m.rmse.hi,
    srocc: m.srocc.value,
    srocc_lo: m.srocc.lo,
    srocc_hi: m.srocc.hi,
    krocc: m.krocc.value,
    krocc_lo: m.krocc.lo,
    krocc_hi: m.krocc.hi,
  });
  return [
    ...r.perIndicator.map((p) => row(p.name, p.transform, p.metrics)),
    row('FI', r.model.transforms.map((t) => t.name).join('/'), r.fusion.metrics),
  ];
}

/** One dataset: a table plus its accuracy (a column of the table, or a vector per row). */
export interface AccuracyTable {
  readonly table: FusionTable;
  readonly accuracyKey?: string;
  readonly accuracy?: readonly number[];
}

export interface TransferInput {
  /** Where the lines and FI are fitted (e.g. NB201 CIFAR-10). */
  readonly train: AccuracyTable;
  /** Where they are evaluated, unchanged (e.g. NB201 CIFAR-100). */
  readonly test: AccuracyTable;
  readonly indicators: readonly string[];
  readonly options?: FusionOptions;
  readonly metrics?: FitMetricsOptions;
}

/** Rows used and dropped on one side of a transfer. */
export interface TransferSide {
  readonly n: number;
  readonly dropped: number;
  readonly droppedBy: Readonly<Record<string, number>>;
  readonly rowIndex: readonly number[];
  readonly actual: readonly number[];
}

export interface TransferEvaluation {
  readonly name: string;
  /** Metrics on the test rows. */
  readonly metrics: FitMetrics;
  /** Prediction per used test row. */
  readonly predictions: readonly number[];
}

export interface TransferResult {
  readonly indicators: readonly string[];
  readonly train: TransferSide;
  readonly test: TransferSide;
  readonly perIndicator: readonly (TransferEvaluation & { readonly transform: TransformName; readonly mapping: Linear1D })[];
  readonly fusion: TransferEvaluation;
  /** FI fitted on all complete training rows. */
  readonly model: FusionModel;
}

function accuracyData(side: AccuracyTable, label: string): FusionData {
  if ((side.accuracyKey === undefined) === (side.accuracy === undefined)) {
    throw new Error(`compareFusionTransfer: ${label}: give exactly one of accuracyKey and accuracy`);
  }
  return side.accuracyKey !== undefined
    ? { table: side.table, accuracyKey: side.accuracyKey }
    : { table: side.table, accuracy: side.accuracy as readonly number[] };
}

/**
 * Fit on one dataset, evaluate on another (the question the FI paper leaves open: does the fusion
 * still win on a dataset it was not fitted on?). Each indicator's line and FI are fitted on all
 * complete `train` rows and scored, unchanged, on the complete `test` rows.
 */
export function compareFusionTransfer(input: TransferInput): TransferResult {
  const options = input.options ?? {};
  const tr = prepareData(accuracyData(input.train, 'train'), input.indicators);
  const te = prepareData(accuracyData(input.test, 'test'), input.indicators);
  if (te.accuracy.length < 2) throw new Error(`compareFusionTransfer: needs at least 2 complete test rows, got ${te.accuracy.length}`);
  const model = fitPrepared(tr, options);
  const side = (d: PreparedData): TransferSide => ({ n: d.accuracy.length, dropped: d.dropped, droppedBy: d.droppedBy, rowIndex: d.rowIndex, actual: d.accuracy });
  const perIndicator = tr.indicators.map((name, j) => {
    const transform = options.transforms?.[name] ?? 'identity';
    const { line, pred } = indicatorLine(
      name,
      transform,
      { raw: tr.columns[j], rows: tr.rowIndex, acc: tr.accuracy },
      { raw: te.columns[j], rows: te.rowIndex },
      `compareFusionTransfer: indicator '${name}'`,
    );
    return { name, transform, mapping: line, metrics: fitMetrics(pred, te.accuracy, input.metrics), predictions: pred };
  });
  const fiPred = model.predictColumns(te.columns, te.rowIndex);
  return {
    indicators: tr.indicators,
    train: side(tr),
    test: side(te),
    perIndicator,
    fusion: { name: 'FI', metrics: fitMetrics(fiPred, te.accuracy, input.metrics), predictions: fiPred },
    model,
  };
}

/** FI against the best single indicator on one rank metric (higher is better), from held-out metrics with CIs. */
export interface FusionVerdict {
  readonly metric: 'srocc' | 'krocc';
  readonly fi: MetricWithCI;
  readonly best: { readonly name: string; readonly metric: MetricWithCI };
  /** 'clear': FI higher and the CIs do not overlap; 'overlap': FI higher, CIs overlap; 'no': FI not higher. */
  readonly outcome: 'clear' | 'overlap' | 'no';
  /** One line: `FI v [lo, hi] vs the best single indicator NAME v [lo, hi]: FI …`. */
  readonly text: string;
}

/** Does FI beat every single indicator on `metric`? (Works for held-out and transfer results.) */
export function fusionVerdict(
  r: { readonly perIndicator: readonly { readonly name: string; readonly metrics: FitMetrics }[]; readonly fusion: { readonly metrics: FitMetrics } },
  metric: 'srocc' | 'krocc',
): FusionVerdict {
  if (r.perIndicator.length === 0) throw new Error('fusionVerdict: no single indicators to compare FI with');
  const best = r.perIndicator.reduce((a, b) => (b.metrics[metric].value > a.metrics[metric].value ? b : a));
  const fi = r.fusion.metrics[metric];
  const b = best.metrics[metric];
  const outcome = fi.value > b.value ? (fi.lo > b.hi ? 'clear' : 'overlap') : 'no';
  const ci = (m: MetricWithCI): string => (Number.isFinite(m.lo) ? ` [${m.lo.toFixed(3)}, ${m.hi.toFixed(3)}]` : '');
  const says = { clear: 'beats it clearly (CIs do not overlap)', overlap: 'is higher, but the CIs overlap', no: 'does NOT beat it' }[outcome];
  return {
    metric,
    fi,
    best: { name: best.name, metric: b },
    outcome,
    text: `FI ${fi.value.toFixed(3)}${ci(fi)} vs the best single indicator ${best.name} ${b.value.toFixed(3)}${ci(b)}: FI ${says}`,
  };
}
