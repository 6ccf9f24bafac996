import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataFile, dataIdentity, DataMissingError, dataRoots, hasDataFile, packageRoot } from '../../src/data/root';

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

test('with ZERONAS_DATA set, a file missing there is an error naming it: no fall-back to other roots', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-empty-'));
  withEnv(dir, () => {
    assert.deepEqual(dataRoots().map((r) => r.dir), [path.resolve(dir)]);
    // the package's own data folder holds README.md: not found while ZERONAS_DATA points elsewhere
    assert.equal(hasDataFile('README.md'), false);
    assert.throws(
      () => dataFile('nope/missing.bin'),
      (e: unknown) => {
        assert.ok(e instanceof DataMissingError);
        assert.equal(e.rel, 'nope/missing.bin');
        assert.ok(e.message.includes(path.join(dir, 'nope/missing.bin')));
        assert.match(e.message, /while ZERONAS_DATA is set no other folder is searched/);
        assert.match(e.message, /data\/README\.md/);
        return true;
      },
    );
  });
  withEnv(path.join(dir, 'absent'), () => assert.throws(() => dataFile('cifar10/data_batch_1.bin'), /cifar10\/data_batch_1\.bin' not found in \$ZERONAS_DATA/));
});

test('without ZERONAS_DATA, the missing-file error names every root searched and the fix', () => {
  withEnv(undefined, () => {
    assert.throws(
      () => dataFile('nope/missing.bin'),
      (e: unknown) => {
        assert.ok(e instanceof DataMissingError);
        assert.ok(e.message.includes(path.join(process.cwd(), 'data', 'nope/missing.bin')));
        assert.ok(e.message.includes(path.resolve(packageRoot(), '..', 'shared', 'data', 'nope/missing.bin')));
        assert.match(e.message, /ZERONAS_DATA/);
        return true;
      },
    );
  });
});

test("a data folder's SHA256SUMS is checked: a changed file is refused naming it; identity records root, hash and size", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-sums-'));
  fs.mkdirSync(path.join(dir, 'x'));
  fs.writeFileSync(path.join(dir, 'x', 'a.bin'), 'abc');
  // sha256("abc")
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  fs.writeFileSync(path.join(dir, 'x', 'SHA256SUMS'), `${abc}  a.bin\n`);
  withEnv(dir, () => {
    assert.equal(dataFile('x/a.bin'), path.join(dir, 'x', 'a.bin'));
    assert.deepEqual(dataIdentity(['x/a.bin']).files, [{ rel: 'x/a.bin', root: path.resolve(dir), sha256: abc, bytes: 3 }]);
    fs.writeFileSync(path.join(dir, 'x', 'a.bin'), 'abd');
    assert.throws(() => dataFile('x/a.bin'), /a\.bin does not match its checksum in .*SHA256SUMS \(sha256 [0-9a-f]{12}…, listed ba7816bf8f01…\)/);
  });
});

test('absolute paths are rejected', () => {
  assert.throws(() => dataFile('/etc/passwd'), /relative/);
});
