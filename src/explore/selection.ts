/**
 * What a reader has chosen in the explorer: table, indicators, per-indicator transform, the fit,
 * the folds, a rule and its parameter. It round-trips through the URL fragment (a permalink) and
 * prints as the equivalent library calls, so a finding in the browser can be pasted into a notebook.
 */
import type { TransformName } from '../fusion/transforms';
import type { RuleSpec } from '../fusion/rules';
import { parseRuleExpr, ruleNames } from '../fusion/ruleParser';
import type { ExploreTable } from './table';

/** Transforms offered per indicator (every value is standardised after its transform). */
export const EXPLORE_TRANSFORMS = ['identity', 'log', 'signedLog', 'rank'] as const satisfies readonly TransformName[];
export type ExploreTransform = (typeof EXPLORE_TRANSFORMS)[number];

/** Least squares, ridge (with λ), or sign-constrained non-negative least squares. */
export const EXPLORE_FITS = ['ols', 'ridge', 'nnls'] as const;
export type ExploreFit = (typeof EXPLORE_FITS)[number];

export interface Selection {
  readonly table: string;
  readonly indicators: readonly string[];
  /** Transform of each selected indicator that is not `identity`. */
  readonly transforms: Readonly<Record<string, ExploreTransform>>;
  readonly fit: ExploreFit;
  /** Ridge λ (used when fit = ridge). */
  readonly lambda: number;
  /** k of k-fold cross-validation. */
  readonly folds: number;
  /** A rule in the rule language; `a` is its parameter when it is not a column. */
  readonly rule: string;
  readonly a: number;
}

/** Fixed protocol of the page (printed beside the figures and in the library call). */
export const EXPLORE_PROTOCOL = {
  /** Split seed of the k-fold CV. */
  splitSeed: 0,
  /** Bootstrap resamples and seed of every CI. */
  bootstrap: 200,
  bootstrapSeed: 1,
  /** Random-N search: sizes, runs and seed. */
  randomN: [10, 100] as readonly number[],
  randomNRuns: 500,
  randomNSeed: 0,
  /** Top-k precision for these k. */
  topK: [10, 100] as readonly number[],
} as const;

/** Parameter slider range. */
export const A_RANGE = { min: 0, max: 5, step: 0.05 } as const;

/** A reasonable first selection for a table. */
export function defaultSelection(t: ExploreTable): Selection {
  const four = ['jacov', 'os_perturbation', 'nlr', 'cnntk'];
  const fi = four.every((k) => t.indicators.includes(k));
  const indicators = fi ? four : t.indicators.slice(0, Math.min(4, t.indicators.length));
  const transforms: Record<string, ExploreTransform> = {};
  for (const k of ['nlr', 'cnntk']) if (indicators.includes(k)) transforms[k] = 'log';
  let rule: string;
  if (t.indicators.includes('das_na') && t.indicators.includes('das_logdet_s') && t.batchSize !== undefined) rule = 'logdetS + a*N*log(NA)';
  else if (t.baseline !== undefined && indicators.some((k) => k !== t.baseline)) rule = `rank(${indicators.find((k) => k !== t.baseline)}) + a*rank(${t.baseline})`;
  else rule = `a*${t.indicators[0]}`;
  return { table: t.id, indicators, transforms, fit: 'ols', lambda: 0.01, folds: 5, rule, a: 1 };
}

function isOneOf<T extends string>(list: readonly T[], s: string | null): s is T {
  return s !== null && (list as readonly string[]).includes(s);
}

/** URL fragment (without '#') for a selection. */
export function selectionToFragment(s: Selection): string {
  const p = new URLSearchParams();
  p.set('t', s.table);
  p.set('i', s.indicators.join(','));
  const tr = s.indicators.filter((k) => (s.transforms[k] ?? 'identity') !== 'identity').map((k) => `${k}:${s.transforms[k]}`);
  if (tr.length) p.set('tr', tr.join(','));
  p.set('fit', s.fit);
  if (s.fit === 'ridge') p.set('l', String(s.lambda));
  p.set('k', String(s.folds));
  p.set('rule', s.rule);
  p.set('a', String(s.a));
  return p.toString();
}

/**
 * The selection a fragment describes, on the page's tables. Parts that do not fit the table
 * (unknown indicator, bad number) fall back to the table's defaults and are listed in `ignored`.
 */
