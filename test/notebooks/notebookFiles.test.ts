import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { listNotebooks } from '../../src/notebooks/run';
import { CHECKED_NOTEBOOKS } from './notebookChecks';

// Every committed notebook has expected output lines and its own test file, so none goes untested.
test('every committed notebook has its checks and its test file', () => {
  const names = listNotebooks().map((f) => path.basename(f, '.ipynb'));
  assert.ok(names.length >= 5, `notebooks found: ${names.join(', ')}`);
  assert.deepEqual([...CHECKED_NOTEBOOKS], [...names].sort());
  for (const n of names) {
    const file = path.join(__dirname, `nb-${n}.test.ts`);
    assert.ok(fs.existsSync(file), `missing test file ${path.relative(process.cwd(), file)}`);
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`notebookTests\\('${n}'\\)`));
  }
});
