import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { crossValidateFusion, holdoutSplit, kFoldSplits } from '../../src/fusion/cv';
import { fitFusion } from '../../src/fusion/model';
import type { FusionTable } from '../../src/fusion/data';
import { errorMessage } from '../support/errorMessage';

function synth(seed: number, n: number): FusionTable {
  const g = new Rng(seed);
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < n; i++) {
    const a = g.normal();
    const b = Math.exp(g.normal());
    rows.push({ a, b, acc: 80 + 3 * a + 2 * Math.log(b) + 0.5 * g.normal() });
  }
  return { names: ['a', 'b', 'acc'], rows };
}

test('kFoldSplits: every row is tested exactly once, folds are balanced and disjoint from their training rows', () => {
  for (const [n, k] of [[10, 3], [23, 5], [7, 7], [100, 10]]) {
    const s = kFoldSplits(n, k, 42);
    assert.equal(s.length, k);
    const seen = new Array<number>(n).fill(0);
    for (const f of s) {
      for (const i of f.test) seen[i]++;
      assert.equal(f.train.length + f.test.length, n);
      const tr = new Set(f.train);
      assert.ok(f.test.every((i) => !tr.has(i)), 'train ∩ test = ∅');
      assert.ok(f.test.length === Math.floor(n / k) || f.test.length === Math.ceil(n / k));
      assert.deepEqual([...f.test], [...f.test].sort((x, y) => x - y));
    }
    assert.ok(seen.every((c) => c === 1), `n=${n} k=${k}: ${seen}`);
  }
  assert.throws(() => kFoldSplits(5, 6, 1), /folds must be an integer in \[2, 5\]/);
  assert.throws(() => kFoldSplits(5, 1, 1), /folds/);
});

test('splits are deterministic by seed and change with the seed', () => {
  assert.deepEqual(kFoldSplits(50, 5, 7), kFoldSplits(50, 5, 7));
  assert.notDeepEqual(kFoldSplits(50, 5, 7), kFoldSplits(50, 5, 8));
  assert.deepEqual(holdoutSplit(50, 0.2, 3), holdoutSplit(50, 0.2, 3));
  assert.notDeepEqual(holdoutSplit(50, 0.2, 3).test, holdoutSplit(50, 0.2, 4).test);
  const h = holdoutSplit(50, 0.2, 3);
  assert.equal(h.test.length, 10);
  assert.equal(h.train.length, 40);
  assert.equal(new Set([...h.test, ...h.train]).size, 50);
  assert.equal(holdoutSplit(3, 0.9, 1).test.length, 1, 'at least 2 rows stay to train');
  assert.throws(() => holdoutSplit(10, 1, 1), /testFraction must be in \(0, 1\)/);
});

test('crossValidateFusion: per-fold models see only their training rows; out-of-fold predictions come from them', () => {
  const t = synth(1, 60);
  // two rows that must be dropped and counted before splitting
  const rows = [...t.rows];
  rows.splice(10, 0, { a: NaN, b: 1, acc: 1 });
  rows.splice(30, 0, { a: 1, b: 1, acc: NaN });
  const table = { names: t.names, rows };
  const opts = { transforms: { b: 'log' as const } };
  const cv = crossValidateFusion({ table, accuracyKey: 'acc' }, ['a', 'b'], { folds: 4 }, 11, opts);
  assert.equal(cv.n, 60);
  assert.equal(cv.dropped, 2);
  assert.deepEqual(cv.droppedBy, { a: 1, b: 0, acc: 1 });
  assert.ok(!cv.rowIndex.includes(10) && !cv.rowIndex.includes(30));
  assert.equal(cv.folds.length, 4);
  const counts = new Array<number>(cv.n).fill(0);
  cv.folds.forEach((f, k) => {
    for (const i of f.test) {
      counts[i]++;
      assert.equal(cv.fold[i], k);
    }
    // the fold's model = a fit on exactly its training rows (of the original table)
    const trainRows = f.train.map((i) => rows[cv.rowIndex[i]]);
    const ref = fitFusion({ table: { names: t.names, rows: trainRows }, accuracyKey: 'acc' }, ['a', 'b'], opts);
    assert.deepEqual(f.model.weights, ref.weights);
    assert.deepEqual(f.model.means, ref.means);
    const pred = f.model.predict(f.test.map((i) => rows[cv.rowIndex[i]]));
    f.test.forEach((i, r) => assert.equal(cv.oof[i], pred[r]));
  });
  assert.ok(counts.every((c) => c === 1), 'each row is out-of-fold exactly once');
  assert.ok(cv.oof.every(Number.isFinite));
  assert.deepEqual(cv.actual, cv.rowIndex.map((i) => rows[i].acc));
  // determinism
  const again = crossValidateFusion({ table, accuracyKey: 'acc' }, ['a', 'b'], { folds: 4 }, 11, opts);
  assert.deepEqual(again.oof, cv.oof);
  assert.deepEqual(again.fold, cv.fold);
  const other = crossValidateFusion({ table, accuracyKey: 'acc' }, ['a', 'b'], { folds: 4 }, 12, opts);
  assert.notDeepEqual(other.fold, cv.fold);
});

