import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadNaslibNb101,
  loadNb1Shot1Space2,
  naslibNb101FromJson,
  NASLIB_NB101_FILE,
  NASLIB_NB101_PROXY_NAMES,
  nb1Shot1FromJsonl,
  NB101_1SHOT1_SPACE2_FILE,
  uniqueNb1Shot1,
} from '../../src/benchmarks/nb101';
import { nb101NumParams, NB101_BENCHMARK_CONFIG } from '../../src/spaces/nb101/network';
import { formatNb101, NASLIB_NB101_OPS, toNaslibNb101Key } from '../../src/spaces/nb101/spec';
import { needsData } from '../support/data';

const ROW = {
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
  matrix: [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
  valid_acc: [0.9, 0.91, 0.92],
  test_acc: [0.89, 0.9, 0.88],
};

test('1Shot1 JSONL parsing: typed rows in percent, pruning, clear errors for corrupt rows', () => {
  const unreachable = { ...ROW, matrix: [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]] };
  const rows = nb1Shot1FromJsonl(`${JSON.stringify(ROW)}\n\n${JSON.stringify({ ...ROW, matrix: [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]] })}\n`, 'mem');
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.line, 1);
  assert.equal(rows[1]!.line, 3);
  assert.deepEqual(rows[0]!.testAccuracies.map((a) => +a.toFixed(6)), [89, 90, 88]);
  assert.ok(Math.abs(rows[0]!.meanValidAccuracy - 91) < 1e-9);
  assert.ok(Math.abs(rows[0]!.maxTestAccuracy - 90) < 1e-9);
  assert.equal(uniqueNb1Shot1(rows).length, 1);
  assert.equal(formatNb101(nb1Shot1FromJsonl(JSON.stringify({ ...ROW, matrix: [[0, 1, 0, 1], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]] }), 'mem')[0]!.spec), '011.001.000:in-c3-out');
  assert.throws(() => nb1Shot1FromJsonl(JSON.stringify(unreachable), 'mem'), /mem line 1: invalid NB101 cell: output is not reachable/);
  assert.throws(() => nb1Shot1FromJsonl('{"ops": [', 'f.jsonl'), /f\.jsonl line 1: bad JSON .*truncated or corrupt/);
  assert.throws(() => nb1Shot1FromJsonl(JSON.stringify({ ...ROW, matrix_row0_only: [0, 1, 0, 0], matrix: undefined }), 'f'), /'matrix' missing .*search-space-1 file/);
  assert.throws(() => nb1Shot1FromJsonl(JSON.stringify({ ...ROW, test_acc: [0.9, 93.1] }), 'f'), /test_acc\[1\] = 93\.1 is not a fraction/);
  assert.throws(() => nb1Shot1FromJsonl(JSON.stringify({ ...ROW, ops: ['input', 'conv5x5', 'maxpool3x3', 'output'] }), 'f'), /unknown op "conv5x5" at vertex 1/);
  const other = { ...ROW, matrix: [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]], test_acc: [0.5, 0.5, 0.5] };
  assert.throws(() => nb1Shot1FromJsonl(`${JSON.stringify(ROW)}\n${JSON.stringify(other)}`, 'f'), /line 2: cell is isomorphic to the one on line 1 .* but has other accuracies/);
  assert.throws(() => nb1Shot1FromJsonl('\n', 'f'), /no rows/);
});

