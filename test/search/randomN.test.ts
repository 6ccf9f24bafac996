import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { nanArgmax, randomN } from '../../src/search/randomN';
import { scorePool } from '../../src/search/scorePool';

test('nanArgmax: NaN never wins, −∞ beats only NaN, first of ties', () => {
  assert.equal(nanArgmax([NaN, 1, 3, 3, NaN]), 2);
  assert.equal(nanArgmax([NaN, -Infinity, NaN]), 1);
  assert.equal(nanArgmax([NaN, NaN]), -1);
  assert.equal(nanArgmax([]), -1);
});

const pool = { proxy: 'p', indices: [10, 11, 12, 13, 14], scores: [5, NaN, 9, -Infinity, 1], seconds: [1, 2, 3, 4, 5] };

test('random-N returns the argmax of its draws, with replacement, and sums their seconds', () => {
  const r = randomN(pool, 50, new Rng(1));
  assert.equal(r.drawn.length, 50);
  assert.ok(new Set(r.drawn).size <= 5, 'draws repeat (with replacement)');
  const best = nanArgmax(r.drawn.map((p) => pool.scores[p]));
  assert.equal(r.chosen, pool.indices[r.drawn[best]]);
  assert.equal(r.chosen, 12, 'with 50 draws from 5 the best (score 9) is drawn');
  assert.equal(r.seconds, r.drawn.reduce((s, p) => s + pool.seconds[p], 0));
  assert.deepEqual(randomN(pool, 3, new Rng(7)), randomN(pool, 3, new Rng(7)));
  assert.throws(() => randomN(pool, 0, new Rng(1)), /N must be a positive integer/);
});

test('a one-draw search that hits NaN still returns that architecture', () => {
  const nanPool = { proxy: 'p', indices: [4], scores: [NaN], seconds: [1] };
  assert.equal(randomN(nanPool, 1, new Rng(1)).chosen, 4);
});

test('scorePool names a missing column and refuses an empty table', () => {
  const table = { proxies: ['naswot'], rows: [{ index: 3, arch: 'a', values: { naswot: 2 }, seconds: 1.5 }] };
  assert.deepEqual(scorePool(table, 'naswot'), { proxy: 'naswot', indices: [3], scores: [2], seconds: [1.5] });
  assert.throws(() => scorePool(table, 'snip'), /no column 'snip' \(it has: naswot\)/);
  assert.throws(() => scorePool({ proxies: ['naswot'], rows: [] }, 'naswot'), /empty/);
});
