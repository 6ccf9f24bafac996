/**
 * Sharded runs joined by `zeronas merge` equal the unsharded run: score files (several proxies),
 * training benches and Zero-Cost-PT searches, row order and sidecar included; only the measured
 * seconds (and a search's finish time) differ between two runs of the same work. Also: splitting
 * a finished table into shards and merging it back is byte-identical, overlaps with equal values
 * are kept once, differing values, other settings and incomplete runs are refused, and merge
 * extends an existing table. Sidecars are the provenance module's: settings and data identity
 * compared field by field (the shard and command aside), the write lock on --out.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { hasDataFile } from '../../src/data/root';
import { selectArchs } from '../../src/runner/archs';
import { archSet } from '../../src/runner/archSets';
import { lockPath } from '../../src/provenance/lock';
import { makeSidecar, writeSidecar } from '../../src/provenance/sidecar';
import { mergeFiles, sidecarDiff } from '../../src/runner/merge';
import { scoreToFile } from '../../src/runner/scoreFile';
import { PRESETS, type ScoreSettings } from '../../src/runner/settings';
import { shardItems } from '../../src/runner/shard';
import { cmdTrainBench } from '../../src/train/trainBench';

const noCifar = !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10 data';
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'zn-merge-'));
const SETTINGS: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', batchSize: 16, seed: 3, proxies: ['naswot', 'params', 'synflow'] };
const SPEC = 'sample:5';
/** A data identity as a run records it (one file, hash `h` repeated). */
const DATA = (h = 'a'): { files: { rel: string; root: string; sha256: string; bytes: number }[] } => ({
  files: [{ rel: 'cifar10/data_batch_1.bin', root: '/data', sha256: h.repeat(64), bytes: 30730000 }],
});

/** A CSV without its measured columns (`seconds`, `*_seconds`), as text. */
function withoutSeconds(file: string): string {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const header = lines[0]!.split(',');
  const keep = header.map((h) => !(h === 'seconds' || h.endsWith('_seconds')));
  return lines.map((l) => (l === '' ? l : l.split(',').filter((_, k) => keep[k]).join(','))).join('\n');
}

async function scoreShard(dir: string, name: string, shard?: { index: number; count: number }): Promise<string> {
  const all = selectArchs(SPEC, archSet('nb201'), SETTINGS.seed);
  const out = path.join(dir, name);
  await scoreToFile(SETTINGS, shard ? shardItems(all, shard) : all, out, {
    workers: 0, quiet: true, ...(shard ? { shard: { ...shard, archs: SPEC, total: all.length } } : {}),
  });
  return out;
}

test('score: 3 shards merged equal the unsharded run (3 proxies), sidecar byte-identical', { skip: noCifar }, async () => {
  const dir = tmp();
  const full = await scoreShard(dir, 'full.csv');
  const shards = [];
  for (let i = 0; i < 3; i++) shards.push(await scoreShard(dir, `s${i}.csv`, { index: i, count: 3 }));
  const merged = path.join(dir, 'merged.csv');
  const r = mergeFiles(shards.reverse(), merged);
  assert.deepEqual({ total: r.total, added: r.added, missing: r.missing }, { total: 5, added: 5, missing: 0 });
  assert.equal(withoutSeconds(merged), withoutSeconds(full));
  assert.equal(fs.readFileSync(`${merged}.meta.json`, 'utf8'), fs.readFileSync(`${full}.meta.json`, 'utf8'));
});

