/**
 * Combination-rule language and reports (src/fusion/rules.ts, ruleParser.ts): parsing
 * (precedence, associativity, errors with positions), name resolution, vectorised evaluation
 * with non-finite counting, population functions, sweeps, the WOT identity on real kernels of
 * random codes, and the rule report (paired ratio CI, split mode).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  columnLength,
  compileRule,
  countNonFinite,
  DAS_RULES,
  DAS_SWEEPS,
  dasColumns,
  evaluateRule,
  expandRules,
  formatRuleExpr,
  formatRuleReport,
  formatSplitReport,
  gridPoints,
  pairedKendallRatio,
  parseRuleExpr,
  randomSplit,
  ruleReport,
  RuleNameError,
  scoreEntries,
  subsetColumns,
  RuleSyntaxError,
  splitRuleReport,
  sweepRule,
  type RuleReport,
  type RuleScore,
  type RuleSpec,
  type SplitReport,
} from '../../src/fusion/rules';
import { HammingKernel } from '../../src/proxies/hamming';
import { naswotFromKernel } from '../../src/proxies/naswot';
import { Rng } from '../../src/engine/rng';
import { kendallTauB, spearman } from '../../src/stats/correlation';
import { refBootstrapCI } from '../stats/reference';
import { bootstrapCI } from '../../src/stats/bootstrap';
import type { ScoreTable } from '../../src/runner/results';
import { errorMessage } from '../support/errorMessage';
import { ruleNames } from '../../src/fusion/ruleParser';

/** Value of an expression on a one-row population. */
const one = (expr: string, params: Record<string, number> = {}): number => evaluateRule({ name: 't', expr, params }, { x: [0] }).values[0];

test('parser: precedence and associativity', () => {
  assert.equal(one('2^3^2'), 512); // right-associative
  assert.equal(one('(2^3)^2'), 64);
  assert.equal(one('-a^2', { a: 3 }), -9); // ^ binds tighter than unary minus
  assert.equal(one('(-a)^2', { a: 3 }), 9);
  assert.equal(one('-2^2'), -4);
  assert.equal(one('2^-1'), 0.5);
  assert.equal(one('2^-1^2'), 0.5); // 2^(-(1^2))
  assert.equal(one('1-2-3'), -4); // left-associative
  assert.equal(one('8/4/2'), 1);
  assert.equal(one('2*3+4*5'), 26);
  assert.equal(one('2+3*4^2'), 50);
  assert.equal(one('--3'), 3);
  assert.equal(one('+3 - -2'), 5);
  assert.equal(one('1.5e1 + .5 + 2.'), 17.5);
  assert.equal(one('sqrt(16) + abs(-2) + log(exp(3))'), 9);
  assert.equal(formatRuleExpr(parseRuleExpr('-a^2')), '(-(a ^ 2))');
  assert.equal(formatRuleExpr(parseRuleExpr('a - b - c * d / e')), '((a - b) - ((c * d) / e))');
  assert.equal(formatRuleExpr(parseRuleExpr('logdetS + a*N*log(NA)')), '(logdetS + ((a * N) * log(NA)))');
  assert.equal(formatRuleExpr(parseRuleExpr('`weird-col.name` * 2')), '(`weird-col.name` * 2)');
});

function syntaxError(expr: string): RuleSyntaxError {
  try {
    parseRuleExpr(expr);
  } catch (e) {
    assert.ok(e instanceof RuleSyntaxError, `expected RuleSyntaxError for '${expr}', got ${e}`);
    return e;
  }
  assert.fail(`'${expr}' parsed without error`);
}

test('parser: errors give the position and the offending token', () => {
  const cases: [string, number, string, RegExp][] = [
    ['logdetS + * NA', 10, "'*'", /expected a number/],
    ['log(NA', 6, 'end of input', /expected '\)'/],
    ['2 $ 3', 2, "'$'", /unexpected character/],
    ['foo(NA)', 0, "'foo'", /unknown function 'foo' \(known: log, exp, sqrt, abs, rank, z\)/],
    ['1.2.3 + x', 0, "'1.2.3'", /malformed number/],
    ['rank(a, b)', 6, "','", /exactly one argument/],
    ['log()', 4, "')'", /needs one argument/],
    ['(a + b', 6, 'end of input', /expected '\)'/],
    ['a b', 2, "'b'", /unexpected token after a complete expression/],
    ['', 0, 'end of input', /empty expression/],
    ['a + `b', 4, "'`'", /unterminated/],
    ['3x', 0, "'3x'", /malformed number/],
  ];
  for (const [expr, pos, token, msg] of cases) {
    const e = syntaxError(expr);
    assert.equal(e.pos, pos, `${expr}: position`);
    assert.equal(e.token, token, `${expr}: token`);
    assert.match(e.message, msg, expr);
    assert.match(e.message, new RegExp(`at position ${pos}`));
  }
  // the caret line points at the position
  assert.match(syntaxError('logdetS + * NA').message, /\n {2}logdetS \+ \* NA\n {12}\^$/);
});

test('names: unknown identifiers are reported with the known ones; parameter handling', () => {
  const cols = { logdetS: [1, 2], NA: [3, 4] };
  assert.throws(
    () => evaluateRule('logdetX + NA + b', cols),
    (e: unknown) =>
      e instanceof RuleNameError &&
      e.unknown.join() === 'logdetX,b' &&
      /unknown name\(s\) 'logdetX', 'b' \(known: logdetS, NA\)/.test(e.message),
  );
  assert.throws(() => evaluateRule({ name: 'r', expr: 'logdetS + a', params: { a: 1 } }, cols, { c: 2 }), /unknown parameter\(s\) c \(declared: a\)/);
  assert.throws(() => evaluateRule({ name: 'r', expr: 'NA', params: { NA: 1 } }, cols), /also name column/);
  assert.throws(() => compileRule({ name: 'r', expr: 'x', params: { log: 1 } }), /bad parameter name 'log'/);
  assert.throws(() => evaluateRule('NA', { NA: [1, 2], x: [1] }), /length mismatch/);
  // parameter defaults and overrides
  const r: RuleSpec = { name: 'r', expr: 'logdetS + a*NA', params: { a: 2 } };
  assert.deepEqual(Array.from(evaluateRule(r, cols).values), [7, 10]);
  assert.deepEqual(Array.from(evaluateRule(r, cols, { a: 0.5 }).values), [2.5, 4]);
  assert.deepEqual(evaluateRule(r, cols, { a: 0.5 }).params, { a: 0.5 });
  // a compiled rule checks its columns against the population too
  assert.throws(() => evaluateRule(compileRule('q * 2'), cols), RuleNameError);
});

