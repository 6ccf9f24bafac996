import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/rng';
import { DARTS_CELL_OPS, edgeNode, formatGenotype, sameGenotype } from '../../../src/spaces/darts/genotype';
import { sampleGenotype, sampleGenotypes } from '../../../src/spaces/darts/sample';

test('sampled genotypes are valid NB301 cells: 2 distinct inputs per node, no none op, concat 2..5', () => {
  const gs = sampleGenotypes(new Rng(3), 300);
  const opCounts = new Map<string, number>();
  const inputCounts = new Map<string, number>();
  for (const g of gs) {
    for (const cell of [g.normal, g.reduce]) {
      assert.equal(cell.length, 8);
      for (let j = 0; j < 4; j++) {
        const [a, b] = [cell[2 * j]!, cell[2 * j + 1]!];
        assert.notEqual(a.input, b.input, `node ${j + 2} reads input ${a.input} twice in ${formatGenotype(g)}`);
        for (const e of [a, b]) {
          assert.ok(e.input >= 0 && e.input < edgeNode(2 * j));
          assert.notEqual(e.op, 'none');
          opCounts.set(e.op, (opCounts.get(e.op) ?? 0) + 1);
          inputCounts.set(`${j}:${e.input}`, (inputCounts.get(`${j}:${e.input}`) ?? 0) + 1);
        }
      }
    }
    assert.deepEqual(g.normalConcat, [2, 3, 4, 5]);
    assert.deepEqual(g.reduceConcat, [2, 3, 4, 5]);
  }
  // every op and every allowed input shows up, roughly uniformly (300·2·8 = 4800 draws / 7 ops ≈ 686)
  assert.equal(opCounts.size, DARTS_CELL_OPS.length);
  for (const [op, n] of opCounts) assert.ok(n > 550 && n < 830, `${op}: ${n}`);
  for (let j = 0; j < 4; j++) for (let i = 0; i < j + 2; i++) assert.ok((inputCounts.get(`${j}:${i}`) ?? 0) > 0, `node ${j + 2} never reads ${i}`);
});

test('sampling is deterministic per seed and differs across seeds', () => {
  const a = sampleGenotypes(new Rng(11), 20);
  const b = sampleGenotypes(new Rng(11), 20);
  const c = sampleGenotypes(new Rng(12), 20);
  a.forEach((g, i) => assert.ok(sameGenotype(g, b[i]!)));
  assert.ok(a.some((g, i) => !sameGenotype(g, c[i]!)));
  assert.ok(new Set(a.map((g) => formatGenotype(g))).size > 15);
});

test('custom op lists and argument checks', () => {
  const g = sampleGenotype(new Rng(1), { ops: ['skip_connect'] });
  assert.ok([...g.normal, ...g.reduce].every((e) => e.op === 'skip_connect'));
  assert.throws(() => sampleGenotype(new Rng(1), { ops: [] }), /op list is empty/);
  assert.throws(() => sampleGenotypes(new Rng(1), -1), /non-negative integer/);
});
