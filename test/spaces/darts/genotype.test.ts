import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DARTS_CELL_OPS,
  DARTS_OPS,
  DARTS_V1,
  DARTS_V2,
  dartsGenotype,
  edgeNode,
  formatGenotype,
  parseGenotype,
  sameGenotype,
} from '../../../src/spaces/darts/genotype';

const V2_STRING =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

const CELL = "[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('max_pool_3x3', 2), ('avg_pool_3x3', 3), ('dil_conv_5x5', 1), ('sep_conv_5x5', 4), ('dil_conv_3x3', 0)]";

test('DARTS op list is PRIMITIVES order; cells use the 7 non-none ops', () => {
  assert.deepEqual([...DARTS_OPS], ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
  assert.deepEqual([...DARTS_CELL_OPS], DARTS_OPS.slice(1));
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(edgeNode), [2, 2, 3, 3, 4, 4, 5, 5]);
});

test('the published DARTS_V2 string parses and formats back to the identical string', () => {
  const g = parseGenotype(V2_STRING);
  assert.equal(formatGenotype(g), V2_STRING);
  assert.ok(sameGenotype(g, DARTS_V2));
  assert.deepEqual(g.normal[7], { op: 'dil_conv_3x3', input: 2 });
  assert.deepEqual(g.reduceConcat, [2, 3, 4, 5]);
  assert.ok(!sameGenotype(DARTS_V1, DARTS_V2));
  assert.ok(Object.isFrozen(g) && Object.isFrozen(g.normal) && Object.isFrozen(g.normal[0]));
});

test('range(2, 6) concat (as DARTS prints genotypes) parses; style "range" formats it back', () => {
  const s = `Genotype(normal=${CELL}, normal_concat=range(2, 6), reduce=${CELL}, reduce_concat=range(2, 6))`;
  const g = parseGenotype(s);
  assert.deepEqual(g.normalConcat, [2, 3, 4, 5]);
  assert.equal(formatGenotype(g, 'range'), s);
  assert.ok(sameGenotype(parseGenotype(formatGenotype(g)), g));
});