test('score: shards started from an existing table (--reuse) score only what it lacks; merged into it = the longer unsharded run', { skip: noCifar }, async () => {
  const dir = tmp();
  const set = archSet('nb201');
  const table = path.join(dir, 'table.csv');
  await scoreToFile(SETTINGS, selectArchs('sample:3', set, SETTINGS.seed), table, { workers: 0, quiet: true });
  const full = await scoreShard(dir, 'full.csv'); // sample:5
  const all = selectArchs(SPEC, set, SETTINGS.seed);
  const parts: string[] = [];
  let reused = 0;
  for (let i = 0; i < 2; i++) {
    const out = path.join(dir, `r${i}.csv`);
    const shard = { index: i, count: 2, archs: SPEC, total: all.length };
    const mine = shardItems(all, shard);
    await scoreToFile(SETTINGS, mine, out, { workers: 0, quiet: true, shard, reuse: table });
    // the table's rows of this shard open the file, as they were (timings included)
    const tableLines = new Set(fs.readFileSync(table, 'utf8').split('\n').slice(1).filter((l) => l !== ''));
    const body = fs.readFileSync(out, 'utf8').split('\n').slice(1).filter((l) => l !== '');
    const k = body.findIndex((l) => !tableLines.has(l));
    reused += k < 0 ? body.length : k;
    assert.ok(body.slice(k < 0 ? body.length : k).every((l) => !tableLines.has(l)), 'reused rows first');
    assert.equal(JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8')).shard.index, i, 'the shard is in the provenance sidecar');
    parts.push(out);
  }
  assert.equal(reused, 3);
  // a resume by another shard is refused, naming both
  await assert.rejects(
    scoreToFile(SETTINGS, [all[0]!], parts[0]!, { workers: 0, quiet: true, shard: { index: 1, count: 2, archs: SPEC, total: all.length } }),
    /shard 0\/2 of sample:5 → 1\/2 of sample:5/,
  );
  const r = mergeFiles(parts, table);
  assert.deepEqual([r.kept, r.added, r.identicalOverlaps], [3, 2, 3]);
  assert.equal(withoutSeconds(table), withoutSeconds(full));
  const x = path.join(dir, 'x.csv');
  await assert.rejects(
    scoreToFile({ ...SETTINGS, batchSize: 8 }, all, x, { workers: 0, quiet: true, shard: { index: 0, count: 2, archs: SPEC, total: 5 }, reuse: table }),
    /--reuse .* other settings or data .*batchSize 16 → 8/,
  );
});

test('score: a finished table split into shard files merges back byte for byte; overlaps and conflicts', () => {
  const dir = tmp();
  const header = 'index,arch,naswot,params,seconds,naswot_seconds,params_seconds,notes';
  const order = selectArchs('sample:5', archSet('nb201'), 1);
  const rows = order.map((i, p) => `${i},a${i},${100 + p * 1.25},0.${p}1,${p}.5,1.000,0.000,`);
  const settings = { ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot', 'params'] };
  const full = path.join(dir, 'full.csv');
  fs.writeFileSync(full, [header, ...rows].join('\n') + '\n');
  writeSidecar(full, makeSidecar('scores', settings, DATA()));
  const shard = (i: number, name = `s${i}.csv`, body = shardItems(rows, { index: i, count: 2 })): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, [header, ...body].join('\n') + '\n');
    writeSidecar(f, makeSidecar('scores', settings, DATA(), undefined, { index: i, count: 2, archs: 'sample:5', total: 5 }));
    return f;
  };
  const merged = path.join(dir, 'm.csv');
  mergeFiles([shard(1), shard(0)], merged);
  assert.equal(fs.readFileSync(merged, 'utf8'), fs.readFileSync(full, 'utf8'));
  assert.equal(fs.readFileSync(`${merged}.meta.json`, 'utf8'), fs.readFileSync(`${full}.meta.json`, 'utf8'));

  // the same row twice with other timings: kept once
  const again = path.join(dir, 'again.csv');
  const r = mergeFiles([shard(0), shard(1), shard(0, 'dup.csv', shardItems(rows, { index: 0, count: 2 }).map((l) => l.replace(/,(\d)\.5,/, ',9.5,')))], again, { partial: false });
  assert.equal(r.identicalOverlaps, 3);
  // a row whose value differs: refused, naming the index
  const bad = shard(0, 'bad.csv', shardItems(rows, { index: 0, count: 2 }).map((l, k) => (k === 0 ? l.replace(',100,', ',101,') : l)));
  assert.throws(() => mergeFiles([shard(0), shard(1), bad], path.join(dir, 'x.csv')), new RegExp(`index ${order[0]} has different values`));
  // a missing shard or missing rows: refused unless --partial
  assert.throws(() => mergeFiles([shard(0)], path.join(dir, 'y.csv')), /shards 1\/2 not given/);
  assert.throws(() => mergeFiles([shard(0), shard(1, 's1short.csv', shardItems(rows, { index: 1, count: 2 }).slice(1))], path.join(dir, 'y.csv')), /lacks 1 of its 2/);
  const part = mergeFiles([shard(0)], path.join(dir, 'p.csv'), { partial: true });
  assert.deepEqual([part.total, part.missing], [3, 2]);
  // another setting: refused, naming the field
  const other = shard(1, 'other.csv');
  writeSidecar(other, makeSidecar('scores', { ...settings, batchSize: 64 }, DATA(), undefined, { index: 1, count: 2, archs: 'sample:5', total: 5 }));
  assert.throws(() => mergeFiles([shard(0), other], path.join(dir, 'z.csv')), /batchSize 128 → 64/);
  // other data (another hash of a data file): refused, naming the file
  writeSidecar(other, makeSidecar('scores', settings, DATA('b'), undefined, { index: 1, count: 2, archs: 'sample:5', total: 5 }));
  assert.throws(() => mergeFiles([shard(0), other], path.join(dir, 'z.csv')), /data cifar10\/data_batch_1\.bin sha256 a{12}… .* → sha256 b{12}…/);
  // a sidecar without data identity: refused, with the command that re-derives it
  const { data: _d, ...noData } = makeSidecar('scores', settings, DATA(), undefined, { index: 1, count: 2, archs: 'sample:5', total: 5 });
  writeSidecar(other, noData);
  assert.throws(() => mergeFiles([shard(0), other], path.join(dir, 'z.csv')), /records no data identity.*provenance --rederive/);
  // --out held by another live writer: refused, nothing written
  const locked = path.join(dir, 'locked.csv');
  fs.writeFileSync(lockPath(locked), JSON.stringify({ pid: process.ppid, host: os.hostname(), since: 'x' }));
  assert.throws(() => mergeFiles([shard(0), shard(1)], locked), new RegExp(`process ${process.ppid}`));
  assert.ok(!fs.existsSync(locked) && !fs.existsSync(`${locked}.meta.json`));
  fs.rmSync(lockPath(locked));
  mergeFiles([shard(0), shard(1)], locked);
  assert.ok(!fs.existsSync(lockPath(locked)), 'the lock is released after the merge');
});

