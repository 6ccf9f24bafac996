/**
 * NAS-Bench-201 cell architectures: op names, edge order, string parsing/formatting and a
 * canonical integer code.
 *
 * An architecture is 6 ops in the official string edge order
 * `|e0~0|+|e1~0|e2~1|+|e3~0|e4~1|e5~2|`, i.e. edges 0→1, 0→2, 1→2, 0→3, 1→3, 2→3.
 *
 * The canonical code (`archCode`) reads the 6 ops as base-5 digits over `NB201_OPS`, edge 0
 * most significant. It is **not** the official NB201 benchmark index; use the benchmark
 * table (`src/benchmarks/nb201.ts`) to map between architectures and official indices.
 */

/** Native NB201 op list, in the benchmark's own order. */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;

/** One NB201 operation. */
export type Nb201Op = (typeof NB201_OPS)[number];

/** Number of cell edges. */
export const NB201_NUM_EDGES = 6;
/** Number of architectures in the space (5^6). */
export const NB201_SPACE_SIZE = 15625;

/** Cell edges in official string order. */
export const NB201_EDGES: readonly { readonly from: number; readonly to: number }[] = Object.freeze([
  Object.freeze({ from: 0, to: 1 }),
  Object.freeze({ from: 0, to: 2 }),
  Object.freeze({ from: 1, to: 2 }),
  Object.freeze({ from: 0, to: 3 }),
  Object.freeze({ from: 1, to: 3 }),
  Object.freeze({ from: 2, to: 3 }),
]);

declare const nb201Brand: unique symbol;

/** A validated NB201 architecture: a frozen 6-tuple of ops in official string edge order. */
export type Nb201Arch = readonly [Nb201Op, Nb201Op, Nb201Op, Nb201Op, Nb201Op, Nb201Op] & {
  readonly [nb201Brand]: true;
};

const OP_INDEX: ReadonlyMap<string, number> = new Map(NB201_OPS.map((op, i) => [op, i]));

/** True when `x` is a known NB201 op name. */
export function isNb201Op(x: unknown): x is Nb201Op {
  return typeof x === 'string' && OP_INDEX.has(x);
}

/** Index of `op` in `NB201_OPS`. */
export function nb201OpIndex(op: Nb201Op): number {
  const i = OP_INDEX.get(op);
  if (i === undefined) throw new Error(`unknown NB201 op '${String(op)}'`);
  return i;
}

/** True when `x` is an array of exactly 6 NB201 op names. */
export function isNb201Arch(x: unknown): x is Nb201Arch {
  return Array.isArray(x) && x.length === NB201_NUM_EDGES && x.every(isNb201Op);
}

/**
 * Make an architecture from 6 ops in official string edge order (copied and frozen).
 * @throws if the list does not hold exactly 6 known ops.
 */
export function nb201Arch(ops: readonly string[]): Nb201Arch {
  if (!Array.isArray(ops) || ops.length !== NB201_NUM_EDGES) {
    throw new Error(`NB201 arch needs exactly ${NB201_NUM_EDGES} ops, got ${JSON.stringify(ops)}`);
  }
  ops.forEach((op, e) => {
    if (!isNb201Op(op)) {
      throw new Error(`NB201 arch: unknown op '${op}' on edge ${e} (expected one of ${NB201_OPS.join(', ')})`);
    }
  });
  return Object.freeze([...ops]) as unknown as Nb201Arch;
}

/**
 * Parse the official string format `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
 * @throws Error naming the input and the problem (node/edge count, source index, unknown op).
 */
export function parseNb201(s: string): Nb201Arch {
  const fail = (why: string): never => {
    throw new Error(`invalid NB201 arch string ${JSON.stringify(s)}: ${why}`);
  };
  if (typeof s !== 'string') fail('not a string');
  const groups = s.split('+');
  if (groups.length !== 3) fail(`expected 3 node groups separated by '+', got ${groups.length}`);
  const ops: string[] = [];
  groups.forEach((g, gi) => {
    const node = gi + 1;
    if (g.length < 2 || !g.startsWith('|') || !g.endsWith('|')) {
      fail(`node ${node} group ${JSON.stringify(g)} must start and end with '|'`);
    }
    const tokens = g.slice(1, -1).split('|');
    if (tokens.length !== node) fail(`node ${node} must have ${node} incoming edge(s), got ${tokens.length} in ${JSON.stringify(g)}`);
    tokens.forEach((tok, k) => {
      const m = /^([^~|+]*)~(\d+)$/.exec(tok);
      if (m === null) fail(`edge token ${JSON.stringify(tok)} of node ${node} is not of the form 'op~k'`);
      const [, op, src] = m!;
      if (Number(src) !== k || src !== String(k)) {
        fail(`edge token ${JSON.stringify(tok)} of node ${node} has source index ~${src}, expected ~${k}`);
      }
      if (!isNb201Op(op)) fail(`unknown op '${op}' in edge token ${JSON.stringify(tok)} (expected one of ${NB201_OPS.join(', ')})`);
      ops.push(op!);
    });
  });
  return nb201Arch(ops);
}

/** Format an architecture as the official NB201 string. */
export function formatNb201(arch: Nb201Arch): string {
  const [a, b, c, d, e, f] = arch;
  return `|${a}~0|+|${b}~0|${c}~1|+|${d}~0|${e}~1|${f}~2|`;
}

/**
 * Canonical code 0..15624: base-5 digits over `NB201_OPS`, edge 0 most significant.
 * Not the official NB201 index.
 */
export function archCode(arch: Nb201Arch): number {
  let code = 0;
  for (let e = 0; e < NB201_NUM_EDGES; e++) code = code * 5 + nb201OpIndex(arch[e]!);
  return code;
}

/** Inverse of `archCode`. @throws for a non-integer or out-of-range code. */
export function archFromCode(code: number): Nb201Arch {
  if (!Number.isInteger(code) || code < 0 || code >= NB201_SPACE_SIZE) {
    throw new Error(`NB201 arch code must be an integer in 0..${NB201_SPACE_SIZE - 1}, got ${code}`);
  }
  const ops: Nb201Op[] = new Array<Nb201Op>(NB201_NUM_EDGES);
  let c = code;
  for (let e = NB201_NUM_EDGES - 1; e >= 0; e--) {
    ops[e] = NB201_OPS[c % 5]!;
    c = Math.floor(c / 5);
  }
  return nb201Arch(ops);
}

/**
 * All 15,625 architectures in canonical code order (0, 1, …). This is **not** the official
 * NB201 index order.
 */
export function* enumerateNb201(): Generator<Nb201Arch, void, undefined> {
  for (let code = 0; code < NB201_SPACE_SIZE; code++) yield archFromCode(code);
}

/** Number of convolution ops (`nor_conv_1x1` or `nor_conv_3x3`) in the cell. */
export function convOpCount(arch: Nb201Arch): number {
  return arch.filter((op) => op === 'nor_conv_1x1' || op === 'nor_conv_3x3').length;
}

/** True when two architectures have the same ops on every edge. */
export function sameNb201Arch(a: Nb201Arch, b: Nb201Arch): boolean {
  return a.every((op, e) => op === b[e]);
}
