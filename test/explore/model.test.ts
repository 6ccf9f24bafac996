/**
 * The explorer's page model in Node: table encoding (NaN/±∞ survive), the permalink round trip,
 * the panels' messages, that the figures are the notebook's `compareFusion` numbers, that the
 * copied library call computes the same numbers, and `zeronas explore` on a score file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as z from '../../src/index';
import { computeFusion, computeRule, fusionOptions } from '../../src/explore/compute';
import { fusionFigureTexts } from '../../src/explore/figures';
import { defaultSelection, libraryCall, selectionFromFragment, selectionToFragment, type Selection } from '../../src/explore/selection';
import { decodeTables, encodeTables, type ExploreTable } from '../../src/explore/table';

function toy(n = 30): ExploreTable {
  const acc = Array.from({ length: n }, (_, i) => 60 + ((i * 7) % 13) + i / 3);
  const u = acc.map((a, i) => a / 10 + ((i * 5) % 3) / 4);
  const v = acc.map((a, i) => Math.exp(a / 20) + ((i * 11) % 5));
  const w = acc.map((_, i) => ((i * 13) % 17) - 8);
  return {
    id: 'toy',
    title: 'toy table',
    accuracyLabel: 'acc',
    indicators: ['u', 'v', 'w', 'naswot'],
    values: { u, v, w, naswot: u.map((x, i) => x + w[i] / 50) },
    accuracy: acc,
    archs: acc.map((_, i) => `arch${i}`),
    higherIsBetter: { u: true, v: true, w: true, naswot: true },
    batchSize: 8,
    baseline: 'naswot',
  };
}

test('tables round-trip through the embedded JSON, NaN and ±∞ included; bad tables are named', () => {
  const t = toy(6);
  const holes: ExploreTable = { ...t, values: { ...t.values, u: [NaN, -Infinity, Infinity, 1, 2, 3] } };
  const json = encodeTables([holes]);
  assert.ok(!json.includes('<'), 'safe inside a script element');
  const [back] = decodeTables(json);
  assert.deepEqual(back.values.u, [NaN, -Infinity, Infinity, 1, 2, 3]);
  assert.deepEqual(back.accuracy, t.accuracy);
  assert.throws(() => encodeTables([{ ...t, archs: ['x'] }]), /explorer table 'toy': 1 architecture strings for 6 accuracies/);
  assert.throws(() => encodeTables([{ ...t, baseline: 'nope' }]), /baseline 'nope' is not an indicator column/);
  assert.throws(() => encodeTables([t, t]), /table id\(s\) used twice: toy/);
  assert.throws(() => decodeTables('[{"id":"x","indicators":["a"],"values":{"a":["oops"]},"accuracy":[1],"archs":["q"]}]'), /table 'x' 'a' row 0 is "oops"/);
});

test('permalink: a selection survives the URL fragment; unknown parts are reported, not used', () => {
  const t = toy();
  const sel: Selection = { table: 'toy', indicators: ['u', 'w'], transforms: { u: 'rank' }, fit: 'ridge', lambda: 0.25, folds: 4, rule: 'rank(u) + a*rank(naswot)', a: 0.35 };
  assert.deepEqual(selectionFromFragment(selectionToFragment(sel), [t]), { selection: sel, ignored: [] });
  const { selection, ignored } = selectionFromFragment('t=toy&i=u,zzz&tr=u:cube&fit=magic&k=1&a=x', [t]);
  assert.deepEqual(selection.indicators, ['u']);
  assert.deepEqual(selection.transforms, {});
  assert.equal(selection.fit, 'ols');
  assert.equal(selection.folds, 5);
  assert.equal(selection.a, 1);
  assert.deepEqual(ignored, ["indicator(s) zzz (not in 'toy')", "transform 'u:cube'", "fit 'magic'", 'k=1', 'a=x']);
});

test('panel messages: nothing ticked, fewer complete rows than folds, a rule that does not parse', () => {
  const t = toy(6);
  const d = defaultSelection(t);
  assert.deepEqual(computeFusion(t, { ...d, indicators: [] }), { ok: false, message: 'Tick at least one indicator to fit a fusion.' });
  const few = computeFusion(t, { ...d, folds: 7 });
  assert.equal(few.ok, false);
  assert.match((few as { message: string }).message, /^7-fold cross-validation needs at least 7 architectures .*has 6 of 6/);
  const bad = computeRule(t, { ...d, rule: 'rank(u' });
  assert.equal(bad.ok, false);
  assert.match((bad as { message: string }).message, /rule 'rank\(u'.*position/);
  const unknown = computeRule(t, { ...d, rule: 'u + nope' });
  assert.match((unknown as { message: string }).message, /unknown name\(s\) 'nope'/);
  const logOfNegative = computeFusion(t, { ...d, indicators: ['w'], transforms: { w: 'log' } });
  assert.match((logOfNegative as { message: string }).message, /transform 'log' needs indicator 'w' > 0/);
});

test('figures are compareFusion’s numbers, and the copied library call computes the same', () => {
  const t = toy(40);
  const sel: Selection = { table: 'toy', indicators: ['u', 'v', 'w'], transforms: { v: 'log' }, fit: 'nnls', lambda: 0, folds: 4, rule: 'rank(u) + a*rank(naswot)', a: 0.5 };
  const f = computeFusion(t, sel);
  assert.ok(f.ok);
  const table = { names: t.indicators, rows: t.accuracy.map((_, i) => Object.fromEntries(t.indicators.map((k) => [k, t.values[k][i]]))) };
  const accuracy = t.accuracy;
  const scoreTable = { proxies: t.indicators, rows: table.rows.map((values, index) => ({ index, arch: t.archs[index], values, seconds: 0 })) };
  const code = libraryCall(sel, t);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function('z', 'table', 'accuracy', 'scoreTable', `${code}\nreturn { r, rules };`) as (...a: unknown[]) => { r: z.CompareFusionResult; rules: z.RuleReport };
  const { r, rules } = run(z, table, accuracy, scoreTable);
  assert.deepEqual(f.value.fi, r.fusion.metrics);
  assert.deepEqual(f.value.weights.map((w) => w.weight), r.model.weights);
  const best = r.perIndicator.find((p) => p.name === f.value.best.name)!;
  assert.deepEqual(f.value.best.metrics, best.metrics);
  for (const p of r.perIndicator) assert.ok(p.metrics.srocc.value <= best.metrics.srocc.value, `${p.name} is not better than the best single`);
  const rule = computeRule(t, sel);
  assert.ok(rule.ok);
  assert.deepEqual(rule.value.rule.kendall, rules.entries[1].kendall);
  assert.deepEqual(rule.value.rule.ratio, rules.entries[1].ratio);
  assert.deepEqual(rule.value.baseline!.kendall, rules.baseline.kendall);
  // every printed figure is finite
  for (const [k, v] of Object.entries(fusionFigureTexts(f.value))) assert.ok(!v.includes('n/a') && !v.includes('NaN'), `${k}: ${v}`);
});

test('zeronas explore --scores writes a standalone page for a score file', { skip: !z.hasProjectScores('nb201-cifar10-naswot') && 'score table missing' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-cli-'));
  try {
    const src = path.join(z.packageRoot(), 'data', 'scores', 'nb201-cifar10-naswot.csv');
    const file = path.join(dir, 'mine.csv');
    fs.writeFileSync(file, fs.readFileSync(src, 'utf8').split('\n').slice(0, 41).join('\n') + '\n');
    fs.copyFileSync(`${src}.meta.json`, `${file}.meta.json`);
    const cli = path.join(__dirname, '..', '..', 'src', 'cli.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'explore', '--scores', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /mine \(40 architectures × 3 indicators, nb201 cifar10-test\)/);
    const html = fs.readFileSync(path.join(dir, 'mine.html'), 'utf8');
    const json = /<script type="application\/json" class="zx-data">([\s\S]*?)<\/script>/.exec(html)![1];
    const [t] = decodeTables(json);
    assert.equal(t.accuracy.length, 40);
    assert.equal(t.baseline, 'naswot');
    assert.equal(t.batchSize, 128);
    const missing = spawnSync(process.execPath, ['--import', 'tsx', cli, 'explore', '--scores', path.join(dir, 'none.csv')], { encoding: 'utf8' });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /score file '.*none\.csv' not found/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('through a session of edits (results reused between refits), every figure is still compareFusion’s with its bootstrap', () => {
  const base = toy(48);
  // a hole in w: ticking w changes the rows used
  const t: ExploreTable = { ...base, values: { ...base.values, w: base.values.w.map((x, i) => (i === 7 ? NaN : x)) } };
  const table = { names: t.indicators, rows: t.accuracy.map((_, i) => Object.fromEntries(t.indicators.map((k) => [k, t.values[k][i]]))) };
  const edits: Partial<Selection>[] = [
    { indicators: ['u', 'v'], transforms: {} },
    { indicators: ['u', 'v'], transforms: { v: 'log' } },
    { indicators: ['u', 'v'], transforms: { v: 'log' }, fit: 'ridge', lambda: 0.3 },
    { indicators: ['u', 'v', 'w'], transforms: { v: 'log' } },
    { indicators: ['u', 'v', 'w'], transforms: { v: 'log', u: 'rank' }, fit: 'nnls' },
    { indicators: ['u', 'v'], transforms: { v: 'log', u: 'rank' }, folds: 3 },
    { indicators: ['u', 'v'], transforms: { v: 'log' } },
    { indicators: ['v'], transforms: {} },
  ];
  let sel: Selection = { table: 'toy', indicators: [], transforms: {}, fit: 'ols', lambda: 0, folds: 4, rule: 'u', a: 1 };
  for (const e of edits) {
    sel = { ...sel, fit: 'ols', folds: 4, ...e };
    const f = computeFusion(t, sel);
    assert.ok(f.ok, JSON.stringify(sel));
    const r = z.compareFusion({ table, indicators: sel.indicators, accuracy: t.accuracy, folds: sel.folds, seed: 0, options: fusionOptions(t, sel), metrics: { bootstrap: 200, seed: 1 } });
    let best = r.perIndicator[0];
    for (const p of r.perIndicator) if (p.metrics.srocc.value > best.metrics.srocc.value) best = p;
    assert.deepEqual(f.value.fi, r.fusion.metrics, `FI, ${JSON.stringify(sel)}`);
    assert.equal(f.value.best.name, best.name);
    assert.deepEqual(f.value.best.metrics, best.metrics, `best single, ${JSON.stringify(sel)}`);
    assert.deepEqual(f.value.scatter.predicted, r.fusion.oof);
    assert.deepEqual(f.value.weights.map((w) => w.weight), r.model.weights);
    assert.equal(f.value.n, r.n);
  }
});
