/**
 * Data input of the fusion fit (src/fusion/data.ts): tables from columns, the indicator checks,
 * the rows kept and dropped (counted per cause) for each accuracy source, and subsets of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCURACY_LABEL, assertIndicators, prepareData, subsetPrepared, tableFromColumns } from '../../src/fusion/data';
import { errorMessage } from '../support/errorMessage';

const msg = errorMessage;

test('tableFromColumns: one row per position, columns in the order given; unequal lengths are named', () => {
  assert.deepEqual(tableFromColumns({ a: [1, 2], b: [3, 4] }), { names: ['a', 'b'], rows: [{ a: 1, b: 3 }, { a: 2, b: 4 }] });
  assert.deepEqual(tableFromColumns({}), { names: [], rows: [] });
  assert.deepEqual(tableFromColumns({ a: [] }), { names: ['a'], rows: [] });
  assert.equal(msg(() => tableFromColumns({ a: [1, 2], b: [3] })), "fusion: column 'b' has 1 values, expected 2 (as 'a')");
});

test('assertIndicators: non-empty, unique and present, each with its own message', () => {
  assert.equal(msg(() => assertIndicators([], ['a'])), 'fusion: no indicators selected');
  assert.equal(msg(() => assertIndicators(['a', 'b', 'a'], ['a', 'b'])), "fusion: indicator 'a' selected twice");
  assert.equal(msg(() => assertIndicators(['a', 'c'], ['a', 'b'])), "fusion: indicator 'c' is not a column of the table (columns: a, b)");
  assert.equal(msg(() => assertIndicators(['b', 'a'], ['a', 'b'])), 'no error');
});

test('prepareData: the rows complete in the indicators and the accuracy, in table order, with drops counted per column', () => {
  const table = {
    names: ['x', 'y', 'acc', 'other'],
    rows: [
      { x: 1, y: 10, acc: 0.5, other: NaN },
      { x: NaN, y: 20, acc: 0.6, other: 1 },
      { x: 3, y: Infinity, acc: NaN, other: 1 },
      { x: 4, y: 40, acc: 0.8, other: 1 },
      { x: 5, acc: 0.9, other: 1 } as Record<string, number>,
      { x: 6, y: 60, acc: -Infinity, other: 1 },
    ],
  };
  const p = prepareData({ table, accuracyKey: 'acc' }, ['y', 'x']);
  assert.deepEqual(p, {
    indicators: ['y', 'x'],
    columns: [[10, 40], [1, 4]],
    accuracy: [0.5, 0.8],
    rowIndex: [0, 3],
    total: 6,
    dropped: 4,
    // a row counts under every column that is not finite there; 'other' is not selected
    droppedBy: { y: 2, x: 1, acc: 2 },
  });
  // the accuracy as a vector is counted under ACCURACY_LABEL; a non-number is not finite
  const v = prepareData({ table, accuracy: [1, 2, 3, 4, 5, '6' as unknown as number] }, ['x']);
  assert.deepEqual(v.rowIndex, [0, 2, 3, 4]);
  assert.deepEqual(v.accuracy, [1, 3, 4, 5]);
  assert.deepEqual(v.droppedBy, { x: 1, [ACCURACY_LABEL]: 1 });
  assert.equal(ACCURACY_LABEL, 'accuracy');
  // named columns
  const c = prepareData({ columns: { x: [1, NaN, 3], y: [4, 5, 6] }, accuracy: [7, 8, NaN] }, ['x', 'y']);
  assert.deepEqual([c.columns, c.accuracy, c.rowIndex, c.dropped, c.droppedBy], [[[1], [4]], [7], [0], 2, { x: 1, y: 0, accuracy: 1 }]);
});

test('prepareData refuses an accuracy column that is missing or also an indicator, and an accuracy vector of the wrong length', () => {
  const table = { names: ['x', 'acc'], rows: [{ x: 1, acc: 2 }] };
  assert.equal(msg(() => prepareData({ table, accuracyKey: 'top1' }, ['x'])), "fusion: accuracy column 'top1' is not in the table (columns: x, acc)");
  assert.equal(msg(() => prepareData({ table, accuracyKey: 'x' }, ['x'])), "fusion: 'x' is both the accuracy and an indicator");
  assert.equal(msg(() => prepareData({ table, accuracy: [1, 2] }, ['x'])), 'fusion: accuracy has 2 values but the table has 1 rows');
  assert.equal(msg(() => prepareData({ table, accuracyKey: 'acc' }, ['q'])), "fusion: indicator 'q' is not a column of the table (columns: x, acc)");
});

test('subsetPrepared: the kept rows at the given positions, drop counts reset to 0 for the same columns', () => {
  const p = prepareData({ columns: { x: [1, NaN, 3, 4], y: [5, 6, 7, 8] }, accuracy: [9, 10, 11, 12] }, ['x', 'y']);
  const s = subsetPrepared(p, [2, 0]);
  assert.deepEqual(s, {
    indicators: ['x', 'y'],
    columns: [[4, 1], [8, 5]],
    accuracy: [12, 9],
    rowIndex: [3, 0],
    total: 2,
    dropped: 0,
    droppedBy: { x: 0, y: 0, accuracy: 0 },
  });
  assert.deepEqual(p.droppedBy, { x: 1, y: 0, accuracy: 0 }, 'the original counts are untouched');
});
