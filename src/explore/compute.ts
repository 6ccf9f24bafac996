/**
 * What the explorer shows for a selection, as pure functions over an {@link ExploreTable}: the
 * library's own fusion, statistics, rule and search code, called exactly as a notebook would
 * (see `libraryCall`). The page runs this module in the browser; the tests run it in Node and
 * compare with the page's figures.
 *
 * - Fusion: `compareFusion` (k-fold, seed 0) with the selected transforms and fit; held-out
 *   PLCC / RMSE / SROCC / KROCC of FI and of the best single indicator (highest held-out SROCC,
 *   first on ties) with percentile-bootstrap CIs (`fitMetrics` on the pooled out-of-fold
 *   predictions: the same numbers `compareFusion` reports with that bootstrap). Computed in two
 *   independent halves, FI (`fusionHeldOut`) and the single indicators (`indicatorsHeldOut`), that
 *   the page runs in two Web Workers at once and merges (`mergeFusionHalves`).
 * - Search: random-N (NASWOT's Alg. 1, `randomN`) over the rows used, ranked by the held-out
 *   FI prediction, and top-k precision (`topKHitRate`) of that prediction.
 * - Rule: `scoreEntries` with the WOT column as the baseline (Kendall τ-b, paired ratio CI).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { Rng } from '../engine/rng';
import { fusionHeldOut, indicatorsHeldOut, type CompareFusionInput, type HeldOutRows, type IndicatorHeldOut } from '../fusion/compare';
import type { FusionTable } from '../fusion/data';
import type { FusionOptions } from '../fusion/model';
import { dasColumns, scoreEntries, type RuleScore } from '../fusion/rules';
import { fitMetrics, type FitMetrics } from '../stats/fitMetrics';
import { topKHitRate } from '../stats/topk';
import { randomN } from '../search/randomN';
import { EXPLORE_PROTOCOL, ruleSpec, type Selection } from './selection';
import type { ExploreTable } from './table';

/** A panel's content, or the message the page shows instead of it. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

export interface SearchFigures {
  /** Mean and sd of the chosen architecture's accuracy over the runs, per N. */
  readonly randomN: readonly { readonly n: number; readonly mean: number; readonly sd: number; readonly bestSingleMean: number }[];
  /** Top-k precision of the held-out FI ranking, for each k ≤ rows. */
  readonly topK: readonly { readonly k: number; readonly precision: number; readonly bestSingle: number }[];
  /** Best accuracy among the rows used. */
  readonly optimum: number;
}

export interface FusionFigures {
  readonly n: number;
  readonly dropped: number;
  /** Non-finite cells per selected column (and the accuracy), over the whole table. */
  readonly droppedBy: Readonly<Record<string, number>>;
  /** FI weights per standard deviation of each transformed indicator. */
  readonly weights: readonly { readonly name: string; readonly weight: number; readonly clipped: boolean }[];
  readonly intercept: number;
  readonly fi: FitMetrics;
  readonly best: { readonly name: string; readonly metrics: FitMetrics };
  /** Held-out prediction, accuracy and architecture string of every used row. */
  readonly scatter: { readonly predicted: readonly number[]; readonly actual: readonly number[]; readonly archs: readonly string[] };
  readonly notes: readonly string[];
  readonly search: SearchFigures;
}

/** Messages that explain a selection the fusion panel cannot compute, or `undefined`. */
function fusionPrecheck(t: ExploreTable, s: Selection): string | undefined {
  if (s.indicators.length === 0) return 'Tick at least one indicator to fit a fusion.';
  if (!(Number.isInteger(s.folds) && s.folds >= 2)) return `Folds must be an integer ≥ 2, got ${s.folds}.`;
  if (s.fit === 'ridge' && !(Number.isFinite(s.lambda) && s.lambda >= 0)) return `Ridge λ must be a number ≥ 0, got ${s.lambda}.`;
  let complete = 0;
  for (let i = 0; i < t.accuracy.length; i++) {
    if (Number.isFinite(t.accuracy[i]) && s.indicators.every((k) => Number.isFinite(t.values[k][i]))) complete++;
  }
  if (complete < Math.max(3, s.folds)) {
    return (
      `${s.folds}-fold cross-validation needs at least ${Math.max(3, s.folds)} architectures with finite values in every ticked indicator and the accuracy; ` +
      `this selection has ${complete} of ${t.accuracy.length}. Lower the folds or untick indicators with missing values.`
    );
  }
  return undefined;
}

