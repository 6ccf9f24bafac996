import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/rng';
import { NB201_OPS } from '../../../src/spaces/nb201/arch';
import { mutateNb201, randomNb201 } from '../../../src/spaces/nb201/mutate';

test('a mutation changes exactly one edge to another op, reaching every alternative', () => {
  const rng = new Rng(5);
  const a = randomNb201(rng);
  const seen = new Set<string>();
  for (let k = 0; k < 400; k++) {
    const b = mutateNb201(a, rng);
    const diff = a.map((op, e) => (op === b[e] ? -1 : e)).filter((e) => e >= 0);
    assert.equal(diff.length, 1);
    seen.add(`${diff[0]}:${b[diff[0]]}`);
  }
  assert.equal(seen.size, 6 * (NB201_OPS.length - 1), 'all 6 edges × 4 other ops occur');
});

test('random architectures are uniform over ops', () => {
  const rng = new Rng(9);
  const counts = new Map<string, number>();
  for (let k = 0; k < 2000; k++) for (const op of randomNb201(rng)) counts.set(op, (counts.get(op) ?? 0) + 1);
  for (const op of NB201_OPS) assert.ok(Math.abs(counts.get(op)! / 12000 - 0.2) < 0.02, `${op}: ${counts.get(op)}`);
});
