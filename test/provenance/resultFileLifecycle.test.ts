/**
 * The life cycle of a resumable result file (src/provenance/resultFile.ts), on plain files in a
 * temporary folder: output and input paths checked by what they are, a fresh file written with
 * its empty text and sidecar, a file with rows resumed only under a matching sidecar (the lock
 * released when it is refused), whole records appended once per key, and a long list of repeated
 * keys cut after ten.
 */
import test, { mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockPath } from '../../src/provenance/lock';
import { appendRecord, appendResult, checkInputFile, checkRecordsResumable, openResultFile, prepareOutput, refuseDuplicateKeys } from '../../src/provenance/resultFile';
import { makeSidecar, readSidecar, sidecarPath } from '../../src/provenance/sidecar';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'zn-rfl-'));
const DATA = { files: [{ rel: 'cifar10/data_batch_1.bin', root: '/r', sha256: 'a'.repeat(64), bytes: 3 }] };
const side = (seed: number, command?: string) => makeSidecar('scores', { seed }, DATA, command);
/** A CSV-like format: a header line, then one line per row. */
const FORMAT = { emptyText: 'h\n', holdsRows: (t: string) => t.split('\n').filter((l) => l !== '').length > 1 };

test('prepareOutput: a folder, a device and a path under a file are refused by name; missing folders are created', () => {
  const dir = tmp();
  assert.throws(() => prepareOutput(dir), new RegExp(`^Error: output '${dir}' is a folder; give a file path \\(e\\.g\\. ${path.join(dir, 'results.csv')}\\)$`));
  assert.throws(() => prepareOutput('/dev/null'), /^Error: output '\/dev\/null' is not a regular file \(a device, pipe or socket\)/);
  const file = path.join(dir, 'f.txt');
  fs.writeFileSync(file, 'x');
  assert.throws(() => prepareOutput(path.join(file, 'a', 'out.csv')), new RegExp(`^Error: cannot write '${file}/a/out\\.csv': '${file}' is a file, not a folder`));
  const deep = path.join(dir, 'a', 'b', 'out.csv');
  prepareOutput(deep);
  assert.ok(fs.statSync(path.join(dir, 'a', 'b')).isDirectory());
  assert.ok(!fs.existsSync(deep), 'only the folder is created');
  // a folder that cannot be created (its parent is a link to nowhere): the path and the fix
  fs.symlinkSync(path.join(dir, 'nowhere', 'deeper'), path.join(dir, 'dangling'));
  const under = path.join(dir, 'dangling', 'sub');
  assert.throws(
    () => prepareOutput(path.join(under, 'out.csv')),
    (e: Error) => e.message === `cannot create '${under}': it does not exist (or its folder does not) (ENOENT); choose another output path (--out) or fix the folder`,
  );
  prepareOutput(file); // an existing regular file is fine
  assert.equal(fs.readFileSync(file, 'utf8'), 'x');
});

test('checkInputFile names a missing file, a folder and a device, with what the file is for', () => {
  const dir = tmp();
  assert.throws(() => checkInputFile(path.join(dir, 'no.csv'), 'score file'), new RegExp(`^Error: score file '${dir}/no\\.csv' does not exist$`));
  assert.throws(() => checkInputFile(dir, '--reuse table'), new RegExp(`^Error: --reuse table '${dir}' is a folder; give the file itself$`));
  assert.throws(() => checkInputFile('/dev/null', 'score file'), /^Error: score file '\/dev\/null' is not a regular file \(a device, pipe or socket\); give the file itself$/);
  const f = path.join(dir, 'ok.csv');
  fs.writeFileSync(f, '');
  checkInputFile(f, 'score file');
});

test('openResultFile: fresh file gets its empty text and sidecar; rows resume under the same sidecar; a header alone starts afresh', () => {
  const f = path.join(tmp(), 'sub', 'r.csv');
  const a = openResultFile(f, side(1), FORMAT);
  assert.equal(a.resumed, false);
  assert.equal(fs.readFileSync(f, 'utf8'), 'h\n');
  assert.deepEqual(readSidecar(f, 'scores').settings, { seed: 1 });
  assert.ok(fs.existsSync(lockPath(f)), 'locked while open');
  a.release();
  assert.ok(!fs.existsSync(lockPath(f)), 'released');
  // header only: started afresh, even under other settings
  const b = openResultFile(f, side(2), FORMAT);
  assert.equal(b.resumed, false);
  assert.deepEqual(readSidecar(f, 'scores').settings, { seed: 2 });
  b.release();
  fs.appendFileSync(f, 'row 1\n');
  const c = openResultFile(f, side(2), FORMAT);
  assert.equal(c.resumed, true);
  assert.equal(fs.readFileSync(f, 'utf8'), 'h\nrow 1\n', 'a resume keeps the rows');
  c.release();
});

