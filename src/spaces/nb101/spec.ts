/**
 * NAS-Bench-101 cell specs (docs/papers.md §1.2; google-research/nasbench `lib/model_spec.py`, `api.py`).
 *
 * A cell is a DAG of V ≤ 7 vertices given by a V×V 0/1 adjacency matrix (edge i→j iff
 * matrix[i][j] = 1, only i < j allowed: strictly upper-triangular, hence acyclic) and one label
 * per vertex: vertex 0 is `input`, vertex V−1 is `output`, the others are one of
 * `conv3x3-bn-relu`, `conv1x1-bn-relu`, `maxpool3x3`.
 *
 * Validity follows NB101's `ModelSpec` + `NASBench.is_valid`: the raw matrix must be square,
 * 0/1, strictly upper-triangular, with as many labels as vertices; vertices that are not on some
 * input→output path are pruned (rows/columns deleted, order kept); the pruned graph must still
 * connect input to output, and have at most 7 vertices and at most 9 edges (edges are counted
 * after pruning, as `is_valid` does).
 *
 * `Nb101Spec` is always the pruned, validated form; build one with `nb101Spec`.
 */

/** Interior vertex ops in NB101's canonical order (`config['available_ops']`; hash labels 0, 1, 2). */
export const NB101_OPS = Object.freeze(['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const);
/** One interior-vertex op. */
export type Nb101Op = (typeof NB101_OPS)[number];
/** A vertex label: `input`, an op, or `output`. */
export type Nb101Label = 'input' | Nb101Op | 'output';

export const NB101_INPUT = 'input';
export const NB101_OUTPUT = 'output';
/** Largest number of vertices (input and output included). */
export const NB101_MAX_VERTICES = 7;
/** Largest number of edges of a pruned cell. */
export const NB101_MAX_EDGES = 9;

declare const nb101Brand: unique symbol;

/** A 0/1 adjacency matrix (rows are sources, columns destinations). */
export type Nb101Matrix = readonly (readonly (0 | 1)[])[];

/** A validated, pruned NB101 cell: frozen matrix and labels (`ops[0]` input, last output). */
export interface Nb101Spec {
  readonly matrix: Nb101Matrix;
  readonly ops: readonly Nb101Label[];
  readonly [nb101Brand]: true;
}

/** An unvalidated cell as found in files: any numbers, any strings. */
export interface Nb101Raw {
  readonly matrix: readonly (readonly number[])[];
  readonly ops: readonly string[];
}

/** True when `x` is one of `NB101_OPS`. */
export function isNb101Op(x: unknown): x is Nb101Op {
  return typeof x === 'string' && (NB101_OPS as readonly string[]).includes(x);
}

/** Number of vertices of a spec (input and output included). */
export function numVertices(spec: Pick<Nb101Spec, 'ops'>): number {
  return spec.ops.length;
}

/** Number of edges (ones in the matrix). */
export function numEdges(matrix: readonly (readonly number[])[]): number {
  let e = 0;
  for (const row of matrix) for (const v of row) e += v !== 0 ? 1 : 0;
  return e;
}

/**
 * Structural checks on a raw cell that do not depend on pruning: square 0/1 matrix of 2..7
 * vertices, zero on and below the diagonal (anything below would allow a cycle), one label per
 * vertex, `input` first, `output` last, known ops in between. Returns the problem or undefined.
 */
export function nb101StructureError(raw: Nb101Raw): string | undefined {
  const { matrix, ops } = raw;
  if (!Array.isArray(matrix)) return 'matrix is not an array';
  const n = matrix.length;
  for (let i = 0; i < n; i++) {
    const row = matrix[i];
    if (!Array.isArray(row) || row.length !== n) {
      return `matrix must be square: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${n}`;
    }
  }
  if (n < 2) return `a cell needs at least the input and output vertices, got ${n} vertices`;
  if (n > NB101_MAX_VERTICES) return `too many vertices: ${n} > ${NB101_MAX_VERTICES}`;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i]![j];
      if (v !== 0 && v !== 1) return `matrix entry [${i}][${j}] is ${JSON.stringify(v)}, expected 0 or 1`;
      if (j <= i && v !== 0) {
        return i === j
          ? `matrix is not strictly upper-triangular: self-loop at vertex ${i}`
          : `matrix is not upper-triangular: edge ${i}→${j} goes backwards (would allow a cycle)`;
      }
    }
  }
  if (!Array.isArray(ops)) return 'ops is not an array';
  if (ops.length !== n) return `ops has ${ops.length} labels but the matrix has ${n} vertices`;
  if (ops[0] !== NB101_INPUT) return `first vertex must be '${NB101_INPUT}', got ${JSON.stringify(ops[0])}`;
  if (ops[n - 1] !== NB101_OUTPUT) return `last vertex must be '${NB101_OUTPUT}', got ${JSON.stringify(ops[n - 1])}`;
  for (let v = 1; v < n - 1; v++) {
    if (!isNb101Op(ops[v])) return `unknown op ${JSON.stringify(ops[v])} at vertex ${v} (expected one of ${NB101_OPS.join(', ')})`;
  }
  return undefined;
}

