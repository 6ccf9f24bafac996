/**
 * Nested rule selection (src/fusion/nestedSelection.ts): a rule planted to win on the selection
 * half only is chosen there and does not win held out (while the in-sample report is fooled);
 * the best of many equally good copies of WOT wins in-sample by luck but shows no held-out
 * difference; a genuinely better rule beats WOT held out; splits are those of randomSplit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { formatNestedSelection, insideDasPaperRange, nestedRuleSelection, nestedVerdictPhrase, type NestedSelection, type NestedSplit } from '../../src/fusion/nestedSelection';
import { pairedKendallRatio, randomSplit, ruleReport, splitRuleReport, type RuleReport, type RuleSpec } from '../../src/fusion/rules';
import { kendallTauB } from '../../src/stats/correlation';
import { errorMessage } from '../support/errorMessage';

const N = 300;
function population(seed: number): { rng: Rng; acc: Float64Array; noisy: (sd: number) => Float64Array } {
  const rng = new Rng(seed);
  const acc = Float64Array.from({ length: N }, () => rng.normal());
  return { rng, acc, noisy: (sd) => acc.map((a) => a + sd * rng.normal()) };
}

test('a rule planted to win on the selection half only is chosen there and does not win held out; in-sample it looks best', () => {
  const { rng, acc, noisy } = population(5);
  const splitSeed = 7;
  const { selectRows } = randomSplit(N, splitSeed);
  const sel = new Set(selectRows);
  // planted: the accuracy itself on the selection half, noise on the held-out half
  const planted = acc.map((a, i) => (sel.has(i) ? a : rng.normal()));
  const cols = { wot: noisy(1.5), planted };
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 'wot' }, { name: 'planted', expr: 'planted' }];
  const r = nestedRuleSelection(rules, cols, acc, { splits: 1, splitSeed, bootstrap: 300 });
  const s = r.splits[0]!;
  assert.equal(s.chosen.label, 'planted', 'chosen on the selection half');
  assert.ok(s.selectTau > 0.99, `τ on the selection half ${s.selectTau}`);
  assert.ok(Math.abs(s.testTau.estimate) < 0.15, `held-out τ of the planted rule ${s.testTau.estimate} is noise`);
  assert.ok(s.testRatio.estimate < 1 && s.testRatio.hi < 1, `held-out ratio ${s.testRatio.estimate} [${s.testRatio.lo}, ${s.testRatio.hi}]`);
  assert.notEqual(r.verdict, 'beats');
  assert.equal(r.verdict, 'worse');
  // the in-sample report, chosen and judged on all rows, is fooled by the planted half
  assert.equal(r.inSample!.best.label, 'planted');
  assert.ok(r.inSample!.best.ratio.estimate > 1, `in-sample ratio ${r.inSample!.best.ratio.estimate}`);
  // the same split as splitRuleReport makes for that seed
  const single = splitRuleReport(rules, cols, acc, { splitSeed, bootstrap: 0 });
  assert.deepEqual(single.selectRows, selectRows);
  assert.equal(single.chosen.label, 'planted');
  assert.match(formatNestedSelection(r), /verdict \(held out only\): worse than WOT/);
  assert.match(formatNestedSelection(r), /in-sample .*optimistic.*planted/);
});

test('the luckiest of 30 copies as good as WOT wins in-sample, but held out over 20 splits there is no difference', () => {
  const { acc, noisy } = population(11);
  const cols: Record<string, Float64Array> = { wot: noisy(1) };
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 'wot' }];
  for (let k = 0; k < 30; k++) {
    cols[`c${k}`] = noisy(1);
    rules.push({ name: `copy${k}`, expr: `c${k}` });
  }
  // the in-sample best needs only the estimates: its 200 bootstrap CIs over 31 entries would take
  // most of this file's time (the in-sample report's options are checked on a small population below)
  const r = nestedRuleSelection(rules, cols, acc, { splits: 20, bootstrap: 200, inSample: false });
  const inSample = ruleReport(rules, cols, acc, { bootstrap: 0 });
  assert.equal(r.splits.length, 20);
  assert.notEqual(inSample.best.label, 'WOT');
  assert.ok(inSample.best.ratio.estimate > 1.05, `in-sample best ratio ${inSample.best.ratio.estimate} (selection bias)`);
  assert.equal(r.verdict, 'no held-out difference');
  assert.ok(r.ratio.median > 0.85 && r.ratio.median < 1.1, `held-out median ratio ${r.ratio.median}`);
  assert.ok(r.ratio.median < inSample.best.ratio.estimate, 'held out is below the in-sample best');
  assert.ok(r.ratio.min <= r.ratio.median && r.ratio.median <= r.ratio.max);
  assert.equal(r.chosenCounts.reduce((t, c) => t + c.count, 0), 20);
  // each entry's count is its number of splits; most frequent first, ties by label
  for (const c of r.chosenCounts) assert.equal(c.count, r.splits.filter((s) => s.chosen.label === c.label).length, c.label);
  assert.ok(new Set(r.chosenCounts.map((c) => c.count)).size >= 3, 'several different counts');
  r.chosenCounts.slice(1).forEach((c, k) => {
    const prev = r.chosenCounts[k]!;
    assert.ok(prev.count > c.count || (prev.count === c.count && prev.label.localeCompare(c.label) < 0), `${prev.label} ×${prev.count} before ${c.label} ×${c.count}`);
  });
});

test('a genuinely better rule (and its parameter) is chosen and beats WOT held out', () => {
  const { acc, noisy } = population(3);
  const wot = noisy(1.2);
  const good = noisy(0.3);
  const cols = { wot, good };
  // good + a·wot: a = 0 is the good signal alone; the grid must find small a
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 'wot' }, { name: 'mix', expr: 'good + a*wot', params: { a: 1 } }];
  const r = nestedRuleSelection(rules, cols, acc, { splits: 20, bootstrap: 200, sweeps: { mix: { a: [0, 1, 10] } } });
  assert.equal(r.entries, 4);
  assert.equal(r.verdict, 'beats');
  assert.ok(r.ratio.median > 1.3, `median ratio ${r.ratio.median}`);
  assert.ok(r.splitsAbove > 10);
  assert.ok(r.chosenCounts[0]!.label.startsWith('mix[a=0') || r.chosenCounts[0]!.label === 'mix[a=1]', r.chosenCounts[0]!.label);
  // held-out τ is a τ on the held-out rows
  const s = r.splits[0]!;
  const { testRows } = randomSplit(N, s.splitSeed);
  assert.equal(s.testN, testRows.length);
  assert.ok(Math.abs(s.testBaselineTau.estimate - kendallTauB(testRows.map((i) => wot[i]!), testRows.map((i) => acc[i]!))) < 1e-12);
});

test('bad options are refused with the option named', () => {
  const { acc, noisy } = population(1);
  const cols = { wot: noisy(1) };
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 'wot' }];
  // cheap options besides the bad one, so that a run past a missing check ends quickly
  const quick = { splits: 1, bootstrap: 0, inSample: false };
  assert.throws(() => nestedRuleSelection(rules, cols, acc, { ...quick, splits: 0 }), /splits must be a positive integer/);
  assert.equal(
    errorMessage(() => nestedRuleSelection([...rules, { name: 'good', expr: 'wot' }], cols, acc, { ...quick, baseline: 'X' })),
    "nested selection: baseline 'X' is not among the rules (WOT, good)",
  );
  assert.throws(() => nestedRuleSelection(rules, { wot: [1, 2, 3] }, [1, 2, 3], quick), /too few to split/);
  assert.equal(errorMessage(() => nestedRuleSelection(rules, cols, acc.slice(1), quick)), `nested selection: ${N - 1} accuracies for ${N} rows`);
});

/** A nested-selection result given directly (no run), for the text functions. */
function givenResult(over: Partial<NestedSelection>): NestedSelection {
  const split = { selectN: 50, testN: 48 } as NestedSplit;
  return {
    baseline: 'WOT',
    rows: 100,
    entries: 4,
    splits: [split, split, split],
    ratio: { median: 1.2345, min: 1, max: 1.5 },
    medianTestTau: 0.4,
    medianTestBaselineTau: 0.3,
    splitsAbove: 2,
    splitsBelow: 0,
    chosenCounts: [{ label: 'mix', count: 2 }, { label: 'WOT', count: 1 }],
    verdict: 'beats',
    insidePaperRange: true,
    bootstrap: 200,
    level: 0.95,
    ...over,
  };
}

