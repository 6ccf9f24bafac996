/**
 * DARTS cell genotypes (Liu, Simonyan, Yang, ICLR 2019; quark0/darts `cnn/genotypes.py`), the
 * search space of NAS-Bench-301.
 *
 * A genotype has a normal and a reduction cell. Each cell has inputs 0 (= output of cell k−2) and
 * 1 (= cell k−1) and 4 intermediate nodes 2..5; node j = op_a(state[i_a]) + op_b(state[i_b]) with
 * i_a, i_b ∈ 0..j−1, so a cell is 8 (op, input) pairs, two per node in node order. The cell output
 * concatenates the states listed in `concat` along channels (always `range(2, 6)` = [2, 3, 4, 5]
 * in DARTS and NAS-Bench-301; any strictly increasing non-empty subset of 0..5 is accepted).
 *
 * String form, as DARTS prints it:
 *   Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))
 * `*_concat` may also be a list `[2, 3, 4, 5]`; arguments may be positional.
 */

/** Candidate operations in DARTS's `PRIMITIVES` order. */
export const DARTS_OPS = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;

/** One DARTS operation. */
export type DartsOp = (typeof DARTS_OPS)[number];

/** The 7 operations of discrete DARTS / NAS-Bench-301 cells (no `none`). */
export const DARTS_CELL_OPS: readonly Exclude<DartsOp, 'none'>[] = Object.freeze(DARTS_OPS.filter((o): o is Exclude<DartsOp, 'none'> => o !== 'none'));

/** Intermediate nodes per cell. */
export const DARTS_STEPS = 4;
/** (op, input) pairs per intermediate node. */
export const DARTS_EDGES_PER_NODE = 2;
/** (op, input) pairs per cell. */
export const DARTS_CELL_EDGES = DARTS_STEPS * DARTS_EDGES_PER_NODE;
/** States of a cell: inputs 0, 1 and intermediate nodes 2..5. */
export const DARTS_NUM_STATES = DARTS_STEPS + 2;
/** The concat list of every DARTS / NAS-Bench-301 cell. */
export const DARTS_DEFAULT_CONCAT: readonly number[] = Object.freeze([2, 3, 4, 5]);

/** One (op, input) pair. */
export interface DartsEdge {
  readonly op: DartsOp;
  /** State read by the op: 0, 1 (cell inputs) or an earlier intermediate node. */
  readonly input: number;
}

declare const cellBrand: unique symbol;
declare const genotypeBrand: unique symbol;

/** A validated cell: 8 frozen edges, edges 2j and 2j+1 feed node j+2. */
export type DartsCell = readonly DartsEdge[] & { readonly [cellBrand]: true };

/** A validated genotype (frozen). */
export interface Genotype {
  readonly normal: DartsCell;
  readonly normalConcat: readonly number[];
  readonly reduce: DartsCell;
  readonly reduceConcat: readonly number[];
  readonly [genotypeBrand]: true;
}

/** Which cell of a genotype. */
export type CellType = 'normal' | 'reduce';

/** An edge as DARTS writes it, `('op', input)`, or as an object. */
export type EdgeLike = readonly [string, number] | { readonly op: string; readonly input: number };

/** Input of `dartsGenotype`; concat lists default to [2, 3, 4, 5]. */
export interface GenotypeSpec {
  readonly normal: readonly EdgeLike[];
  readonly normalConcat?: readonly number[];
  readonly reduce: readonly EdgeLike[];
  readonly reduceConcat?: readonly number[];
}

const OP_SET: ReadonlySet<string> = new Set(DARTS_OPS);

/** True when `x` is a DARTS op name. */
export function isDartsOp(x: unknown): x is DartsOp {
  return typeof x === 'string' && OP_SET.has(x);
}

/** Intermediate node (2..5) fed by edge `e` of a cell. */
export function edgeNode(e: number): number {
  return Math.floor(e / DARTS_EDGES_PER_NODE) + 2;
}

