/**
 * Combination rules over indicator atoms, as data (DAS, docs/papers.md §3): a rule is
 * `{ name, expr, params }` with `expr` in the small language of ruleParser.ts, evaluated over a
 * population of architectures, swept over parameter grids and judged by rank correlation with
 * accuracy (Kendall τ-b, Spearman ρ, percentile-bootstrap CIs) and by its improvement over the
 * WOT baseline, τ_rule / τ_WOT, with a *paired* bootstrap CI (the same resampled architectures
 * for numerator and denominator). Picking the best of many rules on the same data that reports
 * it is optimistic, so `splitRuleReport` chooses on one half and reports on the other.
 */
import type { ScoreTable } from '../runner/results';
import { Rng } from '../engine/rng';
import { bootstrapCI, percentileCI, resampleValues } from '../stats/bootstrap';
import { kendallTauB, kendallTauBOnResamples, spearman } from '../stats/correlation';
import {
  evaluateExpr,
  parseRuleExpr,
  RULE_FUNCTIONS,
  RuleNameError,
  ruleNames,
  type RuleColumns,
  type RuleExpr,
} from './ruleParser';

export { RuleNameError, RuleSyntaxError, parseRuleExpr, formatRuleExpr, type RuleColumns, type RuleExpr } from './ruleParser';

/** A combination rule. */
export interface RuleSpec {
  readonly name: string;
  readonly expr: string;
  /** Declared parameters with their default values (a name in `expr` that is a parameter). */
  readonly params?: Readonly<Record<string, number>>;
  readonly description?: string;
}

