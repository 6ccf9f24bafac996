import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bias, convWeight, kaimingNormal, linearWeight } from '../../src/engine/init';
import { Rng } from '../../src/engine/rng';

function stats(a: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of a) {
    s += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / a.length;
  let s2 = 0;
  for (const v of a) s2 += (v - mean) ** 2;
  return { mean, variance: s2 / a.length, min, max };
}

/** Values lie in [−b, b] (float32 rounding allowed), fill it, and look uniform. */
function assertUniform(a: Float32Array, b: number, what: string): void {
  const n = a.length;
  const { mean, variance, min, max } = stats(a);
  const bf = Math.fround(b) * (1 + 1e-7);
  assert.ok(min >= -bf && max <= bf, `${what}: values in [${min}, ${max}] exceed ±${b}`);
  assert.ok(max > 0.99 * b && min < -0.99 * b, `${what}: range [${min}, ${max}] does not fill ±${b}`);
  // U(−b, b): mean 0 (sd b/√(3n)), variance b²/3
  assert.ok(Math.abs(mean) < 5 * b / Math.sqrt(3 * n), `${what}: mean ${mean}`);
  assert.ok(Math.abs(variance / (b * b / 3) - 1) < 0.03, `${what}: variance ${variance} vs ${(b * b) / 3}`);
  // flat histogram over 10 bins
  const bins = new Array<number>(10).fill(0);
  for (const v of a) bins[Math.min(9, Math.floor(((v + b) / (2 * b)) * 10))]!++;
  for (const c of bins) assert.ok(Math.abs(c / n - 0.1) < 0.01, `${what}: histogram ${bins.join(',')}`);
}

test('convWeight: U(±1/√(cin·k·k)), PyTorch kaiming_uniform(a=√5)', () => {
  const rng = new Rng(123);
  const w = convWeight(rng, 3, 3, 64, 64);
  assert.equal(w.length, 3 * 3 * 64 * 64);
  assertUniform(w, 1 / Math.sqrt(64 * 9), 'conv 3x3 64→64');
  const w1 = convWeight(rng, 1, 1, 32, 1000);
  assert.equal(w1.length, 32000);
  assertUniform(w1, 1 / Math.sqrt(32), 'conv 1x1 32→1000');
  // small fan-in, asymmetric kernel: bound 1/√(cin·kh·kw)
  const w2 = convWeight(rng, 3, 1, 2, 4000);
  assertUniform(w2, 1 / Math.sqrt(6), 'conv 3x1 2→4000');
});

test('linearWeight and bias: U(±1/√fan_in)', () => {
  const rng = new Rng(5);
  const w = linearWeight(rng, 64, 500);
  assert.equal(w.length, 32000);
  assertUniform(w, 1 / 8, 'linear 64→500');
  const b = bias(rng, 64, 30000);
  assert.equal(b.length, 30000);
  assertUniform(b, 1 / 8, 'bias fan_in 64');
});

test('kaimingNormal: N(0, 2/fan)', () => {
  const a = kaimingNormal(new Rng(9), 40000, 50);
  const { mean, variance } = stats(a);
  assert.ok(Math.abs(mean) < 5 * Math.sqrt(2 / 50 / 40000), `mean ${mean}`);
  assert.ok(Math.abs(variance / (2 / 50) - 1) < 0.03, `variance ${variance}`);
});

test('same seed ⇒ same weights; different seed ⇒ different', () => {
  const a = convWeight(new Rng(77), 3, 3, 16, 16);
  const b = convWeight(new Rng(77), 3, 3, 16, 16);
  const c = convWeight(new Rng(78), 3, 3, 16, 16);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // the stream continues: a second draw from the same generator differs from the first
  const r = new Rng(77);
  const first = convWeight(r, 3, 3, 16, 16);
  const second = convWeight(r, 3, 3, 16, 16);
  assert.deepEqual(first, a);
  assert.notDeepEqual(first, second);
  assert.ok(a instanceof Float32Array);
});
