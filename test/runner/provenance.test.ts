/**
 * Score files you can trust, through the CLI where a user meets them: the benchmark comes from the
 * sidecar, rows must be the benchmark's architectures, duplicates and concurrent writers are
 * refused, the data behind the scores is identified (and checked), unusable settings are refused
 * before any file exists, and every bad input gets a message naming it. Tiny runs (2–4
 * architectures, batch 8, params/naswot) keep this fast.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataFile, hasDataFile } from '../../src/data/root';

const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ZERONAS_BACKEND: process.env.ZERONAS_BACKEND ?? 'wasm', ...env } });
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'zn-prov-'));
const TINY = ['--archs', 'sample:2', '--batch-size', '8', '--workers', '0', '--quiet'];
const skip = !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR-10 data';
const refused = (r: ReturnType<typeof run>, re: RegExp): void => {
  assert.equal(r.status, 2, `expected a refusal, got status ${r.status}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /\n\s+at |makeBatch|loadCifar|summarize:/, 'no stack trace or internal function name');
};

test('eval and search table2a take the benchmark from the sidecar; rows must be the benchmark\'s architectures', { skip }, () => {
  const dir = tmp();
  const nb101 = path.join(dir, 'nb101.csv');
  const nb201 = path.join(dir, 'nb201.csv');
  assert.equal(run(['score', '--space', 'nb101', ...TINY, '--out', nb101]).status, 0);
  assert.equal(run(['score', ...TINY, '--out', nb201]).status, 0);
  const ev = run(['eval', '--scores', nb101, '--bootstrap', '10']);
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stdout, /NAS-Bench-1Shot1 search space 2/, 'the NB101 file is judged on NB101 without --benchmark');
  refused(run(['eval', '--scores', nb101, '--benchmark', 'nb201']), /holds nb101 scores \(space recorded in .*nb101\.csv\.meta\.json\), but --benchmark nb201 was given/);
  refused(run(['eval', '--scores', nb201, '--benchmark', 'nb101']), /holds nb201 scores .* but --benchmark nb101 was given/);
  refused(run(['search', 'table2a', '--scores', nb101, '--runs', '2']), /search table2a searches NAS-Bench-201, but .* holds nb101 scores/);
  // an edited index that kept the old architecture string
  const lines = fs.readFileSync(nb201, 'utf8').split('\n');
  const cells = lines[1]!.split(',');
  const other = (Number(cells[0]) + 1) % 15625;
  cells[0] = String(other);
  lines[1] = cells.join(',');
  fs.writeFileSync(nb201, lines.join('\n'));
  refused(run(['eval', '--scores', nb201, '--bootstrap', '10']), new RegExp(`nb201\\.csv row 2: index ${other} is \\|.* in the nb201 benchmark, but the row says \\|`));
  refused(run(['search', 'table2a', '--scores', nb201, '--runs', '2']), /row 2: index \d+ is .* but the row says/);
});

test('duplicate rows are refused naming them; one writer at a time, a killed writer\'s lock is recovered', { skip }, () => {
  const out = path.join(tmp(), 's.csv');
  const args = (n: number): string[] => ['score', '--proxies', 'params', '--archs', `sample:${n}`, '--batch-size', '8', '--workers', '0', '--out', out];
  assert.equal(run([...args(3), '--quiet']).status, 0);
  // a live writer holds the lock (this test process stands in for it)
  fs.writeFileSync(`${out}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), since: 'now' }));
  refused(run(args(4)), new RegExp(`'.*s\\.csv' is being written by process ${process.pid} \\(lock`));
  assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 4, 'the refused run wrote nothing');
  // the lock of a process that is gone (kill -9) is stale: taken over, with a message
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  fs.writeFileSync(`${out}.lock`, JSON.stringify({ pid: dead, host: os.hostname(), since: 'then' }));
  const stale = run(args(4));
  assert.equal(stale.status, 0, stale.stderr);
  assert.match(stale.stderr, new RegExp(`removed a stale lock of process ${dead} \\(no longer running\\)`));
  assert.ok(!fs.existsSync(`${out}.lock`), 'the lock is released at the end');
  // rows written twice (two writers, or an edit): every reader refuses, naming the index
  const first = fs.readFileSync(out, 'utf8').split('\n')[1]!;
  fs.appendFileSync(out, first + '\n');
  const idx = first.split(',')[0];
  const dup = new RegExp(`holds architecture index ${idx} \\(2×\\) more than once`);
  refused(run(['eval', '--scores', out]), dup);
  refused(run(args(4)), dup);
});

/** A data folder for ZERONAS_DATA: links to the real CIFAR-10 training files and NB201 table, batch 1 cut to `records`, optionally with SHA256SUMS. */
function dataFolder(dir: string, name: string, o: { records?: number; sums?: boolean } = {}): string {
  const real = path.dirname(path.dirname(dataFile('cifar10/data_batch_1.bin')));
  const root = path.join(dir, name);
  for (const sub of ['cifar10', 'nasbench201']) fs.mkdirSync(path.join(root, sub), { recursive: true });
  for (let k = 1; k <= 5; k++) {
    const rel = `cifar10/data_batch_${k}.bin`;
    if (k === 1 && o.records !== undefined) fs.writeFileSync(path.join(root, rel), fs.readFileSync(dataFile(rel)).subarray(0, o.records * 3073));
    else fs.symlinkSync(dataFile(rel), path.join(root, rel));
  }
  fs.symlinkSync(dataFile('nasbench201/nb201_merged.csv'), path.join(root, 'nasbench201/nb201_merged.csv'));
  if (o.sums) fs.copyFileSync(path.join(real, 'cifar10', 'SHA256SUMS'), path.join(root, 'cifar10', 'SHA256SUMS'));
  return root;
}