/** A parsed rule with its names split into columns and parameters. */
export interface CompiledRule {
  readonly spec: RuleSpec;
  readonly ast: RuleExpr;
  /** Column names the rule reads. */
  readonly columns: readonly string[];
  /** Parameters the rule declares. */
  readonly params: readonly string[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parse a rule and resolve its names: declared parameters first, the rest are columns. With
 * `columnNames`, every column must be one of them (else RuleNameError listing the known names)
 * and no parameter may share a column's name.
 */
export function compileRule(rule: RuleSpec | string, columnNames?: readonly string[]): CompiledRule {
  const spec: RuleSpec = typeof rule === 'string' ? { name: rule, expr: rule } : rule;
  const params = Object.keys(spec.params ?? {});
  for (const p of params) {
    if (!NAME_RE.test(p) || (RULE_FUNCTIONS as readonly string[]).includes(p)) {
      throw new Error(`rule '${spec.name}': bad parameter name '${p}' (must be an identifier, not a function name)`);
    }
    if (!Number.isFinite(spec.params![p])) throw new Error(`rule '${spec.name}': parameter ${p} has non-finite default ${spec.params![p]}`);
  }
  const ast = parseRuleExpr(spec.expr);
  const columns = ruleNames(ast).filter((n) => !params.includes(n));
  if (columnNames) {
    const clash = params.filter((p) => columnNames.includes(p));
    if (clash.length) throw new Error(`rule '${spec.name}': parameter(s) ${clash.join(', ')} also name column(s); rename the parameter`);
    const unknown = columns.filter((c) => !columnNames.includes(c));
    if (unknown.length) throw new RuleNameError(spec.expr, unknown, [...columnNames, ...params.map((p) => `${p} (parameter)`)]);
  }
  return { spec, ast, columns, params };
}

/** Counts of non-finite values. */
export interface NonFiniteCounts {
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  readonly total: number;
}

export function countNonFinite(v: ArrayLike<number>): NonFiniteCounts {
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (let i = 0; i < v.length; i++) {
    const a = v[i];
    if (Number.isNaN(a)) nan++;
    else if (a === Infinity) posInf++;
    else if (a === -Infinity) negInf++;
  }
  return { nan, posInf, negInf, total: nan + posInf + negInf };
}

export interface RuleEvaluation {
  /** One value per row of the population. */
  readonly values: Float64Array;
  /** The parameter values used (defaults overridden by the call's). */
  readonly params: Readonly<Record<string, number>>;
  readonly nonFinite: NonFiniteCounts;
}

function isCompiled(r: RuleSpec | CompiledRule | string): r is CompiledRule {
  return typeof r === 'object' && 'ast' in r;
}

/** Number of rows of a column set; every column must have it. */
export function columnLength(columns: RuleColumns): number {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error('rule columns: no columns given');
  const n = columns[names[0]].length;
  const bad = names.filter((c) => columns[c].length !== n);
  if (bad.length) throw new Error(`rule columns: length mismatch (${names[0]} has ${n} rows; ${bad.map((c) => `${c} has ${columns[c].length}`).join(', ')})`);
  return n;
}

/**
 * Evaluate a rule over a population: `columns` maps names to one value per architecture,
 * `params` overrides the rule's defaults. Vectorised; NaN/±∞ propagate and are counted.
 * @throws on unknown names, undeclared or missing parameters, or columns of unequal length.
 */
export function evaluateRule(
  rule: RuleSpec | CompiledRule | string,
  columns: RuleColumns,
  params: Readonly<Record<string, number>> = {},
): RuleEvaluation {
  const n = columnLength(columns);
  const names = Object.keys(columns);
  const c = isCompiled(rule) ? rule : compileRule(rule, names);
  const missing = c.columns.filter((name) => !names.includes(name));
  if (missing.length) throw new RuleNameError(c.spec.expr, missing, [...names, ...c.params.map((p) => `${p} (parameter)`)]);
  const clash = c.params.filter((p) => names.includes(p));
  if (clash.length) throw new Error(`rule '${c.spec.name}': parameter(s) ${clash.join(', ')} also name column(s); rename the parameter`);
  const undeclared = Object.keys(params).filter((p) => !c.params.includes(p));
  if (undeclared.length) {
    throw new Error(`rule '${c.spec.name}': unknown parameter(s) ${undeclared.join(', ')} (declared: ${c.params.join(', ') || 'none'})`);
  }
  const used: Record<string, number> = {};
  for (const p of c.params) {
    const v = params[p] ?? c.spec.params?.[p];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`rule '${c.spec.name}': parameter ${p} needs a finite value, got ${v}`);
    used[p] = v;
  }
  const values = evaluateExpr(c.ast, n, (name) => (name in used ? used[name] : columns[name]));
  return { values, params: used, nonFinite: countNonFinite(values) };
}

/** Parameter grid: parameter name → values; a sweep takes their Cartesian product. */
export type ParamGrid = Readonly<Record<string, readonly number[]>>;

/** Cartesian product of a grid, first parameter varying slowest. */
export function gridPoints(grid: ParamGrid): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const [p, values] of Object.entries(grid)) {
    if (values.length === 0) throw new Error(`parameter grid: no values for ${p}`);
    out = out.flatMap((pt) => values.map((v) => ({ ...pt, [p]: v })));
  }
  return out;
}

/** Evaluate a rule at every point of a grid. */
export function sweepRule(rule: RuleSpec, columns: RuleColumns, grid: ParamGrid): RuleEvaluation[] {
  const c = compileRule(rule, Object.keys(columns));
  return gridPoints(grid).map((pt) => evaluateRule(c, columns, pt));
}

/**
 * Built-in rules over the DAS atoms (docs/papers.md §3; the paper's own rules are unconfirmed, these
 * are the workbench's candidates). Column names as produced by `dasColumns`.
 */
