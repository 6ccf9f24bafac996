/** NDS files are found (never read), so a report can say they exist and were not used. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findNdsFiles, isNdsFileName } from '../../src/data/nds';

test('NDS design-space file names are recognised; others are not', () => {
  for (const n of ['DARTS.json', 'darts_in.json', 'ResNeXt-A.json', 'ENAS_fix-w-d.json', 'Amoeba.json']) assert.ok(isNdsFileName(n), n);
  for (const n of ['DARTS.csv', 'zc_nasbench301.json', 'darts.json.gz', 'ResNeXt.json']) assert.ok(!isNdsFileName(n), n);
});

test('files directly under a root and under <root>/nds are found; a missing root is skipped', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-nds-'));
  fs.mkdirSync(path.join(root, 'nds'));
  fs.writeFileSync(path.join(root, 'PNAS.json'), '{}');
  fs.writeFileSync(path.join(root, 'nds', 'DARTS_in.json'), '{}');
  fs.writeFileSync(path.join(root, 'nds', 'other.json'), '{}');
  assert.deepEqual(findNdsFiles([root, path.join(root, 'absent')]), [path.join(root, 'PNAS.json'), path.join(root, 'nds', 'DARTS_in.json')].sort());
  assert.deepEqual(findNdsFiles([path.join(root, 'absent')]), []);
});