/** Fusion options of a selection. */
export function fusionOptions(t: ExploreTable, s: Selection): FusionOptions {
  const transforms = Object.fromEntries(s.indicators.filter((k) => (s.transforms[k] ?? 'identity') !== 'identity').map((k) => [k, s.transforms[k]]));
  return {
    transforms,
    ...(s.fit === 'ridge' ? { ridge: s.lambda } : {}),
    ...(s.fit === 'nnls' ? { nonNegative: true, higherIsBetter: Object.fromEntries(s.indicators.map((k) => [k, t.higherIsBetter[k] ?? true])) } : {}),
    onSingular: 'ridge',
  };
}

/** Random-N picks' accuracies (`randomNRuns` runs of N draws, one seeded Rng per call) when ranking by `scores`. */
function randomNAccuracies(r: Pick<HeldOutRows, 'rowIndex' | 'actual'>, scores: readonly number[], size: number): number[] {
  const P = EXPLORE_PROTOCOL;
  const indices = r.rowIndex.map((_, i) => i);
  const pool = { proxy: 'FI', indices, scores, seconds: indices.map(() => 0) };
  const rng = new Rng(P.randomNSeed);
  return Array.from({ length: P.randomNRuns }, () => r.actual[randomN(pool, size, rng).chosen]);
}

/**
 * The FI half of the fusion panel: `fusionHeldOut` (the fusion half of `compareFusion`), FI's
 * held-out metrics with CIs, and the search figures of FI's ranking.
 */
export interface FusionFiHalf {
  readonly n: number;
  readonly dropped: number;
  readonly droppedBy: Readonly<Record<string, number>>;
  readonly weights: FusionFigures['weights'];
  readonly intercept: number;
  readonly fi: FitMetrics;
  /** Held-out prediction, accuracy and table row of every used row (the page has the architecture strings). */
  readonly scatter: { readonly predicted: readonly number[]; readonly actual: readonly number[]; readonly rows: readonly number[] };
  readonly notes: readonly string[];
  readonly randomN: readonly { readonly n: number; readonly mean: number; readonly sd: number }[];
  readonly topK: readonly { readonly k: number; readonly precision: number }[];
  readonly optimum: number;
}

/**
 * The single-indicator half: `indicatorsHeldOut` (the other half of `compareFusion`), the best
 * single indicator (highest held-out SROCC, first on ties) with CIs, and its search figures.
 */
export interface FusionBestHalf {
  readonly best: FusionFigures['best'];
  readonly randomN: readonly { readonly n: number; readonly mean: number }[];
  readonly topK: readonly { readonly k: number; readonly precision: number }[];
}

/** The two halves of the fusion panel; they can be computed apart (two Web Workers) and merged. */
export type FusionHalf = 'fi' | 'best';
type HalfFigures<H extends FusionHalf> = H extends 'fi' ? FusionFiHalf : FusionBestHalf;

/** Row form of each table for `compareFusion`, built once per table (refits change only the selection). */
const fusionTables = new WeakMap<ExploreTable, FusionTable>();

function fusionTable(t: ExploreTable): FusionTable {
  let table = fusionTables.get(t);
  if (table === undefined) {
    table = { names: t.indicators, rows: t.accuracy.map((_, i) => Object.fromEntries(t.indicators.map((k) => [k, t.values[k][i]]))) };
    fusionTables.set(t, table);
  }
  return table;
}

/** The `compareFusion` input of a selection (bootstrap 0: the CIs come from `fitMetrics` below). */
function compareInput(t: ExploreTable, s: Selection): CompareFusionInput {
  return { table: fusionTable(t), indicators: s.indicators, accuracy: t.accuracy, folds: s.folds, seed: EXPLORE_PROTOCOL.splitSeed, options: fusionOptions(t, s), metrics: { bootstrap: 0 } };
}

function fiHalf(t: ExploreTable, s: Selection): FusionFiHalf {
  const P = EXPLORE_PROTOCOL;
  const r = fusionHeldOut(compareInput(t, s));
  const oof = r.fusion.oof;
  const notes = [...r.model.fit.notes];
  if (t.indicators.length === 1) notes.push(`This table has a single indicator ('${t.indicators[0]}'): FI is that indicator's own line, so both columns agree.`);
  else if (s.indicators.length === 1) notes.push('One indicator ticked: FI is its own line, so both columns agree. Tick a second indicator to fuse.');
  if (r.model.fit.clipped.length) notes.push(`NNLS holds ${r.model.fit.clipped.join(', ')} at weight 0 (a free fit would give it the sign opposite to its direction of "better").`);
  return {
    n: r.n,
    dropped: r.dropped,
    droppedBy: r.droppedBy,
    weights: s.indicators.map((name, j) => ({ name, weight: r.model.weights[j], clipped: r.model.fit.clipped.includes(name) })),
    intercept: r.model.intercept,
    fi: fitMetrics(oof, r.actual, { bootstrap: P.bootstrap, seed: P.bootstrapSeed }),
    scatter: { predicted: oof, actual: r.actual, rows: r.rowIndex },
    notes,
    randomN: P.randomN.map((size) => {
      const acc = randomNAccuracies(r, oof, size);
      return { n: size, mean: mean(acc), sd: sampleStandardDeviation(acc) };
    }),
    topK: P.topK.filter((k) => k <= r.n).map((k) => ({ k, precision: topKHitRate(oof, r.actual, k) })),
    optimum: Math.max(...r.actual),
  };
}