test('formatNestedSelection and nestedVerdictPhrase: the exact text for each verdict', () => {
  const inSample = { best: { label: 'mix', kendall: { estimate: 0.5 }, ratio: { estimate: 1.6 } } } as unknown as RuleReport;
  assert.deepEqual(formatNestedSelection(givenResult({ inSample }), 'DAS rules').split('\n'), [
    'DAS rules: 4 rule entries, 3 random splits (choose on 50, report on 48 held-out rows each)',
    'held-out τ_rule / τ_WOT: median 1.234 (range 1.000–1.500); median held-out τ 0.400 vs WOT 0.300',
    'chosen: mix ×2, WOT ×1',
    'verdict (held out only): beats WOT held out (paired 95 % CI above 1 in 2 of 3 splits); the paper claims 1.04–1.56×, the median held-out ratio is inside that range',
    'in-sample (chosen and judged on all 100 rows, optimistic): mix τ 0.500, ratio 1.600',
  ]);
  const worse = givenResult({ verdict: 'worse', splitsAbove: 0, splitsBelow: 2, insidePaperRange: false, baseline: 'B', level: 0.9 });
  assert.equal(nestedVerdictPhrase(worse), 'worse than B held out (CI below 1 in 2 of 3 splits)');
  const text = formatNestedSelection(worse).split('\n');
  assert.equal(text.length, 4, 'no in-sample line without an in-sample report');
  assert.match(text[0], /^nested selection: /);
  assert.match(text[3], /the median held-out ratio is outside that range$/);
  const none = givenResult({ verdict: 'no held-out difference', splitsAbove: 1, splitsBelow: 1 });
  assert.equal(nestedVerdictPhrase(none), 'no held-out difference from WOT (CI above 1 in 1, below 1 in 1 of 3 splits)');
});

