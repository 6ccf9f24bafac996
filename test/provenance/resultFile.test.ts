/**
 * The shared provenance rules on every resumable result file: sidecar comparison field by field,
 * the write lock, repeated keys, and data identity, on the training bench and the Zero-Cost-PT
 * results as on score files (whose CLI tests are in test/runner/provenance.test.ts).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasDataFile } from '../../src/data/root';
import { describeFsError, describeUncaughtFsError } from '../../src/provenance/fsErrors';
import { acquireLock, lockPath } from '../../src/provenance/lock';
import { refuseDuplicateKeys } from '../../src/provenance/resultFile';
import { compareSidecars, formatDifferences, makeSidecar, readSidecar, writeSidecar } from '../../src/provenance/sidecar';
import { pendingSeeds, zcptSettings } from '../../src/search/zcpt';
import { defaultTrainBenchSettings, openTrainBenchFile, type TrainBenchSettings } from '../../src/train/trainBench';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'zn-rf-'));
const skip = !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10 data';
const FILE = (sha: string, rel = 'cifar10/data_batch_1.bin') => ({ rel, root: '/r', sha256: sha, bytes: 3 });

test('compareSidecars: settings field by field (absent included) and data files old → new; command and roots ignored', () => {
  const a = makeSidecar('scores', { seed: 1, batchSize: 128, repeats: undefined as number | undefined }, { files: [FILE('a'.repeat(64))] }, 'cmd a');
  const b = makeSidecar('scores', { seed: 2, batchSize: 128, repeats: 4 }, { files: [{ ...FILE('b'.repeat(64)), root: '/elsewhere' }] }, 'cmd b');
  const d = compareSidecars(a, b);
  assert.deepEqual(d.map((x) => x.field), ['repeats', 'seed', 'data cifar10/data_batch_1.bin']);
  assert.equal(formatDifferences(d), 'repeats absent → 4; seed 1 → 2; data cifar10/data_batch_1.bin sha256 aaaaaaaaaaaa… (3 bytes) → sha256 bbbbbbbbbbbb… (3 bytes)');
  assert.deepEqual(compareSidecars(a, { ...a, command: 'other', data: { files: [{ ...FILE('a'.repeat(64)), root: '/x' }] } }), []);
});

test('readSidecar: missing, damaged, another kind and a hand-edited key each get their own message naming the file', () => {
  const f = path.join(tmp(), 'r.csv');
  assert.throws(() => readSidecar(f, 'scores'), /score file '.*r\.csv' has no provenance sidecar '.*r\.csv\.meta\.json'/);
  fs.writeFileSync(`${f}.meta.json`, '{"settings": {');
  assert.throws(() => readSidecar(f, 'scores'), /provenance sidecar '.*r\.csv\.meta\.json' of '.*r\.csv' is damaged \(not valid JSON/);
  writeSidecar(f, makeSidecar('train-bench', { epochs: 3 }, { files: [] }));
  assert.throws(() => readSidecar(f, 'scores'), /describes a training-bench file, not a score file/);
  fs.writeFileSync(`${f}.meta.json`, JSON.stringify({ settingsKey: '{"epochs":4}', settings: { epochs: 3 } }));
  assert.throws(() => readSidecar(f, 'train-bench'), /is inconsistent \(its settingsKey does not match its settings\)/);
  fs.writeFileSync(`${f}.meta.json`, JSON.stringify({ settings: { epochs: 3 }, data: { files: [{ rel: 'x' }] } }));
  assert.throws(() => readSidecar(f, 'train-bench'), /every 'data\.files' entry needs rel, root, sha256/);
});

test('lock: a live holder is named by pid; a dead holder\'s lock is taken over; re-entrant in one process', () => {
  const f = path.join(tmp(), 'l.csv');
  fs.writeFileSync(lockPath(f), JSON.stringify({ pid: process.ppid, host: os.hostname(), since: 'x' }));
  assert.throws(() => acquireLock(f), new RegExp(`being written by process ${process.ppid} \\(lock`));
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  fs.writeFileSync(lockPath(f), JSON.stringify({ pid: dead, host: os.hostname(), since: 'x' }));
  const msgs: string[] = [];
  const release = acquireLock(f, { onStale: (m) => msgs.push(m) });
  assert.match(msgs[0]!, new RegExp(`removed a stale lock of process ${dead}`));
  assert.equal(JSON.parse(fs.readFileSync(lockPath(f), 'utf8')).pid, process.pid);
  const again = acquireLock(f);
  again();
  assert.ok(fs.existsSync(lockPath(f)), 'still held by the outer owner');
  release();
  assert.ok(!fs.existsSync(lockPath(f)));
});

test('refuseDuplicateKeys names every repeated key and its count', () => {
  refuseDuplicateKeys([1, 2, 3], 'f', 'seed');
  assert.throws(() => refuseDuplicateKeys([4, 1, 4, 2, 1, 4], 'f.jsonl', 'seed'), /'f\.jsonl' holds seed 4 \(3×\), 1 \(2×\) more than once/);
});

test('training bench: the lock, and a resume on other data refused naming the file', { skip }, () => {
  const f = path.join(tmp(), 'tb.csv');
  const s: TrainBenchSettings = { ...defaultTrainBenchSettings('nb201'), epochs: 1, trainLimit: 64 };
  const first = openTrainBenchFile(f, s);
  first.append([0, 1].map((epoch) => ({ index: 5, arch: 'a5', epoch, trainLoss: 1, trainAcc: 0.1, testLoss: 1, testAcc: 0.1, seconds: 1, naswot: 1, dasNa: 1, dasLogDetS: 1 })));
  first.close();
  fs.writeFileSync(lockPath(f), JSON.stringify({ pid: process.ppid, host: os.hostname(), since: 'x' }));
  assert.throws(() => openTrainBenchFile(f, s), new RegExp(`being written by process ${process.ppid}`));
  fs.rmSync(lockPath(f));
  const meta = JSON.parse(fs.readFileSync(`${f}.meta.json`, 'utf8'));
  assert.deepEqual(meta.data.files.map((x: { rel: string }) => x.rel), [1, 2, 3, 4, 5].map((k) => `cifar10/data_batch_${k}.bin`).concat('cifar10/test_batch.bin', 'nasbench201/nb201_merged.csv'));
  meta.data.files[5].sha256 = '0'.repeat(64);
  fs.writeFileSync(`${f}.meta.json`, JSON.stringify(meta));
  assert.throws(() => openTrainBenchFile(f, s), /data cifar10\/test_batch\.bin sha256 000000000000… \(\d+ bytes\) → sha256 [0-9a-f]{12}…/);
  delete meta.data;
  fs.writeFileSync(`${f}.meta.json`, JSON.stringify(meta));
  assert.throws(() => openTrainBenchFile(f, s), /records no data identity .*'zeronas provenance --rederive .*tb\.csv'/);
});

test('Zero-Cost-PT results: a file without its sidecar, or with other data, is not resumed', { skip }, () => {
  const f = path.join(tmp(), 'zc.jsonl');
  const s = zcptSettings({ C: 2, N: 1, batchSize: 6, proposals: 2, valBatches: 2, seed: 1 });
  assert.deepEqual(pendingSeeds(f, s, [1, 2]), [1, 2]);
  fs.writeFileSync(f, '{"settings":{}}\n');
  assert.throws(() => pendingSeeds(f, s, [1]), /Zero-Cost-PT NB201 results '.*zc\.jsonl' has no provenance sidecar/);
});

test('fs errors in words: the path, the problem and what to do, instead of raw ENOSPC/EISDIR text', () => {
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  assert.equal(describeFsError(full, 'out.csv', 'write').message, "cannot write 'out.csv': it cannot be written: the device is full (ENOSPC); choose another output path (--out) or fix the folder");
  const dir = Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR', path: '/tmp/d', syscall: 'read' });
  assert.match(describeUncaughtFsError(dir).message, /^cannot use '\/tmp\/d': it is a folder, not a file \(EISDIR\)/);
  const other = new Error('something else');
  assert.equal(describeFsError(other, 'x', 'read'), other);
});
