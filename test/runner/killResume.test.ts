/**
 * Issue #5: a scoring run killed with SIGKILL part-way loses at most the architectures in flight;
 * the rerun finishes with every architecture exactly once and the same values as an
 * uninterrupted run.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readScores } from '../../src/runner/results';

const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const ARCHS = 16;
const args = (out: string): string[] => [
  cli, 'score', '--proxies', 'naswot,params', '--archs', `sample:${ARCHS}`, '--batch-size', '16', '--seed', '3', '--workers', '2', '--quiet', '--out', out,
];
const dataRows = (f: string): number => (fs.existsSync(f) ? Math.max(0, fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0).length - 1) : 0);

test('kill -9 mid-run, rerun: every architecture exactly once, values identical to an uninterrupted run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-kill-'));
  const killed = path.join(dir, 'killed.csv');
  const clean = path.join(dir, 'clean.csv');

  const child = spawn(process.execPath, args(killed), { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 120_000;
  while (dataRows(killed) < 4) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      assert.fail('the scoring run wrote no rows in 120 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const partial = dataRows(killed);
  assert.ok(partial >= 4 && partial < ARCHS, `killed after ${partial} of ${ARCHS} rows: not part-way`);

  const rerun = spawnSync(process.execPath, args(killed), { encoding: 'utf8' });
  assert.equal(rerun.status, 0, rerun.stderr);
  const full = spawnSync(process.execPath, args(clean), { encoding: 'utf8' });
  assert.equal(full.status, 0, full.stderr);

  const a = readScores(killed);
  const b = readScores(clean);
  const idx = a.rows.map((r) => r.index);
  assert.equal(idx.length, ARCHS, 'one row per architecture');
  assert.equal(new Set(idx).size, ARCHS, 'no architecture scored twice');
  assert.deepEqual([...idx].sort((x, y) => x - y), b.rows.map((r) => r.index).sort((x, y) => x - y));
  const byIndex = new Map(b.rows.map((r) => [r.index, r]));
  for (const r of a.rows) {
    assert.equal(r.values.naswot, byIndex.get(r.index)!.values.naswot, `naswot of ${r.index}`);
    assert.equal(r.values.params, byIndex.get(r.index)!.values.params, `params of ${r.index}`);
  }
});
