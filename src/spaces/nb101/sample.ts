/**
 * Random valid NB101 cells as NB101's own `random_spec` draws them (NASBench.ipynb; also
 * NASLib's `sample_random_architecture`): every strictly-upper-triangular entry of a 7×7 matrix
 * is Bernoulli(½), every interior vertex gets a uniform op, and the draw is repeated until the
 * pruned cell is valid (input reaches output, ≤ 9 edges). The distribution over *unique* cells is
 * therefore not uniform (cells with many isomorphic or prunable encodings are likelier).
 */
import type { Rng } from '../../engine/rng';
import { checkNb101, NB101_INPUT, NB101_MAX_VERTICES, NB101_OPS, NB101_OUTPUT, type Nb101Spec } from './spec';

/** Give up after this many rejected draws (a valid cell is found in ~3 draws on average). */
const MAX_TRIES = 100_000;

/** One random valid spec (pruned). */
export function sampleNb101(rng: Rng): Nb101Spec {
  const n = NB101_MAX_VERTICES;
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i ? rng.int(2) : 0)));
    const ops: string[] = [NB101_INPUT];
    for (let v = 1; v < n - 1; v++) ops.push(NB101_OPS[rng.int(NB101_OPS.length)]!);
    ops.push(NB101_OUTPUT);
    const r = checkNb101({ matrix, ops });
    if (r.ok) return r.spec;
  }
  throw new Error(`sampleNb101: no valid cell in ${MAX_TRIES} draws`);
}

/** `count` random valid specs from one generator (duplicates and isomorphic cells possible). */
export function sampleNb101Many(rng: Rng, count: number): Nb101Spec[] {
  if (!(Number.isInteger(count) && count >= 0)) throw new Error(`sampleNb101Many: count must be a non-negative integer, got ${count}`);
  return Array.from({ length: count }, () => sampleNb101(rng));
}
