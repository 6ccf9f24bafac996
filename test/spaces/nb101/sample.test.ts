import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleNb101, sampleNb101Many } from '../../../src/spaces/nb101/sample';
import { checkNb101, formatNb101, nb101KeptVertices, numEdges, NB101_MAX_EDGES, NB101_MAX_VERTICES } from '../../../src/spaces/nb101/spec';
import { Rng } from '../../../src/engine/rng';

test('sampled cells are valid, pruned, and within the NB101 limits', () => {
  const specs = sampleNb101Many(new Rng(3), 500);
  const sizes = new Set<number>();
  const ops = new Set<string>();
  for (const s of specs) {
    assert.ok(s.ops.length <= NB101_MAX_VERTICES && s.ops.length >= 2);
    assert.ok(numEdges(s.matrix) <= NB101_MAX_EDGES);
    assert.equal(s.ops[0], 'input');
    assert.equal(s.ops[s.ops.length - 1], 'output');
    // already pruned: every vertex kept, and re-validation is the identity
    assert.equal(nb101KeptVertices(s.matrix).length, s.ops.length);
    const again = checkNb101(s);
    assert.ok(again.ok && formatNb101(again.spec) === formatNb101(s));
    sizes.add(s.ops.length);
    s.ops.slice(1, -1).forEach((o) => ops.add(o));
  }
  assert.ok(sizes.has(7) && sizes.has(6) && sizes.has(5), `vertex counts seen: ${[...sizes].join(', ')}`);
  assert.equal(ops.size, 3);
});

test('sampling is deterministic per seed and differs across seeds', () => {
  const a = sampleNb101Many(new Rng(11), 50).map(formatNb101);
  const b = sampleNb101Many(new Rng(11), 50).map(formatNb101);
  const c = sampleNb101Many(new Rng(12), 50).map(formatNb101);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(formatNb101(sampleNb101(new Rng(11))), a[0]);
  assert.throws(() => sampleNb101Many(new Rng(1), -1), /non-negative integer/);
});
