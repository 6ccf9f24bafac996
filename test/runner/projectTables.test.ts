import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { selectArchs } from '../../src/runner/archs';
import { FUSION_FOUR, FUSION_PROXIES, hasProjectScores, loadProjectScores, loadProjectTrainBench, NB101_FUSION_PROXIES, PROJECT_SCORE_TABLES, PROJECT_TRAIN_BENCHES } from '../../src/runner/projectTables';
import { hasDataFile } from '../../src/data/root';
import { readScoresForBenchmark } from '../../src/runner/checkedScores';
import { describeProvenance } from '../../src/runner/rederive';
import { archSet } from '../../src/runner/archSets';
import { convOpCount, parseNb201 } from '../../src/spaces/nb201/arch';
import { settingsKey, PRESETS } from '../../src/runner/settings';

test('a missing project table is named with the command that regenerates it', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-pt-'));
  assert.equal(hasProjectScores('nb201-cifar10-naswot', root), false);
  assert.throws(() => loadProjectScores('nb201-cifar10-naswot', root), /missing .*\n  node dist\/cli\.js score --preset naswot .*--archs sample:15625 --seed 1 --dataset cifar10/);
});

test('the committed NB201 CIFAR-10 NASWOT table: NASWOT preset settings, a prefix of the seed-1 permutation, atoms consistent', () => {
  const t = loadProjectScores('nb201-cifar10-naswot');
  assert.equal(settingsKey(t.settings), settingsKey({ ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot', 'das_na', 'das_logdet_s'] }));
  assert.ok(t.info.command.includes(PROJECT_SCORE_TABLES['nb201-cifar10-naswot'].file));
  const order = selectArchs('sample:15625', loadNb201Table(), 1);
  const n = t.rows.length;
  assert.deepEqual(new Set(t.rows.map((r) => r.index)), new Set(order.slice(0, n)), 'the rows are exactly the first N of the permutation');
  // das_logdet_s is naswot − 128·log das_na by construction; what the table can show independently:
  // N_A per sample of the C=16 N=5 network under official counting is 286720·k + 77824 for k conv
  // ops in the cell (two ReLU taps per conv op, see naswot.test.ts), and log|S| ≤ 0 (Hadamard)
  for (const r of t.rows) {
    assert.equal(r.values.das_na, 286720 * convOpCount(parseNb201(r.arch)) + 77824, `N_A of ${r.index} ${r.arch}`);
    if (Number.isFinite(r.values.naswot)) assert.ok(r.values.das_logdet_s <= 1e-9, `log|S| ≤ 0 for ${r.index}`);
  }
});

for (const [name, space, proxies, extra, sample] of [
  ['nb201-cifar10-fusion', 'nb201', FUSION_PROXIES, {}, 'sample:15625'],
  ['nb201-cifar100-fusion', 'nb201', FUSION_FOUR, { dataset: 'cifar100', numClasses: 100 }, 'sample:15625'],
  ['nb101-naslib-cifar10-fusion', 'nb101-naslib', NB101_FUSION_PROXIES, { space: 'nb101-naslib', C: 16, N: 3 }, 'sample:500'],
] as const) {
  test(`the committed ${name} table: NASLib preset at its command's settings, a prefix of the seed-1 permutation`, () => {
    const t = loadProjectScores(name);
    assert.equal(settingsKey(t.settings), settingsKey({ ...PRESETS.naslib, dataset: 'cifar10', ...extra, proxies: [...proxies] }));
    assert.ok(t.info.command.includes(`--proxies ${proxies.join(',')} --archs ${sample} --seed 1`) && t.info.command.includes(t.info.file));
    const order = selectArchs(sample, archSet(space), 1);
    assert.deepEqual(new Set(t.rows.map((r) => r.index)), new Set(order.slice(0, t.rows.length)), 'the rows are exactly the first N of the permutation');
  });
}

test('committed training bench: the first architectures of the seed-1 permutation (a resumable prefix of 60), epochs 0..3 each, at the settings of its command', () => {
  const b = loadProjectTrainBench('nb201-c8n1-e3');
  const want = selectArchs('sample:60', loadNb201Table(), 1);
  // the whole seeded sample, each architecture exactly once, in the order the command trains them
  assert.deepEqual(b.archs.map((a) => a.index), want);
  assert.equal(b.info.plannedArchs, 60);
  for (const a of b.archs) assert.deepEqual(a.rows.map((r) => r.epoch), [0, 1, 2, 3]);
  assert.deepEqual([b.settings.C, b.settings.N, b.settings.epochs, b.settings.seed], [8, 1, 3, 1]);
  assert.match(b.info.command, /--archs sample:60 --epochs 3 --channels 8/);
});

test('every committed result file under data/ carries its data identity, matching the data present; score rows match their benchmark', { skip: !hasDataFile('cifar10/data_batch_1.bin') && 'no CIFAR data' }, () => {
  const root = path.join(__dirname, '..', '..');
  const files = [
    ...Object.values(PROJECT_SCORE_TABLES).map((t) => t.file),
    ...Object.values(PROJECT_TRAIN_BENCHES).map((t) => t.file),
    ...fs.readdirSync(path.join(root, 'data', 'zcpt')).filter((f) => f.endsWith('.jsonl')).map((f) => `data/zcpt/${f}`),
  ].map((f) => path.join(root, f)).filter((f) => fs.existsSync(f));
  assert.ok(files.length >= 8, files.join(' '));
  for (const f of files) {
    const d = describeProvenance(f);
    assert.match(d, /\ndata present now: identical$/, `${f} (re-derive with: node dist/cli.js provenance --rederive ${path.relative(root, f)})\n${d}`);
  }
  for (const t of Object.values(PROJECT_SCORE_TABLES)) {
    const f = path.join(root, t.file);
    if (fs.existsSync(f)) assert.ok(readScoresForBenchmark(f).table.rows.length > 0, `${t.file}: every row is its benchmark's architecture at its index`);
  }
});

test("the committed NB101-NASLib NASWOT table: NASWOT preset on NASLib's 500 cells at stem 16, a prefix of the seed-1 permutation, atoms consistent", () => {
  const t = loadProjectScores('nb101-naslib-cifar10-naswot');
  assert.equal(settingsKey(t.settings), settingsKey({ ...PRESETS.naswot, space: 'nb101-naslib', C: 16, N: 3, dataset: 'cifar10', proxies: ['naswot', 'das_na', 'das_logdet_s'] }));
  assert.ok(t.info.command.includes('--space nb101-naslib --preset naswot') && t.info.command.includes(t.info.file));
  const order = selectArchs('sample:500', archSet('nb101-naslib'), 1);
  assert.deepEqual(new Set(t.rows.map((r) => r.index)), new Set(order.slice(0, t.rows.length)), 'the rows are exactly the first N of the permutation');
  // das_logdet_s is naswot − 128·log das_na by construction; independently: log|S| ≤ 0 (Hadamard), N_A > 0
  for (const r of t.rows) {
    assert.ok(r.values.das_na > 0, `N_A of ${r.index}`);
    if (Number.isFinite(r.values.naswot)) assert.ok(r.values.das_logdet_s <= 1e-9, `log|S| ≤ 0 for ${r.index}`);
  }
});

test('committed DARTS training bench: exactly the first 48 of the seed-1 permutation of the 725 NB301 genotypes, in order, epochs 0..4 each, at its settings', () => {
  const b = loadProjectTrainBench('darts-c4n5-e4-b32-t1024');
  const want = selectArchs('sample:48', archSet('darts'), 1);
  assert.deepEqual(b.archs.map((a) => a.index), want, 'the whole seeded sample, in the order an unsharded run writes it');
  assert.equal(b.info.plannedArchs, 48);
  for (const a of b.archs) {
    assert.deepEqual(a.rows.map((r) => r.epoch), [0, 1, 2, 3, 4]);
    assert.equal(a.arch, archSet('darts').archString(a.index));
  }
  assert.deepEqual([b.settings.space, b.settings.C, b.settings.N, b.settings.epochs, b.settings.seed, b.settings.evalBn], ['darts', 4, 5, 4, 1, 'batch']);
  assert.equal(b.settings.batchSize, 32);
  assert.equal(b.settings.trainLimit, 1024, 'trained on the first 1,024 training images');
  assert.equal(b.settings.evalLimit, undefined, 'evaluated on the whole test subset');
  assert.match(b.info.command, /--space darts --archs sample:48 --epochs 4 --channels 4 --cells 5 --batch-size 32 --train-limit 1024 /);
});
