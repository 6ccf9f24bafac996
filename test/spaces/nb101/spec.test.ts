import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkNb101,
  formatNb101,
  fromNaslibNb101Key,
  naslibNb101Raw,
  nb101FromJson,
  nb101KeptVertices,
  nb101Spec,
  nb101ToJson,
  numEdges,
  parseNb101,
  sameNb101Spec,
  toNaslibNb101Key,
} from '../../../src/spaces/nb101/spec';

const C3 = 'conv3x3-bn-relu';
const C1 = 'conv1x1-bn-relu';
const MP = 'maxpool3x3';

/** NB101's README example (Inception-like cell). */
const INCEPTION = {
  matrix: [
    [0, 1, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', C1, C3, C3, C3, MP, 'output'],
};

const invalid = (matrix: number[][], ops: string[], re: RegExp): void => {
  assert.throws(() => nb101Spec(matrix, ops), re);
  const r = checkNb101({ matrix, ops });
  assert.equal(r.ok, false);
};

test('a valid 7-vertex cell is kept as is (frozen, no pruning needed)', () => {
  const s = nb101Spec(INCEPTION.matrix, INCEPTION.ops);
  assert.deepEqual(nb101ToJson(s), INCEPTION);
  assert.equal(numEdges(s.matrix), 9);
  assert.ok(Object.isFrozen(s) && Object.isFrozen(s.matrix) && Object.isFrozen(s.matrix[0]) && Object.isFrozen(s.ops));
});

test('validation errors name the problem', () => {
  // more than 7 vertices
  const m8 = Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => (j === i + 1 ? 1 : 0)));
  invalid(m8, ['input', C3, C3, C3, C3, C3, C3, 'output'], /too many vertices: 8 > 7/);
  // more than 9 edges (all 10 edges of a 5-vertex DAG; nothing to prune)
  const m5full = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (j > i ? 1 : 0)));
  invalid(m5full, ['input', C3, C1, MP, 'output'], /too many edges: 10 > 9/);
  // an edge going backwards (cycle)
  invalid([[0, 1, 0], [0, 0, 1], [0, 1, 0]], ['input', C3, 'output'], /not upper-triangular: edge 2→1 goes backwards/);
  // self-loop
  invalid([[0, 1, 0], [0, 1, 1], [0, 0, 0]], ['input', C3, 'output'], /self-loop at vertex 1/);
  // wrong shapes
  invalid([[0, 1, 0], [0, 0, 1]], ['input', C3, 'output'], /ops has 3 labels but the matrix has 2 vertices|square/);
  invalid([[0, 1, 0], [0, 0], [0, 0, 0]], ['input', C3, 'output'], /must be square: row 1 has 2 entries, expected 3/);
  invalid([[0]], ['input'], /at least the input and output/);
  invalid([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ['input', C3, C1, 'output'], /ops has 4 labels but the matrix has 3 vertices/);
  invalid([[0, 2], [0, 0]], ['input', 'output'], /entry \[0\]\[1\] is 2, expected 0 or 1/);
  // unknown op, misplaced input/output
  invalid([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ['input', 'conv5x5', 'output'], /unknown op "conv5x5" at vertex 1/);
  invalid([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ['input', 'output', 'output'], /unknown op "output" at vertex 1/);
  invalid([[0, 1, 0], [0, 0, 1], [0, 0, 0]], [C3, C3, 'output'], /first vertex must be 'input'/);
  invalid([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ['input', C3, C1], /last vertex must be 'output'/);
  // output unreachable from input
  invalid([[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]], ['input', C3, C1, 'output'], /output is not reachable from input/);
  invalid([[0, 0], [0, 0]], ['input', 'output'], /output is not reachable from input/);
});

test('pruning removes vertices not on an input→output path and keeps vertex order', () => {
  // vertex 1: from input, dead end; vertex 2: not reachable from input but feeds output; vertex 3 on the path
  const matrix = [
    [0, 1, 0, 1, 0],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0],
  ];
  assert.deepEqual(nb101KeptVertices(matrix), [0, 3, 4]);
  const s = nb101Spec(matrix, ['input', C3, C1, MP, 'output']);
  assert.deepEqual(nb101ToJson(s), { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', MP, 'output'] });
  // edges are counted after pruning: 11 raw edges, 6 kept
  const raw = [
    [0, 1, 1, 1, 1, 0, 1],
    [0, 0, 1, 1, 1, 0, 1],
    [0, 0, 0, 0, 0, 1, 0], // vertex 2 → 5 only; 5 is a dead end
    [0, 0, 0, 0, 0, 0, 0], // vertex 3: dead end
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
  ];
  assert.equal(numEdges(raw), 11);
  const p = nb101Spec(raw, ['input', C3, C3, C3, C1, MP, 'output']);
  assert.deepEqual(p.ops, ['input', C3, C1, 'output']);
  assert.equal(numEdges(p.matrix), 6);
  // input directly to output only
  const io = nb101Spec([[0, 1, 1], [0, 0, 0], [0, 0, 0]], ['input', C3, 'output']);
  assert.deepEqual(nb101ToJson(io), { matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] });
});

test('compact text form and JSON form round-trip; parse errors name the input', () => {
  const s = nb101Spec(INCEPTION.matrix, INCEPTION.ops);
  const text = formatNb101(s);
  assert.equal(text, '0111010.0000001.0000001.0000100.0000001.0000001.0000000:in-c1-c3-c3-c3-mp-out');
  assert.ok(!text.includes(','));
  assert.ok(sameNb101Spec(parseNb101(text), s));
  assert.ok(sameNb101Spec(parseNb101(JSON.stringify(INCEPTION)), s));
  assert.ok(sameNb101Spec(nb101FromJson(INCEPTION), s));
  assert.throws(() => parseNb101('0111:in-c3-out'), /invalid NB101 spec "0111:in-c3-out": matrix must be square/);
  assert.throws(() => parseNb101('01.00:in-c5'), /unknown op code 'c5' at vertex 1/);
  assert.throws(() => parseNb101('hello'), /invalid NB101 spec "hello": expected 'rows:ops'/);
  assert.throws(() => parseNb101('{"matrix": [[0,1],[0,0]]'), /bad JSON/);
  assert.throws(() => parseNb101('{"matrix": [[0,1],[0,0]]}'), /'ops' missing/);
  assert.throws(() => nb101FromJson([1, 2]), /'matrix' missing/);
});

test('NASLib 56-tuple keys: op codes 0 input, 1 output, 2 maxpool, 3 conv1x1, 4 conv3x3; row-major matrix', () => {
  const key = `(${[...INCEPTION.matrix.flat(), 0, 3, 4, 4, 4, 2, 1].join(', ')})`;
  const s = fromNaslibNb101Key(key);
  assert.deepEqual(nb101ToJson(s), INCEPTION);
  assert.equal(toNaslibNb101Key(s), key);
  assert.ok(sameNb101Spec(parseNb101(key), s));
  assert.ok(sameNb101Spec(fromNaslibNb101Key([...INCEPTION.matrix.flat(), 0, 3, 4, 4, 4, 2, 1]), s));
  // smaller (pruned) keys: n² + n entries
  assert.deepEqual(naslibNb101Raw('(0, 1, 0, 0, 0, 1)'), { matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] });
  assert.throws(() => naslibNb101Raw('(0, 1, 0)'), /length 3 is not n²\+n/);
  assert.throws(() => naslibNb101Raw('(0, 1, 0, 0, 0, 7)'), /op code 7 at vertex 1 is not in 0\.\.4/);
  assert.throws(() => naslibNb101Raw('[0, 1]'), /expected '\(a, b, \.\.\.\)'/);
  assert.throws(() => fromNaslibNb101Key('(0, 0, 0, 0, 0, 1)'), /output is not reachable/);
});