/** The last best-single figures and what they were computed from (a refit often leaves them unchanged). */
let lastBest: { readonly name: string; readonly oof: readonly number[]; readonly actual: readonly number[]; readonly value: FusionBestHalf } | undefined;

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Per-indicator held-out results of recent refits. An indicator's line, out-of-fold predictions
 * and metrics depend only on its column and transform, the rows used and the folds, so a refit
 * that keeps the rows (the same rows complete in every ticked indicator) reuses them and computes
 * only the indicators it has not seen with that transform.
 */
let singles: { readonly table: ExploreTable; readonly rows: readonly number[]; readonly folds: number; readonly byKey: Map<string, IndicatorHeldOut> } | undefined;

/**
 * `indicatorsHeldOut` on the selection, each indicator computed once per (transform, rows, folds):
 * the ones missing are computed on a table where the rows incomplete in the full selection are
 * left out (their cells NaN), which gives the same rows, splits and row numbers in messages.
 */
function singlesHeldOut(t: ExploreTable, s: Selection): { perIndicator: readonly IndicatorHeldOut[]; actual: readonly number[]; rowIndex: readonly number[]; n: number } {
  const complete: boolean[] = t.accuracy.map((a, i) => Number.isFinite(a) && s.indicators.every((k) => Number.isFinite(t.values[k][i])));
  const rows: number[] = [];
  complete.forEach((c, i) => c && rows.push(i));
  const c = singles;
  const cache = c !== undefined && c.table === t && c.folds === s.folds && sameNumbers(c.rows, rows) ? c : { table: t, rows, folds: s.folds, byKey: new Map<string, IndicatorHeldOut>() };
  singles = cache;
  const key = (k: string): string => `${k}\u0000${s.transforms[k] ?? 'identity'}`;
  const missing = s.indicators.filter((k) => !cache.byKey.has(key(k)));
  if (missing.length > 0) {
    const table: FusionTable = { names: missing, rows: t.accuracy.map((_, i) => Object.fromEntries(missing.map((k) => [k, complete[i] ? t.values[k][i] : NaN]))) };
    const options = fusionOptions(t, { ...s, indicators: missing });
    const r = indicatorsHeldOut({ table, indicators: missing, accuracy: t.accuracy, folds: s.folds, seed: EXPLORE_PROTOCOL.splitSeed, options, metrics: { bootstrap: 0 } });
    for (const p of r.perIndicator) cache.byKey.set(key(p.name), p);
  }
  return { perIndicator: s.indicators.map((k) => cache.byKey.get(key(k))!), actual: rows.map((i) => t.accuracy[i]), rowIndex: rows, n: rows.length };
}

function bestHalf(t: ExploreTable, s: Selection): FusionBestHalf {
  const P = EXPLORE_PROTOCOL;
  const r = singlesHeldOut(t, s);
  let best = r.perIndicator[0];
  for (const p of r.perIndicator) if (p.metrics.srocc.value > best.metrics.srocc.value || Number.isNaN(best.metrics.srocc.value)) best = p;
  // its CIs and search figures are functions of (name, held-out predictions, accuracies) alone:
  // when a refit changes only FI or other indicators, they are the previous refit's
  const c = lastBest;
  if (c !== undefined && c.name === best.name && sameNumbers(c.oof, best.oof) && sameNumbers(c.actual, r.actual)) return c.value;
  const value = {
    best: { name: best.name, metrics: fitMetrics(best.oof, r.actual, { bootstrap: P.bootstrap, seed: P.bootstrapSeed }) },
    randomN: P.randomN.map((size) => ({ n: size, mean: mean(randomNAccuracies(r, best.oof, size)) })),
    topK: P.topK.filter((k) => k <= r.n).map((k) => ({ k, precision: topKHitRate(best.oof, r.actual, k) })),
  };
  lastBest = { name: best.name, oof: best.oof, actual: r.actual, value };
  return value;
}