export const DAS_RULES: readonly RuleSpec[] = Object.freeze<RuleSpec[]>([
  { name: 'WOT', expr: 'N*log(NA) + logdetS', description: 'NASWOT log|K_H| rebuilt from the atoms (identity)' },
  { name: 'S', expr: 'logdetS', description: 'distinguishing ability log|S| only' },
  { name: 'NA', expr: 'NA', description: 'number of activation units only' },
  { name: 'S+aWOT', expr: 'logdetS + a*N*log(NA)', params: { a: 1 }, description: 'a = 1: WOT; a = 0: S only; a → ∞: NA only' },
  { name: 'rank-sum', expr: 'rank(logdetS) + rank(NA)', description: 'sum of the two atoms\' ranks' },
  { name: 'rank-sum-b', expr: 'rank(logdetS) + b*rank(NA)', params: { b: 1 }, description: 'weighted rank sum' },
  { name: 'z-sum', expr: 'z(logdetS) + z(logNA)', description: 'sum of standardised log|S| and log N_A' },
  { name: 'rank-product', expr: 'rank(logdetS) * rank(NA)', description: 'product of ranks' },
  { name: 'product', expr: 'logNA * exp(logdetS / N)', description: 'log N_A times the per-sample geometric mean |S|^(1/N)' },
  { name: 'ratio', expr: 'logNA / -logdetS', description: 'log N_A over the (positive) indistinguishability −log|S|' },
]);

/** Default sweeps of the built-in parametric rules. */
export const DAS_SWEEPS: Readonly<Record<string, ParamGrid>> = Object.freeze({
  'S+aWOT': { a: [0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 10, 100] },
  'rank-sum-b': { b: [0, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 10] },
});

/** The paper's claimed improvement range over WOT (abstract of arXiv 2212.12132; metric unconfirmed). */
export const DAS_PAPER_RATIO: readonly [number, number] = [1.04, 1.56];

/**
 * Columns for rules from a score table: every proxy column by its name, `index`, and the DAS
 * aliases `NA` (das_na), `logNA` = log NA, `logdetS` (das_logdet_s), `N` (the batch size, from
 * the score file's settings) when the atom columns are present.
 */
export function dasColumns(table: ScoreTable, batchSize: number): Record<string, Float64Array> {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`dasColumns: batch size must be a positive integer, got ${batchSize}`);
  const n = table.rows.length;
  const cols: Record<string, Float64Array> = { index: Float64Array.from(table.rows, (r) => r.index) };
  for (const p of table.proxies) cols[p] = Float64Array.from(table.rows, (r) => r.values[p]);
  cols.N = new Float64Array(n).fill(batchSize);
  if (cols.das_na) {
    cols.NA = cols.das_na;
    cols.logNA = cols.das_na.map(Math.log);
  }
  if (cols.das_logdet_s) cols.logdetS = cols.das_logdet_s;
  return cols;
}

/** The rows `rows` of every column. */
export function subsetColumns(columns: RuleColumns, rows: readonly number[]): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(columns)) out[k] = Float64Array.from(rows, (i) => v[i]);
  return out;
}

/** One rule at one parameter point. */
export interface RuleEntry {
  /** Rule name, with the parameters when swept, e.g. `S+aWOT[a=0.5]`. */
  readonly label: string;
  readonly rule: RuleSpec;
  readonly params: Readonly<Record<string, number>>;
}

/** Expand rules and their sweeps into entries (a rule with a sweep appears once per grid point). */
export function expandRules(rules: readonly RuleSpec[], sweeps: Readonly<Record<string, ParamGrid>> = {}): RuleEntry[] {
  const names = rules.map((r) => r.name);
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (dup.length) throw new Error(`rules: duplicate name(s) ${[...new Set(dup)].join(', ')}`);
  const unknownSweeps = Object.keys(sweeps).filter((s) => !names.includes(s));
  if (unknownSweeps.length) throw new Error(`sweeps name unknown rule(s) ${unknownSweeps.join(', ')} (rules: ${names.join(', ')})`);
  return rules.flatMap((rule): RuleEntry[] => {
    const grid = sweeps[rule.name];
    if (!grid) return [{ label: rule.name, rule, params: { ...rule.params } }];
    const declared = Object.keys(rule.params ?? {});
    const bad = Object.keys(grid).filter((p) => !declared.includes(p));
    if (bad.length) throw new Error(`sweep of '${rule.name}': unknown parameter(s) ${bad.join(', ')} (declared: ${declared.join(', ') || 'none'})`);
    return gridPoints(grid).map((pt) => ({
      label: `${rule.name}[${Object.entries(pt).map(([k, v]) => `${k}=${v}`).join(',')}]`,
      rule,
      params: { ...rule.params, ...pt },
    }));
  });
}