test('evaluation: vectorised; NaN and ±inf propagate and are counted', () => {
  const cols = { x: [4, -1, 0, 9, -Infinity], y: [1, 1, 0, NaN, 1] };
  const r = evaluateRule('log(x) + y', cols);
  assert.deepEqual(Array.from(r.values), [Math.log(4) + 1, NaN, -Infinity, NaN, NaN]);
  assert.deepEqual(r.nonFinite, { nan: 3, posInf: 0, negInf: 1, total: 4 });
  const d = evaluateRule('x / y', cols);
  assert.deepEqual(Array.from(d.values), [4, -1, NaN, NaN, -Infinity]);
  assert.deepEqual(d.nonFinite, { nan: 2, posInf: 0, negInf: 1, total: 3 });
  const s = evaluateRule('sqrt(x)', { x: [9, -4] });
  assert.equal(s.values[0], 3);
  assert.ok(Number.isNaN(s.values[1]));
});

test('rank: average ranks over the finite values, ties share the mean rank, non-finite left as is', () => {
  const r = evaluateRule('rank(x)', { x: [10, 20, 20, 5, NaN, -Infinity, 20] });
  assert.deepEqual(Array.from(r.values), [2, 4, 4, 1, NaN, -Infinity, 4]);
  assert.equal(r.nonFinite.total, 2);
  // ranks are over the evaluated expression, not the raw column
  assert.deepEqual(Array.from(evaluateRule('rank(-x)', { x: [1, 2, 3] }).values), [3, 2, 1]);
  assert.deepEqual(Array.from(evaluateRule('rank(x) + rank(y)', { x: [1, 2, 3], y: [5, 5, 1] }).values), [3.5, 4.5, 4]);
  // z: mean 0, sample sd 1; constant input → NaN
  const z = evaluateRule('z(x)', { x: [1, 2, 3, 4, Infinity] }).values;
  assert.deepEqual(Array.from(z.slice(0, 4)).map((v) => +v.toFixed(12)), [-1.161895003862, -0.387298334621, 0.387298334621, 1.161895003862]);
  assert.equal(z[4], Infinity);
  assert.ok(evaluateRule('z(x)', { x: [2, 2, 2] }).values.every(Number.isNaN));
});

test('sweeps: grid points are the Cartesian product in order; sweepRule evaluates each', () => {
  const pts = gridPoints({ a: [1, 2], b: [3, 4, 5] });
  assert.deepEqual(pts, [
    { a: 1, b: 3 }, { a: 1, b: 4 }, { a: 1, b: 5 },
    { a: 2, b: 3 }, { a: 2, b: 4 }, { a: 2, b: 5 },
  ]);
  const rule: RuleSpec = { name: 'lin', expr: 'a*x + b', params: { a: 0, b: 0 } };
  const sw = sweepRule(rule, { x: [1, 10] }, { a: [1, 2], b: [3, 4, 5] });
  assert.equal(sw.length, 6);
  sw.forEach((r, k) => assert.deepEqual(Array.from(r.values), [pts[k].a * 1 + pts[k].b, pts[k].a * 10 + pts[k].b]));
  const entries = expandRules([rule, { name: 'x', expr: 'x' }], { lin: { a: [0.5, 2] } });
  assert.deepEqual(entries.map((e) => e.label), ['lin[a=0.5]', 'lin[a=2]', 'x']);
  assert.deepEqual(entries[1].params, { a: 2, b: 0 });
  assert.throws(() => expandRules([rule], { lin: { c: [1] } }), /unknown parameter\(s\) c/);
  assert.throws(() => expandRules([rule], { nope: { a: [1] } }), /unknown rule\(s\) nope/);
  assert.throws(() => expandRules([rule, rule]), /duplicate name/);
  assert.throws(() => gridPoints({ a: [] }), /no values for a/);
});

/** A score table of `m` synthetic networks with real kernels of random binary codes. */
function syntheticScores(m: number, seed: number, batch = 8): { table: ScoreTable; acc: number[] } {
  const rng = new Rng(seed);
  const rows: ScoreTable['rows'][number][] = [];
  const acc: number[] = [];
  for (let i = 0; i < m; i++) {
    const k = new HammingKernel(batch);
    const layers = 1 + rng.int(4);
    for (let l = 0; l < layers; l++) {
      const f = 20 + rng.int(200);
      const p = 0.2 + 0.6 * rng.next();
      k.addLayer(Float64Array.from({ length: batch * f }, () => (rng.next() < p ? 1 : -1)), 1 + rng.int(2));
    }
    const r = naswotFromKernel(k);
    rows.push({ index: i, arch: `a${i}`, values: { naswot: r.score, das_na: r.numUnits, das_logdet_s: r.logDetS }, seconds: 0 });
  }
  // accuracy: standardised atoms plus noise, so that every rule has a clearly positive τ
  const zs = (v: number[]): number[] => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    return v.map((a) => (a - m) / sd);
  };
  const s = zs(rows.map((r) => r.values.das_logdet_s));
  const na = zs(rows.map((r) => Math.log(r.values.das_na)));
  for (let i = 0; i < m; i++) acc.push(s[i] + 0.5 * na[i] + 0.7 * rng.normal());
  return { table: { proxies: ['naswot', 'das_na', 'das_logdet_s'], rows }, acc };
}

