/**
 * Zero-Cost-PT results file (JSON lines, resumable by seed) and the notebook-04 summaries, on two
 * real tiny searches (C=2, N=1 supernet, batch 6).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../../src/engine/backend';
import { hasDataFile } from '../../../src/data/root';
import { loadNb201Table, NB201_TABLE_FILE } from '../../../src/benchmarks/nb201';
import { NB201_OPS } from '../../../src/spaces/nb201/arch';
import {
  appendZcptResult, keptOpCounts, meanRemovalEffect, nb201Optimum, nb201TestAccuracies, pendingSeeds, proposalSummary, readZcptResults,
  zcptSearchNb201, zcptSeedRows, zcptSettings, zcptSummary, zcptVerdict, type MethodSummary, type ZcptSearchOptions, type ZcptSearchResult,
} from '../../../src/search/zcpt';

const skip = (!hasDataFile('cifar10/data_batch_1.bin') || !hasDataFile(NB201_TABLE_FILE)) && 'no CIFAR-10 data or NB201 table';
const TINY: ZcptSearchOptions = { C: 2, N: 1, batchSize: 6, proposals: 2, valBatches: 2 };
let results: ZcptSearchResult[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zeronas-zcpt-'));

before(async () => {
  if (skip) return;
  await initBackend({ quiet: true });
  results = [await zcptSearchNb201({ ...TINY, seed: 1 }), await zcptSearchNb201({ ...TINY, seed: 2 })];
});

test('append / read round trip; pending seeds; resume refuses another setting', { skip }, () => {
  const file = path.join(tmp, 'a', 'zc.jsonl');
  assert.deepEqual(readZcptResults(file), []);
  const s = zcptSettings({ ...TINY, seed: 1 });
  assert.deepEqual(pendingSeeds(file, s, [1, 2, 3]), [1, 2, 3]);
  appendZcptResult(file, results[0]!, 'zeronas test');
  appendZcptResult(file, results[1]!, 'zeronas test');
  const back = readZcptResults(file);
  assert.equal(back.length, 2);
  assert.deepEqual(back.map((r) => r.settings.seed), [1, 2]);
  assert.equal(back[0]!.command, 'zeronas test');
  assert.deepEqual([...back[1]!.arch], [...results[1]!.arch]);
  assert.deepEqual(back[0]!.proposals[1]!.steps, results[0]!.proposals[1]!.steps);
  assert.deepEqual(pendingSeeds(file, s, [1, 2, 3]), [3]);
  assert.throws(() => pendingSeeds(file, zcptSettings({ ...TINY, batchSize: 8 }), [1]), /made with other settings or data .*batchSize 6 → 8/);
});

test('reader: torn line, duplicate seed, mixed settings and bad architecture name the file and line', { skip }, () => {
  const line = (r: ZcptSearchResult, over: object = {}): string => JSON.stringify({ ...r, command: 'x', finishedAt: 'now', ...over });
  const write = (name: string, lines: string[]): string => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  const torn = write('torn.jsonl', [line(results[0]!), line(results[1]!).slice(0, 50)]);
  assert.throws(() => readZcptResults(torn), /torn\.jsonl:2: not valid JSON/);
  assert.throws(() => readZcptResults(write('dup.jsonl', [line(results[0]!), line(results[0]!)])), /holds seed 1 \(2×\) more than once/);
  const other = { ...results[1]!, settings: { ...results[1]!.settings, valBatches: 3 } };
  assert.throws(() => readZcptResults(write('mixed.jsonl', [line(results[0]!), line(other)])), /mixed\.jsonl:2: settings differ/);
  assert.throws(() => readZcptResults(write('bad.jsonl', [line(results[0]!, { arch: ['conv9x9', 'none', 'none', 'none', 'none', 'none'] })])), /bad\.jsonl:1: .*conv9x9/);
  assert.throws(() => readZcptResults(write('junk.jsonl', ['{"a":1}'])), /junk\.jsonl:1: not a search record/);
});

test('summaries: seed rows, mean over seeds, proposals, optimum, kept ops, removal effects', { skip }, () => {
  const table = loadNb201Table();
  const rows = zcptSeedRows(results, table);
  assert.deepEqual(rows.map((r) => r.seed), [1, 2]);
  const acc = results.map((r) => nb201TestAccuracies(r.arch, table));
  assert.deepEqual(rows.map((r) => r.cifar100), acc.map((a) => a.cifar100));
  const s = zcptSummary(results, table);
  assert.equal(s.runs, 2);
  assert.ok(Math.abs(s.accuracy.cifar10.mean - (acc[0]!.cifar10 + acc[1]!.cifar10) / 2) < 1e-12);
  assert.ok(Math.abs(s.accuracy.cifar10.std - Math.abs(acc[0]!.cifar10 - acc[1]!.cifar10) / 2) < 1e-12);
  assert.equal(proposalSummary(results, table).runs, 4);
  const opt = nb201Optimum(table);
  assert.equal(opt.accuracy.cifar10.mean, Math.max(...table.accuracies('cifar10-test')));
  const kept = keptOpCounts(results);
  assert.equal(kept.length, 6);
  for (const row of kept) assert.equal(row.reduce((a, b) => a + b, 0), 4);
  const eff = meanRemovalEffect(results);
  assert.deepEqual(Object.keys(eff), [...NB201_OPS]);
  // hand-made record: one step with scores none 1, skip 2, conv1x1 3, conv3x3 4, pool 5 (mean 3), and
  // one step scoring only the two convs, 10 and 20 (mean 15): effects −2, −1, (0 − 5)/2, (1 + 5)/2, +2
  const ops = [...NB201_OPS];
  const step = (pairs: [number, number][]) => ({ edge: 0, op: ops[0]!, scorings: pairs.length, seconds: 0, removals: pairs.map(([o, score]) => ({ edge: 0, op: ops[o]!, score })) });
  const fake = { ...results[0]!, proposals: [{ ...results[0]!.proposals[0]!, steps: [step([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]), step([[2, 10], [3, 20]])] }] };
  const conv1 = ops.indexOf('nor_conv_1x1');
  const conv3 = ops.indexOf('nor_conv_3x3');
  assert.equal(conv1, 2);
  assert.equal(conv3, 3);
  assert.deepEqual(Object.values(meanRemovalEffect([fake as ZcptSearchResult])), [-2, -1, -2.5, 3, 2]);
  assert.throws(() => zcptSummary([], table), /no searches/);
});

test('verdict wording follows the numbers (difference vs 2 standard errors)', () => {
  const m = (method: string, runs: number, mean: number, std: number): MethodSummary => ({
    method, runs, note: '',
    accuracy: { cifar10: { mean, std }, cifar100: { mean, std }, imagenet16: { mean, std } },
  });
  // se = sqrt(0.1²/4 + 1²/500) = 0.067
  assert.match(zcptVerdict(m('ZC', 4, 93.5, 0.1), m('NASWOT', 500, 92.8, 1.0)), /^ZC \(4 seeds\) beats NASWOT \(500 runs\) .*\+0\.70 pp, 2·se 0\.13 pp/);
  assert.match(zcptVerdict(m('ZC', 4, 91.0, 0.2), m('NASWOT', 500, 92.8, 1.0)), /does not beat/);
  // se = sqrt(1²/4 + 1²/500) = 0.50
  assert.match(zcptVerdict(m('ZC', 4, 93.5, 1.0), m('NASWOT', 500, 92.8, 1.0)), /is not significantly different from/);
});