function edgeParts(e: EdgeLike): [unknown, unknown] {
  if (Array.isArray(e)) return [e[0], e[1]];
  if (e !== null && typeof e === 'object') return [(e as { op?: unknown }).op, (e as { input?: unknown }).input];
  return [undefined, undefined];
}

function makeCell(edges: readonly EdgeLike[], cell: CellType): DartsCell {
  if (!Array.isArray(edges)) throw new Error(`DARTS genotype: ${cell} cell must be a list of (op, input) pairs, got ${JSON.stringify(edges)}`);
  if (edges.length !== DARTS_CELL_EDGES) {
    throw new Error(
      `DARTS genotype: ${cell} cell has ${edges.length} (op, input) pairs, expected ${DARTS_CELL_EDGES} ` +
        `(${DARTS_EDGES_PER_NODE} per intermediate node × ${DARTS_STEPS} nodes)`,
    );
  }
  const out = edges.map((e, i) => {
    const [op, input] = edgeParts(e);
    const node = edgeNode(i);
    const where = `${cell} cell pair ${i} (node ${node})`;
    if (!isDartsOp(op)) throw new Error(`DARTS genotype: unknown op ${JSON.stringify(op)} in ${where} (expected one of ${DARTS_OPS.join(', ')})`);
    if (typeof input !== 'number' || !Number.isInteger(input)) throw new Error(`DARTS genotype: input of ${where} must be an integer, got ${JSON.stringify(input)}`);
    if (input < 0 || input >= node) {
      throw new Error(`DARTS genotype: input index ${input} out of range in ${where}: node ${node} can read states 0..${node - 1}`);
    }
    return Object.freeze({ op, input });
  });
  return Object.freeze(out) as unknown as DartsCell;
}

function makeConcat(concat: readonly number[] | undefined, cell: CellType): readonly number[] {
  const c = concat ?? DARTS_DEFAULT_CONCAT;
  const name = `${cell}_concat`;
  if (!Array.isArray(c) || c.length === 0) throw new Error(`DARTS genotype: ${name} must be a non-empty list of states, got ${JSON.stringify(c)}`);
  c.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= DARTS_NUM_STATES) {
      throw new Error(`DARTS genotype: ${name} entry ${JSON.stringify(v)} out of range (states are 0..${DARTS_NUM_STATES - 1})`);
    }
    if (i > 0 && v <= c[i - 1]!) throw new Error(`DARTS genotype: ${name} ${JSON.stringify(c)} must be strictly increasing (no duplicates)`);
  });
  return Object.freeze([...c]);
}

/**
 * Validate and freeze a genotype.
 * @throws Error naming the cell, pair and problem: wrong number of pairs, unknown op, input index
 * out of range, bad concat list.
 */
export function dartsGenotype(spec: GenotypeSpec): Genotype {
  if (spec === null || typeof spec !== 'object') throw new Error(`DARTS genotype: expected an object, got ${JSON.stringify(spec)}`);
  return Object.freeze({
    normal: makeCell(spec.normal, 'normal'),
    normalConcat: makeConcat(spec.normalConcat, 'normal'),
    reduce: makeCell(spec.reduce, 'reduce'),
    reduceConcat: makeConcat(spec.reduceConcat, 'reduce'),
  }) as Genotype;
}

/** The cell and concat list of one cell type. */
export function cellOf(g: Genotype, type: CellType): { readonly edges: DartsCell; readonly concat: readonly number[] } {
  return type === 'normal' ? { edges: g.normal, concat: g.normalConcat } : { edges: g.reduce, concat: g.reduceConcat };
}