test('WOT rule rebuilt from the atoms reproduces naswot (1e-12 relative) and its ranking exactly', () => {
  const { table, acc } = syntheticScores(60, 3);
  const cols = dasColumns(table, 8);
  const wot = evaluateRule(DAS_RULES.find((r) => r.name === 'WOT')!, cols).values;
  const a1 = evaluateRule(DAS_RULES.find((r) => r.name === 'S+aWOT')!, cols, { a: 1 }).values;
  const naswot = table.rows.map((r) => r.values.naswot);
  naswot.forEach((s, i) => {
    assert.ok(Number.isFinite(s));
    assert.ok(Math.abs(wot[i] - s) <= 1e-12 * Math.abs(s), `row ${i}: ${wot[i]} vs ${s}`);
    assert.equal(a1[i], wot[i]);
  });
  assert.equal(kendallTauB(Array.from(wot), acc), kendallTauB(naswot, acc));
  assert.equal(spearman(Array.from(wot), acc), spearman(naswot, acc));
  // the other atoms columns
  assert.deepEqual(Array.from(cols.logNA), table.rows.map((r) => Math.log(r.values.das_na)));
  assert.ok(cols.N.every((v) => v === 8));
  assert.throws(() => dasColumns(table, 0), /batch size/);
});

test('paired τ ratio: equals 1 exactly (CI [1, 1]) when rule == WOT; CI contains the estimate otherwise', () => {
  const { table, acc } = syntheticScores(80, 4);
  const cols = dasColumns(table, 8);
  const rules: RuleSpec[] = [...DAS_RULES, { name: 'WOT-copy', expr: 'naswot' }];
  const rep = ruleReport(rules, cols, acc, { bootstrap: 200, seed: 7 });
  const byLabel = new Map(rep.entries.map((e) => [e.label, e]));
  const w = byLabel.get('WOT')!;
  assert.equal(rep.baseline.label, 'WOT');
  assert.deepEqual([w.ratio.estimate, w.ratio.lo, w.ratio.hi], [1, 1, 1]);
  const c = byLabel.get('WOT-copy')!;
  assert.deepEqual([c.ratio.estimate, c.ratio.lo, c.ratio.hi], [1, 1, 1]);
  assert.equal(c.kendall.estimate, w.kendall.estimate);
  for (const e of rep.entries) {
    assert.equal(e.n, 80);
    assert.ok(e.kendall.lo <= e.kendall.estimate && e.kendall.estimate <= e.kendall.hi, `${e.label} τ CI`);
    assert.ok(e.spearman.lo <= e.spearman.estimate && e.spearman.estimate <= e.spearman.hi, `${e.label} ρ CI`);
    assert.ok(Math.abs(e.ratio.estimate - e.kendall.estimate / w.kendall.estimate) < 1e-12, `${e.label} ratio = τ/τ_WOT`);
    if (Number.isFinite(e.ratio.lo)) assert.ok(e.ratio.lo <= e.ratio.estimate && e.ratio.estimate <= e.ratio.hi, `${e.label} ratio CI`);
  }
  // best = max τ
  const maxTau = Math.max(...rep.entries.map((e) => e.kendall.estimate));
  assert.equal(rep.best.kendall.estimate, maxTau);
  // pairing matters: the paired CI of a near-copy of WOT is much narrower than the ratio of
  // independent intervals would suggest
  const x = table.rows.map((r) => r.values.naswot + 1e-3 * Math.sin(r.index));
  const paired = pairedKendallRatio(x, table.rows.map((r) => r.values.naswot), acc, 300, 2);
  assert.ok(paired.hi - paired.lo < 0.2 * (w.kendall.hi - w.kendall.lo) / w.kendall.estimate, `paired CI width ${paired.hi - paired.lo}`);
  const text = formatRuleReport(rep);
  assert.match(text, /best: /);
  assert.match(text, /1\.04×–1\.56×/);
});

test('report drops non-finite rows explicitly: common mode uses the rows finite for every rule', () => {
  const cols = { s: [1, 2, -Infinity, 4, 5, 6], na: [1, 3, 2, 5, 4, 6] };
  const acc = [1, 2, 3, 4, NaN, 6];
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 's' }, { name: 'na', expr: 'na' }];
  const common = ruleReport(rules, cols, acc, { bootstrap: 0 });
  assert.equal(common.badAccuracy, 1);
  assert.equal(common.commonRows, 4);
  assert.deepEqual(common.entries.map((e) => [e.n, e.dropped, e.nonFinite.total]), [[4, 2, 1], [4, 2, 0]]);
  assert.equal(common.entries[0].kendall.estimate, 1);
  const per = ruleReport(rules, cols, acc, { bootstrap: 0, rows: 'per-rule' });
  assert.deepEqual(per.entries.map((e) => [e.n, e.ratioN]), [[4, 4], [5, 4]]);
  assert.ok(Number.isNaN(per.entries[0].kendall.lo));
  assert.throws(() => ruleReport(rules, cols, acc, { baseline: 'nope' }), /baseline 'nope' is not among/);
  assert.throws(() => ruleReport(rules, cols, [1, 2]), /2 accuracies for 6 rows/);
});

