/**
 * Nested (held-out) selection of a combination rule: the honest version of "the best rule beats
 * WOT". Picking the best of many rules and parameter points on the same architectures that report
 * it is optimistic (the winner's τ is the maximum of noisy estimates). Here, for each of S seeded
 * random splits of the population:
 *
 *   1. every rule entry (rules × parameter grids, `expandRules`) is scored by Kendall τ-b on the
 *      selection part only (population functions rank()/z() see only that part), and the entry
 *      with the highest τ is chosen;
 *   2. the chosen entry and the baseline (WOT) are re-evaluated on the held-out part, which played
 *      no role in the choice, on the held-out rows finite for both and the accuracy: τ_rule, τ_WOT
 *      and the ratio τ_rule / τ_WOT with a *paired* percentile bootstrap CI (the same resampled
 *      held-out architectures for both τ; `pairedKendallRatio`).
 *
 * The result is the distribution over splits of the held-out ratio (median, min, max), how often
 * each entry was chosen, and a verdict computed from the held-out numbers only:
 *   'beats'  — the held-out ratio CI lies above 1 in more than half of the splits (and the median
 *              ratio is > 1);
 *   'worse'  — the CI lies below 1 in more than half of the splits (median < 1);
 *   'no held-out difference' otherwise.
 * The in-sample best (chosen and reported on all rows, `ruleReport`) is returned beside it,
 * labelled as in-sample, for comparison only.
 *
 * Splits: split s (s = 0..S−1) uses seed `splitSeed + s` in `randomSplit`, the same split that
 * `splitRuleReport` (rules.ts) makes for that seed; bootstrap seed `seed + s`.
 */
import {
  compileRule,
  DAS_PAPER_RATIO,
  evaluateRule,
  pairedKendallRatio,
  expandRules,
  randomSplit,
  ruleReport,
  scoreEntries,
  subsetColumns,
  type Estimate,
  type ParamGrid,
  type RuleColumns,
  type RuleEntry,
  type RuleReport,
  type RuleSpec,
  columnLength,
} from './rules';

export interface NestedSelectionOptions {
  /** Parameter grids of the parametric rules (see `expandRules`). */
  readonly sweeps?: Readonly<Record<string, ParamGrid>>;
  /** Baseline entry label (default 'WOT'). */
  readonly baseline?: string;
  /** Number of random splits S (default 20; at least 1). */
  readonly splits?: number;
  /** Seed of split 0 (default 1); split s uses splitSeed + s. */
  readonly splitSeed?: number;
  /** Fraction of rows used for selection (default 0.5). */
  readonly selectFraction?: number;
  /** Bootstrap resamples of each held-out CI (default 1000; 0 = estimates only, verdict 'no held-out difference'). */
  readonly bootstrap?: number;
  /** Bootstrap seed of split 0 (default 1); split s uses seed + s. */
  readonly seed?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
  /** Also compute the in-sample report on all rows (default true). */
  readonly inSample?: boolean;
}

/** One split: what was chosen on the selection part and how it fares held out. */
export interface NestedSplit {
  readonly splitSeed: number;
  readonly selectN: number;
  readonly testN: number;
  /** Entry chosen on the selection part (highest τ there). */
  readonly chosen: RuleEntry;
  /** τ of the chosen entry and of the baseline on the selection part. */
  readonly selectTau: number;
  readonly selectBaselineTau: number;
  /** Held-out τ of the chosen entry and of the baseline on the rows finite for both (estimates; lo = hi = NaN). */
  readonly testTau: Estimate;
  readonly testBaselineTau: Estimate;
  /** Held-out τ_chosen / τ_baseline with the paired bootstrap CI. */
  readonly testRatio: Estimate;
  /** Held-out rows finite for the chosen entry, the baseline and the accuracy. */
  readonly testRatioN: number;
}

export type NestedVerdict = 'beats' | 'worse' | 'no held-out difference';

