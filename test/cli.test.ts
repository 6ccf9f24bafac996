import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSidecar } from '../src/provenance/sidecar';
import { archSet } from '../src/runner/archSets';
import { scoreSidecar } from '../src/runner/results';
import { PRESETS } from '../src/runner/settings';

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('zeronas score writes the CSV, resumes, and eval reports the correlations', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-cli-'));
  const out = path.join(dir, 'scores.csv');
  const score = ['score', '--space', 'nb201', '--proxies', 'naswot', '--archs', 'sample:6', '--dataset', 'cifar10', '--batch-size', '16', '--seed', '1', '--workers', '2', '--out', out];
  const r = run(...score);
  assert.equal(r.status, 0, r.stderr);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'index,arch,naswot,seconds,naswot_seconds,notes');
  assert.equal(lines.length, 7);
  const again = run(...score);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /6 of 6 already scored/);
  assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 7);
  const ev = run('eval', '--scores', out, '--benchmark', 'nb201', '--dataset', 'cifar10', '--bootstrap', '200');
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stdout, /naswot: N=6 .*PLCC .*SROCC .*KROCC .*paper Kendall τ 0\.574/);
});

test('the CLI names bad input', () => {
  assert.match(run('score', '--archs', 'sample:2', '--proxies', 'nope', '--out', '/tmp/x.csv').stderr, /unknown proxy 'nope'/);
  assert.match(run('score', '--archs', 'sample:2', '--batch-size', 'ten', '--out', '/tmp/x.csv').stderr, /--batch-size must be/);
  assert.match(run('frobnicate').stderr, /unknown command 'frobnicate'/);
  assert.match(run('eval', '--scores', '/nonexistent.csv').stderr, /does not exist/);
  for (const c of ['score', 'eval', 'parity', 'train-bench']) assert.match(run(c, '--help').stdout, new RegExp(`zeronas ${c}`));
});

test('zeronas score --space nb101 and eval --benchmark nb101 print τ beside the paper', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-cli101-'));
  const out = path.join(dir, 'nb101.csv');
  const r = run('score', '--space', 'nb101', '--archs', 'sample:4', '--batch-size', '16', '--workers', '0', '--quiet', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const meta = JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8'));
  assert.deepEqual([meta.settings.space, meta.settings.C, meta.settings.N, meta.settings.numClasses], ['nb101', 16, 3, 1]);
  assert.match(fs.readFileSync(out, 'utf8').split('\n')[1], /^\d+,[01.]+:in-[a-z0-9-]+-out,/);
  const ev = run('eval', '--scores', out, '--benchmark', 'nb101', '--bootstrap', '100');
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stdout, /NAS-Bench-1Shot1 search space 2/);
  assert.match(ev.stdout, /naswot: N=4 .*KROCC .*paper Kendall τ 0\.285/);
  assert.match(run('eval', '--scores', out, '--benchmark', 'nb101', '--accuracy', 'cifar10-test').stderr, /--accuracy must be one of test-max/);
});

test('zeronas score --space nb101-naslib --width 8: NASLib\'s NB101 cells at a chosen stem width, the TE-NAS pair included', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-cli101n-'));
  const out = path.join(dir, 'nb101n.csv');
  const r = run('score', '--space', 'nb101-naslib', '--preset', 'naslib', '--width', '8', '--proxies', 'nlr,cnntk,params', '--archs', 'sample:2', '--batch-size', '8', '--workers', '0', '--quiet', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const meta = JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8'));
  assert.deepEqual([meta.settings.space, meta.settings.C, meta.settings.N, meta.settings.numClasses], ['nb101-naslib', 8, 3, 10]);
  const rows = fs.readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 2);
  for (const row of rows) {
    assert.ok(Number(row[2]) >= 1 && Number(row[3]) >= 1, `nlr and cnntk are counts / condition numbers ≥ 1: ${row.join(',')}`);
    assert.ok(Number(row[4]) > 0.001 && Number(row[4]) < 0.1, 'params (millions) of the width-8 network');
  }
  assert.match(run('score', '--archs', 'sample:2', '--width', '0', '--out', path.join(dir, 'x.csv')).stderr, /--width must be at least 1/);
});

