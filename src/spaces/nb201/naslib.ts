/**
 * NASLib NB201 op-index encoding (`naslib_op_indices`, 6 digits), see data/README.md.
 *
 * NASLib op indices: 0 skip_connect, 1 none, 2 nor_conv_3x3, 3 nor_conv_1x1, 4 avg_pool_3x3.
 * Digit positions are edges 0→1, 0→2, 0→3, 1→2, 1→3, 2→3, so digits `(e0..e5)` ↔
 * `|e0~0|+|e1~0|e3~1|+|e2~0|e4~1|e5~2|`. Example: official index 0 ↔ `"433000"`.
 */
import { nb201Arch, type Nb201Arch, type Nb201Op } from './arch';

/** NASLib `OP_NAMES_NB201` order. */
export const NASLIB_NB201_OPS: readonly Nb201Op[] = Object.freeze([
  'skip_connect',
  'none',
  'nor_conv_3x3',
  'nor_conv_1x1',
  'avg_pool_3x3',
] as const);

/** `NASLIB_TO_STRING_EDGE[p]` = our (string-order) edge index of NASLib digit position p. */
export const NASLIB_TO_STRING_EDGE: readonly number[] = Object.freeze([0, 1, 3, 2, 4, 5]);

/**
 * Architecture from a NASLib 6-digit op-index string such as `"433000"`.
 * @throws if the string is not exactly 6 digits in 0..4.
 */
export function fromNaslibIndices(s: string): Nb201Arch {
  if (typeof s !== 'string' || !/^[0-4]{6}$/.test(s)) {
    throw new Error(`invalid NASLib NB201 op indices ${JSON.stringify(s)}: expected 6 digits in 0..4`);
  }
  const ops = new Array<Nb201Op>(6);
  for (let p = 0; p < 6; p++) ops[NASLIB_TO_STRING_EDGE[p]!] = NASLIB_NB201_OPS[Number(s[p])]!;
  return nb201Arch(ops);
}

/** NASLib 6-digit op-index string of an architecture. */
export function toNaslibIndices(arch: Nb201Arch): string {
  let out = '';
  for (let p = 0; p < 6; p++) {
    const op = arch[NASLIB_TO_STRING_EDGE[p]!]!;
    const i = NASLIB_NB201_OPS.indexOf(op);
    if (i < 0) throw new Error(`toNaslibIndices: unknown op '${String(op)}'`);
    out += String(i);
  }
  return out;
}
