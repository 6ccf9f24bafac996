import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';

test('Rng is deterministic and in range', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 1000; i++) {
    const x = a.next();
    assert.equal(x, b.next());
    assert.ok(x >= 0 && x < 1);
  }
  const r = new Rng(7);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 5000; i++) counts[r.int(5)]++;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `int(5) counts ${counts}`);
  assert.notEqual(new Rng(1).next(), new Rng(2).next());
});

test('Rng.normal has mean ~0 and variance ~1', () => {
  const r = new Rng(3);
  let s = 0;
  let s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.03);
  assert.ok(Math.abs(s2 / n - 1) < 0.05);
});

test('Rng.int rejects bad n', () => {
  assert.throws(() => new Rng(1).int(0), /positive integer/);
  assert.throws(() => new Rng(1).int(2.5), /positive integer/);
});

test('sampleWithoutReplacement is a partial permutation; fork gives an independent stream', () => {
  const s = new Rng(9).sampleWithoutReplacement(1000, 200);
  assert.equal(new Set(s).size, 200);
  assert.ok(s.every((v) => Number.isInteger(v) && v >= 0 && v < 1000));
  assert.deepEqual(new Rng(9).sampleWithoutReplacement(1000, 200), s);
  assert.throws(() => new Rng(1).sampleWithoutReplacement(3, 4), /distinct/);
  const a = new Rng(4);
  const f = a.fork();
  assert.notEqual(f.next(), a.next());
});