test('zeronas search table2a prints the rebuilt table beside the paper', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-cli-s-'));
  const out = path.join(dir, 'pool.csv');
  // a score file as `zeronas score` writes it (rows of real NB201 architectures, provenance sidecar), scores made up
  const nb201 = archSet('nb201');
  const lines = ['index,arch,naswot,seconds,naswot_seconds,notes'];
  for (let i = 0; i < 200; i++) lines.push(`${i * 70},${nb201.archString(i * 70)},${(i * 37) % 101},1.000,1.000,`);
  fs.writeFileSync(out, lines.join('\n') + '\n');
  writeSidecar(out, scoreSidecar({ ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot'] }));
  const r = run('search', 'table2a', '--scores', out, '--runs', '20', '--area-runs', '5', '--ns', '10', '--budget', '30');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /NASWOT N=10 +20 +\d+\.\d\d±\d+\.\d\d \(89\.14±1\.14\)/);
  assert.match(r.stdout, /REA: population 10, sample 3; budget 30 queried architectures/);
  assert.match(run('search', 'table2a').stderr, /needs --scores FILE/);
  assert.match(run('search', 'nope').stderr, /unknown search 'nope'/);
  assert.match(run('search', 'zc-pt', '--edge-order', 'sideways').stderr, /--edge-order must be one of random, fixed/);
  assert.match(run('search', 'zc-pt', '--help').stdout, /Zero-Cost-PT: perturbation-based op scoring/);
  assert.match(run('search', 'zc-pt', '--seeds', '3-1').stderr, /--seeds range must be ascending/);
  assert.match(run('search', 'zc-pt', '--seeds', 'a,b').stderr, /--seeds must be a list like 0,1,2,3/);
  assert.match(run('search', 'zc-pt', '--seed', '1', '--seeds', '1-2').stderr, /give --seed or --seeds, not both/);
  assert.match(run('search', 'zc-pt', '--layers', '5').stderr, /--layers applies to --space darts or nb101-1shot1 only/);
  assert.match(run('search', 'zc-pt', '--space', 'darts', '--workers', '2').stderr, /the DARTS search runs in this thread only/);
  assert.match(run('search', 'zc-pt', '--space', 'darts', '--topology', 'x').stderr, /--topology must be one of/);
  assert.match(run('search', 'zc-pt', '--decided', 'one-hot').stderr, /--decided applies to --space macro only/);
  assert.match(run('search', 'zc-pt', '--space', 'macro', '--layers', '3').stderr, /--layers does not apply to --space macro/);
  assert.match(run('search', 'zc-pt', '--space', 'macro', '--decided', 'soft').stderr, /--decided must be one of reference, one-hot/);
});

test('zeronas search zc-pt --seeds … --out: one line per seed, a rerun skips the finished seeds (tiny NB201 setting)', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zn-zcpt-')), 'zc.jsonl');
  const args = ['search', 'zc-pt', '--seeds', '0-1', '--proposals', '1', '--val-batches', '1', '--batch-size', '4', '--out', out];
  const r = run(...args);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((r.stdout.match(/^chosen: \|/gm) ?? []).length, 2);
  assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 2);
  const again = run(...args.map((a) => (a === '0-1' ? '0-2' : a)));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /2 of 3 seeds already done; running 1/);
  assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 3);
  const other = run('search', 'zc-pt', '--seeds', '0', '--proposals', '2', '--val-batches', '1', '--batch-size', '4', '--out', out);
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /made with other settings or data .*proposals 1 → 2/);
});

test('zeronas search zc-pt --space macro: headless at a tiny width, one line per seed, resumes', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zn-zcpt-macro-')), 'm.jsonl');
  const args = ['search', 'zc-pt', '--space', 'macro', '--seeds', '0', '--channels', '2', '--head-channels', '4', '--proposals', '1', '--val-batches', '1', '--batch-size', '4', '--out', out];
  const r = run(...args);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^post-validated: [012]{8}/m);
  assert.match(r.stdout, /^first proposal: [012]{8} \(index \d+, mean test accuracy [\d.]+ %\)/m);
  const again = run(...args);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /1 of 1 seeds already done; running 0/);
  assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 1);
});

test('zeronas parity --seeds: one cache per seed and the spread of ρ over the draws', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-cliparity-'));
  const out = path.join(dir, 'parity.csv');
  const r = run('parity', '--proxies', 'params,plain', '--limit', '6', '--seeds', '1,2', '--workers', '0', '--quiet', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.existsSync(out) && fs.existsSync(path.join(dir, 'parity-s2.csv')), fs.readdirSync(dir).join(' '));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'parity-s2.csv.meta.json'), 'utf8')).settings.seed, 2);
  assert.match(r.stdout, /over 2 draws of ours \(seeds 1,2\)/);
  // params does not depend on the draw: both draws rank alike and match NASLib exactly
  assert.match(r.stdout, /\nparams\s+1\.000\s+1\.000\s+(-?\d\.\d{3}) ± 0\.000 \[\1, \1\]\s+\1\s+0\.000\s+yes/);
  assert.match(r.stdout, /\nplain\s+-?\d\.\d{3}/);
  assert.match(run('parity', '--seeds', '3-1').stderr, /--seeds range must be ascending/);
  assert.match(run('parity', '--seeds', '1,2', '--repeats', '2').stderr, /give --repeats or several --seeds, not both/);
});
