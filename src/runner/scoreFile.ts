/** Score architectures into a resumable CSV (used by the CLI and the notebooks). */
import { announceDataRoots } from '../data/identity';
import { loadCifar, CIFAR_CLASSES } from '../data/cifar';
import { getProxy } from '../proxies';
import { defaultWorkers, scoreIndices } from './pool';
import { progressBar } from './progress';
import { openScoreFile, readScores, scoreSidecar, ScoreTable } from './results';
import { MAX_SEED, type ScoreSettings } from './settings';

export interface ScoreFileOptions {
  readonly workers?: number;
  readonly quiet?: boolean;
  /** The command line, recorded in the sidecar. */
  readonly command?: string;
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
  const sidecar = scoreSidecar(settings, opts.command);
  announceDataRoots(sidecar.data!, quiet);
  const file = openScoreFile(out, settings, { sidecar, onStale: (m) => void (quiet || process.stderr.write(m + '\n')) });
  try {
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