test('small populations: choice counts, median over an even number of splits, the paper range and the options', () => {
  // 12 rows; the rule 'good' is the accuracy itself, so it is chosen on every selection half
  const acc = [3, 1, 4, 1.5, 5, 9, 2, 6, 5.5, 3.5, 8, 9.7];
  const cols = { wot: acc.map((a, i) => (i % 2 ? a : -a)), good: acc };
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 'wot' }, { name: 'good', expr: 'good' }];
  const r = nestedRuleSelection(rules, cols, acc, { splits: 4, bootstrap: 0, inSample: false });
  assert.equal(r.inSample, undefined);
  assert.equal(r.rows, 12);
  assert.equal(r.entries, 2);
  assert.deepEqual(r.chosenCounts, [{ label: 'good', count: 4 }]);
  assert.deepEqual(r.splits.map((s) => s.splitSeed), [1, 2, 3, 4]);
  for (const s of r.splits) {
    const { testRows } = randomSplit(12, s.splitSeed);
    const tw = kendallTauB(testRows.map((i) => cols.wot[i]!), testRows.map((i) => acc[i]!));
    assert.equal(s.testTau.estimate, 1);
    assert.equal(s.testBaselineTau.estimate, tw);
    assert.equal(s.testRatio.estimate, 1 / tw);
    assert.ok(Number.isNaN(s.testRatio.lo) && Number.isNaN(s.testRatio.hi), 'no CI without bootstrap');
    assert.equal(s.testRatioN, 6);
    assert.equal(s.selectN, 6);
  }
  // median of four: the mean of the middle two; min and max over the splits
  const ratios = r.splits.map((s) => s.testRatio.estimate).sort((a, b) => a - b);
  assert.equal(r.ratio.median, (ratios[1]! + ratios[2]!) / 2);
  assert.equal(r.ratio.min, ratios[0]);
  assert.equal(r.ratio.max, ratios[3]);
  assert.equal(r.medianTestTau, 1);
  const taus = r.splits.map((s) => s.testBaselineTau.estimate).sort((a, b) => a - b);
  assert.equal(r.medianTestBaselineTau, (taus[1]! + taus[2]!) / 2);
  assert.equal(r.verdict, 'no held-out difference', 'no CIs: no split counts as above or below 1');
  assert.equal(r.splitsAbove + r.splitsBelow, 0);
  assert.equal(r.insidePaperRange, r.ratio.median >= 1.04 && r.ratio.median <= 1.56);
  // WOT against itself only: the ratio is exactly 1 in every split (outside the paper's range)
  const self = nestedRuleSelection([rules[0]!], cols, acc, { splits: 3, bootstrap: 0, inSample: false });
  assert.deepEqual(self.splits.map((s) => s.testRatio.estimate), [1, 1, 1]);
  assert.deepEqual(self.ratio, { median: 1, min: 1, max: 1 });
  assert.equal(self.insidePaperRange, false);
  assert.throws(() => nestedRuleSelection(rules, cols, acc, { bootstrap: -1 }), /bootstrap must be an integer ≥ 0, got -1/);
  assert.throws(() => nestedRuleSelection(rules, cols, acc, { splits: 1.5 }), /splits must be a positive integer, got 1.5/);
});