/** A statistic with its percentile-bootstrap CI (lo = hi = NaN without bootstrap). */
export interface Estimate {
  readonly estimate: number;
  readonly lo: number;
  readonly hi: number;
  /** Resamples skipped because the statistic was undefined there. */
  readonly skipped: number;
}

export interface RuleScore extends RuleEntry {
  /** Non-finite rule values over the whole population (before any dropping). */
  readonly nonFinite: NonFiniteCounts;
  /** Rows used for τ and ρ. */
  readonly n: number;
  /** Rows dropped (non-finite rule value or accuracy; in 'common' mode, any entry's). */
  readonly dropped: number;
  readonly kendall: Estimate;
  readonly spearman: Estimate;
  /** τ_rule / τ_baseline on rows finite for both, paired bootstrap CI. */
  readonly ratio: Estimate;
  /** Rows used for the ratio. */
  readonly ratioN: number;
}

export interface RuleReportOptions {
  /** Name of the baseline entry's label (default 'WOT'). */
  readonly baseline?: string;
  readonly sweeps?: Readonly<Record<string, ParamGrid>>;
  /** Bootstrap resamples (default 1000; 0 = estimates only). */
  readonly bootstrap?: number;
  /** Bootstrap seed (default 1); every CI of a report uses the same resampled rows. */
  readonly seed?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
  /**
   * 'common' (default): every rule is judged on the rows where all rules and the accuracy are
   * finite, so rules are compared on the same architectures. 'per-rule': each on its own finite
   * rows (the ratio on rows finite for the rule and the baseline).
   */
  readonly rows?: 'common' | 'per-rule';
}

export interface RuleReport {
  /** Rows in the population. */
  readonly total: number;
  /** Rows whose accuracy is not finite. */
  readonly badAccuracy: number;
  /** Rows used by every entry in 'common' mode (NaN in 'per-rule' mode). */
  readonly commonRows: number;
  readonly mode: 'common' | 'per-rule';
  readonly bootstrap: number;
  readonly seed: number;
  readonly level: number;
  readonly baseline: RuleScore;
  readonly entries: readonly RuleScore[];
  /** Entry with the highest Kendall τ (first on ties; NaN τ never wins). */
  readonly best: RuleScore;
}

const NO_CI = (estimate: number): Estimate => ({ estimate, lo: NaN, hi: NaN, skipped: 0 });

function gather(v: ArrayLike<number>, rows: readonly number[]): number[] {
  return rows.map((i) => v[i]);
}

/** Kendall τ-b or Spearman ρ with a bootstrap CI; NaN when fewer than 2 rows. */
function correlation(x: number[], y: number[], metric: typeof kendallTauB, b: number, seed: number, level: number): Estimate {
  if (x.length < 2) return { estimate: NaN, lo: NaN, hi: NaN, skipped: 0 };
  if (b === 0) return NO_CI(metric(x, y));
  const r = bootstrapCI(x, y, metric, { resamples: b, seed, level });
  return { estimate: r.estimate, lo: r.lo, hi: r.hi, skipped: r.skipped };
}

/** The baseline's τ with accuracy, on the full rows and on each of the B resamples (shared by every entry's ratio). */
interface BaselineTaus {
  readonly tau: number;
  /** τ of resample b at [b]; empty when B = 0. */
  readonly taus: Float64Array;
}

