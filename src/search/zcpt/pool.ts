/**
 * Worker threads for a parallel Zero-Cost-PT search: proposals, then validation batches, handed
 * to whichever worker is free (the wasm backend runs one thread per process, so W workers use W
 * cores). Results come back in task order.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Proposal } from './perturb';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker';

/** Worker script beside this file (.js when built, .ts under tsx, which workers inherit). */
function workerFile(): string {
  return path.join(__dirname, `worker${path.extname(__filename)}`);
}

type Task = Exclude<WorkerRequest, { type: 'stop' }>;
type Result = Extract<WorkerReply, { type: 'proposal' | 'validate' }>;

export class ZcptPool {
  private failure: Error | undefined;
  private readonly exited = new Set<Worker>();
  private onFail: ((e: Error) => void) | undefined;
  private onResult: ((w: Worker, r: Result) => void) | undefined;

  private constructor(
    private readonly workers: Worker[],
    private readonly onScored: () => void,
  ) {}

  /** Start `n` workers and wait until each has built its backend. */
  static async start(n: number, init: WorkerInit, onScored: () => void): Promise<ZcptPool> {
    const file = workerFile();
    const workers = Array.from({ length: n }, () =>
      // Under tsx (tests, scripts) the worker registers tsx's require hook before loading the .ts entry.
      file.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData: init })
        : new Worker(file, { workerData: init }),
    );
    const pool = new ZcptPool(workers, onScored);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.on('message', (msg: WorkerReply) => {
              if (msg.type === 'ready') resolve();
              else if (msg.type === 'scored') pool.onScored();
              else if (msg.type === 'error') {
                const e = new Error(`zc-pt worker: ${msg.message}`);
                reject(e);
                pool.fail(e);
              } else pool.onResult?.(w, msg);
            });
            w.on('error', (e) => {
              reject(e);
              pool.fail(e);
            });
            w.on('exit', () => {
              pool.exited.add(w);
              const e = new Error('zc-pt worker exited before the search finished');
              reject(e);
              pool.fail(e);
            });
          }),
      ),
    ).catch(async (e) => {
      await pool.close();
      throw e;
    });
    return pool;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.onFail?.(e);
  }

  /** Run tasks on free workers; results in task order. */
  private run(tasks: readonly Task[], onDone?: (r: Result) => void): Promise<Result[]> {
    const results: Result[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    return new Promise<Result[]>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (tasks.length === 0) return resolve(results);
      this.onFail = reject;
      const feed = (w: Worker): void => {
        if (next < tasks.length) w.postMessage(tasks[next++]!);
      };
      this.onResult = (w, r) => {
        results[r.task] = r;
        onDone?.(r);
        if (++done === tasks.length) resolve(results);
        else feed(w);
      };
      for (const w of this.workers) feed(w);
    });
  }

  /** One proposal per seed. */
  async proposals(seeds: readonly number[]): Promise<Proposal[]> {
    const rs = await this.run(seeds.map((seed, task) => ({ type: 'proposal', task, seed })));
    return rs.map((r) => (r as Extract<Result, { type: 'proposal' }>).proposal);
  }

  /** Scores (and seconds) of every architecture on each validation batch, per batch. */
  async validate(archs: readonly string[], batches: readonly number[], onBatch?: () => void): Promise<{ scores: number[]; seconds: number[] }[]> {
    const rs = await this.run(
      batches.map((batch, task) => ({ type: 'validate', task, archs, batch })),
      onBatch,
    );
    return rs.map((r) => r as Extract<Result, { type: 'validate' }>);
  }

  /** Stop every worker and wait for them to exit. */
  async close(): Promise<void> {
    this.failure ??= new Error('zc-pt worker pool closed');
    await Promise.all(
      this.workers.filter((w) => !this.exited.has(w)).map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            try {
              w.postMessage({ type: 'stop' } satisfies WorkerRequest);
            } catch {
              resolve();
            }
            setTimeout(() => void w.terminate(), 10_000).unref();
          }),
      ),
    );
  }
}