test('data identity: a resume on other data is refused naming the file; SHA256SUMS checked; ZERONAS_DATA is the only root; the root is printed', { skip: skip || (!fs.existsSync(path.join(path.dirname(dataFile('cifar10/data_batch_1.bin')), 'SHA256SUMS')) && 'no SHA256SUMS') }, () => {
  const dir = tmp();
  const cut = dataFolder(dir, 'cut', { records: 600 });
  const full = dataFolder(dir, 'full');
  const out = path.join(dir, 's.csv');
  const score = (n: number, extra: string[] = []): string[] => ['score', '--proxies', 'params', '--archs', `sample:${n}`, '--batch-size', '8', '--workers', '0', '--out', out, ...extra];
  const a = run(score(2), { ZERONAS_DATA: cut });
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stderr.split('\n').filter((l) => l.startsWith('data: ')).length, 1, 'the data root is printed once');
  assert.ok(a.stderr.includes(`data: ${cut} (cifar10/data_batch_1.bin`), a.stderr);
  const meta = JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8'));
  assert.equal(meta.data.files[0].rel, 'cifar10/data_batch_1.bin');
  assert.equal(meta.data.files[0].bytes, 600 * 3073);
  assert.equal(meta.data.files[0].root, cut);
  // the same command on the full data: refused, naming the file that changed
  refused(run(score(3), { ZERONAS_DATA: full }), /made with other settings or data .*: data cifar10\/data_batch_1\.bin sha256 [0-9a-f]{12}… \(1843800 bytes\) → sha256 ea2c7a46f233… \(3125241 bytes\)/);
  assert.doesNotMatch(run(score(2, ['--quiet']), { ZERONAS_DATA: cut }).stderr, /^data: /m, '--quiet prints no data root');
  // a folder whose SHA256SUMS does not match a file (cut to a whole number of records) is refused
  const damaged = dataFolder(dir, 'damaged', { records: 600, sums: true });
  const out2 = path.join(dir, 'd.csv');
  refused(run(['score', ...TINY, '--out', out2], { ZERONAS_DATA: damaged }), /data_batch_1\.bin does not match its checksum in .*SHA256SUMS/);
  assert.ok(!fs.existsSync(out2), 'no file is created');
  // ZERONAS_DATA set to an empty or missing folder: an error naming the file, no fall-back
  for (const root of [path.join(dir, 'empty'), path.join(dir, 'missing')]) {
    if (root.endsWith('empty')) fs.mkdirSync(root);
    refused(run(['score', ...TINY, '--out', out2], { ZERONAS_DATA: root }), /Data file '(cifar10\/data_batch_1\.bin|nasbench201\/nb201_merged\.csv)' not found in \$ZERONAS_DATA .*no other folder is searched/);
  }
  assert.ok(!fs.existsSync(out2), 'no file is created');
});

