import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { archSet } from '../../src/runner/archSets';
import { selectArchs } from '../../src/runner/archs';
import { evaluateScores } from '../../src/runner/evaluate';

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
  assert.throws(() => s.build(0, { C: 16, N: 3, numClasses: 1, stem: false }, 1), /NB201 only/);
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
  assert.equal(ev[0].summary.krocc, 1);
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
