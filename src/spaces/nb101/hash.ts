/**
 * NAS-Bench-101's isomorphism-invariant cell hash (google-research/nasbench
 * `lib/graph_util.py: hash_module`, `lib/model_spec.py: hash_spec`), bit-for-bit:
 *
 *   h_v⁰ = md5(str((out_degree(v), in_degree(v), label(v))))           Python tuple text "(2, 0, -1)"
 *   h_vᵏ⁺¹ = md5(join(sorted(h_w, w→v)) + '|' + join(sorted(h_w, v→w)) + '|' + h_vᵏ)   V rounds
 *   hash = md5(str(sorted(h_v^V)))                                       Python list text "['…', '…']"
 *
 * with md5 as lowercase hex of the UTF-8 text, and labels −1 (input), −2 (output), else the op's
 * index in NB101's canonical op list (conv3x3 0, conv1x1 1, maxpool 2). The spec hash is that of
 * the *pruned* cell, which `Nb101Spec` always is, so the hash keys the benchmark's tables.
 */
import { createHash } from 'node:crypto';
import { NB101_OPS, type Nb101Spec } from './spec';

function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/** JavaScript's default sort compares UTF-16 code units, as Python compares str for ASCII hex. */
function sortedStrings(xs: string[]): string[] {
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `hash_module(matrix, labeling)` for any square 0/1 matrix (it need not be a DAG) and integer
 * labels, as in NB101's graph_util.
 */
export function hashModule(matrix: readonly (readonly number[])[], labels: readonly number[]): string {
  const n = matrix.length;
  if (labels.length !== n) throw new Error(`hashModule: ${labels.length} labels for a ${n}-vertex matrix`);
  for (const row of matrix) if (row.length !== n) throw new Error(`hashModule: matrix is not square`);
  labels.forEach((l, v) => {
    if (!Number.isInteger(l)) throw new Error(`hashModule: label ${l} of vertex ${v} is not an integer`);
  });
  const edge = (i: number, j: number): boolean => matrix[i]![j] !== 0;
  const inDeg = (v: number): number => matrix.reduce((s, row) => s + (row[v] !== 0 ? 1 : 0), 0);
  const outDeg = (v: number): number => matrix[v]!.reduce<number>((s, x) => s + (x !== 0 ? 1 : 0), 0);
  let hashes = labels.map((l, v) => md5(`(${outDeg(v)}, ${inDeg(v)}, ${l})`));
  for (let round = 0; round < n; round++) {
    const next: string[] = [];
    for (let v = 0; v < n; v++) {
      const ins: string[] = [];
      const outs: string[] = [];
      for (let w = 0; w < n; w++) {
        if (edge(w, v)) ins.push(hashes[w]!);
        if (edge(v, w)) outs.push(hashes[w]!);
      }
      next.push(md5(`${sortedStrings(ins).join('')}|${sortedStrings(outs).join('')}|${hashes[v]}`));
    }
    hashes = next;
  }
  return md5(`[${sortedStrings(hashes).map((h) => `'${h}'`).join(', ')}]`);
}

/** Integer labels of a spec for `hashModule`: −1 input, −2 output, else the canonical op index. */
export function nb101Labels(spec: Nb101Spec): number[] {
  const n = spec.ops.length;
  return spec.ops.map((op, v) => (v === 0 ? -1 : v === n - 1 ? -2 : (NB101_OPS as readonly string[]).indexOf(op)));
}

/** The NB101 benchmark hash of a (pruned) spec: equal for isomorphic cells, the dataset's key. */
export function nb101Hash(spec: Nb101Spec): string {
  return hashModule(spec.matrix, nb101Labels(spec));
}