test('loss-based proxies on the 1-output network are refused before scoring; eval names an all-NaN column and reports the others', { skip }, () => {
  const dir = tmp();
  const out = path.join(dir, 'snip.csv');
  refused(run(['score', '--proxies', 'naswot,snip,grad_norm', ...TINY, '--out', out]), /snip, grad_norm differentiate a cross-entropy loss.*1-output network.*--preset naslib/);
  assert.ok(!fs.existsSync(out) && !fs.existsSync(`${out}.meta.json`), 'nothing written');
  const ok = path.join(dir, 'ok.csv');
  assert.equal(run(['score', '--proxies', 'naswot,params', '--archs', 'sample:3', '--batch-size', '8', '--workers', '0', '--quiet', '--out', ok]).status, 0);
  const lines = fs.readFileSync(ok, 'utf8').trim().split('\n');
  fs.writeFileSync(ok, [lines[0], ...lines.slice(1).map((l) => l.split(',').map((c, k) => (k === 3 ? 'nan' : c)).join(','))].join('\n') + '\n');
  const ev = run(['eval', '--scores', ok, '--bootstrap', '10']);
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stdout, /naswot: N=3 /);
  assert.match(ev.stdout, /params: not evaluated: 0 of 3 scores are finite/);
  assert.match(ev.stderr, /column 'params' of .*ok\.csv is not evaluated/);
  refused(run(['search', 'table2a', '--scores', ok, '--proxy', 'params', '--runs', '2']), /score column 'params' has no finite value/);
});

