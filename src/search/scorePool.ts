/**
 * A pool of scored architectures to search from: official NB201 indices with one proxy's score
 * and the seconds it took, read from a score file the runner wrote.
 */
import type { ScoreTable } from '../runner/results';

export interface ScorePool {
  readonly proxy: string;
  readonly indices: readonly number[];
  /** Score per index (may be NaN or −∞: such architectures never win a NASWOT draw unless all do). */
  readonly scores: readonly number[];
  /** Wall-clock seconds spent scoring each architecture (for search-time estimates). */
  readonly seconds: readonly number[];
}

/** The pool of `proxy` scores in a score table (every row, finite or not). */
export function scorePool(table: ScoreTable, proxy: string): ScorePool {
  if (!table.proxies.includes(proxy)) {
    throw new Error(`score table has no column '${proxy}' (it has: ${table.proxies.join(', ')})`);
  }
  if (table.rows.length === 0) throw new Error(`score table is empty: no architectures to search from`);
  const finite = table.rows.filter((r) => Number.isFinite(r.values[proxy])).length;
  if (finite === 0) throw new Error(`score column '${proxy}' has no finite value (${table.rows.length} NaN/inf; the notes column says why): nothing to search with`);
  return {
    proxy,
    indices: table.rows.map((r) => r.index),
    scores: table.rows.map((r) => r.values[proxy]),
    seconds: table.rows.map((r) => r.seconds),
  };
}
