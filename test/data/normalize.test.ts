import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NASLIB_NORM, NASWOT_NORM, normLut, ZERO_COST_NAS_NORM, ZERO_COST_PT_NORM } from '../../src/data/normalize';

test('constants match PAPERS.md §1.3', () => {
  assert.ok(Math.abs(NASWOT_NORM.cifar10.mean[0] - 125.3 / 255) < 1e-15);
  assert.ok(Math.abs(NASWOT_NORM.cifar100.std[2] - 70.4 / 255) < 1e-15);
  assert.ok(Math.abs(NASWOT_NORM['ImageNet16-120'].mean[1] - 116.66 / 255) < 1e-15);
  assert.deepEqual(ZERO_COST_NAS_NORM.cifar10.std, [0.2023, 0.1994, 0.201]);
  assert.deepEqual(NASLIB_NORM.cifar10.mean, [0.49139968, 0.48215827, 0.44653124]);
  assert.deepEqual(ZERO_COST_PT_NORM.cifar10.std, NASLIB_NORM.cifar10.std);
  assert.deepEqual(NASLIB_NORM.cifar100.mean, [0.5071, 0.4865, 0.4409]);
});

test('normLut', () => {
  const lut = normLut(NASWOT_NORM.cifar10);
  assert.ok(Math.abs(lut[59]! - (59 - 125.3) / 63.0) < 1e-6);
  assert.ok(Math.abs(lut[256 + 255]! - (255 - 123.0) / 62.1) < 1e-6);
});