/**
 * Vertices on some input→output path: reachable from vertex 0 along edges and reaching vertex
 * V−1 (NB101 `ModelSpec._prune`: DFS forward from input ∩ DFS backward from output).
 * Assumes a structurally valid matrix.
 */
export function nb101KeptVertices(matrix: readonly (readonly number[])[]): number[] {
  const n = matrix.length;
  const fromInput = new Array<boolean>(n).fill(false);
  const toOutput = new Array<boolean>(n).fill(false);
  fromInput[0] = true;
  for (let i = 0; i < n; i++) {
    if (!fromInput[i]) continue;
    for (let j = i + 1; j < n; j++) if (matrix[i]![j]) fromInput[j] = true;
  }
  toOutput[n - 1] = true;
  for (let j = n - 1; j >= 0; j--) {
    if (!toOutput[j]) continue;
    for (let i = 0; i < j; i++) if (matrix[i]![j]) toOutput[i] = true;
  }
  const kept: number[] = [];
  for (let v = 0; v < n; v++) if (fromInput[v] && toOutput[v]) kept.push(v);
  return kept;
}

/** Outcome of checking a raw cell. */
export type Nb101Check = { readonly ok: true; readonly spec: Nb101Spec } | { readonly ok: false; readonly error: string };

/**
 * Validate and prune a raw cell (see the module comment for the rules), without throwing.
 */
export function checkNb101(raw: Nb101Raw): Nb101Check {
  const structure = nb101StructureError(raw);
  if (structure !== undefined) return { ok: false, error: structure };
  const kept = nb101KeptVertices(raw.matrix);
  const n = raw.matrix.length;
  if (kept.length < 2 || kept[0] !== 0 || kept[kept.length - 1] !== n - 1) {
    return { ok: false, error: 'output is not reachable from input (no input→output path)' };
  }
  const matrix = Object.freeze(kept.map((i) => Object.freeze(kept.map((j) => (raw.matrix[i]![j] ? 1 : 0) as 0 | 1))));
  const edges = numEdges(matrix);
  if (edges > NB101_MAX_EDGES) {
    return { ok: false, error: `too many edges: ${edges} > ${NB101_MAX_EDGES} (after pruning to ${kept.length} vertices)` };
  }
  const ops = Object.freeze(kept.map((v) => raw.ops[v] as Nb101Label));
  return { ok: true, spec: Object.freeze({ matrix, ops }) as unknown as Nb101Spec };
}

/**
 * A validated, pruned spec from a raw matrix and labels.
 * @throws Error naming the problem (shape, cycle, unknown op, input/output labels, > 7 vertices,
 *   > 9 edges after pruning, output unreachable).
 */
export function nb101Spec(matrix: readonly (readonly number[])[], ops: readonly string[]): Nb101Spec {
  const r = checkNb101({ matrix, ops });
  if (!r.ok) throw new Error(`invalid NB101 spec: ${r.error}`);
  return r.spec;
}

/** True when a raw cell is a valid NB101 cell (after pruning). */
export function isValidNb101(raw: Nb101Raw): boolean {
  return checkNb101(raw).ok;
}

/** True when two specs have identical (pruned) matrices and labels; not an isomorphism test (see `nb101Hash`). */
export function sameNb101Spec(a: Nb101Spec, b: Nb101Spec): boolean {
  return (
    a.ops.length === b.ops.length &&
    a.ops.every((op, i) => op === b.ops[i]) &&
    a.matrix.every((row, i) => row.every((v, j) => v === b.matrix[i]![j]))
  );
}

// ---------------------------------------------------------------------------------------------
// Text forms

/** Short op codes of the compact text form. */
const SHORT: Readonly<Record<Nb101Label, string>> = Object.freeze({
  input: 'in',
  'conv3x3-bn-relu': 'c3',
  'conv1x1-bn-relu': 'c1',
  maxpool3x3: 'mp',
  output: 'out',
});
const FROM_SHORT: ReadonlyMap<string, Nb101Label> = new Map(Object.entries(SHORT).map(([k, v]) => [v, k as Nb101Label]));

/**
 * Compact text form (no commas, safe in CSV cells): matrix rows as bit strings joined by `.`,
 * then `:`, then the labels as short codes (in, c3, c1, mp, out) joined by `-`, e.g.
 * `0110.0001.0001.0000:in-c3-mp-out`.
 */
export function formatNb101(spec: Nb101Spec): string {
  return `${spec.matrix.map((r) => r.join('')).join('.')}:${spec.ops.map((o) => SHORT[o]).join('-')}`;
}

/** JSON form `{"matrix": [[...]], "ops": [...]}` as the NB101 API and the 1Shot1 files write it. */
export function nb101ToJson(spec: Nb101Spec): { matrix: number[][]; ops: string[] } {
  return { matrix: spec.matrix.map((r) => [...r]), ops: [...spec.ops] };
}

