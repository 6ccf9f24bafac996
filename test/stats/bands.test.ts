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