function baselineTaus(base: readonly number[], acc: readonly number[], b: number, seed: number): BaselineTaus {
  const tau = kendallTauB(base, acc);
  return { tau, taus: b === 0 ? new Float64Array(0) : resampleValues(base.length, kendallTauBOnResamples(base, acc), { resamples: b, seed }) };
}

/** τ(x, acc) / τ_base with its paired percentile CI from the baseline's per-resample τ (same m, b, seed). */
function ratioToBaseline(x: readonly number[], acc: readonly number[], baseline: BaselineTaus, b: number, seed: number, level: number): Estimate {
  const estimate = kendallTauB(x, acc) / baseline.tau;
  if (b === 0) return NO_CI(estimate);
  const tx = resampleValues(x.length, kendallTauBOnResamples(x, acc), { resamples: b, seed });
  const r = percentileCI(tx.map((t, k) => t / baseline.taus[k]), estimate, level);
  return { estimate: r.estimate, lo: r.lo, hi: r.hi, skipped: r.skipped };
}

/**
 * τ(x, acc) / τ(base, acc) with a paired percentile bootstrap: each resample of the row
 * positions 0..m−1 (resampleValues: the draws bootstrapCI makes for m, b, seed) enters both
 * numerator and denominator, so they see the same resampled rows (and, with the same seed, the
 * same rows as the τ intervals). Each τ comes from kendallTauBOnResamples, equal to kendallTauB
 * of the gathered rows. Resamples where τ_base = 0 are skipped.
 */
export function pairedKendallRatio(x: readonly number[], base: readonly number[], acc: readonly number[], b: number, seed = 1, level = 0.95): Estimate {
  const m = x.length;
  if (base.length !== m || acc.length !== m) throw new Error(`pairedKendallRatio: length mismatch (${m}, ${base.length}, ${acc.length})`);
  if (m < 2) return { estimate: NaN, lo: NaN, hi: NaN, skipped: 0 };
  return ratioToBaseline(x, acc, baselineTaus(base, acc, b, seed), b, seed, level);
}

function finiteRows(n: number, ...vs: ArrayLike<number>[]): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (vs.every((v) => Number.isFinite(v[i]))) rows.push(i);
  return rows;
}

/**
 * Judge rule entries against accuracy (one value per row of `columns`): Kendall τ-b and
 * Spearman ρ with bootstrap CIs, τ ratio to the baseline entry with a paired bootstrap CI, and
 * the best entry by τ. Non-finite rows are dropped and counted.
 */
export function scoreEntries(
  entries: readonly RuleEntry[],
  columns: RuleColumns,
  accuracy: ArrayLike<number>,
  opts: RuleReportOptions = {},
): RuleReport {
  const { bootstrap: b = 1000, seed = 1, level = 0.95, rows: mode = 'common' } = opts;
  const baselineLabel = opts.baseline ?? 'WOT';
  const n = columnLength(columns);
  if (accuracy.length !== n) throw new Error(`rule report: ${accuracy.length} accuracies for ${n} rows`);
  if (entries.length === 0) throw new Error('rule report: no rules');
  const baseIdx = entries.findIndex((e) => e.label === baselineLabel);
  if (baseIdx < 0) throw new Error(`rule report: baseline '${baselineLabel}' is not among the rules (${entries.map((e) => e.label).join(', ')})`);
  const names = Object.keys(columns);
  const values = entries.map((e) => evaluateRule(compileRule(e.rule, names), columns, e.params));
  const badAccuracy = countNonFinite(accuracy).total;
  const common = mode === 'common' ? finiteRows(n, accuracy, ...values.map((v) => v.values)) : [];
  const baseVals = values[baseIdx].values;
  // in common mode every entry's ratio has the same rows: the baseline's τ per resample once
  const commonBaseline = mode === 'common' && common.length >= 2 ? baselineTaus(gather(baseVals, common), gather(accuracy, common), b, seed) : undefined;
  const scores = entries.map((e, k): RuleScore => {
    const v = values[k].values;
    const rows = mode === 'common' ? common : finiteRows(n, v, accuracy);
    const ratioRows = mode === 'common' ? common : finiteRows(n, v, baseVals, accuracy);
    const acc = gather(accuracy, rows);
    const x = gather(v, rows);
    return {
      ...e,
      nonFinite: values[k].nonFinite,
      n: rows.length,
      dropped: n - rows.length,
      kendall: correlation(x, acc, kendallTauB, b, seed, level),
      spearman: correlation(x, acc, spearman, b, seed, level),
      ratio: commonBaseline
        ? ratioToBaseline(x, acc, commonBaseline, b, seed, level)
        : pairedKendallRatio(gather(v, ratioRows), gather(baseVals, ratioRows), gather(accuracy, ratioRows), b, seed, level),
      ratioN: ratioRows.length,
    };
  });
  let best = scores[0];
  for (const s of scores) if (s.kendall.estimate > best.kendall.estimate || Number.isNaN(best.kendall.estimate)) best = s;
  return {
    total: n,
    badAccuracy,
    commonRows: mode === 'common' ? common.length : NaN,
    mode,
    bootstrap: b,
    seed,
    level,
    baseline: scores[baseIdx],
    entries: scores,
    best,
  };
}