test('split mode: deterministic from the seed, disjoint halves, choice made on one half only', () => {
  const { table, acc } = syntheticScores(70, 5);
  const cols = dasColumns(table, 8);
  const opts = { bootstrap: 50, seed: 3, splitSeed: 11, sweeps: DAS_SWEEPS };
  const a = splitRuleReport(DAS_RULES, cols, acc, opts);
  const b = splitRuleReport(DAS_RULES, cols, acc, opts);
  assert.deepEqual(a.selectRows, b.selectRows);
  assert.equal(a.chosen.label, b.chosen.label);
  assert.deepEqual(a.chosenTest.kendall, b.chosenTest.kendall);
  assert.deepEqual(a.chosenTest.ratio, b.chosenTest.ratio);
  assert.equal(a.selectRows.length, 35);
  assert.equal(a.testRows.length, 35);
  assert.deepEqual([...a.selectRows, ...a.testRows].sort((p, q) => p - q), Array.from({ length: 70 }, (_, i) => i));
  // the chosen entry is the best on the selection half ...
  const selBest = Math.max(...a.selection.entries.map((e) => e.kendall.estimate));
  assert.equal(a.selection.best.kendall.estimate, selBest);
  // ... and its test numbers are those of a plain report on the test rows
  const testCols = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, a.testRows.map((i) => v[i])]));
  const direct = kendallTauB(Array.from(evaluateRule(a.chosen.rule, testCols, a.chosen.params).values), a.testRows.map((i) => acc[i]));
  assert.ok(Math.abs(a.chosenTest.kendall.estimate - direct) < 1e-12);
  assert.equal(a.test.baseline.label, 'WOT');
  const c = splitRuleReport(DAS_RULES, cols, acc, { ...opts, splitSeed: 12 });
  assert.notDeepEqual(c.selectRows, a.selectRows);
  assert.match(formatSplitReport(a), /choose on 35 rows, report on 35/);
  assert.throws(() => splitRuleReport(DAS_RULES, cols, acc, { selectFraction: 1 }), /selectFraction/);
});

test('built-in rules all compile against the DAS columns; sweeps name declared parameters', () => {
  const names = ['index', 'naswot', 'das_na', 'das_logdet_s', 'N', 'NA', 'logNA', 'logdetS'];
  for (const r of DAS_RULES) compileRule(r, names);
  const entries = expandRules(DAS_RULES, DAS_SWEEPS);
  assert.ok(entries.some((e) => e.label === 'S+aWOT[a=1]'));
  assert.ok(entries.some((e) => e.label === 'WOT'));
});

/** A rule score given directly (no evaluation), for the text functions. */
function givenScore(label: string, expr: string, params: Record<string, number>, tau: [number, number, number], rho: [number, number, number], ratio: [number, number, number], nonFinite = 0): RuleScore {
  const est = ([estimate, lo, hi]: [number, number, number]) => ({ estimate, lo, hi, skipped: 0 });
  return {
    label,
    rule: { name: label, expr, params },
    params,
    nonFinite: { nan: nonFinite, posInf: 0, negInf: 0, total: nonFinite },
    n: 8,
    dropped: 2,
    kendall: est(tau),
    spearman: est(rho),
    ratio: est(ratio),
    ratioN: 8,
  };
}

test('formatRuleReport and formatSplitReport: the exact text, with and without CIs, in both modes', () => {
  const wot = givenScore('WOT', 'wot', {}, [0.3, 0.1, 0.5], [0.4, 0.2, 0.6], [1, 1, 1]);
  const mix = givenScore('mix[a=2]', 'x + a*y', { a: 2 }, [0.5, 0.4, 0.6], [0.55, 0.45, 0.65], [5 / 3, 1.2, 2], 2);
  const report: RuleReport = { total: 10, badAccuracy: 1, commonRows: 8, mode: 'common', bootstrap: 200, seed: 3, level: 0.95, baseline: wot, entries: [wot, mix], best: mix };
  assert.deepEqual(formatRuleReport(report, 'DAS').split('\n'), [
    'DAS: 10 rows, 1 without accuracy; mode common (8 rows finite for every rule); 95% percentile bootstrap, B=200, seed 3, ratio CI paired',
    'rule | n | non-finite | Kendall τ | Spearman ρ | τ / τ_WOT',
    'WOT | 8 | 0 | 0.300 [0.100, 0.500] | 0.400 [0.200, 0.600] | 1.000 [1.000, 1.000]',
    'mix[a=2] | 8 | 2 | 0.500 [0.400, 0.600] | 0.550 [0.450, 0.650] | 1.667 [1.200, 2.000]',
    'best: mix[a=2] (x + a*y, {"a":2}): τ 0.500 [0.400, 0.600], ratio to WOT 1.667 [1.200, 2.000] (paper claims 1.04×–1.56×; chosen on the same rows it is judged on, so optimistic — see the split report)',
  ]);
  // per-rule mode, no bootstrap, a baseline without parameters as the best
  const nan = NaN;
  const w0 = givenScore('WOT', 'wot', {}, [0.3, nan, nan], [0.4, nan, nan], [1, nan, nan]);
  const perRule: RuleReport = { ...report, mode: 'per-rule', commonRows: NaN, bootstrap: 0, baseline: w0, entries: [w0], best: w0 };
  assert.deepEqual(formatRuleReport(perRule).split('\n'), [
    'rule report: 10 rows, 1 without accuracy; mode per-rule',
    'rule | n | non-finite | Kendall τ | Spearman ρ | τ / τ_WOT',
    'WOT | 8 | 0 | 0.300 | 0.400 | 1.000',
    'note: per-rule mode judges rules on different rows (e.g. NA keeps singular networks), so τ values are not strictly comparable',
    'best: WOT (wot): τ 0.300, ratio to WOT 1.000 (paper claims 1.04×–1.56×; chosen on the same rows it is judged on, so optimistic — see the split report)',
  ]);
  // a baseline τ interval that reaches 0 (at either end) makes ratios unstable: said once
  const note = /^note: the WOT τ interval contains 0, so τ ratios are unstable; compare the τ intervals instead$/m;
  for (const tau of [[0.2, 0, 0.4], [-0.2, -0.4, 0], [0.1, -0.1, 0.3]] as [number, number, number][]) {
    const b = givenScore('WOT', 'wot', {}, tau, [0.4, 0.2, 0.6], [1, 1, 1]);
    assert.match(formatRuleReport({ ...report, baseline: b, entries: [b], best: b }), note, String(tau));
  }
  assert.doesNotMatch(formatRuleReport(report), /note:/);
  const below = givenScore('WOT', 'wot', {}, [-0.3, -0.5, -0.1], [0.4, 0.2, 0.6], [1, 1, 1]);
  assert.doesNotMatch(formatRuleReport({ ...report, baseline: below, entries: [below], best: below }), /note:/, 'an interval below 0 does not contain 0');
  // the split summary
  const split = {
    splitSeed: 11,
    selectRows: [0, 2, 4],
    testRows: [1, 3, 5, 6],
    selection: { ...report, best: givenScore('mix[a=2]', 'x', {}, [0.7, nan, nan], [0, nan, nan], [0, nan, nan]), baseline: givenScore('WOT', 'wot', {}, [0.25, nan, nan], [0, nan, nan], [0, nan, nan]) },
    chosen: { label: 'mix[a=2]', rule: mix.rule, params: mix.params },
    test: report,
    chosenTest: mix,
  } as SplitReport;
  assert.deepEqual(formatSplitReport(split).split('\n'), [
    'split (seed 11): choose on 3 rows, report on 4',
    'chosen: mix[a=2] (τ 0.700 on the selection half; WOT there 0.250)',
    'test half: mix[a=2] τ 0.500 [0.400, 0.600], ρ 0.550 [0.450, 0.650]; WOT τ 0.300 [0.100, 0.500]; ratio 1.667 [1.200, 2.000] (n=8)',
  ]);
});

