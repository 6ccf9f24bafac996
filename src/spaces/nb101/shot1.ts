/**
 * Cells of NAS-Bench-1Shot1 search space 2 (Zela et al., 2020; ZCPT
 * `nasbench1shot1/nasbench_analysis/search_spaces/search_space_2.py`).
 *
 * A cell has 6 nodes: 0 = input, 1..4 = choice blocks (one op each of conv3x3-bn-relu,
 * conv1x1-bn-relu, maxpool3x3), 5 = output. Node n takes exactly P(n) parents among the nodes
 * before it: P = (–, 1, 1, 2, 2, 3) for n = 0..5, so node 1's parent is the input and a cell has
 * 1 + 1 + 2 + 2 + 3 = 9 edges. As NB101 cell (`shot1ToNb101`) the cell gains an unused
 * conv1x1 vertex at position 5 (the space's upscaling to NB101's 7 vertices), edges are kept only
 * for the nodes that feed the output (the space builds its matrix from the output backwards), and
 * NB101 pruning and hashing then name the benchmark record.
 */
import { NB101_OPS, nb101Spec, type Nb101Op, type Nb101Spec } from './spec';

/** Nodes of a space-2 cell: input, 4 choice blocks, output. */
export const SHOT1_NODES = 6;
export const SHOT1_BLOCKS = 4;
/** The output node. */
export const SHOT1_OUTPUT = 5;
/** Parents per node (index = node). */
export const SHOT1_SPACE2_PARENTS: readonly number[] = Object.freeze([0, 1, 1, 2, 2, 3]);
/** Op choices of a block, in the order of the supernet's mixing rows. */
export const SHOT1_OPS: readonly Nb101Op[] = NB101_OPS;

/** A space-2 cell: the op of each block and the (sorted) parents of every node. */
export interface Shot1Cell {
  /** Ops of blocks 1..4 (index 0 = node 1). */
  readonly ops: readonly Nb101Op[];
  /** Parents of nodes 0..5 (node 0: none, node 1: [0]). */
  readonly parents: readonly (readonly number[])[];
}

const SHORT: Readonly<Record<Nb101Op, string>> = { 'conv3x3-bn-relu': 'c3', 'conv1x1-bn-relu': 'c1', maxpool3x3: 'mp' };
const FROM_SHORT = new Map(Object.entries(SHORT).map(([k, v]) => [v, k as Nb101Op]));

/**
 * Check a cell against the space (4 known ops, node n with exactly P(n) distinct parents < n).
 * @throws naming the bad part.
 */
export function shot1Cell(ops: readonly string[], parents: readonly (readonly number[])[]): Shot1Cell {
  if (ops.length !== SHOT1_BLOCKS) throw new Error(`1Shot1 cell: needs ${SHOT1_BLOCKS} block ops, got ${JSON.stringify(ops)}`);
  ops.forEach((o, i) => {
    if (!(SHOT1_OPS as readonly string[]).includes(o)) throw new Error(`1Shot1 cell: op of block ${i + 1} must be one of ${SHOT1_OPS.join(', ')}, got '${o}'`);
  });
  if (parents.length !== SHOT1_NODES) throw new Error(`1Shot1 cell: needs the parents of ${SHOT1_NODES} nodes, got ${JSON.stringify(parents)}`);
  const ps = parents.map((p, n) => {
    const sorted = [...p].sort((a, b) => a - b);
    if (sorted.length !== SHOT1_SPACE2_PARENTS[n] || new Set(sorted).size !== sorted.length || sorted.some((q) => !Number.isInteger(q) || q < 0 || q >= n)) {
      throw new Error(`1Shot1 cell: node ${n} needs ${SHOT1_SPACE2_PARENTS[n]} distinct parents among 0..${n - 1}, got ${JSON.stringify(p)}`);
    }
    return Object.freeze(sorted);
  });
  return Object.freeze({ ops: Object.freeze([...ops] as Nb101Op[]), parents: Object.freeze(ps) });
}