/** One half of the fusion panel for a selection (the same precheck and messages as {@link computeFusion}). */
export function computeFusionHalf<H extends FusionHalf>(t: ExploreTable, s: Selection, half: H): Outcome<HalfFigures<H>> {
  const pre = fusionPrecheck(t, s);
  if (pre !== undefined) return { ok: false, message: pre };
  return attempt(() => (half === 'fi' ? fiHalf(t, s) : bestHalf(t, s)) as HalfFigures<H>);
}

/** The fusion panel on table `t` from its two halves; a failed half gives its message (the FI half's first). */
export function mergeFusionHalves(t: ExploreTable, fi: Outcome<FusionFiHalf>, best: Outcome<FusionBestHalf>): Outcome<FusionFigures> {
  if (!fi.ok) return fi;
  if (!best.ok) return best;
  const a = fi.value;
  const b = best.value;
  return {
    ok: true,
    value: {
      n: a.n,
      dropped: a.dropped,
      droppedBy: a.droppedBy,
      weights: a.weights,
      intercept: a.intercept,
      fi: a.fi,
      best: b.best,
      scatter: { predicted: a.scatter.predicted, actual: a.scatter.actual, archs: a.scatter.rows.map((i) => t.archs[i]) },
      notes: a.notes,
      search: {
        randomN: a.randomN.map((x, i) => ({ n: x.n, mean: x.mean, sd: x.sd, bestSingleMean: b.randomN[i].mean })),
        topK: a.topK.map((x, i) => ({ k: x.k, precision: x.precision, bestSingle: b.topK[i].precision })),
        optimum: a.optimum,
      },
    },
  };
}

/**
 * The fusion panel (fit, held-out metrics, scatter, search) for a selection: its two halves,
 * merged. Together they are `compareFusion` on the selection (the fusion half fails first) plus
 * `fitMetrics` with CIs on the two pooled out-of-fold predictions shown.
 */
export function computeFusion(t: ExploreTable, s: Selection): Outcome<FusionFigures> {
  return mergeFusionHalves(t, computeFusionHalf(t, s, 'fi'), computeFusionHalf(t, s, 'best'));
}

export interface RuleFigures {
  /** The rule's τ with its CI, and the rows used. */
  readonly rule: RuleScore;
  /** The baseline's (WOT's) τ on the same rows; undefined when the table has no WOT column. */
  readonly baseline?: RuleScore;
  /** Names the rule may use. */
  readonly names: readonly string[];
  readonly total: number;
}

/** Columns the rule language sees: every indicator, `index`, and with a batch size `N` and the DAS aliases. */
export function ruleColumns(t: ExploreTable): Record<string, Float64Array> {
  const scores = { proxies: t.indicators, rows: t.accuracy.map((_, i) => ({ index: i, arch: t.archs[i], seconds: 0, values: Object.fromEntries(t.indicators.map((k) => [k, t.values[k][i]])) })) };
  if (t.batchSize !== undefined) return dasColumns(scores, t.batchSize);
  const cols: Record<string, Float64Array> = { index: Float64Array.from(t.accuracy, (_, i) => i) };
  for (const k of t.indicators) cols[k] = Float64Array.from(t.values[k]);
  return cols;
}

/** The rule panel: τ of the typed rule (parameter `a` from the slider) against WOT, paired CI. */
export function computeRule(t: ExploreTable, s: Selection, columns: Record<string, Float64Array> = ruleColumns(t)): Outcome<RuleFigures> {
  if (s.rule.trim() === '') return { ok: false, message: 'Type a rule, e.g. rank(jacov) + a*rank(nwot).' };
  const names = Object.keys(columns);
  return attempt(() => {
    const P = EXPLORE_PROTOCOL;
    const mine = ruleSpec(s, names);
    const entries = [{ label: 'rule', rule: mine, params: { ...mine.params } }];
    if (t.baseline !== undefined) entries.unshift({ label: 'WOT', rule: { name: 'WOT', expr: t.baseline }, params: {} });
    const report = scoreEntries(entries, columns, t.accuracy, { baseline: t.baseline !== undefined ? 'WOT' : 'rule', bootstrap: P.bootstrap, seed: P.bootstrapSeed });
    const rule = report.entries[report.entries.length - 1];
    if (rule.n < 2) {
      throw new Error(`the rule is finite on ${rule.n} architecture(s) of ${report.total} (${rule.nonFinite.nan} NaN, ${rule.nonFinite.negInf} −∞, ${rule.nonFinite.posInf} +∞): τ needs at least 2`);
    }
    return { rule, ...(t.baseline !== undefined ? { baseline: report.baseline } : {}), names, total: report.total };
  });
}
