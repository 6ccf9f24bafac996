/** Score architectures into a resumable CSV (used by the CLI and the notebooks). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultWorkers, scoreIndices } from './pool';
import { progressBar } from './progress';
import { openScoreFile, readScores, ScoreTable } from './results';
import type { ScoreSettings } from './settings';
import type { ShardRecord } from './shard';

export interface ScoreFileOptions {
  readonly workers?: number;
  readonly quiet?: boolean;
  /** `indices` are this shard of a run (recorded in the sidecar; shard.ts). */
  readonly shard?: ShardRecord;
}

/**
 * Score `indices` into `out`, skipping those already there (same settings), and return the
 * table restricted to `indices`, in their order.
 */
export async function scoreToFile(settings: ScoreSettings, indices: readonly number[], out: string, opts: ScoreFileOptions = {}): Promise<ScoreTable> {
  const quiet = opts.quiet ?? false;
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const file = openScoreFile(out, settings, opts.shard);
  const todo = [...new Set(indices)].filter((i) => !file.done.has(i));
  if (!quiet && file.done.size > 0) process.stderr.write(`resuming ${out}: ${indices.length - todo.length} of ${indices.length} already scored\n`);
  const bar = progressBar(todo.length, 'scoring', !quiet);
  const t0 = Date.now();
  try {
    await scoreIndices(settings, todo, {
      workers: opts.workers ?? defaultWorkers(),
      onRow: (row) => {
        file.append(row);
        bar.tick();
      },
    });
  } finally {
    bar.stop();
  }
  if (!quiet) process.stderr.write(`scored ${todo.length} architectures in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${out}\n`);
  const all = readScores(out);
  const byIndex = new Map(all.rows.map((r) => [r.index, r]));
  return { proxies: all.proxies, rows: indices.map((i) => byIndex.get(i)!).filter((r) => r !== undefined) };
}
