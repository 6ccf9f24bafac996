import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { loadProjectScores } from '../../src/runner/projectTables';
import { scorePool } from '../../src/search/scorePool';
import { compareAreaRea } from '../../src/search/table2a';
import { welchInterval } from '../../src/search/zcpt/report';

test('compareAreaRea: paired runs, reproducible, CI around the mean difference', () => {
  const table = loadNb201Table();
  const pool = scorePool(loadProjectScores('nb201-cifar10-naswot'), 'naswot');
  const a = compareAreaRea({ table, pool, seed: 0, budget: 30, runs: 20 });
  const b = compareAreaRea({ table, pool, seed: 0, budget: 30, runs: 20 });
  assert.deepEqual(a.differences, b.differences);
  assert.equal(a.wins + a.losses + a.ties, 20);
  const mean = a.differences.reduce((s, v) => s + v, 0) / 20;
  assert.ok(Math.abs(a.mean.estimate - mean) < 1e-12);
  assert.ok(a.mean.lo <= mean && mean <= a.mean.hi);
  assert.throws(() => compareAreaRea({ table, pool, runs: 1 }), /runs must be an integer ≥ 2/);
});

test('welchInterval: textbook values', () => {
  // equal n and sd: df = 2(n−1) = 18 → t 2.101; se = √(2·4/10)
  const w = welchInterval(10, 2, 10, 8, 2, 10);
  assert.ok(Math.abs(w.df - 18) < 1e-9);
  assert.ok(Math.abs(w.lo - (2 - 2.101 * Math.sqrt(0.8))) < 1e-9);
  assert.throws(() => welchInterval(1, 1, 1, 1, 1, 5), /at least 2 runs/);
});
