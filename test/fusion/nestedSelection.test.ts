/**
 * Nested rule selection (src/fusion/nestedSelection.ts): a rule planted to win on the selection
 * half only is chosen there and does not win held out (while the in-sample report is fooled);
 * the best of many equally good copies of WOT wins in-sample by luck but shows no held-out
 * difference; a genuinely better rule beats WOT held out; splits are those of randomSplit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { formatNestedSelection, nestedRuleSelection } from '../../src/fusion/nestedSelection';
import { randomSplit, splitRuleReport, type RuleSpec } from '../../src/fusion/rules';
import { kendallTauB } from '../../src/stats/correlation';

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
  const r = nestedRuleSelection(rules, cols, acc, { splits: 20, bootstrap: 200 });
  assert.equal(r.splits.length, 20);
  assert.notEqual(r.inSample!.best.label, 'WOT');
  assert.ok(r.inSample!.best.ratio.estimate > 1.05, `in-sample best ratio ${r.inSample!.best.ratio.estimate} (selection bias)`);
  assert.equal(r.verdict, 'no held-out difference');
  assert.ok(r.ratio.median > 0.85 && r.ratio.median < 1.1, `held-out median ratio ${r.ratio.median}`);
  assert.ok(r.ratio.median < r.inSample!.best.ratio.estimate, 'held out is below the in-sample best');
  assert.ok(r.ratio.min <= r.ratio.median && r.ratio.median <= r.ratio.max);
  assert.equal(r.chosenCounts.reduce((t, c) => t + c.count, 0), 20);
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
  assert.throws(() => nestedRuleSelection(rules, cols, acc, { splits: 0 }), /splits must be a positive integer/);
  assert.throws(() => nestedRuleSelection(rules, cols, acc, { baseline: 'X' }), /baseline 'X'/);
  assert.throws(() => nestedRuleSelection(rules, { wot: [1, 2, 3] }, [1, 2, 3]), /too few to split/);
  assert.throws(() => nestedRuleSelection(rules, cols, acc.slice(1)), /accuracies for/);
});
