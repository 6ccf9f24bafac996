/**
 * NASWOT random-N search (Mellor et al., ICML 2021, Alg. 1; BayesWatch `search.py`): draw N
 * architectures uniformly **with replacement**, score each untrained, return the argmax.
 * `np.nanargmax` semantics: NaN never wins; −∞ (singular kernel) only beats NaN.
 * Drawing from a score pool that is itself a uniform sample of the space is equivalent to drawing
 * from the space, up to the pool's sampling error.
 */
import type { Rng } from '../engine/rng';
import type { ScorePool } from './scorePool';

export interface RandomNResult {
  /** Official index of the chosen architecture. */
  readonly chosen: number;
  readonly score: number;
  /** Positions in the pool that were drawn, in draw order. */
  readonly drawn: readonly number[];
  /** Seconds the N scorings took on the machine that wrote the pool. */
  readonly seconds: number;
}

/** Position of the largest non-NaN value (first on ties); −1 when all are NaN. */
export function nanArgmax(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (best < 0 || v > values[best]) best = i;
  }
  return best;
}

/** One NASWOT random-N run. */
export function randomN(pool: ScorePool, n: number, rng: Rng): RandomNResult {
  if (!Number.isInteger(n) || n < 1) throw new Error(`random-N: N must be a positive integer, got ${n}`);
  const size = pool.indices.length;
  const drawn = new Array<number>(n);
  let k = -1; // nanArgmax of the drawn scores, kept while drawing
  let seconds = 0;
  for (let i = 0; i < n; i++) {
    const p = rng.int(size);
    drawn[i] = p;
    seconds += pool.seconds[p];
    const v = pool.scores[p];
    if (!Number.isNaN(v) && (k < 0 || v > pool.scores[drawn[k]])) k = i;
  }
  const pos = drawn[k < 0 ? 0 : k];
  return { chosen: pool.indices[pos], score: pool.scores[pos], drawn, seconds };
}