test('rule helpers and their refusals, with the exact messages', () => {
  const msg = errorMessage;
  assert.equal(msg(() => columnLength({})), 'rule columns: no columns given');
  assert.equal(msg(() => columnLength({ a: [1, 2], b: [1], c: [1, 2], d: [] })), 'rule columns: length mismatch (a has 2 rows; b has 1, d has 0)');
  assert.equal(columnLength({ a: new Float64Array(3), b: [1, 2, 3] }), 3);
  assert.deepEqual(countNonFinite([1, NaN, Infinity, -Infinity, NaN, 0]), { nan: 2, posInf: 1, negInf: 1, total: 4 });
  assert.equal(msg(() => compileRule({ name: 'r', expr: 'x', params: { '1a': 1 } })), "rule 'r': bad parameter name '1a' (must be an identifier, not a function name)");
  assert.equal(msg(() => compileRule({ name: 'r', expr: 'x', params: { 'a-b': 1 } })), "rule 'r': bad parameter name 'a-b' (must be an identifier, not a function name)");
  assert.equal(msg(() => compileRule({ name: 'r', expr: 'x + a', params: { a: NaN } })), "rule 'r': parameter a has non-finite default NaN");
  assert.equal(msg(() => compileRule({ name: 'r', expr: 'x * a', params: { a: 1, x: 2 } }, ['x'])), "rule 'r': parameter(s) x also name column(s); rename the parameter");
  assert.deepEqual(compileRule({ name: 'r', expr: 'x * a + y', params: { a: 1 } }).columns, ['x', 'y']);
  assert.deepEqual(compileRule('b + a').spec, { name: 'b + a', expr: 'b + a' });
  assert.equal(msg(() => compileRule('q', ['x'])), "rule 'q': unknown name(s) 'q' (known: x)");
  assert.equal(msg(() => compileRule({ name: 'r', expr: 'q', params: { a: 1 } }, ['x'])), "rule 'q': unknown name(s) 'q' (known: x, a (parameter))");
  // parameters: a compiled rule without a default and without a value, an undeclared one, none declared
  const cols = { x: [1, 2] };
  const noDefault = compileRule({ name: 'r', expr: 'x * a', params: { a: 1 } });
  assert.equal(msg(() => evaluateRule({ ...noDefault, spec: { name: 'r', expr: 'x * a' } }, cols)), "rule 'r': parameter a needs a finite value, got undefined");
  assert.equal(msg(() => evaluateRule(noDefault, cols, { a: Infinity })), "rule 'r': parameter a needs a finite value, got Infinity");
  assert.equal(msg(() => evaluateRule({ name: 'r', expr: 'x' }, cols, { a: 1 })), "rule 'r': unknown parameter(s) a (declared: none)");
  assert.equal(msg(() => evaluateRule(noDefault, { x: [1, 2], a: [3, 4] })), "rule 'r': parameter(s) a also name column(s); rename the parameter");
  assert.equal(msg(() => evaluateRule(compileRule('x + y'), cols)), "rule 'x + y': unknown name(s) 'y' (known: x)");
  // a parameter shadows nothing: the column of the same name is refused above; the value is used
  assert.deepEqual(Array.from(evaluateRule(noDefault, cols, { a: 3 }).values), [3, 6]);
  assert.equal(msg(() => sweepRule({ name: 'r', expr: 'x' }, cols, { a: [1] })), "rule 'r': unknown parameter(s) a (declared: none)");
  assert.equal(msg(() => expandRules([{ name: 'r', expr: 'x' }], { r: { a: [1] } })), "sweep of 'r': unknown parameter(s) a (declared: none)");
  assert.equal(msg(() => expandRules([{ name: 'r', expr: 'x' }, { name: 's', expr: 'x' }], { t: { a: [1] } })), 'sweeps name unknown rule(s) t (rules: r, s)');
  assert.equal(msg(() => expandRules([{ name: 'r', expr: 'x' }, { name: 'r', expr: 'x' }, { name: 'r', expr: 'y' }])), 'rules: duplicate name(s) r');
  assert.deepEqual(expandRules([{ name: 'r', expr: 'x + a + b', params: { a: 1, b: 2 } }], { r: { b: [5], a: [7, 8] } }).map((e) => [e.label, e.params]), [
    ['r[b=5,a=7]', { a: 7, b: 5 }],
    ['r[b=5,a=8]', { a: 8, b: 5 }],
  ]);
  assert.deepEqual(gridPoints({}), [{}]);
  // subsets and splits
  assert.deepEqual(subsetColumns({ a: [1, 2, 3], b: new Float64Array([4, 5, 6]) }, [2, 0]), { a: new Float64Array([3, 1]), b: new Float64Array([6, 4]) });
  assert.equal(msg(() => randomSplit(10, 1, 0)), 'random split: selectFraction must be in (0, 1), got 0');
  assert.equal(msg(() => randomSplit(10, 1, 1)), 'random split: selectFraction must be in (0, 1), got 1');
  assert.equal(msg(() => randomSplit(3, 1)), 'random split: 3 rows are too few to split 0.5');
  assert.equal(msg(() => randomSplit(10, 1, 0.1)), 'random split: 10 rows are too few to split 0.1');
  assert.equal(msg(() => randomSplit(10, 1, 0.9)), 'random split: 10 rows are too few to split 0.9');
  const sp = randomSplit(10, 4, 0.3);
  const perm = new Rng(4).sampleWithoutReplacement(10, 10);
  assert.deepEqual(sp.selectRows, perm.slice(0, 3).sort((p, q) => p - q));
  assert.deepEqual(sp.testRows, perm.slice(3).sort((p, q) => p - q));
  assert.deepEqual(randomSplit(4, 2).selectRows.length, 2);
  assert.equal(msg(() => splitRuleReport([{ name: 'WOT', expr: 'x' }], { x: [1, 2, 3, 4] }, [1, 2, 3, 4], { selectFraction: 0 })), 'splitRuleReport: selectFraction must be in (0, 1), got 0');
  // the paired ratio: sizes checked; fewer than 2 rows give NaN
  assert.equal(msg(() => pairedKendallRatio([1, 2], [1], [1, 2], 0)), 'pairedKendallRatio: length mismatch (2, 1, 2)');
  assert.equal(msg(() => pairedKendallRatio([1, 2], [1, 2], [1], 0)), 'pairedKendallRatio: length mismatch (2, 2, 1)');
  assert.deepEqual(pairedKendallRatio([1], [1], [1], 100), { estimate: NaN, lo: NaN, hi: NaN, skipped: 0 });
  // τ(x) = 1 and τ(base) = (5 − 1)/6 = 2/3 on 4 rows (5 concordant, 1 discordant of 6 pairs): ratio 1.5
  assert.deepEqual(pairedKendallRatio([1, 2, 3, 4], [2, 1, 3, 4], [1, 2, 3, 4], 0), { estimate: 1.5, lo: NaN, hi: NaN, skipped: 0 });
  // dasColumns: the batch size must be a positive integer; without atom columns no aliases
  const table: ScoreTable = { proxies: ['synflow'], rows: [{ index: 4, arch: 'a', values: { synflow: 2 }, seconds: 0 }, { index: 9, arch: 'b', values: { synflow: 3 }, seconds: 0 }] };
  assert.equal(msg(() => dasColumns(table, 1.5)), 'dasColumns: batch size must be a positive integer, got 1.5');
  assert.deepEqual(dasColumns(table, 1), { index: new Float64Array([4, 9]), synflow: new Float64Array([2, 3]), N: new Float64Array([1, 1]) });
  // scoreEntries: no entries
  assert.equal(msg(() => scoreEntries([], { x: [1, 2] }, [1, 2])), 'rule report: no rules');
  // a NaN τ never wins over a number, even when it comes first
  const later = scoreEntries(expandRules([{ name: 'c', expr: '0 * x' }, { name: 'WOT', expr: 'x' }]), { x: [1, 2, 3] }, [1, 2, 3], { bootstrap: 0 });
  assert.equal(later.best.label, 'WOT');
  assert.equal(later.best.kendall.estimate, 1);
  // fewer than 2 common rows: τ and ρ are NaN, not an error
  const tiny = scoreEntries(expandRules([{ name: 'WOT', expr: 'x' }]), { x: [1, NaN] }, [1, 2], { bootstrap: 50 });
  assert.equal(tiny.entries[0].n, 1);
  assert.deepEqual(tiny.entries[0].kendall, { estimate: NaN, lo: NaN, hi: NaN, skipped: 0 });
  assert.deepEqual(tiny.entries[0].spearman, { estimate: NaN, lo: NaN, hi: NaN, skipped: 0 });
});

