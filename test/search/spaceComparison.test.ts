/**
 * Space-agnostic baselines on a synthetic space (truth = index): rank percentiles, NASWOT random-N
 * with a perfect score picks the best of its draw, random search picks the best query, the optimum
 * row, Kendall τ on finite pairs only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { methodRecords, methodRow, percentileOf, spaceBaselines } from '../../src/search/spaceComparison';

const space = { size: 100, truth: (i: number) => i, fitness: (i: number) => i };

test('rank percentile: share of the space at or below the accuracy', () => {
  const p = percentileOf(space);
  assert.equal(p(99), 100);
  assert.equal(p(0), 1);
  assert.equal(p(-1), 0);
  assert.equal(p(49.5), 50);
  const r = methodRow('m', [99, 0], p);
  assert.equal(r.percentile, 50.5);
  assert.deepEqual(r.accuracy, { mean: 49.5, std: 49.5 });
  assert.equal(methodRecords([r])[0]!['test %'], '49.50 ± 49.50');
});

test('baselines: a perfect NASWOT score and random search both return the best of their draw; optimum; τ', () => {
  const indices = Array.from({ length: 50 }, (_, k) => 2 * k);
  const scores = indices.map((i) => i / 10);
  scores[3] = NaN;
  const b = spaceBaselines(space, { indices, scores }, { ns: [10, 50], runs: 40, seed: 1 });
  const row = (m: string) => b.rows.find((r) => r.method === m)!;
  assert.equal(row('NASWOT N=50').accuracy.mean, 98, 'the whole pool: its best');
  assert.ok(row('NASWOT N=10').accuracy.mean > 80 && row('NASWOT N=10').accuracy.mean < 98);
  assert.ok(row('Random search, 50 queries').accuracy.mean > row('Random search, 10 queries').accuracy.mean);
  assert.equal(row('Optimum of the space').accuracy.mean, 99);
  assert.equal(row('Optimum of the space').percentile, 100);
  assert.equal(b.tau, 1);
  assert.equal(b.tauPairs, 49, 'the NaN pair dropped');
  assert.throws(() => spaceBaselines(space, { indices, scores }, { ns: [51], runs: 1, seed: 1 }), /random-51 needs at least 51 scored architectures, the pool has 50/);
});
