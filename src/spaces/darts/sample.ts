/**
 * Random DARTS genotypes, NAS-Bench-301 style (NASLib `NasBench301SearchSpace.
 * sample_random_architecture`): for each cell and each intermediate node j = 2..5, two distinct
 * inputs drawn uniformly from 0..j−1 and two ops drawn uniformly (with replacement) from the 7
 * non-`none` ops; concat [2, 3, 4, 5]. Draws come from our seeded Rng (not NASLib's stream).
 */
import type { Rng } from '../../engine/rng';
import { DARTS_CELL_OPS, DARTS_EDGES_PER_NODE, DARTS_STEPS, dartsGenotype, type DartsOp, type Genotype } from './genotype';

export interface SampleOptions {
  /** Ops to draw from (default: the 7 non-`none` ops). */
  readonly ops?: readonly DartsOp[];
}

function sampleCell(rng: Rng, ops: readonly DartsOp[]): [DartsOp, number][] {
  const edges: [DartsOp, number][] = [];
  for (let j = 0; j < DARTS_STEPS; j++) {
    const inputs = rng.sampleWithoutReplacement(j + 2, DARTS_EDGES_PER_NODE);
    for (const input of inputs) edges.push([ops[rng.int(ops.length)]!, input]);
  }
  return edges;
}

/** One random genotype (normal cell drawn first, then the reduction cell). */
export function sampleGenotype(rng: Rng, opts: SampleOptions = {}): Genotype {
  const ops = opts.ops ?? DARTS_CELL_OPS;
  if (ops.length === 0) throw new Error('sampleGenotype: the op list is empty');
  const normal = sampleCell(rng, ops);
  const reduce = sampleCell(rng, ops);
  return dartsGenotype({ normal, reduce });
}

/** `n` random genotypes from one generator. */
export function sampleGenotypes(rng: Rng, n: number, opts: SampleOptions = {}): Genotype[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`sampleGenotypes: n must be a non-negative integer, got ${n}`);
  return Array.from({ length: n }, () => sampleGenotype(rng, opts));
}
