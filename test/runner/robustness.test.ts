import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { loadRobustness, normalisedScores, robustnessReport, ROBUSTNESS_MIN_ARCHS } from '../../src/runner/robustness';
import { ROBUSTNESS_ARCHS, ROBUSTNESS_CONDITIONS, robustnessCommands } from '../../src/runner/projectTables';
import { Rng } from '../../src/engine/rng';

test('robustness conditions: one changed setting each, every command writes its own file with the fixed sample', () => {
  const cmds = robustnessCommands();
  assert.equal(new Set(cmds).size, cmds.length);
  for (const c of cmds) assert.match(c, new RegExp(`--archs sample:${ROBUSTNESS_ARCHS} --sample-seed 1 `));
  const names = ROBUSTNESS_CONDITIONS.map((c) => c.name);
  for (const n of ['reference', 'batch-s2', 'init-s2', 'bs32', 'bs64', 'bs256', 'noise', 'augment', 'cifar100']) assert.ok(names.includes(n), n);
  assert.ok(ROBUSTNESS_ARCHS >= 200);
});

test('robustness report on the committed tables: reference agrees with itself, rows have CIs', () => {
  const table = loadNb201Table();
  const data = loadRobustness();
  assert.deepEqual(data.sample, new Rng(1).sampleWithoutReplacement(15625, ROBUSTNESS_ARCHS));
  const rows = robustnessReport(data, table, 'cifar10-test', 50);
  const ref = rows.find((r) => r.condition.factor === 'reference')!;
  assert.ok(ref.n >= ROBUSTNESS_MIN_ARCHS);
  assert.equal(ref.tauReference.estimate, 1);
  for (const r of rows) {
    assert.ok(r.n >= ROBUSTNESS_MIN_ARCHS);
    assert.ok(r.tauAccuracy.ci[0] <= r.tauAccuracy.estimate && r.tauAccuracy.estimate <= r.tauAccuracy.ci[1]);
  }
  const norm = normalisedScores(data);
  for (const [, g] of norm) assert.ok(Math.min(...g.values.filter(Number.isFinite)) >= 1 - 1e-12);
});

test('a missing condition file is listed, not invented', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rob-'));
  fs.mkdirSync(path.join(root, 'data', 'scores'), { recursive: true });
  for (const f of ['nb201-cifar10-naswot.csv', 'nb201-cifar100-naswot.csv']) {
    for (const ext of ['', '.meta.json']) fs.copyFileSync(path.resolve(__dirname, '../../data/scores', f + ext), path.join(root, 'data', 'scores', f + ext));
  }
  const data = loadRobustness(root);
  assert.equal(data.conditions.length, 2);
  assert.equal(data.missing.length, ROBUSTNESS_CONDITIONS.length - 2);
});
