import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataFile, DataMissingError, dataRoots, hasDataFile, packageRoot } from '../../src/data/root';

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const old = process.env.ZERONAS_DATA;
  if (value === undefined) delete process.env.ZERONAS_DATA;
  else process.env.ZERONAS_DATA = value;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env.ZERONAS_DATA;
    else process.env.ZERONAS_DATA = old;
  }
}

test('package root holds package.json', () => {
  assert.ok(fs.existsSync(path.join(packageRoot(), 'package.json')));
});

test('ZERONAS_DATA is searched first', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-root-'));
  fs.mkdirSync(path.join(dir, 'x'));
  fs.writeFileSync(path.join(dir, 'x', 'f.txt'), 'hi');
  withEnv(dir, () => {
    assert.equal(dataRoots()[0]!.dir, path.resolve(dir));
    assert.equal(dataFile('x/f.txt'), path.join(dir, 'x', 'f.txt'));
    assert.ok(hasDataFile('x/f.txt'));
  });
});

test('missing file error names the path, every root and the fix', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-empty-'));
  withEnv(dir, () => {
    assert.throws(
      () => dataFile('nope/missing.bin'),
      (e: unknown) => {
        assert.ok(e instanceof DataMissingError);
        assert.equal(e.rel, 'nope/missing.bin');
        assert.match(e.message, /nope\/missing\.bin/);
        assert.ok(e.message.includes(path.join(dir, 'nope/missing.bin')));
        assert.ok(e.message.includes(path.join(process.cwd(), 'data', 'nope/missing.bin')));
        assert.ok(e.message.includes(path.resolve(packageRoot(), '..', 'shared', 'data', 'nope/missing.bin')));
        assert.match(e.message, /ZERONAS_DATA/);
        assert.match(e.message, /data\/README\.md/);
        return true;
      },
    );
  });
});

test('absolute paths are rejected', () => {
  assert.throws(() => dataFile('/etc/passwd'), /relative/);
});
