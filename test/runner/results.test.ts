import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openScoreFile, readScores } from '../../src/runner/results';
import type { ScoreRow } from '../../src/runner/scorer';
import { PRESETS, ScoreSettings } from '../../src/runner/settings';

const settings: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot', 'params'] };
const row = (index: number, v: number): ScoreRow => ({
  index,
  arch: `arch${index}`,
  values: { naswot: { value: v, status: Number.isFinite(v) ? 'ok' : 'singular' }, params: { value: 0.5, status: 'ok' } },
  proxySeconds: { naswot: 1, params: 0 },
  seconds: 1.5,
});

test('score files round-trip non-finite values and resume', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-res-'));
  const f = path.join(dir, 's.csv');
  const a = openScoreFile(f, settings);
  assert.equal(a.done.size, 0);
  a.append(row(3, 12.5));
  a.append(row(7, -Infinity));
  a.append(row(8, Infinity));
  a.append(row(9, NaN));
  const t = readScores(f);
  assert.deepEqual(t.proxies, ['naswot', 'params']);
  assert.deepEqual(t.rows.map((r) => r.values.naswot), [12.5, -Infinity, Infinity, NaN]);
  // a killed writer's partial line is dropped on reopen
  fs.appendFileSync(f, '10,arch10,1.');
  const b = openScoreFile(f, settings);
  assert.deepEqual([...b.done].sort((x, y) => x - y), [3, 7, 8, 9]);
  assert.equal(readScores(f).rows.length, 4);
});

test('a score file made with other settings is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-res-'));
  const f = path.join(dir, 's.csv');
  openScoreFile(f, settings).append(row(1, 1));
  assert.throws(() => openScoreFile(f, { ...settings, batchSize: 64 }), /other settings/);
  fs.writeFileSync(path.join(dir, 'bad.csv'), 'a,b\n1,2\n');
  assert.throws(() => readScores(path.join(dir, 'bad.csv')), /not a zeronas score file/);
});

test('non-finite values carry their reason in the notes column', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-res-'));
  const f = path.join(dir, 's.csv');
  const r = row(5, -Infinity);
  openScoreFile(f, settings).append({ ...r, values: { ...r.values, naswot: { value: -Infinity, status: 'singular', reason: 'K_H is singular, really' } } });
  const last = fs.readFileSync(f, 'utf8').trim().split('\n')[1];
  assert.match(last, /,naswot: singular K_H is singular; really$/);
  assert.equal(readScores(f).rows[0].values.naswot, -Infinity);
});