/** A spec from a parsed `{matrix, ops}` object (1Shot1 JSONL rows, NB101 API dumps). */
export function nb101FromJson(obj: unknown): Nb101Spec {
  if (obj === null || typeof obj !== 'object') throw new Error(`NB101 spec JSON must be an object with 'matrix' and 'ops', got ${JSON.stringify(obj)}`);
  const o = obj as Record<string, unknown>;
  if (!Array.isArray(o.matrix)) throw new Error(`NB101 spec JSON: 'matrix' missing or not an array`);
  if (!Array.isArray(o.ops)) throw new Error(`NB101 spec JSON: 'ops' missing or not an array`);
  return nb101Spec(o.matrix as number[][], o.ops as string[]);
}

/**
 * NASLib's op codes (`naslib/search_spaces/nasbench101/conversions.py`, `all_ops`):
 * 0 input, 1 output, 2 maxpool3x3, 3 conv1x1-bn-relu, 4 conv3x3-bn-relu.
 */
export const NASLIB_NB101_OPS: readonly Nb101Label[] = Object.freeze([
  'input',
  'output',
  'maxpool3x3',
  'conv1x1-bn-relu',
  'conv3x3-bn-relu',
] as const);

/**
 * The raw cell of a NASLib key: a tuple of n·n matrix entries (row-major) then n op codes
 * (`convert_spec_to_tuple`), as a number array or its Python text `(0, 1, ..., 1)`. NASLib's
 * 7-vertex keys are un-pruned matrices.
 */
export function naslibNb101Raw(key: string | readonly number[]): Nb101Raw {
  const text = typeof key === 'string' ? key : JSON.stringify(key);
  let values: number[];
  if (typeof key === 'string') {
    const m = /^\s*\(\s*(.*?)\s*,?\s*\)\s*$/s.exec(key);
    if (m === null) throw new Error(`invalid NASLib NB101 key ${JSON.stringify(key)}: expected '(a, b, ...)'`);
    values = m[1]!.split(',').map((s) => s.trim()).map((s) => (/^-?\d+$/.test(s) ? Number(s) : NaN));
  } else values = [...key];
  // l = n² + n
  const l = values.length;
  const n = Math.round((-1 + Math.sqrt(1 + 4 * l)) / 2);
  if (n * n + n !== l) throw new Error(`invalid NASLib NB101 key ${text}: length ${l} is not n²+n`);
  values.forEach((v, i) => {
    if (!Number.isInteger(v)) throw new Error(`invalid NASLib NB101 key ${text}: entry ${i} is not an integer`);
  });
  const matrix = Array.from({ length: n }, (_, i) => values.slice(i * n, (i + 1) * n));
  const ops = values.slice(n * n).map((c, v) => {
    const op = NASLIB_NB101_OPS[c];
    if (op === undefined) throw new Error(`invalid NASLib NB101 key ${text}: op code ${c} at vertex ${v} is not in 0..4`);
    return op;
  });
  return { matrix, ops };
}

/** A validated, pruned spec from a NASLib key (see `naslibNb101Raw`). */
export function fromNaslibNb101Key(key: string | readonly number[]): Nb101Spec {
  const raw = naslibNb101Raw(key);
  const r = checkNb101(raw);
  if (!r.ok) throw new Error(`invalid NB101 spec in NASLib key ${typeof key === 'string' ? key : JSON.stringify(key)}: ${r.error}`);
  return r.spec;
}

/** NASLib key text `(m00, m01, ..., op0, ..., op_{n-1})` of a spec (its pruned matrix, so n may be < 7). */
export function toNaslibNb101Key(spec: Nb101Spec): string {
  const codes = spec.ops.map((o) => NASLIB_NB101_OPS.indexOf(o));
  return `(${[...spec.matrix.flat(), ...codes].join(', ')})`;
}

/**
 * Parse any of the text forms: compact (`formatNb101`), JSON `{"matrix":…, "ops":…}`, or a
 * NASLib tuple `(0, 1, …)`. The result is validated and pruned.
 * @throws Error naming the input and the problem.
 */
export function parseNb101(s: string): Nb101Spec {
  if (typeof s !== 'string') throw new Error(`NB101 spec text must be a string, got ${typeof s}`);
  const t = s.trim();
  const fail = (why: string): never => {
    throw new Error(`invalid NB101 spec ${JSON.stringify(s)}: ${why}`);
  };
  if (t.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(t);
    } catch (e) {
      return fail(`bad JSON (${(e as Error).message})`);
    }
    try {
      return nb101FromJson(obj);
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  if (t.startsWith('(')) {
    try {
      return fromNaslibNb101Key(t);
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  const m = /^([01.]+):([a-z0-9-]+)$/.exec(t);
  if (m === null) return fail("expected 'rows:ops' (e.g. '011.001.000:in-c3-out'), JSON {matrix, ops} or a NASLib tuple");
  const rows = m[1]!.split('.');
  const matrix = rows.map((r) => [...r].map(Number));
  const ops = m[2]!.split('-').map((c, v) => FROM_SHORT.get(c) ?? fail(`unknown op code '${c}' at vertex ${v} (expected in, c3, c1, mp, out)`));
  const r = checkNb101({ matrix, ops });
  if (!r.ok) return fail(r.error);
  return r.spec;
}
