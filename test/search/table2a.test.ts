import test from 'node:test';
import assert from 'node:assert/strict';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { Rng } from '../../src/engine/rng';
import { meanStd, naswotTable2a, PAPER_TABLE_2A, randomNAccuracy, TABLE2A_COLUMNS } from '../../src/search/table2a';

test('meanStd uses the population standard deviation', () => {
  assert.deepEqual(meanStd([1, 3]), { mean: 2, std: 1 });
  assert.ok(Number.isNaN(meanStd([]).mean));
});

test('randomNAccuracy: N ≫ pool always finds the top score; N = 1 averages the pool; same seed, same runs', () => {
  const pool = { proxy: 'p', indices: [7, 8, 9], scores: [1, 3, 2], seconds: [0, 0, 0] };
  const acc = (i: number): number => i * 10;
  const big = randomNAccuracy(pool, 200, 50, 1, acc);
  assert.deepEqual(big.accuracy, { mean: 80, std: 0 }, 'index 8 has the top score');
  assert.equal(big.smallAgainstPool, false);
  const one = randomNAccuracy(pool, 1, 3000, 2, acc);
  assert.ok(Math.abs(one.accuracy.mean - 80) < 1.5 && Math.abs(one.accuracy.std - Math.sqrt(200 / 3)) < 0.5, JSON.stringify(one.accuracy));
  assert.deepEqual(randomNAccuracy(pool, 1, 20, 2, acc).chosen, one.chosen.slice(0, 20));
  assert.equal(randomNAccuracy({ ...pool, indices: Array.from({ length: 30 }, (_, i) => i), scores: Array.from({ length: 30 }, () => 0), seconds: [] }, 3, 1, 1, acc).smallAgainstPool, true);
});

test('Table 2(a): rows, paper values beside them, oracle scores reach the optimum-in-sample', () => {
  const table = loadNb201Table();
  const rng = new Rng(4);
  const indices = rng.sampleWithoutReplacement(table.size, 3000);
  const valid = table.accuracies('cifar10-valid');
  // an oracle "score" equal to the CIFAR-10 validation accuracy
  const pool = { proxy: 'oracle', indices, scores: indices.map((i) => valid[i]), seconds: indices.map(() => 0.5) };
  const rows = naswotTable2a({ table, pool, runs: 200, areaRuns: 20, ns: [10, 100], budget: 60, seed: 1 });
  assert.deepEqual(rows.map((r) => r.method), [
    'NASWOT N=10', 'NASWOT N=100', 'Random', 'Optimal in sample N=10', 'Optimal in sample N=100', 'AREA', 'REA', 'Random search',
  ]);
  const byName = new Map(rows.map((r) => [r.method, r]));
  for (const r of rows) {
    assert.ok(r.paper, `${r.method} has the paper's row`);
    for (const k of TABLE2A_COLUMNS) assert.ok(Number.isFinite(r.accuracy[k].mean), `${r.method} ${k}`);
  }
  assert.equal(byName.get('NASWOT N=10')!.searchSeconds!.mean, 5, '10 draws × 0.5 s');
  const oracle10 = byName.get('NASWOT N=10')!.accuracy['cifar10-valid'].mean;
  const opt10 = byName.get('Optimal in sample N=10')!.accuracy['cifar10-valid'].mean;
  assert.ok(Math.abs(oracle10 - opt10) < 0.4, `oracle random-10 ${oracle10} ≈ optimum in sample ${opt10}`);
  // benchmark-only rows land near the paper (their only error is sampling noise)
  const random = byName.get('Random')!.accuracy['cifar10-test'].mean;
  assert.ok(Math.abs(random - PAPER_TABLE_2A.Random.accuracy['cifar10-test']!.mean) < 3, `random ${random}`);
  assert.ok(byName.get('REA')!.accuracy['cifar10-valid'].mean > byName.get('Random')!.accuracy['cifar10-valid'].mean + 5);
  assert.deepEqual(naswotTable2a({ table, pool, runs: 5, areaRuns: 2, ns: [10], budget: 20, seed: 1 }).map((r) => r.chosen),
    naswotTable2a({ table, pool, runs: 5, areaRuns: 2, ns: [10], budget: 20, seed: 1 }).map((r) => r.chosen), 'deterministic by seed');
});