test('NASLib JSON parsing: keys decoded, proxies typed, clear errors', () => {
  const key = toNaslibNb101Key(nb1Shot1FromJsonl(JSON.stringify(ROW), 'mem')[0]!.spec);
  const entry = Object.fromEntries([...NASLIB_NB101_PROXY_NAMES.map((p) => [p, 1.5] as const), ['val_accuracy', 91.2] as const]);
  const rows = naslibNb101FromJson({ nasbench101: { cifar10: { [key]: entry } } }, 'mem');
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.valAccuracy, 91.2);
  assert.equal(rows[0]!.proxies.params, 1.5);
  assert.equal(formatNb101(rows[0]!.spec), '0100.0010.0001.0000:in-c3-mp-out');
  assert.throws(() => naslibNb101FromJson({ nasbench201: {} }, 'mem'), /expected \{"nasbench101": \{"cifar10"/);
  assert.throws(() => naslibNb101FromJson({ nasbench101: { cifar10: { '(0, 1, 0)': entry } } }, 'mem'), /key \(0, 1, 0\): .*length 3 is not n²\+n/);
  const { synflow: _drop, ...noSynflow } = entry;
  assert.throws(() => naslibNb101FromJson({ nasbench101: { cifar10: { [key]: noSynflow } } }, 'mem'), /'synflow' is undefined, expected a finite number/);
  assert.throws(() => naslibNb101FromJson({ nasbench101: { cifar10: {} } }, 'mem'), /no architectures/);
  assert.deepEqual([...NASLIB_NB101_OPS], ['input', 'output', 'maxpool3x3', 'conv1x1-bn-relu', 'conv3x3-bn-relu']);
});

test('1Shot1 search space 2: 3,609 rows, 3,258 distinct cells, isomorphic duplicates agree', { skip: needsData(NB101_1SHOT1_SPACE2_FILE) }, () => {
  const rows = loadNb1Shot1Space2();
  assert.equal(rows.length, 3609);
  const unique = uniqueNb1Shot1(rows);
  assert.equal(unique.length, 3258);
  assert.ok(rows.every((r) => r.testAccuracies.length === 3 && r.validAccuracies.length === 3));
  const accs = unique.map((r) => r.meanTestAccuracy);
  assert.ok(Math.min(...accs) > 9 && Math.max(...accs) < 96, `mean test accuracy range ${Math.min(...accs)}..${Math.max(...accs)}`);
  assert.equal(loadNb1Shot1Space2(), rows); // cached
});

test('NASLib NB101 table: 500 keys decode; our parameter count matches the params column within 2 % for every one', { skip: needsData(NASLIB_NB101_FILE) }, (t) => {
  const rows = loadNaslibNb101();
  assert.equal(rows.length, 500);
  let maxRel = 0;
  let exact = 0;
  for (const r of rows) {
    // NASLib builds the benchmark network (stem 128, 3×3 modules, 10 classes) and reports params in millions
    const ours = nb101NumParams(r.spec, NB101_BENCHMARK_CONFIG);
    const theirs = r.proxies.params! * 1e6;
    const rel = Math.abs(ours - theirs) / theirs;
    assert.ok(rel <= 0.02, `${r.key} → ${formatNb101(r.spec)}: ours ${ours}, NASLib ${theirs} (${(100 * rel).toFixed(2)} %)`);
    maxRel = Math.max(maxRel, rel);
    if (Math.abs(ours - theirs) < 0.5) exact++;
  }
  t.diagnostic(`exact: ${exact}/500, max relative difference ${maxRel.toExponential(2)}`);
  assert.equal(exact, 500);
  t.diagnostic(`distinct cells (by hash): ${new Set(rows.map((r) => r.hash)).size}`);
});

test('hash and key decoding cross-check: NASLib cells found in 1Shot1 have a val_accuracy equal to one of its 3 seeds', { skip: needsData(NASLIB_NB101_FILE, NB101_1SHOT1_SPACE2_FILE) }, (t) => {
  const byHash = new Map(loadNb1Shot1Space2().map((r) => [r.hash, r]));
  let found = 0;
  for (const r of loadNaslibNb101()) {
    const o = byHash.get(r.hash);
    if (!o) continue;
    found++;
    assert.ok(
      o.validAccuracies.some((v) => Math.abs(v - r.valAccuracy) < 1e-4),
      `${r.key}: NASLib ${r.valAccuracy} vs 1Shot1 line ${o.line} ${o.validAccuracies.join(', ')}`,
    );
  }
  t.diagnostic(`NASLib rows found in 1Shot1: ${found}`);
  assert.ok(found >= 28, `only ${found} NASLib rows found in 1Shot1`);
});
