import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atScale, notebookScale, parseScale } from '../../src/notebooks/scale';

test('notebookScale reads ZERONAS_SCALE, default quick, rejects typos', () => {
  assert.equal(notebookScale({}), 'quick');
  assert.equal(notebookScale({ ZERONAS_SCALE: '' }), 'quick');
  assert.equal(notebookScale({ ZERONAS_SCALE: 'paper' }), 'paper');
  assert.equal(notebookScale({ ZERONAS_SCALE: ' Paper ' }), 'paper');
  assert.throws(() => parseScale('full'), /invalid notebook scale "full"/);
  assert.equal(atScale({ quick: 10, paper: 1000 }, 'paper'), 1000);
  assert.equal(atScale({ quick: 10, paper: 1000 }, 'quick'), 10);
});
