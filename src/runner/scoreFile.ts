/** Score architectures into a resumable CSV (used by the CLI and the notebooks). */
import { announceDataRoots } from '../data/identity';
import { loadCifar, CIFAR_CLASSES } from '../data/cifar';
import { getProxy } from '../proxies';
import { defaultWorkers, scoreIndices } from './pool';
import { progressBar } from './progress';
import * as fs from 'node:fs';
import { withFsErrors } from '../provenance/fsErrors';
import { checkInputFile } from '../provenance/resultFile';
import { compareSidecars, formatDifferences, sidecarPath, type Sidecar } from '../provenance/sidecar';
import { openScoreFile, readScores, readScoreSidecar, scoreSidecar, type ScoreFile, ScoreTable } from './results';
import { MAX_SEED, type ScoreSettings } from './settings';
import type { ShardRecord } from './shard';

export interface ScoreFileOptions {
  readonly workers?: number;
  readonly quiet?: boolean;
  /** The command line, recorded in the sidecar. */
  readonly command?: string;
  /** `indices` are this shard of a run (recorded in the sidecar; shard.ts). */
  readonly shard?: ShardRecord;
  /**
   * A table of the same settings and data whose rows for `indices` start a new file (`--reuse`):
   * only what it lacks is scored. Ignored when `out` is resumed.
   */
  readonly reuse?: string;
}

/**
 * Start a fresh (locked, empty) score file from the rows the table `from` holds for `indices`, so
 * extending a committed table on a cluster scores only what it lacks (`zeronas score --shard I/N
 * --reuse TABLE`). The copied rows are the table's own lines, so merging the shards back into the
 * table finds them identical. `from` must match the run's sidecar in every field but the shard
 * (settings and data identity, provenance/sidecar.ts); a repeated index in it is refused.
 * @returns the number of rows copied.
 * @throws naming `from` and every difference, or a sidecar without data identity.
 */
export function reuseRows(file: ScoreFile, from: string, sidecar: Sidecar<ScoreSettings>, indices: readonly number[]): number {
  checkInputFile(from, '--reuse table');
  const had = readScoreSidecar(from);
  const diffs = compareSidecars(had, sidecar, { exceptShard: true });
  if (diffs.length > 0) {
    throw new Error(`--reuse '${from}' holds scores made with other settings or data (${sidecarPath(from)}): ${formatDifferences(diffs)}; give a table of this run's settings`);
  }
  if (!had.data) {
    throw new Error(`--reuse '${from}': its sidecar records no data identity; re-derive it with 'zeronas provenance --rederive ${from}', then rerun`);
  }
  readScores(from); // layout and repeated indices
  const text = withFsErrors(from, 'read', () => fs.readFileSync(from, 'utf8'));
  const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').slice(1, -1).map((l) => l.replace(/\r$/, ''));
  const want = new Set(indices);
  const kept = lines.map((line) => ({ index: Number(line.slice(0, line.indexOf(','))), line })).filter((r) => want.has(r.index) && !file.done.has(r.index));
  file.appendLines(kept);
  return kept.length;
}

/**
 * Refuse settings that cannot give a usable score, before anything is written: batch size,
 * seeds, duplicate or unknown proxies, loss-based proxies on a 1-output network (every value would
 * be NaN), a classifier narrower than the dataset's labels, a batch larger than the images on disk.
 * @throws naming the setting and the fix.
 */
export function validateScoreSettings(s: ScoreSettings): void {
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) throw new Error(`--batch-size must be at least 1, got ${s.batchSize}`);
  const lastSeed = s.seed + (s.repeats ?? 1) - 1;
  if (!Number.isInteger(s.seed) || s.seed < 0 || lastSeed > MAX_SEED) {
    throw new Error(`--seed must be an integer in 0..${MAX_SEED}${s.repeats ? ` (with --repeats ${s.repeats}: 0..${MAX_SEED - s.repeats + 1})` : ''}, got ${s.seed}`);
  }
  for (const p of s.proxies) getProxy(p);
  const twice = [...new Set(s.proxies.filter((p, i) => s.proxies.indexOf(p) !== i))];
  if (twice.length) throw new Error(`proxies ${twice.join(', ')} are listed more than once; list each proxy once`);
  const lossBased = s.proxies.filter((p) => getProxy(p).lossBased);
  if (lossBased.length > 0 && s.numClasses < 2) {
    throw new Error(
      `${lossBased.join(', ')} differentiate${lossBased.length === 1 ? 's' : ''} a cross-entropy loss, which needs a classifier with one output per class; ` +
        `these settings build a ${s.numClasses}-output network (the naswot preset, as NASWOT does), so every value would be NaN: ` +
        'score them with --preset naslib (or drop them from --proxies)',
    );
  }
  if (s.numClasses > 1 && s.numClasses < CIFAR_CLASSES[s.dataset]) {
    throw new Error(`a ${s.numClasses}-class network cannot take ${s.dataset} labels (${CIFAR_CLASSES[s.dataset]} classes); use --preset naslib with --dataset ${s.dataset}`);
  }
  const available = loadCifar(s.dataset, 'train').n;
  if (s.batchSize > available) {
    throw new Error(`--batch-size ${s.batchSize} exceeds the ${available} ${s.dataset} training images in the data folder; use at most ${available} (see data/README.md for the full set)`);
  }
}

/**
 * Score `indices` into `out`, skipping those already there (same settings and data), and return
 * the table restricted to `indices`, in their order. Settings are validated and the data hashed
 * before any file is created.
 */
export async function scoreToFile(settings: ScoreSettings, indices: readonly number[], out: string, opts: ScoreFileOptions = {}): Promise<ScoreTable> {
  const quiet = opts.quiet ?? false;
  validateScoreSettings(settings);
  const sidecar = scoreSidecar(settings, opts.command, opts.shard);
  announceDataRoots(sidecar.data!, quiet);
  const file = openScoreFile(out, settings, { sidecar, onStale: (m) => void (quiet || process.stderr.write(m + '\n')) });
  try {
    if (opts.reuse !== undefined && !file.resumed) {
      const n = reuseRows(file, opts.reuse, sidecar, indices);
      if (!quiet) process.stderr.write(`${out}: ${n} rows taken from ${opts.reuse}\n`);
    }
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
  } finally {
    file.close();
  }
  const all = readScores(out);
  const byIndex = new Map(all.rows.map((r) => [r.index, r]));
  return { proxies: all.proxies, rows: indices.map((i) => byIndex.get(i)!).filter((r) => r !== undefined) };
}
