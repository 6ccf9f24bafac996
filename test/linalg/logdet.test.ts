import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logAbsDet } from '../../src/linalg/logdet';
import { Rng } from '../../src/engine/rng';

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('logAbsDet of diagonal matrices', () => {
  const d = logAbsDet([2, 0, 0, 0, 3, 0, 0, 0, 4], 3);
  assert.equal(d.status, 'ok');
  assert.equal(d.sign, 1);
  assert.ok(close(d.value, Math.log(24)), `${d.value}`);
  const neg = logAbsDet(new Float64Array([-2, 0, 0, 5]), 2);
  assert.ok(close(neg.value, Math.log(10)));
  assert.equal(neg.sign, -1);
  const one = logAbsDet([7], 1);
  assert.ok(close(one.value, Math.log(7)));
  assert.equal(one.sign, 1);
  // two negative pivots cancel: diag(−1, −2, 3) has det +6; three give diag(−1, −2, −3) det −6
  const twoNeg = logAbsDet([-1, 0, 0, 0, -2, 0, 0, 0, 3], 3);
  assert.ok(close(twoNeg.value, Math.log(6)));
  assert.equal(twoNeg.sign, 1);
  assert.equal(logAbsDet([-1, 0, 0, 0, -2, 0, 0, 0, -3], 3).sign, -1);
  // identity: log 1 = 0
  assert.equal(logAbsDet([1, 0, 0, 1], 2).value, 0);
});

test('logAbsDet [[3,1],[1,3]] = ln 8', () => {
  const d = logAbsDet([3, 1, 1, 3], 2);
  assert.equal(d.status, 'ok');
  assert.equal(d.sign, 1);
  assert.ok(Math.abs(d.value - Math.log(8)) < 1e-12);
  assert.ok(Math.abs(d.value - 2.0794415416798357) < 1e-12);
});

test('logAbsDet with negative determinant and pivoting: log|det| and the sign', () => {
  // [[1,2],[3,4]]: det −2 (pivoting swaps rows)
  const a = logAbsDet([1, 2, 3, 4], 2);
  assert.ok(close(a.value, Math.log(2)));
  assert.equal(a.sign, -1);
  // a transposition of diag(2,3,4): det −24
  const p = logAbsDet([0, 3, 0, 2, 0, 0, 0, 0, 4], 3);
  assert.ok(close(p.value, Math.log(24)), `${p.value}`);
  assert.equal(p.sign, -1);
  assert.equal(p.status, 'ok');
  // a 3-cycle of diag(2,3,4): det +24
  const q = logAbsDet([0, 3, 0, 0, 0, 4, 2, 0, 0], 3);
  assert.ok(close(q.value, Math.log(24)));
  assert.equal(q.sign, 1);
  // zero top-left entry needs pivoting: [[0,1],[1,0]] det −1
  const s = logAbsDet([0, 1, 1, 0], 2);
  assert.ok(close(s.value, 0));
  assert.equal(s.sign, -1);
  // 3×3 by cofactors: [[2,-1,0],[1,3,2],[0,1,-4]] → 2(−12−2) − (−1)(−4−0) = −28 − 4 = −32
  const c = logAbsDet([2, -1, 0, 1, 3, 2, 0, 1, -4], 3);
  assert.ok(close(c.value, Math.log(32)), `${c.value}`);
  assert.equal(c.sign, -1);
});

test('logAbsDet sums logs: no overflow where det itself overflows', () => {
  const d = logAbsDet([1e200, 0, 0, 1e200], 2);
  assert.equal(d.status, 'ok');
  assert.ok(close(d.value, 400 * Math.log(10), 1e-14));
});

test('logAbsDet equals log|det| of a random 5×5 computed by Gaussian elimination (matrix is not mutated)', () => {
  const r = new Rng(3);
  const n = 5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = r.normal();
  const copy = a.slice();
  // det via Laplace-free Gaussian elimination with partial pivoting, independent of ml-matrix
  const m = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
  let det = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    if (p !== k) {
      [m[p], m[k]] = [m[k]!, m[p]!];
      det = -det;
    }
    det *= m[k]![k]!;
    for (let i = k + 1; i < n; i++) {
      const f = m[i]![k]! / m[k]![k]!;
      for (let j = k; j < n; j++) m[i]![j]! -= f * m[k]![j]!;
    }
  }
  const d = logAbsDet(a, n);
  assert.ok(close(d.value, Math.log(Math.abs(det)), 1e-10), `${d.value} vs ${Math.log(Math.abs(det))}`);
  assert.equal(d.sign, Math.sign(det));
  assert.deepEqual(a, copy);
});

test('singular matrices (duplicate rows, zero row) give −∞ with status singular', () => {
  const dup = logAbsDet([1, 2, 3, 4, 5, 6, 1, 2, 3], 3);
  assert.equal(dup.value, -Infinity);
  assert.equal(dup.status, 'singular');
  assert.equal(dup.sign, 0);
  const r = new Rng(8);
  const row = [r.normal(), r.normal(), r.normal(), r.normal()];
  const a = [...row, r.normal(), r.normal(), r.normal(), r.normal(), ...row, r.normal(), r.normal(), r.normal(), r.normal()];
  const d2 = logAbsDet(a, 4);
  assert.equal(d2.status, 'singular');
  assert.equal(d2.value, -Infinity);
  const z = logAbsDet([1, 2, 0, 0], 2);
  assert.equal(z.status, 'singular');
  assert.equal(z.value, -Infinity);
  // all-equal Hamming-like kernel (identical codes)
  const k = logAbsDet([5, 5, 5, 5, 5, 5, 5, 5, 5], 3);
  assert.equal(k.status, 'singular');
});

test('non-finite entries give NaN with status nan', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const d = logAbsDet([1, 0, bad, 1], 2);
    assert.equal(d.status, 'nan');
    assert.ok(Number.isNaN(d.value));
    assert.equal(d.sign, 0);
  }
});

test('wrong length throws', () => {
  assert.throws(() => logAbsDet([1, 2, 3], 2), /2×2 = 4 entries, got 3/);
  assert.throws(() => logAbsDet(new Float64Array(10), 3));
});
