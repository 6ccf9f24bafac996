import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReproduction, formatReproduction, reproductionTolerance } from '../../src/runner/reproduce';

const cached = [
  { index: 3, values: { a: 100, b: -2, c: NaN, naswot: 1600 } },
  { index: 7, values: { a: 50, b: 0.5, c: 1, naswot: 1500 } },
];

test('identical rows reproduce with Δ = 0; NaN matches NaN', () => {
  const c = checkReproduction(cached, cached, ['a', 'b', 'c']);
  assert.deepEqual(c, { compared: 6, maxAbs: 0, maxRel: 0, worstOfTolerance: 0, nonFiniteMismatches: 0, ok: true });
  assert.match(formatReproduction(c), /max \|Δ\| = 0\.00e\+0, .* over 6 values: reproduced \(0 % of the float32 tolerance\)/);
});

test('relative Δ by hand against the default 1e-3: 100 → 100.05 is 5e-4 (passes, 50 %); 0.5 → 0.502 is 4e-3 (fails)', () => {
  const ok = checkReproduction(cached, [{ index: 3, values: { a: 100.05, b: -2, c: NaN, naswot: 1600 } }], ['a', 'b']);
  assert.ok(Math.abs(ok.maxRel - 5e-4) < 1e-12 && Math.abs(ok.maxAbs - 0.05) < 1e-12 && ok.ok);
  assert.match(formatReproduction(ok), /reproduced \(50 % of the float32 tolerance\)/);
  const bad = checkReproduction(cached, [{ index: 7, values: { a: 50, b: 0.502, c: 1, naswot: 1500 } }], ['a', 'b', 'c']);
  assert.ok(Math.abs(bad.maxRel - 4e-3) < 1e-12 && !bad.ok);
  assert.match(formatReproduction(bad), /NOT reproduced \(400 % of the float32 tolerance\)/);
});

test('tolerances are per proxy: naswot 1e-5, os_perturbation 1e-2, unknown 1e-3', () => {
  assert.equal(reproductionTolerance('naswot'), 1e-5);
  assert.equal(reproductionTolerance('os_perturbation'), 1e-2);
  assert.equal(reproductionTolerance('whatever'), 1e-3);
  // 1600 → 1600.1 is 6.25e-5 relative: fine for most proxies, not for naswot
  const fresh = [{ index: 3, values: { a: 100, b: -2, c: NaN, naswot: 1600.1 } }];
  assert.ok(!checkReproduction(cached, fresh, ['naswot']).ok);
  assert.ok(checkReproduction(cached, fresh, ['naswot'], () => 1e-3).ok);
});

test('a finite value against NaN, or a changed infinity, is a mismatch whatever the tolerance', () => {
  const c = checkReproduction(cached, [{ index: 3, values: { a: 100, b: -2, c: 4, naswot: 1600 } }], ['c'], () => Infinity);
  assert.equal(c.nonFiniteMismatches, 1);
  assert.ok(!c.ok);
  assert.match(formatReproduction(c), /1 non-finite mismatch/);
});

test('an index missing from the cache or a missing proxy is named', () => {
  assert.throws(() => checkReproduction(cached, [{ index: 9, values: { a: 1 } }], ['a']), /architecture 9 is not in the cached table/);
  assert.throws(() => checkReproduction(cached, [{ index: 3, values: { a: 1 } }], ['zz']), /proxy 'zz' missing for architecture 3/);
});