/** True when two genotypes have the same pairs in the same order and the same concat lists. */
export function sameGenotype(a: Genotype, b: Genotype): boolean {
  const sameCell = (x: DartsCell, y: DartsCell): boolean => x.every((e, i) => e.op === y[i]!.op && e.input === y[i]!.input);
  const sameList = (x: readonly number[], y: readonly number[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return sameCell(a.normal, b.normal) && sameCell(a.reduce, b.reduce) && sameList(a.normalConcat, b.normalConcat) && sameList(a.reduceConcat, b.reduceConcat);
}

// ---------------------------------------------------------------------------------------------
// String form

/** How `formatGenotype` writes concat lists: `[2, 3, 4, 5]` (genotypes.py) or `range(2, 6)` (printed). */
export type ConcatStyle = 'list' | 'range';

function formatConcat(c: readonly number[], style: ConcatStyle): string {
  const contiguous = c.every((v, i) => i === 0 || v === c[i - 1]! + 1);
  if (style === 'range' && contiguous) return `range(${c[0]}, ${c[c.length - 1]! + 1})`;
  return `[${c.join(', ')}]`;
}

function formatCell(cell: DartsCell): string {
  return `[${cell.map((e) => `('${e.op}', ${e.input})`).join(', ')}]`;
}

/** The genotype as DARTS writes it (`concat` as a list unless `style` is 'range'). */
export function formatGenotype(g: Genotype, style: ConcatStyle = 'list'): string {
  return (
    `Genotype(normal=${formatCell(g.normal)}, normal_concat=${formatConcat(g.normalConcat, style)}, ` +
    `reduce=${formatCell(g.reduce)}, reduce_concat=${formatConcat(g.reduceConcat, style)})`
  );
}

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'int'; value: number; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'punct'; text: string; pos: number }
  | { kind: 'end'; pos: number };

/** Tokens of a Python-literal subset: identifiers, integers, quoted strings, ( ) [ ] , = */
function tokenize(s: string, fail: (why: string, pos: number) => never): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(s.slice(i))!;
      out.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?[0-9]+/.exec(s.slice(i));
      if (!m) fail(`unexpected '${ch}'`, i);
      out.push({ kind: 'int', value: Number(m![0]), pos: i });
      i += m![0].length;
    } else if (ch === "'" || ch === '"') {
      const end = s.indexOf(ch, i + 1);
      if (end < 0) fail('unterminated string', i);
      out.push({ kind: 'str', value: s.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if ('()[],='.includes(ch)) {
      out.push({ kind: 'punct', text: ch, pos: i });
      i++;
    } else {
      fail(`unexpected character '${ch}'`, i);
    }
  }
  out.push({ kind: 'end', pos: s.length });
  return out;
}

const GENOTYPE_FIELDS = ['normal', 'normal_concat', 'reduce', 'reduce_concat'] as const;

/**
 * Parse the DARTS string form (see the module comment). Accepts keyword or positional arguments,
 * `range(a, b)` / `range(b)` / `[..]` / `(..)` concat lists, either quote style, trailing commas.
 * @throws Error for a malformed string (naming the position) or an invalid genotype.
 */
export function parseGenotype(s: string): Genotype {
  const fail = (why: string, pos?: number): never => {
    const at = pos === undefined ? '' : ` at position ${pos}`;
    throw new Error(`malformed DARTS genotype string ${JSON.stringify(typeof s === 'string' && s.length > 200 ? `${s.slice(0, 200)}…` : s)}: ${why}${at}`);
  };
  if (typeof s !== 'string') fail('not a string');
  const toks = tokenize(s, fail);
  let k = 0;
  const peek = (): Token => toks[k]!;
  const isPunct = (t: Token, p: string): boolean => t.kind === 'punct' && t.text === p;
  const expectPunct = (p: string, what: string): void => {
    const t = toks[k]!;
    if (!isPunct(t, p)) fail(`expected '${p}' ${what}`, t.pos);
    k++;
  };
  /** Comma-separated items until `close`, trailing comma allowed. */
  const list = <T>(close: string, item: () => T): T[] => {
    const items: T[] = [];
    while (!isPunct(peek(), close)) {
      items.push(item());
      if (isPunct(peek(), ',')) k++;
      else if (!isPunct(peek(), close)) fail(`expected ',' or '${close}'`, peek().pos);
    }
    k++;
    return items;
  };
  const int = (what: string): number => {
    const t = peek();
    if (t.kind !== 'int') fail(`expected an integer ${what}`, t.pos);
    k++;
    return (t as { value: number }).value;
  };
  const pair = (): [string, number] => {
    expectPunct('(', "to open an (op, input) pair");
    const t = peek();
    if (t.kind !== 'str') fail("expected a quoted op name such as 'sep_conv_3x3'", t.pos);
    k++;
    expectPunct(',', 'after the op name');
    const input = int('(input index)');
    if (isPunct(peek(), ',')) k++;
    expectPunct(')', 'to close the (op, input) pair');
    return [(t as { value: string }).value, input];
  };
  const cell = (): [string, number][] => {
    const t = peek();
    if (isPunct(t, '[')) {
      k++;
      return list(']', pair);
    }
    if (isPunct(t, '(')) {
      k++;
      return list(')', pair);
    }
    return fail("expected a list of (op, input) pairs", t.pos);
  };
  const concat = (): number[] => {
    const t = peek();
    if (t.kind === 'ident' && t.text === 'range') {
      k++;
      expectPunct('(', "after 'range'");
      const args = list(')', () => int('in range(...)'));
      if (args.length === 1) return Array.from({ length: Math.max(0, args[0]!) }, (_, i) => i);
      if (args.length === 2) return Array.from({ length: Math.max(0, args[1]! - args[0]!) }, (_, i) => args[0]! + i);
      return fail(`range() takes 1 or 2 arguments here, got ${args.length}`, t.pos);
    }
    if (isPunct(t, '[') || isPunct(t, '(')) {
      k++;
      return list(isPunct(t, '[') ? ']' : ')', () => int('in a concat list'));
    }
    return fail('expected a concat list: range(2, 6) or [2, 3, 4, 5]', t.pos);
  };

  const head = peek();
  if (head.kind !== 'ident' || !/(^|\.)Genotype$/.test(head.text)) fail("expected 'Genotype('", head.pos);
  k++;
  expectPunct('(', "after 'Genotype'");
  const values: Partial<Record<(typeof GENOTYPE_FIELDS)[number], unknown>> = {};
  let positional = 0;
  list(')', () => {
    const t = peek();
    const next = toks[k + 1]!;
    let field: (typeof GENOTYPE_FIELDS)[number];
    if (t.kind === 'ident' && isPunct(next, '=')) {
      if (!(GENOTYPE_FIELDS as readonly string[]).includes(t.text)) fail(`unknown Genotype field '${t.text}' (expected ${GENOTYPE_FIELDS.join(', ')})`, t.pos);
      field = t.text as (typeof GENOTYPE_FIELDS)[number];
      k += 2;
    } else {
      if (Object.keys(values).length > positional) fail('positional argument after keyword argument', t.pos);
      if (positional >= GENOTYPE_FIELDS.length) fail(`too many arguments (Genotype has ${GENOTYPE_FIELDS.length} fields)`, t.pos);
      field = GENOTYPE_FIELDS[positional++]!;
    }
    if (field in values) fail(`field '${field}' given twice`, t.pos);
    values[field] = field.endsWith('_concat') ? concat() : cell();
  });
  if (peek().kind !== 'end') fail('unexpected text after the closing parenthesis', peek().pos);
  for (const f of GENOTYPE_FIELDS) if (!(f in values)) fail(`missing field '${f}'`);
  try {
    return dartsGenotype({
      normal: values.normal as [string, number][],
      normalConcat: values.normal_concat as number[],
      reduce: values.reduce as [string, number][],
      reduceConcat: values.reduce_concat as number[],
    });
  } catch (e) {
    throw new Error(`invalid DARTS genotype string: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Published genotypes (quark0/darts `cnn/genotypes.py`)

/** DARTS (first order), CIFAR-10. */
export const DARTS_V1: Genotype = parseGenotype(
  "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])",
);

/** DARTS (second order), CIFAR-10: the paper's 2.76 % / 3.3M-parameter cell. */
export const DARTS_V2: Genotype = parseGenotype(
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])",
);