test('rule report defaults and bootstrap: 1000 resamples, seed 1, 95 %; the τ and ρ CIs are bootstrapCI with the same seed', () => {
  const g = new Rng(8);
  const acc = Array.from({ length: 30 }, () => g.normal());
  const cols = { x: acc.map((a) => a + g.normal()), w: acc.map((a) => a + 2 * g.normal()) };
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 'w' }, { name: 'x', expr: 'x' }];
  const rep = ruleReport(rules, cols, acc, { bootstrap: 40, seed: 5, level: 0.9 });
  assert.deepEqual([rep.bootstrap, rep.seed, rep.level, rep.mode, rep.total, rep.badAccuracy, rep.commonRows], [40, 5, 0.9, 'common', 30, 0, 30]);
  const x = rep.entries[1];
  const ref = bootstrapCI(Array.from(cols.x), acc, kendallTauB, { resamples: 40, seed: 5, level: 0.9 });
  // the paired ratio's CI: the percentile bootstrap of τ(x)/τ(w) over resampled row positions
  const pos = acc.map((_, i) => i);
  const tauRatio = (idx: readonly number[]): number => kendallTauB(idx.map((i) => cols.x[i]), idx.map((i) => acc[i])) / kendallTauB(idx.map((i) => cols.w[i]), idx.map((i) => acc[i]));
  const refRatio = bootstrapCI(pos, pos, tauRatio, { resamples: 40, seed: 5, level: 0.9 });
  assert.deepEqual(x.ratio, { estimate: refRatio.estimate, lo: refRatio.lo, hi: refRatio.hi, skipped: refRatio.skipped });
  assert.deepEqual(x.kendall, { estimate: ref.estimate, lo: ref.lo, hi: ref.hi, skipped: ref.skipped });
  const refRho = bootstrapCI(Array.from(cols.x), acc, spearman, { resamples: 40, seed: 5, level: 0.9 });
  assert.deepEqual(x.spearman, { estimate: refRho.estimate, lo: refRho.lo, hi: refRho.hi, skipped: refRho.skipped });
  assert.deepEqual(x.ratio, pairedKendallRatio(Array.from(cols.x), Array.from(cols.w), acc, 40, 5, 0.9));
  const d = ruleReport(rules, cols, acc);
  assert.deepEqual([d.bootstrap, d.seed, d.level, d.baseline.label], [1000, 1, 0.95, 'WOT']);
  const refD = bootstrapCI(Array.from(cols.x), acc, kendallTauB, { resamples: 1000, seed: 1, level: 0.95 });
  assert.deepEqual([d.entries[1].kendall.lo, d.entries[1].kendall.hi], [refD.lo, refD.hi]);
  assert.deepEqual(pairedKendallRatio(Array.from(cols.x), Array.from(cols.w), acc, 1000), d.entries[1].ratio);
});

