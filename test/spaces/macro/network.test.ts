/**
 * NAS-Bench-Macro architectures and network: key parsing and indexing, the layer plan, and the
 * parameter count of every one of the 6,561 architectures equal to the benchmark table's
 * `params` column (skipped without the table); a built network counts the same as the formula.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { hasDataFile } from '../../../src/data/root';
import { loadMacroTable, MACRO_TABLE_FILE, macroTableFromCsv } from '../../../src/benchmarks/macro';
import { parseSimpleCsv } from '../../../src/benchmarks/csv';
import { formatMacro, macroArchAt, macroIndex, macroLayers, MACRO_SPACE_SIZE, parseMacro } from '../../../src/spaces/macro/arch';
import { MacroNetwork, macroParamCount } from '../../../src/spaces/macro/network';

before(async () => {
  await initBackend({ quiet: true });
});

test('keys: parse/format round trip, base-3 index, bad keys named', () => {
  for (let i = 0; i < MACRO_SPACE_SIZE; i += 97) assert.equal(macroIndex(macroArchAt(i)), i);
  assert.equal(formatMacro(parseMacro('02012100')), '02012100');
  assert.equal(macroIndex(parseMacro('00000001')), 1);
  assert.equal(macroIndex(parseMacro('10000000')), 3 ** 7);
  assert.throws(() => parseMacro('0201210'), /'0201210' must be 8 digits/);
  assert.throws(() => parseMacro('02012103'), /must be 8 digits 0\/1\/2/);
  assert.throws(() => macroArchAt(MACRO_SPACE_SIZE), /outside 0..6560/);
});

test('layer plan: stages of 2, 3, 3 layers, stride 2 and doubled width at each stage start', () => {
  const l = macroLayers(32);
  assert.deepEqual(
    l.map((x) => [x.inChannels, x.outChannels, x.stride]),
    [[32, 64, 2], [64, 64, 1], [64, 128, 2], [128, 128, 1], [128, 128, 1], [128, 256, 2], [256, 256, 1], [256, 256, 1]],
  );
});

test('parameter count equals the table for all 6,561 architectures', { skip: !hasDataFile(MACRO_TABLE_FILE) && 'no NAS-Bench-Macro table' }, () => {
  const t = loadMacroTable();
  let checked = 0;
  for (let i = 0; i < t.size; i++) {
    const r = t.row(i);
    assert.equal(macroParamCount(r.arch), r.params, formatMacro(r.arch));
    checked++;
  }
  assert.equal(checked, 6561);
});

test('a built network has the formula count (tfjs tensors) and maps a batch to logits', () => {
  for (const key of ['00000000', '12021012', '22222222']) {
    const net = new MacroNetwork(parseMacro(key), { numClasses: 10 }, 3);
    try {
      assert.equal(net.numParams, macroParamCount(parseMacro(key)), key);
    } finally {
      net.dispose();
    }
  }
  const net = new MacroNetwork(parseMacro('12021012'), { initChannels: 4, headChannels: 8, numClasses: 5 }, 1);
  const x = tf.randomNormal([2, 32, 32, 3]) as tf.Tensor4D;
  let taps = 0;
  const shape = tf.tidy(() => net.forward(x, { bn: 'train', taps: () => void taps++ }).logits.shape);
  assert.deepEqual(shape, [2, 5]);
  // stem + head ReLUs, 2 per inverted residual (five 1s and 2s in 12021012)
  assert.equal(taps, 2 + 2 * 6);
  net.dispose();
  x.dispose();
});

test('table reader: every architecture exactly once, bad cells named', () => {
  const header = 'arch,test_acc_seed0,test_acc_seed1,test_acc_seed2,mean_acc,std,params,flops';
  const rows = Array.from({ length: MACRO_SPACE_SIZE }, (_, i) => `${formatMacro(macroArchAt(i))},90,91,92,91,0.8,1000,2000`);
  const t = macroTableFromCsv(parseSimpleCsv([header, ...rows].join('\n'), 'mem'));
  assert.equal(t.lookup(parseMacro('00000002')).meanAccuracy, 91);
  assert.throws(() => macroTableFromCsv(parseSimpleCsv([header, ...rows.slice(1)].join('\n'), 'mem')), /6560 rows, expected all 6561/);
  assert.throws(() => macroTableFromCsv(parseSimpleCsv([header, rows[0]!, ...rows].join('\n'), 'mem')), /line 3: architecture 00000000 appears twice/);
  assert.throws(() => macroTableFromCsv(parseSimpleCsv([header, 'x0000000,1,1,1,1,1,1,1'].join('\n'), 'mem')), /line 2: .*must be 8 digits/);
  assert.throws(() => macroTableFromCsv(parseSimpleCsv('arch,params\n00000000,1', 'mem')), /missing column\(s\) test_acc_seed0/);
});
