/**
 * Search, not only correlation: how well a score *finds* good architectures in a scored table.
 * For each score (a column or a rule's values, one per table row):
 *   - random-N search (NASWOT Alg. 1, randomN.ts): N draws with replacement from the table's
 *     rows, keep the argmax of the score (NaN never wins); mean ± std (population) of the chosen
 *     architecture's accuracy over `runs` runs, every score drawing the same candidates (one
 *     seeded stream per N, replayed for each score), so rows differ only by the score;
 *   - top-k precision (topk.ts, `topKHitRate`): |TopK(score) ∩ TopK(accuracy)| / k with k a
 *     fraction of the rows finite for the score and the accuracy (at least 1).
 * The "Random" row (one uniform draw) and the "Optimal in sample" row (the best accuracy among the
 * same N draws) bracket the scores, as in NASWOT's Table 2(a).
 */
import { Rng } from '../engine/rng';
import { topKHitRate } from '../stats/topk';
import { randomN } from './randomN';
import { meanStd, type MeanStd } from './table2a';
import type { ScorePool } from './scorePool';

export interface SearchScore {
  readonly label: string;
  /** One value per row (NaN / ±∞ allowed: never chosen over a finite value, dropped from top-k). */
  readonly values: ArrayLike<number>;
}

export interface ScoreSearchOptions {
  /** Sample sizes N (default [10, 100]). */
  readonly ns?: readonly number[];
  /** Runs per N (default 500, NASWOT's). */
  readonly runs?: number;
  /** Seed of the draws (default 0); N uses the stream of seed·1009 + N. */
  readonly seed?: number;
  /** Top-k fractions of the rows (default [0.01, 0.05]). */
  readonly topFractions?: readonly number[];
}

export interface ScoreSearchRow {
  readonly label: string;
  /** Mean ± std of the chosen architecture's accuracy per N ('Random' and 'Optimal in sample' rows included). */
  readonly randomN: Readonly<Record<number, MeanStd>>;
  /** Top-k precision per fraction (NaN for the bracket rows). */
  readonly topK: Readonly<Record<number, number>>;
  /** k used per fraction. */
  readonly k: Readonly<Record<number, number>>;
  /** Rows whose score is not finite (dropped from top-k). */
  readonly nonFinite: number;
}

/**
 * Random-N and top-k rows for each score, then 'Random' (one draw) and 'Optimal in sample'.
 * @throws on a length mismatch, an empty table, bad N, runs or fractions.
 */
export function scoreSearch(scores: readonly SearchScore[], accuracy: ArrayLike<number>, opts: ScoreSearchOptions = {}): ScoreSearchRow[] {
  const { ns = [10, 100], runs = 500, seed = 0, topFractions = [0.01, 0.05] } = opts;
  const n = accuracy.length;
  if (n === 0) throw new Error('score search: the table is empty');
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`score search: runs must be a positive integer, got ${runs}`);
  for (const f of topFractions) if (!(f > 0 && f <= 1)) throw new Error(`score search: top-k fraction must be in (0, 1], got ${f}`);
  for (const s of scores) if (s.values.length !== n) throw new Error(`score search: '${s.label}' has ${s.values.length} values for ${n} rows`);
  const acc = Array.from(accuracy);
  const positions = Array.from({ length: n }, (_, i) => i);
  const stream = (N: number): Rng => new Rng(seed * 1009 + N);
  const rows = scores.map((s): ScoreSearchRow => {
    const pool: ScorePool = { proxy: s.label, indices: positions, scores: Array.from(s.values), seconds: new Array<number>(n).fill(0) };
    const randomNStats: Record<number, MeanStd> = {};
    for (const N of ns) {
      const rng = stream(N);
      randomNStats[N] = meanStd(Array.from({ length: runs }, () => acc[randomN(pool, N, rng).chosen]!));
    }
    const keep = positions.filter((i) => Number.isFinite(s.values[i]) && Number.isFinite(acc[i]));
    const topK: Record<number, number> = {};
    const ks: Record<number, number> = {};
    for (const f of topFractions) {
      const k = Math.max(1, Math.round(f * keep.length));
      ks[f] = k;
      topK[f] = keep.length ? topKHitRate(keep.map((i) => s.values[i]!), keep.map((i) => acc[i]!), k) : NaN;
    }
    return { label: s.label, randomN: randomNStats, topK, k: ks, nonFinite: n - positions.filter((i) => Number.isFinite(s.values[i])).length };
  });
  const bracket = (label: string, pick: (drawn: number[]) => number): ScoreSearchRow => {
    const stats: Record<number, MeanStd> = {};
    for (const N of ns) {
      const rng = stream(N);
      stats[N] = meanStd(Array.from({ length: runs }, () => pick(Array.from({ length: N }, () => rng.int(n)))));
    }
    return { label, randomN: stats, topK: Object.fromEntries(topFractions.map((f) => [f, NaN])), k: {}, nonFinite: 0 };
  };
  rows.push(bracket('Random (first draw)', (d) => acc[d[0]!]!));
  rows.push(bracket('Optimal in sample', (d) => Math.max(...d.map((i) => acc[i]!).filter(Number.isFinite))));
  return rows;
}

/** Display records of a score search (`mean±std` per N, top-k precision per fraction). */
export function scoreSearchRecords(rows: readonly ScoreSearchRow[], opts: { ns?: readonly number[]; topFractions?: readonly number[] } = {}): Record<string, string | number>[] {
  const { ns = [10, 100], topFractions = [0.01, 0.05] } = opts;
  return rows.map((r) => {
    const rec: Record<string, string | number> = { score: r.label };
    for (const N of ns) rec[`random-N N=${N}`] = `${r.randomN[N]!.mean.toFixed(2)}±${r.randomN[N]!.std.toFixed(2)}`;
    for (const f of topFractions) rec[`top-${+(100 * f).toFixed(2)} % precision`] = Number.isNaN(r.topK[f]!) ? '–' : `${r.topK[f]!.toFixed(3)} (k=${r.k[f]})`;
    return rec;
  });
}
