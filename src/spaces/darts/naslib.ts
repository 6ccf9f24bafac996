/**
 * NASLib's "compact" encoding of DARTS / NAS-Bench-301 genotypes (NASLib
 * `naslib/search_spaces/nasbench301/conversions.py`, `convert_genotype_to_compact` /
 * `convert_compact_to_genotype`; also Li & Talwalkar and BANANAS):
 *
 *   compact = (normal, reduce), each 8 pairs (input, op_index) in DARTS pair order,
 *   op_index into ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3',
 *                  'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'],
 *   concat lists implicitly [2, 3, 4, 5].
 *
 * Note the pair order is (input, op), the reverse of the genotype's (op, input). NASLib's
 * zero-cost table `zc_nasbench301.json` keys its architectures by `str(compact)` of lists,
 * `[[(0, 0), (1, 5), ...], [(1, 0), ...]]`, which `formatNaslibCompact` reproduces exactly.
 */
import { DARTS_CELL_EDGES, DARTS_DEFAULT_CONCAT, dartsGenotype, type DartsOp, type Genotype } from './genotype';

/** NASLib's op order of the compact encoding (no `none`). */
export const NASLIB_DARTS_OPS: readonly Exclude<DartsOp, 'none'>[] = Object.freeze([
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const);

/** One cell of the compact encoding: 8 pairs (input, op index). */
export type NaslibCompactCell = readonly (readonly [number, number])[];
/** The compact encoding: [normal, reduce]. */
export type NaslibCompact = readonly [NaslibCompactCell, NaslibCompactCell];

/**
 * Genotype from NASLib's compact encoding.
 * @throws if a cell does not have 8 pairs, an op index is outside 0..6, or the genotype is invalid.
 */
export function fromNaslibCompact(compact: NaslibCompact): Genotype {
  if (!Array.isArray(compact) || compact.length !== 2) {
    throw new Error(`NASLib DARTS compact: expected [normal, reduce], got ${JSON.stringify(compact)}`);
  }
  const cell = (c: NaslibCompactCell, name: string): [string, number][] => {
    if (!Array.isArray(c) || c.length !== DARTS_CELL_EDGES) {
      throw new Error(`NASLib DARTS compact: ${name} cell needs ${DARTS_CELL_EDGES} (input, op) pairs, got ${JSON.stringify(c)}`);
    }
    return c.map((p, i) => {
      if (!Array.isArray(p) || p.length !== 2) throw new Error(`NASLib DARTS compact: ${name} pair ${i} is not an (input, op) pair: ${JSON.stringify(p)}`);
      const [input, opIndex] = p;
      const op = NASLIB_DARTS_OPS[opIndex as number];
      if (!Number.isInteger(opIndex) || op === undefined) {
        throw new Error(`NASLib DARTS compact: ${name} pair ${i} has op index ${JSON.stringify(opIndex)}, expected 0..${NASLIB_DARTS_OPS.length - 1}`);
      }
      return [op, input as number];
    });
  };
  return dartsGenotype({
    normal: cell(compact[0], 'normal'),
    reduce: cell(compact[1], 'reduce'),
    normalConcat: DARTS_DEFAULT_CONCAT,
    reduceConcat: DARTS_DEFAULT_CONCAT,
  });
}

/**
 * NASLib compact encoding of a genotype.
 * @throws for a `none` op or a concat list other than [2, 3, 4, 5] (not representable).
 */
export function toNaslibCompact(g: Genotype): NaslibCompact {
  for (const [name, c] of [['normal', g.normalConcat], ['reduce', g.reduceConcat]] as const) {
    if (c.length !== 4 || c.some((v, i) => v !== DARTS_DEFAULT_CONCAT[i])) {
      throw new Error(`toNaslibCompact: ${name}_concat ${JSON.stringify(c)} is not [2, 3, 4, 5]`);
    }
  }
  const cell = (edges: Genotype['normal'], name: string): NaslibCompactCell =>
    Object.freeze(
      edges.map((e, i) => {
        const idx = (NASLIB_DARTS_OPS as readonly string[]).indexOf(e.op);
        if (idx < 0) throw new Error(`toNaslibCompact: op '${e.op}' of ${name} pair ${i} has no NASLib index`);
        return Object.freeze([e.input, idx] as const);
      }),
    );
  return Object.freeze([cell(g.normal, 'normal'), cell(g.reduce, 'reduce')] as const);
}

/** `str()` of the compact encoding as NASLib writes it: `[[(0, 0), (1, 5), ...], [...]]`. */
export function formatNaslibCompact(g: Genotype): string {
  const c = toNaslibCompact(g);
  return `[${c.map((cell) => `[${cell.map(([i, o]) => `(${i}, ${o})`).join(', ')}]`).join(', ')}]`;
}

/**
 * Parse NASLib's compact string (lists or tuples, any spacing), e.g. a `zc_nasbench301.json` key.
 * @throws naming the string when it is not two lists of 8 (input, op) integer pairs.
 */
export function parseNaslibCompact(s: string): Genotype {
  const fail = (why: string): never => {
    throw new Error(`invalid NASLib DARTS compact string ${JSON.stringify(s)}: ${why}`);
  };
  if (typeof s !== 'string') fail('not a string');
  const compact = s.replace(/\s+/g, '');
  const outer = /^[[(](.*)[\])]$/.exec(compact);
  if (!outer) fail('expected [[...], [...]]');
  const cells = [...outer![1]!.matchAll(/[[(]((?:\(-?\d+,-?\d+\),?)*)[\])]/g)];
  const rebuilt = cells.map((m) => m[0]).join(',');
  if (cells.length !== 2 || rebuilt !== outer![1]!.replace(/,$/, '')) fail('expected exactly two lists of (input, op) pairs');
  const parsed = cells.map((m) => [...m[1]!.matchAll(/\((-?\d+),(-?\d+)\)/g)].map((p) => [Number(p[1]), Number(p[2])] as const));
  try {
    return fromNaslibCompact([parsed[0]!, parsed[1]!]);
  } catch (e) {
    return fail((e as Error).message);
  }
}
