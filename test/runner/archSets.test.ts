import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { archSet, buildNb101 } from '../../src/runner/archSets';
import { initBackend, tf } from '../../src/engine/backend';
import { loadNaslibNb101 } from '../../src/benchmarks/nb101';
import { nb101MinWidth } from '../../src/spaces/nb101/channels';
import { parseNb101 } from '../../src/spaces/nb101/spec';
import { naslibReference } from '../../src/runner/parity';
import { selectArchs } from '../../src/runner/archs';
import { evaluateScores } from '../../src/runner/evaluate';

before(async () => {
  await initBackend({ quiet: true });
});

test('nb201 arch set: official indices, strings and accuracies of the benchmark table', () => {
  const s = archSet('nb201');
  assert.equal(s.size, 15625);
  assert.equal(s.archString(0), '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|');
  assert.equal(s.indexOfString(s.archString(1234)), 1234);
  assert.ok(Math.abs(s.accuracy(0, 'cifar10-test') - 85.863) < 0.01);
  assert.throws(() => s.accuracy(0, 'test-max'), /unknown accuracy key 'test-max'/);
});

test('nb101 arch set: distinct 1Shot1 cells, NASWOT-sized networks, best-of-3 accuracy by default', () => {
  const s = archSet('nb101');
  assert.equal(s.size, 3258);
  assert.equal(s.defaultAccuracyKey, 'test-max');
  const str = s.archString(17);
  assert.equal(s.indexOfString(str), 17);
  assert.ok(s.accuracy(17, 'test-max') >= s.accuracy(17, 'test-mean'));
  assert.throws(() => s.archString(3258), /index 3258 is outside 0\.\.3257/);
  // TE-NAS thin networks: widths below the cell's output fan-in are raised to it
  const thin = s.build(17, { C: 1, N: 1, numClasses: 10, stem: false, depth: 1, init: 'kaiming-normal-fan-in' }, 1);
  try {
    assert.ok(![...thin.params.keys()].some((n) => n.startsWith('stem.') || n.startsWith('cells.1.')), 'one module, no stem');
    const logits = tf.tidy(() => thin.forward(tf.ones([2, 3, 3, 1]) as tf.Tensor4D, { bn: 'train' }).logits.shape);
    assert.deepEqual(logits, [2, 10]);
  } finally {
    thin.dispose();
  }
  const net = s.build(17, { C: 16, N: 3, numClasses: 1 }, 1);
  try {
    assert.ok(net.numParams > 1000);
  } finally {
    net.dispose();
  }
  assert.throws(() => selectArchs('naslib:cifar10', s, 1), /nb201 only/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-as-'));
  fs.writeFileSync(path.join(dir, 'a.txt'), `${str}\n5\n`);
  assert.deepEqual(selectArchs(path.join(dir, 'a.txt'), s, 1), [17, 5]);
  const ev = evaluateScores({ proxies: ['p'], rows: [0, 1, 2, 3].map((i) => ({ index: i, arch: '', values: { p: s.accuracy(i, 'test-max') }, seconds: 0 })) }, s, 'test-max', { bootstrap: 0 });
  assert.equal(ev[0].summary?.krocc, 1);
});

test('nb101-naslib arch set: NASLib\'s 500 NB101 cells in file order, val accuracy, NASLib reference rows by index', () => {
  const s = archSet('nb101-naslib');
  const rows = loadNaslibNb101();
  assert.equal(s.size, 500);
  assert.equal(s.size, rows.length);
  assert.deepEqual(s.accuracyKeys, ['val-accuracy']);
  assert.equal(s.accuracy(3, 'val-accuracy'), rows[3].valAccuracy);
  assert.throws(() => s.accuracy(0, 'test-max'), /unknown accuracy key 'test-max'/);
  const i = s.indexOfString(s.archString(42));
  assert.equal(rows[i].hash, rows[42].hash, 'a string finds its cell (the first of any isomorphic duplicates)');
  assert.throws(() => s.indexOfString('0110.0001.0001.0000:in-mp-mp-out'), /not in the 500 cells of NASLib's NB101 table/);
  const ref = naslibReference('nb101-naslib', 'cifar10');
  assert.equal(ref.size, 500);
  assert.equal(ref.get(7)!.proxies.params, rows[7].proxies.params);
  assert.throws(() => naslibReference('nb101-naslib', 'cifar100'), /NB101 table has cifar10 rows only/);
  // NASLib's params (millions, stem 128, 10 classes) are what our network of the same size counts
  for (const k of [0, 1, 250, 499]) {
    const net = s.build(k, { C: 128, N: 3, numClasses: 10, init: 'pytorch' }, 0);
    try {
      assert.ok(Math.abs(net.numParams / 1e6 - rows[k].proxies.params) < 1e-6, `cell ${k}: ${net.numParams} vs ${rows[k].proxies.params}M`);
    } finally {
      net.dispose();
    }
  }
});

test('buildNb101: widths below the output fan-in are raised (every vertex ≥ 1 channel); normal widths unchanged', () => {
  // the largest fan-in a valid cell can have: 4 vertices from the input, all into the output (8 edges)
  const four = parseNb101('011110.000001.000001.000001.000001.000000:in-c3-c3-c1-mp-out');
  assert.equal(nb101MinWidth(four.matrix), 4);
  assert.equal(nb101MinWidth(parseNb101('01.00:in-out').matrix), 1);
  const net = buildNb101(four, { C: 3, N: 1, numClasses: 10, init: 'kaiming-normal-fan-out' }, 1);
  const normal = buildNb101(four, { C: 16, N: 3, numClasses: 1 }, 1);
  try {
    assert.deepEqual(net.params.get('stem.conv.weight')!.shape, [3, 3, 3, 4], 'C=3 raised to the fan-in 4');
    assert.deepEqual(normal.params.get('stem.conv.weight')!.shape, [3, 3, 3, 16]);
    assert.equal(normal.vertexChannels(0).slice(1, 5).join(','), '4,4,4,4');
    assert.equal(net.vertexChannels(0).slice(1, 5).join(','), '1,1,1,1');
  } finally {
    net.dispose();
    normal.dispose();
  }
});

test('darts arch set: NASLib NB301 rows, CSV-safe genotype strings, NASLib-sized networks', async () => {
  const { formatGenotype } = await import('../../src/spaces/darts/genotype');
  const { formatDartsCompact, parseDartsCompact } = await import('../../src/runner/archSets');
  const { loadNb301Reference } = await import('../../src/benchmarks/nb301');
  const s = archSet('darts');
  assert.equal(s.size, 725);
  const str = s.archString(3);
  assert.ok(!str.includes(','), 'no commas: safe in the score CSV');
  assert.equal(s.indexOfString(str), 3);
  const g = loadNb301Reference()[3].genotype;
  assert.equal(formatDartsCompact(parseDartsCompact(str)), str);
  assert.equal(s.indexOfString(formatGenotype(g)), 3, 'the usual Genotype(...) form is accepted too');
  assert.throws(() => parseDartsCompact('normal:sep_conv_3x3~0'), /not of the form/);
  assert.throws(() => parseDartsCompact('normal:sep_conv_3x3~x|a~1;reduce:b~0'), /edge 'sep_conv_3x3~x'/);
  const net = s.build(3, { C: 32, N: 8, numClasses: 10 }, 1);
  try {
    assert.ok(Math.abs(net.numParams / 1e6 - loadNb301Reference()[3].proxies.params) < 1e-6, 'params equal NASLib\'s');
  } finally {
    net.dispose();
  }
  assert.equal(s.accuracy(3, 'val-accuracy'), loadNb301Reference()[3].valAccuracy);
});