test('hold-out cross-validation predicts only the held-out rows', () => {
  const t = synth(2, 40);
  const cv = crossValidateFusion({ table: t, accuracyKey: 'acc' }, ['a', 'b'], { testFraction: 0.25 }, 5);
  assert.equal(cv.folds.length, 1);
  const tested = cv.fold.filter((f) => f === 0).length;
  assert.equal(tested, 10);
  assert.equal(cv.oof.filter(Number.isFinite).length, 10);
  cv.fold.forEach((f, i) => assert.equal(Number.isFinite(cv.oof[i]), f === 0));
  assert.equal(cv.fold.filter((f) => f === -1).length, 30, 'training rows: fold −1');
  assert.equal(cv.folds[0].model.fit.n, 30);
});

test('split arguments are checked, with the exact messages; the hold-out size is round(f·n) within [1, n − 2]', () => {
  const msg = errorMessage;
  assert.equal(msg(() => kFoldSplits(1, 2, 0)), 'kFoldSplits: needs n ≥ 2 rows, got 1');
  assert.equal(msg(() => kFoldSplits(4.5, 2, 0)), 'kFoldSplits: needs n ≥ 2 rows, got 4.5');
  assert.equal(msg(() => kFoldSplits(6, 2.5, 0)), 'kFoldSplits: folds must be an integer in [2, 6], got 2.5');
  assert.equal(msg(() => holdoutSplit(2, 0.5, 0)), 'holdoutSplit: needs n ≥ 3 rows, got 2');
  assert.equal(msg(() => holdoutSplit(3.5, 0.5, 0)), 'holdoutSplit: needs n ≥ 3 rows, got 3.5');
  assert.equal(msg(() => holdoutSplit(10, 0, 0)), 'holdoutSplit: testFraction must be in (0, 1), got 0');
  assert.equal(msg(() => holdoutSplit(10, NaN, 0)), 'holdoutSplit: testFraction must be in (0, 1), got NaN');
  // the smallest cases are allowed
  assert.deepEqual(kFoldSplits(2, 2, 0).map((s) => s.test.length), [1, 1]);
  assert.equal(holdoutSplit(3, 0.5, 0).test.length, 1);
  // sizes: round(0.25·10) = 3 (2.5 rounds up), at least 1, at most n − 2
  assert.equal(holdoutSplit(10, 0.25, 0).test.length, 3);
  assert.equal(holdoutSplit(10, 0.01, 0).test.length, 1);
  assert.equal(holdoutSplit(10, 0.99, 0).test.length, 8);
  // 11 rows in 4 folds: the first 11 mod 4 = 3 folds take one extra row
  assert.deepEqual(kFoldSplits(11, 4, 3).map((s) => s.test.length), [3, 3, 3, 2]);
});

test('kFoldSplits cuts one seeded permutation into consecutive blocks; hold-out takes its first rows', () => {
  const perm = new Rng(5).sampleWithoutReplacement(10, 10);
  const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
  const all = [...Array(10).keys()];
  const s = kFoldSplits(10, 3, 5);
  const blocks = [perm.slice(0, 4), perm.slice(4, 7), perm.slice(7, 10)];
  s.forEach((f, k) => {
    assert.deepEqual(f.test, sorted(blocks[k]));
    assert.deepEqual(f.train, all.filter((i) => !blocks[k].includes(i)));
  });
  const h = holdoutSplit(10, 0.3, 5);
  assert.deepEqual(h.test, sorted(perm.slice(0, 3)));
  assert.deepEqual(h.train, sorted(perm.slice(3)));
});
