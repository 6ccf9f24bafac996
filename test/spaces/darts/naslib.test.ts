import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DARTS_V2, dartsGenotype, formatGenotype, sameGenotype } from '../../../src/spaces/darts/genotype';
import { formatNaslibCompact, fromNaslibCompact, NASLIB_DARTS_OPS, parseNaslibCompact, toNaslibCompact } from '../../../src/spaces/darts/naslib';

// first key of NASLib's zc_nasbench301.json
const KEY = '[[(0, 0), (1, 5), (1, 1), (0, 1), (1, 3), (0, 3), (1, 3), (3, 2)], [(1, 0), (0, 2), (1, 3), (0, 3), (3, 0), (0, 1), (2, 0), (3, 6)]]';

test('NASLib compact op order (conversions.py OPS) and (input, op) pair order', () => {
  assert.deepEqual([...NASLIB_DARTS_OPS], ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
  const g = parseNaslibCompact(KEY);
  assert.equal(
    formatGenotype(g),
    "Genotype(normal=[('max_pool_3x3', 0), ('dil_conv_3x3', 1), ('avg_pool_3x3', 1), ('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 3)], normal_concat=[2, 3, 4, 5], " +
      "reduce=[('max_pool_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('max_pool_3x3', 3), ('avg_pool_3x3', 0), ('max_pool_3x3', 2), ('dil_conv_5x5', 3)], reduce_concat=[2, 3, 4, 5])",
  );
  assert.equal(formatNaslibCompact(g), KEY);
});

test('compact round trips and tuple/list/spacing variants parse alike', () => {
  const c = toNaslibCompact(DARTS_V2);
  assert.deepEqual(c[0][0], [0, 3]); // ('sep_conv_3x3', 0)
  assert.ok(sameGenotype(fromNaslibCompact(c), DARTS_V2));
  assert.ok(sameGenotype(parseNaslibCompact(formatNaslibCompact(DARTS_V2)), DARTS_V2));
  const g = parseNaslibCompact(KEY);
  assert.ok(sameGenotype(parseNaslibCompact(KEY.replace(/\s+/g, '')), g));
  assert.ok(sameGenotype(parseNaslibCompact(`(${KEY.slice(1, -1).replace(/\[/g, '(').replace(/\]/g, ')')})`), g));
});

test('compact errors: op index out of range, bad structure, genotype errors, none ops', () => {
  assert.throws(() => parseNaslibCompact(KEY.replace('(3, 6)', '(3, 7)')), /reduce pair 7 has op index 7, expected 0\.\.6/);
  assert.throws(() => parseNaslibCompact(KEY.replace('(3, 2)]', '(5, 2)]')), /input index 5 out of range in normal cell pair 7 \(node 5\)/);
  assert.throws(() => parseNaslibCompact('[[(0, 0)], [(1, 0)]]'), /normal cell needs 8 \(input, op\) pairs/);
  assert.throws(() => parseNaslibCompact('[[(0, 0), (1, 5)]]'), /expected exactly two lists/);
  assert.throws(() => parseNaslibCompact('genotype'), /expected \[\[\.\.\.\], \[\.\.\.\]\]/);
  const withNone = dartsGenotype({ normal: DARTS_V2.normal.map((e, i) => [i === 0 ? 'none' : e.op, e.input]), reduce: DARTS_V2.reduce.map((e) => [e.op, e.input]) });
  assert.throws(() => toNaslibCompact(withNone), /op 'none' of normal pair 0 has no NASLib index/);
  const otherConcat = dartsGenotype({ normal: DARTS_V2.normal.map((e) => [e.op, e.input]), reduce: DARTS_V2.reduce.map((e) => [e.op, e.input]), reduceConcat: [4, 5] });
  assert.throws(() => toNaslibCompact(otherConcat), /reduce_concat \[4,5\] is not \[2, 3, 4, 5\]/);
});
