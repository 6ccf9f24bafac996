import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCifar } from '../../src/data/cifar';
import { makeBatch } from '../../src/data/batch';
import { NASLIB_NORM, NASWOT_NORM } from '../../src/data/normalize';
import { Rng } from '../../src/engine/rng';
import { needsData, CIFAR10_FILE, CIFAR100_FILE } from '../support/data';

const skip = needsData(CIFAR10_FILE);

test('Rng.sampleWithoutReplacement draws distinct in-range indices', () => {
  const s = new Rng(5).sampleWithoutReplacement(50, 50);
  assert.deepEqual([...s].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
});

test('makeBatch: shape, determinism, distinct indices', { skip }, () => {
  const a = makeBatch({ dataset: 'cifar10' });
  const b = makeBatch({ dataset: 'cifar10' });
  assert.deepEqual(a.shape, [128, 32, 32, 3]);
  assert.equal(a.x.length, 128 * 32 * 32 * 3);
  assert.equal(a.labels.length, 128);
  assert.equal(new Set(a.indices).size, 128);
  assert.deepEqual(a.indices, b.indices);
  assert.deepEqual(a.x, b.x);
  const train = loadCifar('cifar10', 'train');
  a.indices.forEach((i, k) => {
    assert.ok(i >= 0 && i < train.n);
    assert.equal(a.labels[k], train.labels[i]);
  });
  const c = makeBatch({ dataset: 'cifar10', seed: 2 });
  assert.notDeepEqual(c.indices, a.indices);
});

test('makeBatch: first pixel normalised by hand (NHWC)', { skip }, () => {
  const b = makeBatch({ dataset: 'cifar10', select: 'first', batchSize: 4 });
  assert.deepEqual(b.indices, [0, 1, 2, 3]);
  // image 0 top-left pixel (59, 62, 63); NASWOT constants
  const want = [(59 - 125.3) / 63.0, (62 - 123.0) / 62.1, (63 - 113.9) / 66.7];
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(b.x[c]! - want[c]!) < 1e-5, `channel ${c}: ${b.x[c]} vs ${want[c]}`);
  // pixel (y=2, x=5) of image 1, checked against the CHW source
  const train = loadCifar('cifar10', 'train');
  const m = NASWOT_NORM.cifar10;
  for (let c = 0; c < 3; c++) {
    const p = train.pixels[1 * 3072 + c * 1024 + 2 * 32 + 5]!;
    const v = b.x[((1 * 32 + 2) * 32 + 5) * 3 + c]!;
    assert.ok(Math.abs(v - (p / 255 - m.mean[c]) / m.std[c]) < 1e-5);
  }
  const n = makeBatch({ dataset: 'cifar10', select: 'first', batchSize: 1, norm: NASLIB_NORM.cifar10 });
  assert.ok(Math.abs(n.x[0]! - (59 / 255 - 0.49139968) / 0.24703233) < 1e-5);
});

test('makeBatch crop-flip: same images, each a padded crop (+flip) of its source', { skip }, () => {
  const plain = makeBatch({ dataset: 'cifar10', batchSize: 16, seed: 9 });
  const aug = makeBatch({ dataset: 'cifar10', batchSize: 16, seed: 9, augment: 'crop-flip' });
  const aug2 = makeBatch({ dataset: 'cifar10', batchSize: 16, seed: 9, augment: 'crop-flip' });
  assert.deepEqual(aug.indices, plain.indices);
  assert.deepEqual(aug.x, aug2.x);
  assert.notDeepEqual(aug.x, plain.x);
  const S = 32;
  const D = S * S * 3;
  const padVal = [0, 1, 2].map((c) => Math.fround((0 - NASWOT_NORM.cifar10.mean[c]!) / NASWOT_NORM.cifar10.std[c]!));
  let flips = 0;
  for (let b = 0; b < 16; b++) {
    const src = plain.x.subarray(b * D, (b + 1) * D);
    const got = aug.x.subarray(b * D, (b + 1) * D);
    let found = false;
    for (let top = 0; top <= 8 && !found; top++) {
      for (let left = 0; left <= 8 && !found; left++) {
        for (const flip of [false, true]) {
          let ok = true;
          for (let y = 0; y < S && ok; y++) {
            for (let x = 0; x < S && ok; x++) {
              const xc = flip ? S - 1 - x : x;
              const sy = y + top - 4;
              const sx = xc + left - 4;
              for (let c = 0; c < 3; c++) {
                const want = sy >= 0 && sy < S && sx >= 0 && sx < S ? src[(sy * S + sx) * 3 + c]! : padVal[c]!;
                if (got[(y * S + x) * 3 + c] !== want) {
                  ok = false;
                  break;
                }
              }
            }
          }
          if (ok) {
            found = true;
            if (flip) flips++;
            break;
          }
        }
      }
    }
    assert.ok(found, `image ${b} is not a crop/flip of its source`);
  }
  assert.ok(flips > 0 && flips < 16, `flips ${flips}`);
});

test('makeBatch rejects a batch larger than the split', { skip }, () => {
  assert.throws(() => makeBatch({ dataset: 'cifar10', split: 'test', batchSize: 2000 }), /batch size 2000 exceeds the 1017 images/);
  assert.throws(() => makeBatch({ dataset: 'cifar10', batchSize: 0 }), /positive integer/);
});

test('makeBatch cifar100 uses fine labels', { skip: needsData(CIFAR100_FILE) }, () => {
  const b = makeBatch({ dataset: 'cifar100', batchSize: 64, seed: 3 });
  assert.deepEqual(b.shape, [64, 32, 32, 3]);
  assert.ok([...b.labels].every((l) => l >= 0 && l < 100));
});
