import test from 'node:test';
import assert from 'node:assert/strict';
import { splitByBands } from '../../src/stats/bands';

test('splitByBands puts each value in its half-open band and leaves out non-finite pairs', () => {
  const bands = splitByBands([1, 2, 3, 4, NaN, 6], [50, 80, 85, 93, 90, Infinity], [80, 90], ' %');
  assert.deepEqual(bands.map((b) => b.label), ['< 80 %', '80–90 %', '≥ 90 %']);
  assert.deepEqual(bands.map((b) => b.values), [[1], [2, 3], [4]]);
  assert.throws(() => splitByBands([1], [1, 2], [0]), /1 values but 2 keys/);
  assert.throws(() => splitByBands([1], [1], [2, 2]), /increase strictly/);
});

test('splitByBands: a key on an edge opens the upper band; no edges give one band', () => {
  const bands = splitByBands([1, 2, 3], [79.999, 80, 90], [80, 90]);
  assert.deepEqual(bands.map((b) => [b.lo, b.hi, b.values]), [[-Infinity, 80, [1]], [80, 90, [2]], [90, Infinity, [3]]]);
  assert.deepEqual(bands.map((b) => b.label), ['< 80', '80–90', '≥ 90']);
  const one = splitByBands([5, 6], [-1e9, 1e9], []);
  assert.deepEqual(one.map((b) => [b.label, b.values]), [['< Infinity', [5, 6]]]);
  assert.throws(() => splitByBands([1], [1], [3, 2]), { message: 'splitByBands: edges must increase strictly, got 3, 2' });
});