test('merge extends an existing table: its rows first, new rows in the seeded order', () => {
  const dir = tmp();
  const header = 'index,arch,naswot,seconds,naswot_seconds,notes';
  const order = selectArchs('sample:6', archSet('nb201'), 1);
  const line = (i: number): string => `${i},a${i},${i / 7},1.000,1.000,`;
  const settings = { ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot'] };
  const write = (name: string, idx: readonly number[], shard?: object): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, [header, ...idx.map(line)].join('\n') + '\n');
    writeSidecar(f, makeSidecar('scores', settings, DATA(), undefined, shard as Parameters<typeof makeSidecar>[4]));
    return f;
  };
  // the table holds the first 3 of the order, written by 2 workers (positions 1 and 0 swapped)
  const table = write('table.csv', [order[1]!, order[0]!, order[2]!]);
  const s = (i: number): string => write(`s${i}.csv`, shardItems(order, { index: i, count: 2 }), { index: i, count: 2, archs: 'sample:6', total: 6 });
  const r = mergeFiles([s(0), s(1)], table);
  assert.deepEqual([r.kept, r.added, r.identicalOverlaps, r.total], [3, 3, 3, 6]);
  const idx = fs.readFileSync(table, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  assert.deepEqual(idx, [order[1], order[0], order[2], order[3], order[4], order[5]]);
});

test('sidecars are compared field by field, fields added later included, provenance aside', () => {
  assert.deepEqual(sidecarDiff({ a: 1, settings: { b: [1, 2] }, shard: { index: 0 }, command: 'x' }, { a: 1, settings: { b: [1, 2] }, shard: { index: 1 } }), []);
  assert.deepEqual(sidecarDiff({ a: 1, data: { sha256: { 'x.bin': 'aa' } } }, { a: 1, data: { sha256: { 'x.bin': 'bb' } }, lock: true }), [
    'data.sha256.x.bin "aa" vs "bb"',
    'lock absent vs true',
  ]);
});

