/** Worker-thread entry: builds one ArchScorer from workerData and scores indices on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { ArchScorer } from './scorer';
import type { ScoreSettings } from './settings';

export type WorkerRequest = { type: 'task'; index: number } | { type: 'stop' };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; row: import('./scorer').ScoreRow }
  | { type: 'error'; index: number; message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runner/worker must run in a worker thread');
  const scorer = await ArchScorer.create(workerData as ScoreSettings, { quiet: true });
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'stop') {
      scorer.dispose();
      port.close();
      return;
    }
    try {
      port.postMessage({ type: 'result', row: scorer.score(msg.index) } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ type: 'error', index: msg.index, message: (e as Error).message } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

main().catch((e) => {
  parentPort?.postMessage({ type: 'error', index: -1, message: (e as Error).message } satisfies WorkerReply);
});