/** Rule report over rules and their sweeps (see scoreEntries). */
export function ruleReport(
  rules: readonly RuleSpec[],
  columns: RuleColumns,
  accuracy: ArrayLike<number>,
  opts: RuleReportOptions = {},
): RuleReport {
  return scoreEntries(expandRules(rules, opts.sweeps), columns, accuracy, opts);
}

export interface SplitReportOptions extends RuleReportOptions {
  /** Seed of the random split (default 1); the same seed gives the same halves. */
  readonly splitSeed?: number;
  /** Fraction of rows used for selection (default 0.5). */
  readonly selectFraction?: number;
}

export interface SplitReport {
  readonly splitSeed: number;
  /** Row positions (into the columns) of the selection and test halves, ascending. */
  readonly selectRows: readonly number[];
  readonly testRows: readonly number[];
  /** Estimates-only report on the selection half (every entry; rank()/z() over that half). */
  readonly selection: RuleReport;
  /** The entry chosen on the selection half (its best τ there). */
  readonly chosen: RuleEntry;
  /** The chosen entry and the baseline re-scored on the test half, with CIs; report.best is irrelevant. */
  readonly test: RuleReport;
  /** Chosen entry's scores on the test half. */
  readonly chosenTest: RuleScore;
}

/**
 * A seeded random split of rows 0..n−1: the first round(n·selectFraction) of a uniform permutation
 * (engine Rng, `seed`) select, the rest are held out; both ascending.
 * @throws when either part would hold fewer than 2 rows.
 */
export function randomSplit(n: number, seed: number, selectFraction = 0.5): { selectRows: number[]; testRows: number[] } {
  if (!(selectFraction > 0 && selectFraction < 1)) throw new Error(`random split: selectFraction must be in (0, 1), got ${selectFraction}`);
  const k = Math.round(n * selectFraction);
  if (k < 2 || n - k < 2) throw new Error(`random split: ${n} rows are too few to split ${selectFraction}`);
  const perm = new Rng(seed).sampleWithoutReplacement(n, n);
  return { selectRows: perm.slice(0, k).sort((a, b) => a - b), testRows: perm.slice(k).sort((a, b) => a - b) };
}

/**
 * Selection-bias-free variant: split the rows at random (seeded), pick the best entry by τ on
 * the selection part, report its τ, ρ and paired τ-ratio on the other part. Rules are evaluated
 * on each part separately, so population functions (rank, z) see only that part.
 */
