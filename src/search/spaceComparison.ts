/**
 * One space, one table: how a search method's chosen architectures compare with NASWOT random-N,
 * random search over the same number of queried architectures, and the space's optimum, all
 * measured on the benchmark's ground truth. Space-agnostic (indices, a truth function, a query
 * fitness, a pool of NASWOT scores), so every benchmark with a full table gets the same report.
 *
 * - NASWOT random-N: N distinct architectures drawn uniformly from the scored pool, the one with
 *   the largest score (NaN / −∞ never win unless all do) is reported by its truth.
 * - Random search, N queries: N distinct architectures drawn from the whole space, the one with the
 *   best query fitness (a training signal the search is allowed to see) reported by its truth.
 * - Rank percentile of an accuracy a: 100·#{architectures with truth ≤ a} / |space|.
 */
import { Rng } from '../engine/rng';
import { kendallTauB } from '../stats/correlation';
import { pairFinite } from '../stats/clean';
import { nanArgmax } from './randomN';
import { meanStd, type MeanStd } from './table2a';

export interface MethodRow {
  readonly method: string;
  readonly runs: number;
  /** Mean ± population std (numpy's default, as Table 2(a)). */
  readonly accuracy: MeanStd;
  /** Mean rank percentile of the chosen architectures in the space. */
  readonly percentile: number;
}

export interface SpaceTruth {
  /** Every index of the space. */
  readonly size: number;
  /** Ground truth (reported accuracy) of index i. */
  truth(i: number): number;
  /** What random search may query (e.g. one training seed's accuracy). */
  fitness(i: number): number;
}

/** Rank percentile function of a space (sorted truths, binary search). */
export function percentileOf(space: Pick<SpaceTruth, 'size' | 'truth'>): (acc: number) => number {
  const sorted = Float64Array.from({ length: space.size }, (_, i) => space.truth(i)).sort();
  return (a) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (sorted[m]! <= a) lo = m + 1;
      else hi = m;
    }
    return (100 * lo) / sorted.length;
  };
}

/** A method row from the accuracies of its chosen architectures. */
export function methodRow(method: string, accs: readonly number[], pct: (a: number) => number): MethodRow {
  return { method, runs: accs.length, accuracy: meanStd(accs), percentile: accs.reduce((s, a) => s + pct(a), 0) / accs.length };
}

export interface Baselines {
  readonly rows: MethodRow[];
  /** Kendall τ-b of the pool's scores with the truth (finite pairs) and the pairs used. */
  readonly tau: number;
  readonly tauPairs: number;
}

/**
 * NASWOT random-N and random search for each N, and the optimum, over `runs` seeded draws.
 * @throws when the pool is smaller than an N.
 */
export function spaceBaselines(space: SpaceTruth, pool: { readonly indices: readonly number[]; readonly scores: readonly number[] }, o: { ns: readonly number[]; runs: number; seed: number }): Baselines {
  const pct = percentileOf(space);
  const rows: MethodRow[] = [];
  const rng = new Rng(o.seed);
  for (const n of o.ns) {
    if (n > pool.indices.length) throw new Error(`NASWOT random-${n} needs at least ${n} scored architectures, the pool has ${pool.indices.length}`);
    const nw: number[] = [];
    const rs: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const draw = rng.sampleWithoutReplacement(pool.indices.length, n);
      const k = nanArgmax(draw.map((j) => pool.scores[j]!));
      nw.push(space.truth(pool.indices[draw[k < 0 ? 0 : k]!]!));
      const q = rng.sampleWithoutReplacement(space.size, n);
      const best = q.reduce((b, i) => (space.fitness(i) > space.fitness(b) ? i : b), q[0]!);
      rs.push(space.truth(best));
    }
    rows.push(methodRow(`NASWOT N=${n}`, nw, pct), methodRow(`Random search, ${n} queries`, rs, pct));
  }
  let opt = 0;
  for (let i = 1; i < space.size; i++) if (space.truth(i) > space.truth(opt)) opt = i;
  rows.push(methodRow('Optimum of the space', [space.truth(opt)], pct));
  const { x, y } = pairFinite(pool.scores, pool.indices.map((i) => space.truth(i)));
  return { rows, tau: kendallTauB(x, y), tauPairs: x.length };
}

/** Table records (strings) of method rows. */
export function methodRecords(rows: readonly MethodRow[], unit = 'test %'): Record<string, string | number>[] {
  return rows.map((r) => ({
    method: r.method,
    runs: r.runs,
    [unit]: r.runs > 1 ? `${r.accuracy.mean.toFixed(2)} ± ${r.accuracy.std.toFixed(2)}` : r.accuracy.mean.toFixed(2),
    'rank percentile': r.percentile.toFixed(1),
  }));
}