test('train-bench: 2 shards merged equal the unsharded bench, sidecar byte-identical', { skip: noCifar }, async () => {
  const dir = tmp();
  const args = (out: string, shard?: string): string[] => [
    '--archs', 'sample:3', '--epochs', '1', '--channels', '4', '--batch-size', '16', '--score-batch-size', '16',
    '--train-limit', '32', '--eval-limit', '32', '--seed', '3', ...(shard ? ['--shard', shard] : []), '--out', out, '--quiet',
  ];
  const full = path.join(dir, 'tb.csv');
  await cmdTrainBench(args(full));
  await cmdTrainBench(args(path.join(dir, 'tb-1.csv'), '1/2'));
  await cmdTrainBench(args(path.join(dir, 'tb-0.csv'), '0/2'));
  const merged = path.join(dir, 'merged', 'tb.csv');
  fs.mkdirSync(path.dirname(merged));
  mergeFiles([path.join(dir, 'tb-0.csv'), path.join(dir, 'tb-1.csv')], merged);
  const drop = (f: string): string => withoutSeconds(f);
  assert.equal(drop(merged), drop(full));
  // the sidecar's command names the merged file, as the unsharded run names its own
  const meta = (f: string): Record<string, unknown> => JSON.parse(fs.readFileSync(`${f}.meta.json`, 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...meta(merged), command: undefined }, { ...meta(full), command: undefined });
  assert.equal(meta(merged).command, (meta(full).command as string).replace(full, merged));
});

test('search zc-pt: 2 seed shards merged equal the unsharded run', { skip: noCifar }, async () => {
  const dir = tmp();
  const common = ['search', 'zc-pt', '--seeds', '0-1', '--proposals', '1', '--val-batches', '1', '--batch-size', '4', '--edge-order', 'fixed'];
  const full = path.join(dir, 'zc.jsonl');
  const log = console.log;
  console.log = () => undefined;
  try {
    await main([...common, '--out', full]);
    await main([...common, '--shard', '1/2', '--out', path.join(dir, 'zc-1.jsonl')]);
    await main([...common, '--shard', '0/2', '--out', path.join(dir, 'zc-0.jsonl')]);
  } finally {
    console.log = log;
  }
  const merged = path.join(dir, 'merged.jsonl');
  const r = mergeFiles([path.join(dir, 'zc-1.jsonl'), path.join(dir, 'zc-0.jsonl')], merged);
  assert.equal(r.total, 2);
  const records = (f: string): Record<string, unknown>[] =>
    fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v !== null && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).filter(([k]) => !(k === 'timing' || k === 'finishedAt' || /seconds$/i.test(k))).map(([k, x]) => [k, strip(x)]))
      : v;
  const a = records(merged);
  const b = records(full);
  assert.deepEqual(a.map((x) => (x.settings as { seed: number }).seed), [0, 1]);
  assert.deepEqual(strip(a.map((x) => ({ ...x, command: (x.command as string).replace(merged, full) }))), strip(b));
  // the merged file's provenance sidecar is the unsharded run's (its command naming the merged file)
  const meta = (f: string): Record<string, unknown> => JSON.parse(fs.readFileSync(`${f}.meta.json`, 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...meta(merged), command: undefined }, { ...meta(full), command: undefined });
  assert.equal(meta(merged).command, (meta(full).command as string).replace(full, merged));
  assert.equal(meta(path.join(dir, 'zc-1.jsonl')).shard && (meta(path.join(dir, 'zc-1.jsonl')).shard as { index: number }).index, 1);
  // a resume of a shard's file by another shard is refused
  console.log = () => undefined;
  try {
    await assert.rejects(main([...common, '--shard', '0/2', '--out', path.join(dir, 'zc-1.jsonl')]), /shard 1\/2 of seeds 0,1 → 0\/2 of seeds 0,1/);
  } finally {
    console.log = log;
  }
});