test('held-out rows finite for the chosen rule, the baseline and the accuracy; each split its own bootstrap seed; the in-sample options', () => {
  // NaN in each of the three at different rows, a baseline that is not the first rule
  const g = new Rng(4);
  const n = 40;
  const acc = Array.from({ length: n }, () => g.normal());
  const good = acc.map((a, i) => (i % 7 === 3 ? NaN : a + 0.2 * g.normal()));
  const base = acc.map((a, i) => (i % 5 === 1 ? NaN : a + g.normal()));
  const accN = acc.map((a, i) => (i % 6 === 2 ? NaN : a));
  const cols = { good, base, noise: acc.map(() => g.normal()) };
  const rules: RuleSpec[] = [{ name: 'noise', expr: 'noise' }, { name: 'base', expr: 'base' }, { name: 'good', expr: 'good', params: { a: 1 } }];
  const opts = { baseline: 'base', splits: 2, splitSeed: 3, bootstrap: 20, seed: 5, level: 0.8, sweeps: { good: { a: [1] } } };
  const r = nestedRuleSelection(rules, cols, accN, opts);
  r.splits.forEach((s, k) => {
    assert.equal(s.chosen.label, 'good[a=1]');
    const { testRows } = randomSplit(n, 3 + k);
    const rows = testRows.filter((i) => Number.isFinite(good[i]) && Number.isFinite(base[i]) && Number.isFinite(accN[i]));
    assert.ok(rows.length < testRows.length - 2, 'some held-out rows are dropped');
    assert.equal(s.testRatioN, rows.length);
    const expected = pairedKendallRatio(rows.map((i) => good[i]!), rows.map((i) => base[i]!), rows.map((i) => accN[i]!), 20, 5 + k, 0.8);
    assert.deepEqual(s.testRatio, expected, `split ${k}`);
    // the held-out τ are estimates only
    assert.ok(Number.isNaN(s.testTau.lo) && Number.isNaN(s.testBaselineTau.hi));
  });
  // the in-sample report takes the same options
  assert.deepEqual(r.inSample, ruleReport(rules, cols, accN, { sweeps: opts.sweeps, baseline: 'base', bootstrap: 20, seed: 5, level: 0.8 }));
});

test('median, minimum and maximum skip splits whose held-out ratio is undefined', () => {
  // WOT is constant on six of eight rows: a held-out half without rows 6 and 7 has no WOT τ
  const acc = [3, 1, 4, 1.5, 5, 9, 2, 6];
  const cols = { wot: [0, 0, 0, 0, 0, 0, 1, 2], good: acc };
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 'wot' }, { name: 'good', expr: 'good' }];
  const r = nestedRuleSelection(rules, cols, acc, { splits: 10, bootstrap: 0, inSample: false });
  const ratios = r.splits.map((s) => s.testRatio.estimate);
  const defined = ratios.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  assert.ok(defined.length === 7, `7 of 10 splits have a ratio: ${ratios}`);
  assert.deepEqual(r.ratio, { median: defined[3], min: defined[0], max: defined[6] });
});

test('verdict: a majority of splits, not half, must lie above (or below) 1; a CI of exactly [1, 1] is neither', () => {
  // two splits, one CI above 1: no verdict
  const g = new Rng(3);
  const y = Array.from({ length: 120 }, () => g.normal());
  const wot = y.map((v) => v + 1.2 * g.normal());
  const good = y.map((v) => v + 0.8 * g.normal());
  const half = nestedRuleSelection([{ name: 'WOT', expr: 'wot' }, { name: 'good', expr: 'good' }], { wot, good }, y, { splits: 2, bootstrap: 100, inSample: false });
  assert.deepEqual([half.splitsAbove, half.splitsBelow], [1, 0]);
  assert.ok(half.ratio.median > 1);
  assert.equal(half.verdict, 'no held-out difference');
  // two splits, one CI below 1 (a rule planted on split 1's selection half): no verdict
  const rng = new Rng(5);
  const acc = Float64Array.from({ length: 120 }, () => rng.normal());
  const sel = new Set(randomSplit(120, 1).selectRows);
  const planted = acc.map((a, i) => (sel.has(i) ? a : rng.normal()));
  const w = acc.map((a) => a + 0.3 * rng.normal());
  const low = nestedRuleSelection([{ name: 'WOT', expr: 'wot' }, { name: 'planted', expr: 'planted' }], { wot: w, planted }, acc, { splits: 2, bootstrap: 100, inSample: false });
  assert.deepEqual([low.splitsAbove, low.splitsBelow], [0, 1]);
  assert.ok(low.ratio.median < 1);
  assert.equal(low.verdict, 'no held-out difference');
  // WOT against itself with a bootstrap: every CI is [1, 1], neither above nor below 1
  const self = nestedRuleSelection([{ name: 'WOT', expr: 'wot' }], { wot }, y, { splits: 3, bootstrap: 10, inSample: false });
  assert.deepEqual(self.splits.map((s) => [s.testRatio.lo, s.testRatio.hi]), [[1, 1], [1, 1], [1, 1]]);
  assert.deepEqual([self.splitsAbove, self.splitsBelow, self.verdict], [0, 0, 'no held-out difference']);
});

test('the paper range is 1.04 to 1.56, both ends included', () => {
  assert.deepEqual([1, 1.0399, 1.04, 1.3, 1.56, 1.5601, 2, NaN].map(insideDasPaperRange), [false, false, true, true, true, false, false, false]);
});