export interface NestedSelection {
  readonly baseline: string;
  readonly rows: number;
  readonly entries: number;
  readonly splits: readonly NestedSplit[];
  /** Held-out ratio over splits. */
  readonly ratio: { readonly median: number; readonly min: number; readonly max: number };
  /** Held-out τ of the chosen entry and of the baseline, medians over splits. */
  readonly medianTestTau: number;
  readonly medianTestBaselineTau: number;
  /** Splits whose held-out ratio CI lies entirely above 1 / below 1. */
  readonly splitsAbove: number;
  readonly splitsBelow: number;
  /** How often each entry was chosen, most frequent first. */
  readonly chosenCounts: readonly { readonly label: string; readonly count: number }[];
  readonly verdict: NestedVerdict;
  /** Whether the median held-out ratio lies inside the DAS paper's claimed range. */
  readonly insidePaperRange: boolean;
  readonly bootstrap: number;
  readonly level: number;
  /** The in-sample report (chosen and judged on all rows): optimistic, for comparison only. */
  readonly inSample?: RuleReport;
}

/** Whether a τ ratio lies in the DAS paper's claimed improvement range over WOT, ends included. */
export function insideDasPaperRange(ratio: number): boolean {
  return ratio >= DAS_PAPER_RATIO[0] && ratio <= DAS_PAPER_RATIO[1];
}

