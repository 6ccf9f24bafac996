import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkRecordsResumable } from '../../src/provenance/resultFile';
import { compareSidecars, makeSidecar, readSidecar, writeSidecar } from '../../src/provenance/sidecar';
import { parseShard, shardItems, unshardedCommand } from '../../src/runner/shard';

test('shards are disjoint, cover every position once, and keep the run order', () => {
  const items = Array.from({ length: 23 }, (_, p) => 100 + ((p * 7) % 23));
  for (const n of [1, 2, 3, 5, 30]) {
    const parts = Array.from({ length: n }, (_, i) => shardItems(items, { index: i, count: n }));
    assert.deepEqual(parts.flat().sort((a, b) => a - b), [...items].sort((a, b) => a - b), `N=${n}`);
    parts.forEach((part, i) => assert.deepEqual(part, items.filter((_, p) => p % n === i)));
  }
});

test('--shard I/N is parsed with clear errors', () => {
  assert.deepEqual(parseShard('1/4'), { index: 1, count: 4 });
  assert.throws(() => parseShard('4/4'), /0 ≤ I < N/);
  assert.throws(() => parseShard('0/0'), /N ≥ 1/);
  assert.throws(() => parseShard('1-4'), /I\/N/);
  assert.throws(() => shardItems([1], { index: 2, count: 2 }), /0 ≤ I < N/);
});

test('the unsharded command drops the shard and writes the merged file', () => {
  assert.equal(
    unshardedCommand('zeronas train-bench --archs sample:6 --shard 1/2 --out tb-1.csv --epochs 1', 'tb.csv'),
    'zeronas train-bench --archs sample:6 --out tb.csv --epochs 1',
  );
  assert.equal(unshardedCommand('zeronas search zc-pt --shard=0/3 --out=a.jsonl', 'b.jsonl'), 'zeronas search zc-pt --out=b.jsonl');
});

test('a shard file records its shard in the provenance sidecar; a resume by another shard or an unsharded run is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-shard-'));
  const f = path.join(dir, 'z.jsonl');
  const data = { files: [{ rel: 'cifar10/data_batch_1.bin', root: '/data', sha256: 'a'.repeat(64), bytes: 1 }] };
  const rec = { index: 0, count: 2, total: 4, seeds: [0, 1, 2, 3] };
  const side = (shard?: typeof rec) => makeSidecar('zcpt-nb201', { proxy: 'naswot' }, data, 'cmd', shard);
  writeSidecar(f, side(rec));
  fs.writeFileSync(f, '{"settings":{"seed":0}}\n');
  assert.deepEqual(readSidecar(f, 'zcpt-nb201').shard, rec);
  checkRecordsResumable(f, side(rec)); // same shard: resumes
  assert.throws(() => checkRecordsResumable(f, side({ ...rec, index: 1 })), /shard 0\/2 of seeds 0,1,2,3 → 1\/2 of seeds 0,1,2,3/);
  assert.throws(() => checkRecordsResumable(f, side()), /shard 0\/2 of seeds 0,1,2,3 → unsharded/);
  // the merge compares everything but the shard
  assert.deepEqual(compareSidecars(side(rec), side({ ...rec, index: 1 }), { exceptShard: true }), []);
  // a malformed shard record is refused when read
  fs.writeFileSync(`${f}.meta.json`, JSON.stringify({ ...side(rec), shard: { index: 2, count: 2, total: 4, seeds: [0, 1, 2, 3] } }));
  assert.throws(() => readSidecar(f, 'zcpt-nb201'), /malformed shard record/);
});