test('parser: number forms, quoted names, the error classes and the names an expression reads', () => {
  assert.equal(one('.25'), 0.25);
  assert.equal(one('1e+2 + 2E-1'), 100.2);
  assert.equal(one('1e10'), 1e10);
  // a '.' that starts no number is refused where it stands, even with a number further on
  for (const [expr, pos, token] of [['.', 0, "'.'"], ['. + 1', 0, "'.'"], ['a + 1x', 4, "'1x'"]] as const) {
    const e = syntaxError(expr);
    assert.deepEqual([e.pos, e.token], [pos, token], expr);
    assert.match(e.message, /malformed number/, expr);
  }
  const empty = syntaxError('a + ``');
  assert.deepEqual([empty.pos, empty.token], [4, "'``'"]);
  assert.match(empty.message, /empty quoted name/);
  assert.equal(empty.name, 'RuleSyntaxError');
  const unknown = new RuleNameError('q', ['q'], []);
  assert.equal(unknown.name, 'RuleNameError');
  assert.equal(unknown.message, "rule 'q': unknown name(s) 'q' (known: none)");
  // every name once, in order of first use, inside negations and calls too
  assert.deepEqual(ruleNames(parseRuleExpr('-a + log(b) * a - rank(-c) + `d e`')), ['a', 'b', 'c', 'd e']);
  // z of two values: ±1/√2; of one finite value: NaN (no sample sd)
  const z2 = evaluateRule('z(x)', { x: [1, 3] }).values;
  assert.ok(Math.abs(z2[0] + Math.SQRT1_2) < 1e-15 && Math.abs(z2[1] - Math.SQRT1_2) < 1e-15, String(z2));
  const z1 = evaluateRule('z(x)', { x: [5, NaN] }).values;
  assert.ok(Number.isNaN(z1[0]) && Number.isNaN(z1[1]), String(z1));
});

test('rule refusals name every offender; the built-in rules and sweeps by name', () => {
  const msg = errorMessage;
  assert.equal(msg(() => compileRule({ name: 'r', expr: 'a * b', params: { a: 1, b: 2 } }, ['a', 'b'])), "rule 'r': parameter(s) a, b also name column(s); rename the parameter");
  const ab = compileRule({ name: 'r', expr: 'x * a + b', params: { a: 1, b: 2 } });
  assert.equal(msg(() => evaluateRule(ab, { y: [1] })), "rule 'x * a + b': unknown name(s) 'x' (known: y, a (parameter), b (parameter))");
  assert.equal(msg(() => evaluateRule(ab, { x: [1], a: [1], b: [2] })), "rule 'r': parameter(s) a, b also name column(s); rename the parameter");
  assert.equal(msg(() => evaluateRule(ab, { x: [1] }, { c: 1, d: 2 })), "rule 'r': unknown parameter(s) c, d (declared: a, b)");
  const r: RuleSpec = { name: 'r', expr: 'x * a + b', params: { a: 1, b: 2 } };
  const s: RuleSpec = { name: 's', expr: 'x' };
  assert.equal(msg(() => expandRules([r, s, r, s])), 'rules: duplicate name(s) r, s');
  assert.equal(msg(() => expandRules([r, s], { t: { a: [1] }, u: { a: [1] } })), 'sweeps name unknown rule(s) t, u (rules: r, s)');
  assert.equal(msg(() => expandRules([r], { r: { c: [1], d: [1] } })), "sweep of 'r': unknown parameter(s) c, d (declared: a, b)");
  // a rule without a sweep keeps its defaults as its entry's parameters
  assert.deepEqual(expandRules([r]), [{ label: 'r', rule: r, params: { a: 1, b: 2 } }]);
  // the built-in rules, each with a description, and their sweeps (19 values of a, 12 of b)
  assert.deepEqual(DAS_RULES.map((x) => x.name), ['WOT', 'S', 'NA', 'S+aWOT', 'rank-sum', 'rank-sum-b', 'z-sum', 'rank-product', 'product', 'ratio']);
  for (const x of DAS_RULES) assert.ok((x.description ?? '').length > 10, `${x.name}: description`);
  const labels = expandRules(DAS_RULES, DAS_SWEEPS).map((e) => e.label);
  assert.equal(labels.length, 8 + 19 + 12);
  assert.deepEqual(labels.filter((l) => l.startsWith('rank-sum-b')).slice(0, 3), ['rank-sum-b[b=0]', 'rank-sum-b[b=0.1]', 'rank-sum-b[b=0.2]']);
  assert.equal(labels.filter((l) => l.startsWith('S+aWOT[')).length, 19);
});