test('settings are validated before any file is created; sidecar problems each get their own message', { skip }, () => {
  const dir = tmp();
  const out = path.join(dir, 's.csv');
  const score = (extra: string[]): string[] => ['score', '--proxies', 'params', '--archs', 'sample:2', '--workers', '0', '--quiet', '--out', out, ...extra];
  refused(run(score(['--batch-size', '0'])), /--batch-size must be at least 1, got 0/);
  refused(run(score(['--batch-size', '99999'])), /--batch-size 99999 exceeds the \d+ cifar10 training images in the data folder/);
  assert.deepEqual(fs.readdirSync(dir), [], 'refused runs leave no file behind');
  assert.equal(run(score(['--batch-size', '8'])).status, 0, 'the corrected command runs');
  // other settings: each difference, old → new
  refused(run(score(['--batch-size', '8', '--seed', '2'])), /holds score file rows made with other settings or data \(.*s\.csv\.meta\.json\): seed 1 → 2; choose another --out/);
  // a damaged sidecar, then a missing one
  const good = fs.readFileSync(`${out}.meta.json`, 'utf8');
  fs.writeFileSync(`${out}.meta.json`, good.slice(0, 40));
  refused(run(score(['--batch-size', '8'])), /provenance sidecar '.*s\.csv\.meta\.json' of '.*s\.csv' is damaged \(not valid JSON/);
  refused(run(['eval', '--scores', out]), /is damaged \(not valid JSON/);
  fs.rmSync(`${out}.meta.json`);
  refused(run(score(['--batch-size', '8'])), /score file '.*s\.csv' has no provenance sidecar '.*s\.csv\.meta\.json'/);
  refused(run(['eval', '--scores', out]), /has no provenance sidecar/);
  // --out is a folder
  refused(run(['score', ...TINY, '--out', dir]), /output '.*' is a folder; give a file path/);
});

test('small hostile inputs: duplicate proxies, 33-bit seeds, zero counts, folders, full or impossible outputs, negative indices', { skip }, () => {
  const dir = tmp();
  const out = path.join(dir, 'x.csv');
  refused(run(['score', '--proxies', 'naswot,naswot', ...TINY, '--out', out]), /names naswot more than once/);
  refused(run(['score', '--seed', '4294967297', ...TINY, '--out', out]), /--seed must be in 0\.\.4294967295 \(seeds are 32-bit\), got 4294967297/);
  refused(run(['train-bench', '--seed', '4294967296', '--archs', 'sample:1', '--out', out]), /--seed must be in 0\.\.4294967295/);
  refused(run(['search', 'zc-pt', '--seeds', '4294967295-4294967296']), /seeds must be in 0\.\.4294967295/);
  refused(run(['search', 'table2a', '--scores', out, '--runs', '0']), /--runs must be at least 1, got 0/);
  refused(run(['parity', '--limit', '0']), /--limit must be at least 1, got 0/);
  refused(run(['score', '--archs', dir, '--workers', '0', '--out', out]), /--archs '.*' is a folder/);
  refused(run(['eval', '--scores', dir]), /score file '.*' is a folder; give the file itself/);
  const negative = path.join(dir, 'archs.txt');
  fs.writeFileSync(negative, '12\n-3\n');
  refused(run(['score', '--archs', negative, '--workers', '0', '--out', out]), /archs\.txt line 2: index -3 is negative; indices are 0\.\.15624/);
  refused(run(['score', ...TINY, '--out', path.join(negative, 'x.csv')]), /cannot write '.*archs\.txt\/x\.csv': '.*archs\.txt' is a file, not a folder; choose another output path/);
  if (fs.existsSync('/dev/full')) {
    refused(run(['score', ...TINY, '--out', '/dev/full']), /output '\/dev\/full' is not a regular file \(a device, pipe or socket\).*choose another output path/);
    refused(run(['eval', '--scores', '/dev/zero']), /score file '\/dev\/zero' is not a regular file/);
  }
  assert.ok(!fs.existsSync(out));
  // parity --dataset: help and error list the same choices
  assert.match(run(['parity', '--help']).stdout, /--dataset NAME +NASLib reference rows: cifar10 \| cifar100 /);
  refused(run(['parity', '--dataset', 'ImageNet16-120']), /--dataset must be one of cifar10, cifar100, got 'ImageNet16-120'/);
});

test('zeronas provenance --rederive fills in the data identity of an older sidecar, idempotently, and refuses other data', { skip }, () => {
  const dir = tmp();
  const f = path.join(dir, 't.csv');
  const committed = path.join(__dirname, '..', '..', 'data', 'scores', 'nb201-cifar100-naswot.csv');
  fs.copyFileSync(committed, f);
  const meta = JSON.parse(fs.readFileSync(`${committed}.meta.json`, 'utf8'));
  delete meta.data;
  delete meta.kind;
  fs.writeFileSync(`${f}.meta.json`, JSON.stringify(meta));
  // without data identity: readable, but not resumable
  refused(run(['score', '--dataset', 'cifar100', '--proxies', 'naswot,das_na,das_logdet_s', '--archs', 'sample:1', '--workers', '0', '--out', f]), /records no data identity .*zeronas provenance --rederive/);
  assert.match(run(['provenance', f]).stdout, /data: not recorded; run 'zeronas provenance --rederive/);
  const a = run(['provenance', '--rederive', f]);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /recorded the data identity of 2 files \(cifar100\/train\.bin, nasbench201\/nb201_merged\.csv\)/);
  const once = fs.readFileSync(`${f}.meta.json`, 'utf8');
  // the committed sidecar holds what re-derivation gives: the same files, bytes and SHA-256; the data
  // root is where this checkout finds the data (a clean checkout elsewhere has another), never compared
  const contentOf = (data: { files: { rel: string; sha256: string; bytes: number }[] }) => data.files.map(({ rel, sha256, bytes }) => ({ rel, sha256, bytes }));
  assert.deepEqual(contentOf(JSON.parse(once).data), contentOf(JSON.parse(fs.readFileSync(`${committed}.meta.json`, 'utf8')).data), 'the committed sidecar holds what re-derivation gives');
  assert.match(run(['provenance', '--rederive', f]).stdout, /already recorded and matching \(2 files\); unchanged/);
  assert.equal(fs.readFileSync(`${f}.meta.json`, 'utf8'), once, 'idempotent');
  assert.match(run(['provenance', f]).stdout, /data present now: identical/);
  const changed = JSON.parse(once);
  changed.data.files[0].sha256 = 'f'.repeat(64);
  fs.writeFileSync(`${f}.meta.json`, JSON.stringify(changed));
  refused(run(['provenance', '--rederive', f]), /the data present now differ from its sidecar \(data cifar100\/train\.bin sha256 ffffffffffff… .* → sha256 /);
});
