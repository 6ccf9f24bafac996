import test from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { ScoreTable } from '../../src/runner/results';
import { checkTable, COMPLETE_TABLE_SETTINGS, tableCompleteness } from '../../src/runner/tableCheck';

const expected = COMPLETE_TABLE_SETTINGS['nb201-cifar10-naswot']!;
const table = (indices: readonly number[]): ScoreTable => ({
  proxies: ['naswot'],
  rows: indices.map((index) => ({ index, arch: `a${index}`, values: { naswot: index }, seconds: 1 })),
});
const all = Array.from({ length: 15625 }, (_, i) => 15624 - i);

test('a table with every index once and the expected settings is complete', () => {
  const c = tableCompleteness(table(all), expected, 15625, expected);
  assert.equal(c.complete, true);
  assert.equal(c.missing, 0);
});

test('missing, repeated and outside indices and other settings are each reported', () => {
  const c = tableCompleteness(table([...all.slice(1), 7, 15625]), { ...expected, batchSize: 64 }, 15625, expected);
  assert.equal(c.complete, false);
  assert.equal(c.missing, 1);
  assert.deepEqual(c.duplicates, [7]);
  assert.deepEqual(c.outside, [15625]);
  assert.deepEqual(c.settingsDiff, ['batchSize 64 vs 128']);
});

test('the committed CIFAR-10 NASWOT table is complete: each of the 15,625 indices exactly once, with the expected settings', () => {
  const c = checkTable('nb201-cifar10-naswot');
  assert.deepEqual(c.settingsDiff, []);
  assert.deepEqual(c.duplicates, []);
  assert.deepEqual(c.outside, []);
  assert.equal(c.size, 15625);
  assert.equal(c.missing, 0);
  assert.equal(c.rows, 15625);
  assert.equal(c.complete, true);
});

test('zeronas check-table exits 1 on an incomplete table and names what is missing', () => {
  const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'check-table', 'nb201-cifar100-naswot'], { encoding: 'utf8' });
  const c = checkTable('nb201-cifar100-naswot');
  assert.equal(r.status, c.complete ? 0 : 1, r.stderr);
  assert.match(r.stdout, new RegExp(`${c.size - c.missing} of 15625 indices`));
});