test('parser accepts positional arguments, double quotes, tuples, newlines and trailing commas', () => {
  const dq = CELL.replace(/'/g, '"');
  const s = `Genotype(\n  ${dq},\n  range(2, 6),\n  ${CELL.replace('[', '(').replace(/\]$/, ',)')},\n  (2, 3, 4, 5),\n)`;
  const g = parseGenotype(s);
  assert.equal(g.normal[5]!.op, 'dil_conv_5x5');
  assert.ok(sameGenotype(g, parseGenotype(`genotypes.Genotype(normal=${CELL}, normal_concat=[2,3,4,5], reduce=${CELL}, reduce_concat=range(2,6))`)));
});

test('round trip of many genotypes through the string form', () => {
  const ops = DARTS_OPS;
  for (let t = 0; t < 50; t++) {
    const cell = (salt: number) =>
      Array.from({ length: 8 }, (_, e) => [ops[(t * 7 + e * 3 + salt) % ops.length]!, (t + e + salt) % edgeNode(e)] as [string, number]);
    const g = dartsGenotype({ normal: cell(0), reduce: cell(5), normalConcat: t % 2 ? [2, 3, 4, 5] : [3, 5] });
    assert.ok(sameGenotype(parseGenotype(formatGenotype(g)), g));
    assert.ok(sameGenotype(parseGenotype(formatGenotype(g, 'range')), g));
  }
});

test('object-style edges and default concat lists', () => {
  const normal = DARTS_V2.normal.map((e) => ({ op: e.op, input: e.input }));
  const g = dartsGenotype({ normal, reduce: DARTS_V2.reduce });
  assert.ok(sameGenotype(g, DARTS_V2));
});

// ---------------------------------------------------------------------------------------------
// validation errors name the problem

const base = (): { normal: [string, number][]; reduce: [string, number][] } => ({
  normal: DARTS_V2.normal.map((e) => [e.op, e.input]),
  reduce: DARTS_V2.reduce.map((e) => [e.op, e.input]),
});

test('unknown op is rejected, naming the op, cell, pair and node', () => {
  const s = base();
  s.reduce[3] = ['sep_conv_7x7', 1];
  assert.throws(() => dartsGenotype(s), /unknown op "sep_conv_7x7" in reduce cell pair 3 \(node 3\)/);
  assert.throws(() => parseGenotype(V2_STRING.replace("('dil_conv_3x3', 2)", "('conv_7x1_1x7', 2)")), /invalid DARTS genotype string: .*unknown op "conv_7x1_1x7" in normal cell pair 7/);
});

test('input index out of range is rejected, naming the allowed states', () => {
  const s = base();
  s.normal[2] = ['sep_conv_3x3', 3]; // node 3 can read 0..2
  assert.throws(() => dartsGenotype(s), /input index 3 out of range in normal cell pair 2 \(node 3\): node 3 can read states 0\.\.2/);
  s.normal[2] = ['sep_conv_3x3', -1];
  assert.throws(() => dartsGenotype(s), /input index -1 out of range/);
  s.normal[2] = ['sep_conv_3x3', 1.5];
  assert.throws(() => dartsGenotype(s), /must be an integer/);
  assert.throws(() => parseGenotype(V2_STRING.replace("('skip_connect', 0), ('dil_conv_3x3', 2)", "('skip_connect', 0), ('dil_conv_3x3', 5)")), /input index 5 out of range in normal cell pair 7 \(node 5\)/);
});

test('wrong number of (op, input) pairs is rejected', () => {
  const s = base();
  s.normal.pop();
  assert.throws(() => dartsGenotype(s), /normal cell has 7 \(op, input\) pairs, expected 8 \(2 per intermediate node × 4 nodes\)/);
  const t = base();
  t.reduce.push(['skip_connect', 0]);
  assert.throws(() => dartsGenotype(t), /reduce cell has 9 \(op, input\) pairs, expected 8/);
  assert.throws(() => parseGenotype(V2_STRING.replace("('sep_conv_3x3', 0), ", '')), /normal cell has 7/);
});

test('bad concat lists are rejected', () => {
  assert.throws(() => dartsGenotype({ ...base(), normalConcat: [] }), /normal_concat must be a non-empty list/);
  assert.throws(() => dartsGenotype({ ...base(), reduceConcat: [2, 6] }), /reduce_concat entry 6 out of range \(states are 0\.\.5\)/);
  assert.throws(() => dartsGenotype({ ...base(), normalConcat: [3, 2] }), /strictly increasing/);
  assert.throws(() => dartsGenotype({ ...base(), normalConcat: [2, 2] }), /strictly increasing/);
});

test('malformed strings are rejected with the position of the problem', () => {
  const cases: [string, RegExp][] = [
    ['', /expected 'Genotype\('/],
    ['Genotype', /expected '\(' after 'Genotype' at position 8/],
    [V2_STRING.slice(0, -1), /expected ',' or '\)'|expected/],
    [V2_STRING + ' extra', /unexpected text after the closing parenthesis/],
    [V2_STRING.replace("('sep_conv_3x3', 0)", "(sep_conv_3x3, 0)"), /expected a quoted op name/],
    [V2_STRING.replace("('sep_conv_3x3', 0)", "('sep_conv_3x3' 0)"), /expected ',' after the op name/],
    [V2_STRING.replace("('sep_conv_3x3', 0)", "('sep_conv_3x3', x)"), /expected an integer \(input index\)/],
    [V2_STRING.replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=2'), /expected a concat list/],
    [V2_STRING.replace('reduce_concat', 'reduction_concat'), /unknown Genotype field 'reduction_concat'/],
    [V2_STRING.replace(', reduce_concat=[2, 3, 4, 5]', ''), /missing field 'reduce_concat'/],
    [V2_STRING.replace('reduce_concat=[2, 3, 4, 5]', 'normal_concat=[2, 3, 4, 5]'), /field 'normal_concat' given twice/],
    ["Genotype(normal=[('skip_connect', 0)], normal_concat=range(2, 6, 1))", /range\(\) takes 1 or 2 arguments/],
    ["Genotype(normal=[('skip_connect', 0)] @", /unexpected character '@'/],
    ["Genotype(normal=[('skip_connect, 0)])", /unterminated string/],
  ];
  for (const [s, re] of cases) {
    assert.throws(() => parseGenotype(s), (e: Error) => /malformed DARTS genotype string|invalid DARTS genotype string/.test(e.message) && re.test(e.message), `${s.slice(0, 60)}… should fail with ${re}`);
  }
  assert.throws(() => parseGenotype(42 as unknown as string), /not a string/);
});
