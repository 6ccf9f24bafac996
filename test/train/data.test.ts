/**
 * Epoch batches: seeded permutations (deterministic, different per epoch and seed, every image
 * once), batch counts with and without the last partial batch, and pixels identical to
 * `makeBatch` for the same images and augmentation draws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBatch } from '../../src/data/batch';
import { loadCifar } from '../../src/data/cifar';
import { NASWOT_NORM } from '../../src/data/normalize';
import { Rng } from '../../src/engine/rng';
import { batchOf, EpochData, shuffledOrder, streamSeed } from '../../src/train/data';
import { needsData, CIFAR10_FILE } from '../support/data';

const noCifar = needsData(CIFAR10_FILE);

test('shuffledOrder is a seeded permutation', () => {
  const a = shuffledOrder(1000, new Rng(3));
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(a, shuffledOrder(1000, new Rng(3)));
  assert.notDeepEqual(a, shuffledOrder(1000, new Rng(4)));
  assert.notEqual(streamSeed(1, 0, 5), streamSeed(1, 1, 5));
  assert.notEqual(streamSeed(1, 0, 5), streamSeed(2, 0, 5));
  assert.notEqual(streamSeed(1, 0, 5), streamSeed(1, 0, 6));
});

test('EpochData: every image once per epoch, deterministic by seed, reshuffled per epoch', { skip: noCifar }, () => {
  const d = new EpochData({ dataset: 'cifar10', batchSize: 64, limit: 300, seed: 7 });
  assert.equal(d.batchesPerEpoch, 4);
  assert.equal(new EpochData({ dataset: 'cifar10', batchSize: 64, limit: 300, dropLast: false }).batchesPerEpoch, 5);
  const seen = [...d.epoch(0)].flatMap((b) => b.indices);
  assert.equal(seen.length, 256);
  assert.equal(new Set(seen).size, 256);
  assert.ok(seen.every((i) => i < 300));
  const again = [...new EpochData({ dataset: 'cifar10', batchSize: 64, limit: 300, seed: 7 }).epoch(0)];
  assert.deepEqual(again.flatMap((b) => b.indices), seen);
  assert.deepEqual(again[0]!.x, [...d.epoch(0)][0]!.x, 'same seed, same augmented pixels');
  assert.notDeepEqual([...d.epoch(1)].flatMap((b) => b.indices), seen, 'epoch 1 is reshuffled');
  assert.notDeepEqual([...new EpochData({ dataset: 'cifar10', batchSize: 64, limit: 300, seed: 8 }).epoch(0)].flatMap((b) => b.indices), seen);
  const last = [...new EpochData({ dataset: 'cifar10', batchSize: 64, limit: 300, dropLast: false }).epoch(0)].at(-1)!;
  assert.equal(last.labels.length, 300 - 4 * 64);
  assert.throws(() => new EpochData({ dataset: 'cifar10', batchSize: 0 }), /batchSize/);
  assert.throws(() => new EpochData({ dataset: 'cifar10', batchSize: 8, limit: 10 ** 6 }), /limit/);
});

test('batchOf matches makeBatch pixel for pixel (plain, and crop+flip with the same draws)', { skip: noCifar }, () => {
  const set = loadCifar('cifar10', 'train');
  const ref = makeBatch({ dataset: 'cifar10', batchSize: 16, seed: 5 });
  assert.deepEqual(batchOf(set, ref.indices, NASWOT_NORM.cifar10), ref);
  const aug = makeBatch({ dataset: 'cifar10', batchSize: 16, seed: 5, augment: 'crop-flip' });
  // makeBatch draws its augmentation from Rng(seed + 0x9e3779b9), per image: top, left, flip
  assert.deepEqual(batchOf(set, aug.indices, NASWOT_NORM.cifar10, new Rng((5 + 0x9e3779b9) >>> 0)), aug);
  assert.throws(() => batchOf(set, [set.n], NASWOT_NORM.cifar10), /image index/);
});