export function selectionFromFragment(fragment: string, tables: readonly ExploreTable[]): { selection: Selection; ignored: string[] } {
  if (tables.length === 0) throw new Error('explorer: no tables');
  const p = new URLSearchParams(fragment.replace(/^#/, ''));
  const ignored: string[] = [];
  const tid = p.get('t');
  let table = tables[0];
  if (tid !== null) {
    const found = tables.find((t) => t.id === tid);
    if (found) table = found;
    else ignored.push(`table '${tid}' (not on this page)`);
  }
  const d = defaultSelection(table);
  let indicators = d.indicators;
  const i = p.get('i');
  if (i !== null) {
    const asked = i.split(',').filter((k) => k.length > 0);
    const unknown = asked.filter((k) => !table.indicators.includes(k));
    if (unknown.length) ignored.push(`indicator(s) ${unknown.join(', ')} (not in '${table.id}')`);
    indicators = table.indicators.filter((k) => asked.includes(k));
  }
  let transforms: Record<string, ExploreTransform> = { ...d.transforms };
  const tr = p.get('tr');
  if (tr !== null || i !== null) {
    transforms = {};
    for (const part of (tr ?? '').split(',').filter((x) => x.length > 0)) {
      const [k, name] = part.split(':');
      if (table.indicators.includes(k) && isOneOf(EXPLORE_TRANSFORMS, name ?? null)) transforms[k] = name as ExploreTransform;
      else ignored.push(`transform '${part}'`);
    }
  }
  const fitRaw = p.get('fit');
  let fit = d.fit;
  if (fitRaw !== null) {
    if (isOneOf(EXPLORE_FITS, fitRaw)) fit = fitRaw;
    else ignored.push(`fit '${fitRaw}'`);
  }
  const num = (key: string, fallback: number, ok: (v: number) => boolean): number => {
    const raw = p.get(key);
    if (raw === null) return fallback;
    const v = Number(raw);
    if (raw.trim() !== '' && Number.isFinite(v) && ok(v)) return v;
    ignored.push(`${key}=${raw}`);
    return fallback;
  };
  const lambda = num('l', d.lambda, (v) => v >= 0);
  const folds = num('k', d.folds, (v) => Number.isInteger(v) && v >= 2 && v <= 20);
  const a = num('a', d.a, () => true);
  const rule = p.get('rule') ?? d.rule;
  return { selection: { table: table.id, indicators, transforms, fit, lambda, folds, rule, a }, ignored };
}

function lit(v: unknown): string {
  return JSON.stringify(v).replace(/"/g, "'");
}

/**
 * The library calls that compute what the page shows for a selection, for a notebook where `z` is
 * the library, `table` a `{ names, rows }` table of the scores and `accuracy` the accuracy per row.
 */
export function libraryCall(s: Selection, t: ExploreTable): string {
  const P = EXPLORE_PROTOCOL;
  const opts: string[] = [];
  const tr = Object.fromEntries(s.indicators.filter((k) => (s.transforms[k] ?? 'identity') !== 'identity').map((k) => [k, s.transforms[k]]));
  if (Object.keys(tr).length) opts.push(`transforms: ${lit(tr)}`);
  if (s.fit === 'ridge') opts.push(`ridge: ${s.lambda}`);
  if (s.fit === 'nnls') {
    opts.push('nonNegative: true');
    opts.push(`higherIsBetter: ${lit(Object.fromEntries(s.indicators.map((k) => [k, t.higherIsBetter[k] ?? true])))}`);
  }
  opts.push("onSingular: 'ridge'");
  const fusion =
    `const r = z.compareFusion({ table, indicators: ${lit(s.indicators)}, accuracy, folds: ${s.folds}, seed: ${P.splitSeed}, ` +
    `options: { ${opts.join(', ')} }, metrics: { bootstrap: ${P.bootstrap}, seed: ${P.bootstrapSeed} } });`;
  const mine = ruleSpec(s, Object.keys(t.values));
  const params = mine.params ? `, params: ${lit(mine.params)}` : '';
  const rule =
    `const rules = z.ruleReport([{ name: 'WOT', expr: '${t.baseline ?? t.indicators[0]}' }, { name: 'mine', expr: ${lit(s.rule)}${params} }], ` +
    `z.dasColumns(scoreTable, ${t.batchSize ?? 'batchSize'}), accuracy, { bootstrap: ${P.bootstrap}, seed: ${P.bootstrapSeed} });`;
  const given = '// scoreTable = z.loadProjectScores(NAME) or z.readScores(FILE); table = { names: scoreTable.proxies, rows: scoreTable.rows.map((r) => r.values) }; accuracy: one per row';
  return `// ${t.title}: ${s.indicators.length} indicator(s), ${s.folds}-fold CV\n${given}\n${fusion}\n${rule}`;
}

/**
 * The rule of a selection as a library rule: `a` is declared as its parameter (value `s.a`) when
 * the expression names `a` and no column is called `a`. An expression that does not parse is
 * passed on unchanged (the parser reports it where it is evaluated).
 */
export function ruleSpec(s: Selection, columns: readonly string[]): RuleSpec {
  let usesA = false;
  try {
    usesA = ruleNames(parseRuleExpr(s.rule)).includes('a') && !columns.includes('a');
  } catch {
    usesA = false;
  }
  return usesA ? { name: 'mine', expr: s.rule, params: { a: s.a } } : { name: 'mine', expr: s.rule };
}
