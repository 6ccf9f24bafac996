/**
 * Search from a scored table (src/search/scoreSearch.ts): a perfect score finds the best of each
 * sample (random-N = optimal in sample, top-k precision 1), a reversed score the worst, all scores
 * draw the same candidates, non-finite scores never win and leave top-k.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { scoreSearch, scoreSearchRecords } from '../../src/search/scoreSearch';

const rng = new Rng(4);
const acc = Float64Array.from({ length: 400 }, () => 80 + 10 * rng.next());

test('a perfect score equals the optimum in sample; a reversed one is worse than one random draw; top-k precision 1 and 0', () => {
  const noisy = acc.map((a) => a + 3 * rng.normal());
  const withNaN = acc.map((a, i) => (i % 2 ? NaN : a));
  const rows = scoreSearch([
    { label: 'perfect', values: acc },
    { label: 'reversed', values: acc.map((a) => -a) },
    { label: 'noisy', values: noisy },
    { label: 'half nan', values: withNaN },
  ], acc, { runs: 200, seed: 3 });
  const by = Object.fromEntries(rows.map((r) => [r.label, r]));
  for (const N of [10, 100]) {
    assert.equal(by.perfect!.randomN[N]!.mean, by['Optimal in sample']!.randomN[N]!.mean, 'same candidates for every score');
    assert.ok(by.reversed!.randomN[N]!.mean < by['Random (first draw)']!.randomN[N]!.mean);
    const n = by.noisy!.randomN[N]!.mean;
    assert.ok(n > by['Random (first draw)']!.randomN[N]!.mean && n < by.perfect!.randomN[N]!.mean, `noisy ${n}`);
  }
  assert.equal(by.perfect!.topK[0.01], 1);
  assert.equal(by.perfect!.k[0.05], 20);
  assert.equal(by.reversed!.topK[0.05], 0);
  assert.equal(by['half nan']!.nonFinite, 200);
  assert.equal(by['half nan']!.k[0.05], 10, 'k is a fraction of the finite rows');
  assert.equal(by['half nan']!.topK[0.05], 1, 'top-k among the rows where the score is finite');
  const recs = scoreSearchRecords(rows);
  assert.equal(recs.length, 6);
  assert.match(String(recs[0]!['top-1 % precision']), /^1\.000 \(k=4\)$/);
});

test('bad input is refused', () => {
  assert.throws(() => scoreSearch([{ label: 'x', values: [1, 2] }], [1, 2, 3]), /'x' has 2 values for 3 rows/);
  assert.throws(() => scoreSearch([], [1], { runs: 0 }), /runs must be/);
  assert.throws(() => scoreSearch([], [1], { topFractions: [0] }), /fraction/);
});
