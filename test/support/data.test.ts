/** needsData: skips with a message naming the file, and under CI=true fails the run naming it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const MISSING = 'cifar10/no_such_batch.bin';

function runGated(ci: string | undefined): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-gate-'));
  const file = path.join(dir, 'gated.test.ts');
  const support = path.join(__dirname, 'data.ts').replace(/\\/g, '/');
  fs.writeFileSync(file, [
    "import { test } from 'node:test';",
    `import { needsData } from '${support}';`,
    `test('reads a data file', { skip: needsData('${MISSING}') }, () => {});`,
    '',
  ].join('\n'));
  const env = { ...process.env };
  delete env.CI;
  delete env.NODE_TEST_CONTEXT; // run as a top-level test process, not a subtest of this one
  if (ci !== undefined) env.CI = ci;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], { env, encoding: 'utf8', cwd: path.join(__dirname, '..', '..') });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('a missing data file skips the test with a message naming it (no CI)', () => {
  const r = runGated(undefined);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /# SKIP data file not found: cifar10\/no_such_batch\.bin/);
  assert.match(r.out, /# fail 0/);
});

test('under CI=true a missing data file fails the run, naming the file and the folders searched', () => {
  const r = runGated('true');
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /not ok \d+ - required data file cifar10\/no_such_batch\.bin is present/);
  assert.match(r.out, /Data file 'cifar10\/no_such_batch\.bin' not found\. Searched:/);
  assert.match(r.out, /# fail 1/);
});
