import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { area, EvolutionProblem, evolveFrom, randomSearch, rea } from '../../src/search/evolution';

/** A line of 200 architectures whose fitness is the index; mutation steps ±1. */
const line: EvolutionProblem = {
  spaceSize: 200,
  mutate: (i, rng) => Math.min(199, Math.max(0, i + (rng.next() < 0.5 ? -1 : 1))),
  fitness: (i) => i,
};

test('REA spends exactly its budget and climbs a monotone landscape', () => {
  const r = rea(line, { budget: 300 }, new Rng(1));
  assert.equal(r.history.length, 300);
  assert.equal(r.best, Math.max(...r.history));
  const rs = randomSearch(line, 10, new Rng(1));
  assert.equal(rs.history.length, 10);
  assert.equal(rs.best, Math.max(...rs.history));
  // evolution beats its own random initial population by a clear margin
  assert.ok(r.best >= Math.max(...r.history.slice(0, 10)) + 20, `best ${r.best} vs initial ${Math.max(...r.history.slice(0, 10))}`);
});

test('REA queries the given initial population first, then evolves from it', () => {
  const r = evolveFrom(line, [5, 6, 7], { budget: 20, population: 3 }, new Rng(2));
  assert.deepEqual(r.history.slice(0, 3), [5, 6, 7]);
  for (const c of r.history.slice(3)) assert.ok(c >= 4 && c <= 30, `child ${c} is a mutation chain from 5..7`);
  assert.equal(evolveFrom(line, [1, 2, 3], { budget: 2 }, new Rng(1)).history.length, 2, 'budget caps the initial population too');
});

test('AREA seeds REA with the top P of M scored architectures', () => {
  const indices = Array.from({ length: 50 }, (_, k) => k * 4);
  const scores = indices.map((i) => (i === 8 ? NaN : -i)); // lower index = higher score
  const pool = { proxy: 's', indices, scores, seconds: indices.map(() => 1) };
  const rng = new Rng(3);
  const r = area(line, pool, { budget: 15, scored: 20, population: 5 }, rng);
  const drawnRng = new Rng(3);
  const drawn = drawnRng.sampleWithoutReplacement(50, 20).map((p) => indices[p]).filter((i) => i !== 8);
  const top = drawn.sort((a, b) => a - b).slice(0, 5);
  assert.deepEqual(r.history.slice(0, 5), top);
  assert.equal(r.history.length, 15);
  assert.throws(() => area(line, pool, { budget: 10, scored: 3, population: 5 }, rng), /M \(3\) must be an integer ≥ population/);
  assert.throws(() => area(line, pool, { budget: 10, scored: 60 }, rng), /exceeds the 50 architectures/);
});

test('bad budgets are named', () => {
  assert.throws(() => rea(line, { budget: 0 }, new Rng(1)), /budget must be a positive integer/);
  assert.throws(() => randomSearch(line, 1.5, new Rng(1)), /budget must be a positive integer/);
});