/** Text form, e.g. `c3-c1-mp-c3|2:0|3:0,1|4:1,2|5:1,3,4` (ops of blocks 1..4, then parents of nodes 2..5). */
export function formatShot1(c: Shot1Cell): string {
  return [c.ops.map((o) => SHORT[o]).join('-'), ...c.parents.slice(2).map((p, i) => `${i + 2}:${p.join(',')}`)].join('|');
}

/** Parse `formatShot1`'s text. @throws naming the text. */
export function parseShot1(s: string): Shot1Cell {
  const parts = typeof s === 'string' ? s.split('|') : [];
  const bad = (why: string): Error => new Error(`not a 1Shot1 space-2 cell '${String(s)}' (${why}; expected e.g. c3-c1-mp-c3|2:0|3:0,1|4:1,2|5:1,3,4)`);
  if (parts.length !== SHOT1_NODES - 1) throw bad('5 parts separated by |');
  const ops = parts[0]!.split('-').map((c) => {
    const o = FROM_SHORT.get(c);
    if (!o) throw bad(`unknown op code '${c}'`);
    return o;
  });
  const parents: number[][] = [[], [0]];
  parts.slice(1).forEach((p, i) => {
    const [node, list] = p.split(':');
    if (Number(node) !== i + 2 || list === undefined) throw bad(`part ${i + 2} must start with '${i + 2}:'`);
    parents.push(list.split(',').map(Number));
  });
  try {
    return shot1Cell(ops, parents);
  } catch (e) {
    throw bad((e as Error).message);
  }
}

/** Nodes that feed the output through parent edges (the output included, the input excluded). */
export function shot1Ancestors(parents: readonly (readonly number[])[]): Set<number> {
  const seen = new Set<number>();
  const visit = (n: number): void => {
    if (n === 0 || seen.has(n)) return;
    seen.add(n);
    for (const p of parents[n] ?? []) visit(p);
  };
  visit(SHOT1_OUTPUT);
  return seen;
}

/**
 * The 6×6 edge matrix the space builds from parent lists (any counts, as during a search): the
 * parent edges of every node that feeds the output; other nodes get no edges.
 */
export function shot1Matrix(parents: readonly (readonly number[])[]): number[][] {
  const m = Array.from({ length: SHOT1_NODES }, () => new Array<number>(SHOT1_NODES).fill(0));
  for (const n of shot1Ancestors(parents)) for (const p of parents[n]!) m[p]![n] = 1;
  return m;
}

/** The 7-vertex NB101 cell (unused conv1x1 vertex at 5), pruned by NB101's rules. */
export function shot1ToNb101(c: Shot1Cell): Nb101Spec {
  const m6 = shot1Matrix(c.parents);
  const at = (i: number): number => (i < SHOT1_OUTPUT ? i : i + 1);
  const m7 = Array.from({ length: 7 }, () => new Array<number>(7).fill(0));
  m6.forEach((row, i) => row.forEach((v, j) => (m7[at(i)]![at(j)] = v)));
  return nb101Spec(m7, ['input', ...c.ops, 'conv1x1-bn-relu', 'output']);
}

/** Every encoding of the space (3^4 op choices × 2·3·6·10 parent sets = 29,160). */
export function allShot1Cells(): Shot1Cell[] {
  const combos = (n: number, k: number): number[][] => {
    const out: number[][] = [];
    const rec = (start: number, acc: number[]): void => {
      if (acc.length === k) return void out.push([...acc]);
      for (let i = start; i < n; i++) rec(i + 1, [...acc, i]);
    };
    rec(0, []);
    return out;
  };
  const cells: Shot1Cell[] = [];
  for (const p2 of combos(2, 1)) for (const p3 of combos(3, 2)) for (const p4 of combos(4, 2)) for (const p5 of combos(5, 3)) {
    for (let k = 0; k < 81; k++) {
      const ops = [0, 1, 2, 3].map((b) => SHOT1_OPS[Math.floor(k / 3 ** b) % 3]!);
      cells.push(shot1Cell(ops, [[], [0], p2, p3, p4, p5]));
    }
  }
  return cells;
}
