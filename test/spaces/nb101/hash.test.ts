import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashModule, nb101Hash, nb101Labels } from '../../../src/spaces/nb101/hash';
import { nb101Spec, NB101_OPS, type Nb101Spec } from '../../../src/spaces/nb101/spec';
import { sampleNb101 } from '../../../src/spaces/nb101/sample';
import { Rng } from '../../../src/engine/rng';

const C3 = 'conv3x3-bn-relu';
const C1 = 'conv1x1-bn-relu';
const MP = 'maxpool3x3';

/** NB101 README: the queried Inception-like cell and the isomorphic encoding the dataset returns for it. */
const QUERY = nb101Spec(
  [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
  ['input', C1, C3, C3, C3, MP, 'output'],
);
const STORED = nb101Spec(
  [[0, 1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
  ['input', C3, C1, MP, C3, C3, 'output'],
);

/** Relabel a matrix: new vertex perm[v] is old vertex v (NB101 graph_util.permute_graph). */
function permute(matrix: readonly (readonly number[])[], labels: readonly number[], perm: readonly number[]): { m: number[][]; l: number[] } {
  const n = matrix.length;
  const inv = new Array<number>(n);
  perm.forEach((p, v) => (inv[p] = v));
  return {
    m: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => matrix[inv[i]!]![inv[j]!]!)),
    l: Array.from({ length: n }, (_, i) => labels[inv[i]!]!),
  };
}

test('hash values equal a Python transcription of graph_util.hash_module (str() of tuples and lists)', () => {
  // scratch/nb101/hash_ref.py (hashlib, numpy), see the NB101 helper report
  assert.equal(nb101Hash(QUERY), '28cfc7874f6d200472e1a9dcd8650aa0');
  assert.equal(hashModule([[0, 1], [0, 0]], [-1, -2]), '043721b9c7fe8c5fad811d47d83132ec');
});

test('isomorphic encodings hash the same: README query vs stored cell; labels −1/−2/op index', () => {
  assert.equal(nb101Hash(QUERY), nb101Hash(STORED));
  assert.deepEqual(nb101Labels(QUERY), [-1, 1, 0, 0, 0, 2, -2]);
  assert.deepEqual([...NB101_OPS], [C3, C1, MP]);
});

test('graph_util_test cases: label/edge permutations equal, tricky non-isomorphic pairs differ', () => {
  const diamond = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]];
  assert.equal(hashModule(diamond, [-1, 1, 2, -2]), hashModule(diamond, [-1, 2, 1, -2]));
  const m1 = [[0, 1, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  const m2 = [[0, 1, 0, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  const m3 = [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  const h1 = hashModule(m1, [-1, 1, 2, 3, -2]);
  assert.equal(h1, hashModule(m2, [-1, 2, 3, 1, -2]));
  assert.equal(h1, hashModule(m3, [-1, 2, 1, 3, -2]));
  assert.notEqual(h1, hashModule(m1, [-1, 2, 3, 1, -2]));
  assert.notEqual(h1, hashModule(m1, [-1, 2, 1, 3, -2]));
  const reg1 = [
    [0, 1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0, 1, 0], [0, 0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0],
  ];
  const reg2 = [
    [0, 1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0, 1, 0], [0, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0],
  ];
  const ones = [-1, 1, 1, 1, 1, 1, 1, -2];
  assert.notEqual(hashModule(reg1, ones), hashModule(reg2, ones));
  const chain = [[0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  assert.notEqual(hashModule(chain, [-1, 1, 0, 0, -2]), hashModule(chain, [-1, 0, 0, 1, -2]));
  const directed = [[0, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]];
  assert.notEqual(hashModule(directed, [-1, 1, 0, -2]), hashModule(directed, [-1, 0, 1, -2]));
  const outOnly = [
    [0, 1, 1, 1, 1, 0, 0], [0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0],
  ];
  assert.notEqual(hashModule(outOnly, [-1, 1, 0, 0, 0, 0, -2]), hashModule(outOnly, [-1, 0, 0, 0, 1, 0, -2]));
});

test('hash is invariant under random vertex permutations (random directed graphs and sampled cells)', () => {
  const rng = new Rng(101);
  const shuffle = (n: number): number[] => rng.sampleWithoutReplacement(n, n);
  for (let k = 0; k < 200; k++) {
    const n = 3 + rng.int(8);
    const m = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.int(2)));
    const l = Array.from({ length: n }, () => rng.int(4));
    const p = permute(m, l, shuffle(n));
    assert.equal(hashModule(p.m, p.l), hashModule(m, l));
  }
  for (let k = 0; k < 100; k++) {
    const s = sampleNb101(rng);
    const p = permute(s.matrix, nb101Labels(s), shuffle(s.ops.length));
    assert.equal(hashModule(p.m, p.l), nb101Hash(s));
  }
});

/** Brute-force isomorphism of two pruned cells (input and output fixed, interior permuted). */
function isomorphic(a: Nb101Spec, b: Nb101Spec): boolean {
  const n = a.ops.length;
  if (b.ops.length !== n) return false;
  const interior = Array.from({ length: n - 2 }, (_, i) => i + 1);
  const perms = (xs: number[]): number[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
  return perms(interior).some((p) => {
    const map = [0, ...p, n - 1]; // a's vertex v ↦ b's vertex map[v]
    for (let i = 0; i < n; i++) {
      if (a.ops[i] !== b.ops[map[i]!]) return false;
      for (let j = 0; j < n; j++) if (a.matrix[i]![j] !== b.matrix[map[i]!]![map[j]!]) return false;
    }
    return true;
  });
}

test('equal hash ⇔ isomorphic cells, checked by brute force on 300 sampled cells', () => {
  const rng = new Rng(7);
  const specs: Nb101Spec[] = Array.from({ length: 300 }, () => sampleNb101(rng));
  // compare every pair sharing cheap invariants (vertex count, edge count, op multiset)
  const groups = new Map<string, Nb101Spec[]>();
  for (const s of specs) {
    const key = `${s.ops.length}/${s.matrix.flat().reduce<number>((x, y) => x + y, 0)}/${[...s.ops].sort().join()}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  let same = 0;
  let different = 0;
  for (const g of groups.values()) {
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        const iso = isomorphic(g[i]!, g[j]!);
        assert.equal(nb101Hash(g[i]!) === nb101Hash(g[j]!), iso);
        if (iso) same++;
        else different++;
      }
    }
  }
  assert.ok(same > 50 && different > 50, `pairs: ${same} isomorphic, ${different} not`);
  // changing one op or one edge changes the hash
  const ops = [...QUERY.ops];
  ops[5] = C1;
  assert.notEqual(nb101Hash(nb101Spec(QUERY.matrix as number[][], ops)), nb101Hash(QUERY));
  const m = QUERY.matrix.map((r) => [...r]);
  m[0]![5] = 0;
  m[1]![5] = 1;
  assert.notEqual(nb101Hash(nb101Spec(m, [...QUERY.ops])), nb101Hash(QUERY));
});