export function splitRuleReport(
  rules: readonly RuleSpec[],
  columns: RuleColumns,
  accuracy: ArrayLike<number>,
  opts: SplitReportOptions = {},
): SplitReport {
  const { splitSeed = 1, selectFraction = 0.5 } = opts;
  if (!(selectFraction > 0 && selectFraction < 1)) throw new Error(`splitRuleReport: selectFraction must be in (0, 1), got ${selectFraction}`);
  const { selectRows, testRows } = randomSplit(columnLength(columns), splitSeed, selectFraction);
  const entries = expandRules(rules, opts.sweeps);
  const selection = scoreEntries(entries, subsetColumns(columns, selectRows), gather(accuracy, selectRows), { ...opts, bootstrap: 0 });
  const chosen = entries.find((e) => e.label === selection.best.label)!;
  const baseLabel = opts.baseline ?? 'WOT';
  const baseline = entries.find((e) => e.label === baseLabel)!;
  const testEntries = chosen === baseline ? [chosen] : [chosen, baseline];
  const test = scoreEntries(testEntries, subsetColumns(columns, testRows), gather(accuracy, testRows), opts);
  return { splitSeed, selectRows, testRows, selection, chosen, test, chosenTest: test.entries[0] };
}

function fmt(e: Estimate, digits = 3): string {
  const v = e.estimate.toFixed(digits);
  return Number.isNaN(e.lo) ? v : `${v} [${e.lo.toFixed(digits)}, ${e.hi.toFixed(digits)}]`;
}

/** Plain-text table of a rule report. */
export function formatRuleReport(r: RuleReport, title = 'rule report'): string {
  const lines = [
    `${title}: ${r.total} rows, ${r.badAccuracy} without accuracy; mode ${r.mode}` +
      (r.mode === 'common' ? ` (${r.commonRows} rows finite for every rule)` : '') +
      (r.bootstrap ? `; ${Math.round(r.level * 100)}% percentile bootstrap, B=${r.bootstrap}, seed ${r.seed}, ratio CI paired` : ''),
    ['rule', 'n', 'non-finite', 'Kendall τ', 'Spearman ρ', `τ / τ_${r.baseline.label}`].join(' | '),
  ];
  for (const s of r.entries) {
    lines.push([s.label, s.n, s.nonFinite.total, fmt(s.kendall), fmt(s.spearman), fmt(s.ratio)].join(' | '));
  }
  if (r.mode === 'per-rule') lines.push('note: per-rule mode judges rules on different rows (e.g. NA keeps singular networks), so τ values are not strictly comparable');
  const b = r.baseline.kendall;
  if (b.lo <= 0 && b.hi >= 0) {
    lines.push(`note: the ${r.baseline.label} τ interval contains 0, so τ ratios are unstable; compare the τ intervals instead`);
  }
  lines.push(
    `best: ${r.best.label} (${r.best.rule.expr}${Object.keys(r.best.params).length ? `, ${JSON.stringify(r.best.params)}` : ''}): ` +
      `τ ${fmt(r.best.kendall)}, ratio to ${r.baseline.label} ${fmt(r.best.ratio)} (paper claims ${DAS_PAPER_RATIO[0]}×–${DAS_PAPER_RATIO[1]}×; ` +
      `chosen on the same rows it is judged on, so optimistic — see the split report)`,
  );
  return lines.join('\n');
}

/** Plain-text summary of a split report. */
export function formatSplitReport(s: SplitReport): string {
  const base = s.test.baseline;
  return [
    `split (seed ${s.splitSeed}): choose on ${s.selectRows.length} rows, report on ${s.testRows.length}`,
    `chosen: ${s.chosen.label} (τ ${s.selection.best.kendall.estimate.toFixed(3)} on the selection half; ` +
      `${s.selection.baseline.label} there ${s.selection.baseline.kendall.estimate.toFixed(3)})`,
    `test half: ${s.chosen.label} τ ${fmt(s.chosenTest.kendall)}, ρ ${fmt(s.chosenTest.spearman)}; ` +
      `${base.label} τ ${fmt(base.kendall)}; ratio ${fmt(s.chosenTest.ratio)} (n=${s.chosenTest.ratioN})`,
  ].join('\n');
}
