/** Score architectures into a resumable CSV (used by the CLI and the notebooks). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultWorkers, scoreIndices } from './pool';
import { progressBar } from './progress';
import { openScoreFile, readScores, readScoreSettings, ScoreTable } from './results';
import { settingsKey, type ScoreSettings } from './settings';
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

/**
 * Start a shard's file from the rows an existing table (`from`, same settings) already holds for
 * the shard's `indices`, so extending a committed table on a cluster scores only what it lacks
 * (`zeronas score --shard I/N --reuse TABLE`). Does nothing when `out` already exists (resume).
 * The copied rows are the table's own lines; merging the shards back into the table finds them
 * identical. @throws when `from` was written with other settings.
 */
export function prefillShard(out: string, from: string, settings: ScoreSettings, shard: ShardRecord, indices: readonly number[]): number {
  if (fs.existsSync(out) && fs.statSync(out).size > 0) return 0;
  if (settingsKey(readScoreSettings(from)) !== settingsKey(settings)) {
    throw new Error(`--reuse '${from}' holds scores made with other settings (${from}.meta.json); give a table of this run's settings`);
  }
  const text = fs.readFileSync(from, 'utf8');
  const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').slice(1, -1);
  const want = new Set(indices);
  const kept = lines.filter((l) => want.has(Number(l.slice(0, l.indexOf(',')))));
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  openScoreFile(out, settings, shard); // header and sidecar with the shard
  fs.appendFileSync(out, kept.map((l) => `${l}\n`).join(''));
  return kept.length;
}