test('openResultFile: a resume under other settings is refused and the lock released; a new command is recorded on resume', () => {
  const f = path.join(tmp(), 'r.csv');
  openResultFile(f, side(1, 'first'), FORMAT).release();
  fs.appendFileSync(f, 'row 1\n');
  assert.throws(() => openResultFile(f, side(3), FORMAT), /holds score file rows made with other settings or data .*seed 1 → 3/);
  assert.ok(!fs.existsSync(lockPath(f)), 'a refused open leaves no lock');
  assert.equal(fs.readFileSync(f, 'utf8'), 'h\nrow 1\n', 'a refused open leaves the rows');
  const r = openResultFile(f, side(1, 'second'), FORMAT);
  assert.equal(r.resumed, true);
  r.release();
  assert.equal(readSidecar(f, 'scores').command, 'second');
  const text = fs.readFileSync(sidecarPath(f), 'utf8');
  openResultFile(f, side(1), FORMAT).release();
  assert.equal(fs.readFileSync(sidecarPath(f), 'utf8'), text, 'no command: the sidecar is left as it is');
  openResultFile(f, side(1, 'second'), FORMAT).release();
  assert.equal(fs.readFileSync(sidecarPath(f), 'utf8'), text, 'the same command: the sidecar is left as it is');
});

test('openResultFile names a result file it cannot read or write (an fs error in words) and releases the lock', () => {
  // permissions do not stop root, so the fs calls on the result file itself are made to fail
  const realFs: typeof fs = require('node:fs');
  const fail = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  const f = path.join(tmp(), 'r.csv');
  fs.writeFileSync(f, 'h\nrow 1\n');
  const readFileSync = realFs.readFileSync;
  const read = mock.method(realFs, 'readFileSync', (...args: Parameters<typeof fs.readFileSync>) => {
    if (args[0] === f) throw fail('EACCES');
    return readFileSync(...args);
  });
  try {
    assert.throws(() => openResultFile(f, side(1), FORMAT), (e: Error) => e.message === `cannot read '${f}': it is not accessible with your permissions (EACCES); check the path`);
  } finally {
    read.mock.restore();
  }
  assert.ok(!fs.existsSync(lockPath(f)), 'released');
  assert.equal(fs.readFileSync(f, 'utf8'), 'h\nrow 1\n', 'the rows are left as they were');
  const g = path.join(tmp(), 'g.csv');
  const writeFileSync = realFs.writeFileSync;
  const write = mock.method(realFs, 'writeFileSync', (...args: Parameters<typeof fs.writeFileSync>) => {
    if (args[0] === g) throw fail('ENOSPC');
    return writeFileSync(...args);
  });
  try {
    assert.throws(
      () => openResultFile(g, side(1), FORMAT),
      (e: Error) => e.message === `cannot write '${g}': it cannot be written: the device is full (ENOSPC); choose another output path (--out) or fix the folder`,
    );
  } finally {
    write.mock.restore();
  }
  assert.ok(!fs.existsSync(lockPath(g)), 'released');
  assert.ok(!fs.existsSync(sidecarPath(g)), 'no sidecar for a file that was not written');
});

test('appendResult appends; a write into a folder is named', () => {
  const dir = tmp();
  const f = path.join(dir, 'a.txt');
  appendResult(f, 'one\n');
  appendResult(f, 'two\n');
  assert.equal(fs.readFileSync(f, 'utf8'), 'one\ntwo\n');
  assert.throws(() => appendResult(dir, 'x'), new RegExp(`cannot write '${dir}'`));
});

test('records: the first creates the sidecar, later ones need the same sidecar and a new key; an empty file passes the resume check', () => {
  const f = path.join(tmp(), 'rec', 'r.jsonl');
  checkRecordsResumable(f, side(1)); // absent
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, '\n  \n');
  checkRecordsResumable(f, side(1)); // blank lines only
  const keys: number[] = [];
  const rec = (key: number) => ({ key, keyName: 'seed', text: `{"seed":${key}}\n` });
  appendRecord(f, side(1), rec(0), () => keys);
  keys.push(0);
  assert.deepEqual(readSidecar(f, 'scores').settings, { seed: 1 });
  appendRecord(f, side(1), rec(4), () => keys);
  keys.push(4);
  assert.equal(fs.readFileSync(f, 'utf8'), '\n  \n{"seed":0}\n{"seed":4}\n');
  assert.throws(() => appendRecord(f, side(1), rec(4), () => keys), new RegExp(`^Error: '${f}' already holds seed 4; not writing it twice$`));
  assert.throws(() => appendRecord(f, side(2), rec(5), () => keys), /other settings or data .*seed 1 → 2/);
  assert.throws(() => checkRecordsResumable(f, side(2)), /other settings or data .*seed 1 → 2/);
  checkRecordsResumable(f, side(1));
  assert.ok(!fs.existsSync(lockPath(f)), 'the lock is released after a refusal');
  assert.equal(fs.readFileSync(f, 'utf8'), '\n  \n{"seed":0}\n{"seed":4}\n', 'refused records are not written');
});

test('refuseDuplicateKeys lists ten repeated keys, then how many in all', () => {
  const keys = Array.from({ length: 12 }, (_, k) => [k, k]).flat();
  assert.throws(
    () => refuseDuplicateKeys(keys, 'x.csv', 'architecture index'),
    (e: Error) => {
      assert.equal(
        e.message,
        "'x.csv' holds architecture index 0 (2×), 1 (2×), 2 (2×), 3 (2×), 4 (2×), 5 (2×), 6 (2×), 7 (2×), 8 (2×), 9 (2×), … (12 in all) more than once " +
          '(two runs wrote to it at once, or it was edited): its statistics would count them twice; keep one row per architecture index (or rescore into a new file)',
      );
      return true;
    },
  );
  assert.throws(() => refuseDuplicateKeys(keys.slice(0, 20), 'x.csv', 'seed'), (e: Error) => e.message.includes('9 (2×) more than once'));
});
