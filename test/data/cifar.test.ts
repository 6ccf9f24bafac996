import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CIFAR10_RECORD_BYTES,
  CIFAR100_RECORD_BYTES,
  loadCifar,
  readCifar100Bin,
  readCifar10Bin,
} from '../../src/data/cifar';
import { needsData, CIFAR10_FILE, CIFAR100_FILE } from '../support/data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-cifar-'));

function record10(label: number, fill: (i: number) => number): Buffer {
  const b = Buffer.alloc(CIFAR10_RECORD_BYTES);
  b[0] = label;
  for (let i = 0; i < 3072; i++) b[1 + i] = fill(i) & 255;
  return b;
}

test('reads a 2-record CIFAR-10 fixture', () => {
  const f = path.join(tmp, 'two.bin');
  fs.writeFileSync(f, Buffer.concat([record10(3, (i) => i), record10(9, (i) => 255 - i)]));
  const d = readCifar10Bin(f);
  assert.equal(d.n, 2);
  assert.deepEqual([...d.labels], [3, 9]);
  assert.equal(d.pixels.length, 2 * 3072);
  assert.equal(d.pixels[0], 0);
  assert.equal(d.pixels[1025], 1025 & 255); // G plane, pixel (0,1)
  assert.equal(d.pixels[3072], 255);
  assert.equal(d.pixels[3072 + 3071], (255 - 3071) & 255);
});

test('truncated CIFAR-10 file is rejected with file name and reason', () => {
  const f = path.join(tmp, 'trunc.bin');
  fs.writeFileSync(f, Buffer.concat([record10(1, () => 7), Buffer.alloc(100)]));
  assert.throws(() => readCifar10Bin(f), (e: Error) => e.message.includes(f) && /not a multiple of the 3073-byte/.test(e.message));
});

test('empty CIFAR-10 file is rejected', () => {
  const f = path.join(tmp, 'empty.bin');
  fs.writeFileSync(f, Buffer.alloc(0));
  assert.throws(() => readCifar10Bin(f), (e: Error) => e.message.includes(f) && /empty/.test(e.message));
});

test('CIFAR-10 label > 9 is rejected', () => {
  const f = path.join(tmp, 'badlabel.bin');
  fs.writeFileSync(f, Buffer.concat([record10(0, () => 0), record10(10, () => 0)]));
  assert.throws(() => readCifar10Bin(f), (e: Error) => e.message.includes(f) && /record 1 has label 10/.test(e.message));
});

test('CIFAR-100 fixture: coarse then fine label; range checks', () => {
  const rec = (coarse: number, fine: number): Buffer => {
    const b = Buffer.alloc(CIFAR100_RECORD_BYTES, 5);
    b[0] = coarse;
    b[1] = fine;
    return b;
  };
  const f = path.join(tmp, 'c100.bin');
  fs.writeFileSync(f, Buffer.concat([rec(19, 99), rec(4, 30)]));
  const d = readCifar100Bin(f);
  assert.equal(d.n, 2);
  assert.deepEqual([...d.labels], [99, 30]);
  assert.deepEqual([...d.coarseLabels], [19, 4]);
  assert.equal(d.pixels[0], 5);
  const bad = path.join(tmp, 'c100bad.bin');
  fs.writeFileSync(bad, Buffer.concat([rec(20, 1)]));
  assert.throws(() => readCifar100Bin(bad), /coarse label 20/);
  fs.writeFileSync(bad, Buffer.concat([rec(1, 100)]));
  assert.throws(() => readCifar100Bin(bad), /fine label 100/);
  fs.writeFileSync(bad, Buffer.alloc(CIFAR100_RECORD_BYTES + 1));
  assert.throws(() => readCifar100Bin(bad), /3074-byte/);
});


test('real CIFAR-10: 5085 train / 1017 test, all classes', { skip: needsData(CIFAR10_FILE) }, () => {
  const train = loadCifar('cifar10', 'train');
  const testSet = loadCifar('cifar10', 'test');
  assert.equal(train.n, 5085);
  assert.equal(testSet.n, 1017);
  assert.equal(train.pixels.length, 5085 * 3072);
  assert.equal(train.files.length, 5);
  assert.ok(train.files[0]!.endsWith('data_batch_1.bin') && train.files[4]!.endsWith('data_batch_5.bin'));
  for (const s of [train, testSet]) {
    const hist = new Array(10).fill(0);
    for (const l of s.labels) hist[l]++;
    assert.ok(hist.every((c) => c > 0), `histogram ${hist}`);
    assert.equal(hist.reduce((a, b) => a + b, 0), s.n);
  }
  // First training image of data_batch_1 is a frog (label 6) whose top-left pixel is (59, 62, 63).
  assert.equal(train.labels[0], 6);
  assert.deepEqual([train.pixels[0], train.pixels[1024], train.pixels[2048]], [59, 62, 63]);
  // Concatenation order: image 1017 is the first of data_batch_2.
  const b2 = readCifar10Bin(train.files[1]!);
  assert.equal(train.labels[1017], b2.labels[0]);
  assert.deepEqual(train.pixels.subarray(1017 * 3072, 1018 * 3072), b2.pixels.subarray(0, 3072));
  assert.equal(loadCifar('cifar10', 'train'), train, 'cached');
});

test('real CIFAR-100: 1117 train / 916 test', { skip: needsData(CIFAR100_FILE) }, () => {
  const train = loadCifar('cifar100', 'train');
  const testSet = loadCifar('cifar100', 'test');
  assert.equal(train.n, 1117);
  assert.equal(testSet.n, 916);
  assert.equal(train.numClasses, 100);
  assert.equal(new Set(train.labels).size, 100);
  assert.equal(new Set(train.coarseLabels).size, 20);
});
