/**
 * Scores many architectures, one architecture per task, across worker threads (as many as
 * cores by default; `workers: 0` scores in this thread). Results are handed to `onRow` as they
 * finish, so a caller can persist them immediately.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ArchScorer, ScoreRow } from './scorer';
import type { ScoreSettings } from './settings';
import type { WorkerReply, WorkerRequest } from './worker';

export interface PoolOptions {
  /** Number of worker threads; 0 = in-process. Default: available cores. */
  readonly workers?: number;
  readonly onRow?: (row: ScoreRow) => void;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Worker script beside this file (.js when built, .ts under tsx, which workers inherit). */
function workerFile(): string {
  return path.join(__dirname, `worker${path.extname(__filename)}`);
}

export async function scoreIndices(settings: ScoreSettings, indices: readonly number[], opts: PoolOptions = {}): Promise<ScoreRow[]> {
  const workers = Math.min(opts.workers ?? defaultWorkers(), indices.length);
  const rows: ScoreRow[] = [];
  const emit = (row: ScoreRow): void => {
    rows.push(row);
    opts.onRow?.(row);
  };
  if (indices.length === 0) return rows;
  if (workers <= 0) {
    const scorer = await ArchScorer.create(settings);
    try {
      for (const i of indices) emit(scorer.score(i));
    } finally {
      scorer.dispose();
    }
    return rows;
  }
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    let live = workers;
    let failed = false;
    const pool: Worker[] = [];
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(err);
    };
    for (let k = 0; k < workers; k++) {
      const file = workerFile();
      // Under tsx (tests, scripts) the worker registers tsx's require hook before loading the .ts entry.
      const w = file.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData: settings })
        : new Worker(file, { workerData: settings });
      pool.push(w);
      const feed = (): void => {
        if (next < indices.length) w.postMessage({ type: 'task', index: indices[next++] } satisfies WorkerRequest);
        else w.postMessage({ type: 'stop' } satisfies WorkerRequest);
      };
      w.on('message', (msg: WorkerReply) => {
        if (msg.type === 'ready') feed();
        else if (msg.type === 'result') {
          try {
            emit(msg.row);
          } catch (e) {
            fail(e as Error);
            return;
          }
          feed();
        } else fail(new Error(msg.index >= 0 ? `architecture ${msg.index}: ${msg.message}` : msg.message));
      });
      w.on('error', (e) => fail(e));
      w.on('exit', () => {
        live--;
        if (live === 0 && !failed) resolve();
      });
    }
  });
  return rows;
}