test('rule report on hand-checked populations: two rows, ties, common rows for the ratio, the split choice', () => {
  const msg = errorMessage;
  // two rows: τ = ±1, the ratio −1 / 1 = −1
  const two = scoreEntries(expandRules([{ name: 'WOT', expr: 'x' }, { name: 'y', expr: 'y' }]), { x: [1, 2], y: [2, 1] }, [1, 2], { bootstrap: 0 });
  assert.deepEqual(two.entries.map((e) => [e.kendall.estimate, e.ratio.estimate]), [[1, 1], [-1, -1]]);
  assert.ok(Math.abs(two.entries[1].spearman.estimate + 1) < 1e-12, String(two.entries[1].spearman.estimate));
  assert.equal(pairedKendallRatio([2, 1], [1, 2], [1, 2], 0).estimate, -1);
  // ties: the first of equal τ wins
  const tie = scoreEntries(expandRules([{ name: 'WOT', expr: 'w' }, { name: 'a', expr: 'x' }, { name: 'b', expr: '2 * x' }]), { w: [2, 1, 3, 4], x: [1, 2, 3, 4] }, [1, 2, 3, 4], { bootstrap: 0 });
  assert.equal(tie.best.label, 'a');
  // common mode: rule u is NaN on row 1, so every τ and every ratio uses rows 0, 2, 3, 4
  const cols = { s: [1, 2, 3, 4, 5], t: [2, 1, 3, 5, 4], u: [1, NaN, 3, 4, 5] };
  const acc = [1, 2, 3, 4, 5];
  const rules: RuleSpec[] = [{ name: 'WOT', expr: 's' }, { name: 't', expr: 't' }, { name: 'u', expr: 'u' }];
  const common = ruleReport(rules, cols, acc, { bootstrap: 0 });
  assert.deepEqual(common.entries.map((e) => [e.n, e.ratioN]), [[4, 4], [4, 4], [4, 4]]);
  // t on rows 0, 2, 3, 4: (2, 3, 5, 4) against (1, 3, 4, 5): 5 of 6 pairs concordant, τ = 4/6
  assert.equal(common.entries[1].ratio.estimate, 4 / 6);
  const per = ruleReport(rules, cols, acc, { bootstrap: 0, rows: 'per-rule' });
  assert.ok(Number.isNaN(per.commonRows));
  assert.deepEqual(per.entries.map((e) => e.ratioN), [5, 5, 4]);
  assert.equal(msg(() => ruleReport(rules, cols, acc, { baseline: 'nope' })), "rule report: baseline 'nope' is not among the rules (WOT, t, u)");
  // the split: chosen on the selection half by label (not the first entry), the baseline found
  // by label (not the first entry), the selection scored without bootstrap
  const n = 20;
  const y = Array.from({ length: n }, (_, i) => i);
  const g = new Rng(2);
  const popCols = { noise: y.map(() => g.normal()), w: y.map((v) => v + 6 * g.normal()), good: y.map((v) => v + 0.1 * g.normal()) };
  const three: RuleSpec[] = [{ name: 'n', expr: 'noise' }, { name: 'WOT', expr: 'w' }, { name: 'good', expr: 'good' }];
  const sp = splitRuleReport(three, popCols, y, { bootstrap: 20 });
  assert.equal(sp.selection.bootstrap, 0);
  assert.equal(sp.selection.best.label, 'good');
  assert.equal(sp.chosen.label, 'good');
  assert.deepEqual(sp.test.entries.map((e) => e.label), ['good', 'WOT']);
  assert.equal(sp.test.bootstrap, 20);
  // the baseline chosen: it is scored once on the held-out half
  const wins = splitRuleReport([three[0]!, { name: 'WOT', expr: 'good' }], popCols, y, { bootstrap: 0 });
  assert.equal(wins.chosen.label, 'WOT');
  assert.deepEqual(wins.test.entries.map((e) => e.label), ['WOT']);
  assert.equal(msg(() => splitRuleReport(three, popCols, y, { selectFraction: 1 })), 'splitRuleReport: selectFraction must be in (0, 1), got 1');
});

test('pairedKendallRatio equals the percentile bootstrap of τ(x)/τ(base) over gathered resamples, bit for bit', () => {
  const g = new Rng(21);
  const n = 60;
  const acc = Array.from({ length: n }, () => Math.floor(g.next() * 8));
  const x = acc.map((a) => Math.floor(a / 2 + g.next() * 3));
  const base = acc.map((a) => Math.floor(g.next() * 3 + a / 3));
  const pos = acc.map((_, i) => i);
  const gathered = (v: readonly number[], idx: readonly number[]) => idx.map((i) => v[i]);
  const ratio = (idx: readonly number[]) => kendallTauB(gathered(x, idx), gathered(acc, idx)) / kendallTauB(gathered(base, idx), gathered(acc, idx));
  for (const [b, seed, level] of [[50, 1, 0.95], [80, 7, 0.9]] as const) {
    const ref = refBootstrapCI(pos, pos, ratio, b, seed, level);
    assert.deepEqual(pairedKendallRatio(x, base, acc, b, seed, level), { estimate: ref.estimate, lo: ref.lo, hi: ref.hi, skipped: ref.skipped });
  }
  // a baseline with τ = 0 on some resamples: those are skipped, as in the reference
  const flat = [0, 0, 1, 1];
  const ref = refBootstrapCI([0, 1, 2, 3], [0, 1, 2, 3], (idx) => kendallTauB(gathered([1, 2, 3, 4], idx), gathered([1, 2, 4, 3], idx)) / kendallTauB(gathered(flat, idx), gathered([1, 2, 4, 3], idx)), 40, 3, 0.95);
  const got = pairedKendallRatio([1, 2, 3, 4], flat, [1, 2, 4, 3], 40, 3);
  assert.ok(ref.skipped > 0);
  assert.deepEqual(got, { estimate: ref.estimate, lo: ref.lo, hi: ref.hi, skipped: ref.skipped });
});
