import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
  for (const c of ['score', 'eval', 'parity']) assert.match(run(c, '--help').stdout, new RegExp(`zeronas ${c}`));
});
