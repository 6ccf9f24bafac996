import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeBatch } from '../../src/data/batch';

test("select 'noise': seeded N(0,1) images, labels in range, no dataset indices", () => {
  const a = makeBatch({ dataset: 'cifar10', batchSize: 8, seed: 3, select: 'noise' });
  const b = makeBatch({ dataset: 'cifar10', batchSize: 8, seed: 3, select: 'noise' });
  const c = makeBatch({ dataset: 'cifar10', batchSize: 8, seed: 4, select: 'noise' });
  assert.deepEqual(a.shape, [8, 32, 32, 3]);
  assert.deepEqual(a.x, b.x);
  assert.notDeepEqual(a.x, c.x);
  assert.deepEqual(a.indices, []);
  const n = a.x.length;
  const mean = a.x.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(a.x.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${mean}, sd ${sd}`);
  for (const l of a.labels) assert.ok(l >= 0 && l < 10);
  const h = makeBatch({ dataset: 'cifar100', batchSize: 64, seed: 1, select: 'noise' });
  assert.ok(Math.max(...h.labels) >= 10, 'CIFAR-100 noise labels use 100 classes');
});

test("select 'noise' refuses augmentation, unknown selects are named", () => {
  assert.throws(() => makeBatch({ dataset: 'cifar10', batchSize: 2, select: 'noise', augment: 'crop-flip' }), /noise.*augmentation 'none'/);
  assert.throws(() => makeBatch({ dataset: 'cifar10', batchSize: 2, select: 'bogus' as never }), /batch selection must be one of random, first, noise, got 'bogus'/);
});