function median(v: readonly number[]): number {
  const s = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Nested selection of the best rule over S random splits (see the module comment).
 * @throws on too few rows to split, an unknown baseline, S < 1 or bad options.
 */
export function nestedRuleSelection(
  rules: readonly RuleSpec[],
  columns: RuleColumns,
  accuracy: ArrayLike<number>,
  opts: NestedSelectionOptions = {},
): NestedSelection {
  const { splits: S = 20, splitSeed = 1, selectFraction = 0.5, bootstrap = 1000, seed = 1, level = 0.95 } = opts;
  const baseLabel = opts.baseline ?? 'WOT';
  if (!(Number.isInteger(S) && S >= 1)) throw new Error(`nested selection: splits must be a positive integer, got ${S}`);
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) throw new Error(`nested selection: bootstrap must be an integer ≥ 0, got ${bootstrap}`);
  const n = columnLength(columns);
  if (accuracy.length !== n) throw new Error(`nested selection: ${accuracy.length} accuracies for ${n} rows`);
  const entries = expandRules(rules, opts.sweeps);
  const baseline = entries.find((e) => e.label === baseLabel);
  if (!baseline) throw new Error(`nested selection: baseline '${baseLabel}' is not among the rules (${entries.map((e) => e.label).join(', ')})`);
  const acc = Array.from(accuracy);
  const out: NestedSplit[] = [];
  for (let s = 0; s < S; s++) {
    const { selectRows, testRows } = randomSplit(n, splitSeed + s, selectFraction);
    const sel = scoreEntries(entries, subsetColumns(columns, selectRows), selectRows.map((i) => acc[i]!), { baseline: baseLabel, bootstrap: 0 });
    const chosen = entries.find((e) => e.label === sel.best.label)!;
    const testEntries = chosen === baseline ? [chosen] : [chosen, baseline];
    const testCols = subsetColumns(columns, testRows);
    const testAcc = testRows.map((i) => acc[i]!);
    // held-out τ as estimates; the one interval that matters, the ratio's, on the rows finite for both
    const test = scoreEntries(testEntries, testCols, testAcc, { baseline: baseLabel, bootstrap: 0 });
    const c = test.entries[0]!;
    const names = Object.keys(testCols);
    const vc = evaluateRule(compileRule(chosen.rule, names), testCols, chosen.params).values;
    const vb = evaluateRule(compileRule(baseline.rule, names), testCols, baseline.params).values;
    const rows = testAcc.map((_, i) => i).filter((i) => Number.isFinite(vc[i]) && Number.isFinite(vb[i]) && Number.isFinite(testAcc[i]));
    const ratio = pairedKendallRatio(rows.map((i) => vc[i]!), rows.map((i) => vb[i]!), rows.map((i) => testAcc[i]!), bootstrap, seed + s, level);
    out.push({
      splitSeed: splitSeed + s,
      selectN: selectRows.length,
      testN: testRows.length,
      chosen,
      selectTau: sel.best.kendall.estimate,
      selectBaselineTau: sel.baseline.kendall.estimate,
      testTau: c.kendall,
      testBaselineTau: test.baseline.kendall,
      testRatio: ratio,
      testRatioN: rows.length,
    });
  }
  const ratios = out.map((x) => x.testRatio.estimate);
  const above = out.filter((x) => x.testRatio.lo > 1).length;
  const below = out.filter((x) => x.testRatio.hi < 1).length;
  const med = median(ratios);
  const verdict: NestedVerdict = above > S / 2 && med > 1 ? 'beats' : below > S / 2 && med < 1 ? 'worse' : 'no held-out difference';
  const counts = new Map<string, number>();
  for (const x of out) counts.set(x.chosen.label, (counts.get(x.chosen.label) ?? 0) + 1);
  const finite = ratios.filter((r) => !Number.isNaN(r));
  return {
    baseline: baseLabel,
    rows: n,
    entries: entries.length,
    splits: out,
    ratio: { median: med, min: finite.length ? Math.min(...finite) : NaN, max: finite.length ? Math.max(...finite) : NaN },
    medianTestTau: median(out.map((x) => x.testTau.estimate)),
    medianTestBaselineTau: median(out.map((x) => x.testBaselineTau.estimate)),
    splitsAbove: above,
    splitsBelow: below,
    chosenCounts: [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
    verdict,
    insidePaperRange: insideDasPaperRange(med),
    bootstrap,
    level,
    ...(opts.inSample ?? true ? { inSample: ruleReport(rules, columns, accuracy, { sweeps: opts.sweeps, baseline: baseLabel, bootstrap, seed, level }) } : {}),
  };
}

/** The verdict as a phrase about the baseline. */
export function nestedVerdictPhrase(r: NestedSelection): string {
  const pct = Math.round(r.level * 100);
  const S = r.splits.length;
  if (r.verdict === 'beats') return `beats ${r.baseline} held out (paired ${pct} % CI above 1 in ${r.splitsAbove} of ${S} splits)`;
  if (r.verdict === 'worse') return `worse than ${r.baseline} held out (CI below 1 in ${r.splitsBelow} of ${S} splits)`;
  return `no held-out difference from ${r.baseline} (CI above 1 in ${r.splitsAbove}, below 1 in ${r.splitsBelow} of ${S} splits)`;
}

/** One-paragraph plain-text summary: held-out distribution, choices, verdict, and the in-sample best labelled as such. */
export function formatNestedSelection(r: NestedSelection, title = 'nested selection'): string {
  const S = r.splits.length;
  const sel = r.splits[0]!;
  const lines = [
    `${title}: ${r.entries} rule entries, ${S} random splits (choose on ${sel.selectN}, report on ${sel.testN} held-out rows each)`,
    `held-out τ_rule / τ_${r.baseline}: median ${r.ratio.median.toFixed(3)} (range ${r.ratio.min.toFixed(3)}–${r.ratio.max.toFixed(3)}); ` +
      `median held-out τ ${r.medianTestTau.toFixed(3)} vs ${r.baseline} ${r.medianTestBaselineTau.toFixed(3)}`,
    `chosen: ${r.chosenCounts.map((c) => `${c.label} ×${c.count}`).join(', ')}`,
    `verdict (held out only): ${nestedVerdictPhrase(r)}; the paper claims ${DAS_PAPER_RATIO[0]}–${DAS_PAPER_RATIO[1]}×, the median held-out ratio is ${r.insidePaperRange ? 'inside' : 'outside'} that range`,
  ];
  if (r.inSample) {
    const b = r.inSample.best;
    lines.push(`in-sample (chosen and judged on all ${r.rows} rows, optimistic): ${b.label} τ ${b.kendall.estimate.toFixed(3)}, ratio ${b.ratio.estimate.toFixed(3)}`);
  }
  return lines.join('\n');
}
