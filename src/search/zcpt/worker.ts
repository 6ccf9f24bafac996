/**
 * Worker-thread entry of a parallel Zero-Cost-PT search (pool.ts): rebuilds the search's supernet
 * and scorer from the settings and seeds (same weights as in the main thread), then runs
 * proposals and validation batches on request. Every task is a pure function of the settings,
 * the seeds and the task, so results do not depend on which worker runs what.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../engine/backend';
import { parseNb201 } from '../../spaces/nb201/arch';
import { Nb201Network } from '../../spaces/nb201/network';
import type { Proposal } from './perturb';
import { scoreValidationBatch } from './postValidate';
import type { Nb201Supernet } from './supernet';
import { seededProposal, zcptNetConfig, zcptScorer, zcptSupernet, zcptValidationBatch, type ZcptSeeds, type ZcptSettings } from './search';

export interface WorkerInit {
  readonly settings: ZcptSettings;
  readonly seeds: ZcptSeeds;
}

export type WorkerRequest =
  | { readonly type: 'proposal'; readonly task: number; readonly seed: number }
  | { readonly type: 'validate'; readonly task: number; readonly archs: readonly string[]; readonly batch: number }
  | { readonly type: 'stop' };

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'scored' }
  | { readonly type: 'proposal'; readonly task: number; readonly proposal: Proposal }
  | { readonly type: 'validate'; readonly task: number; readonly scores: number[]; readonly seconds: number[] }
  | { readonly type: 'error'; readonly message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('search/zcpt/worker must run in a worker thread');
  const { settings, seeds } = workerData as WorkerInit;
  await initBackend({ quiet: true });
  const scorer = zcptScorer(settings);
  const netConfig = zcptNetConfig(settings);
  let supernet: Nb201Supernet | undefined;
  const nets = new Map<string, Nb201Network>();
  const post = (m: WorkerReply): void => port.postMessage(m);
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'stop') {
        supernet?.dispose();
        for (const n of nets.values()) n.dispose();
        port.close();
      } else if (msg.type === 'proposal') {
        supernet ??= zcptSupernet(settings, seeds);
        const proposal = seededProposal(supernet, scorer, settings, msg.seed, () => post({ type: 'scored' }));
        post({ type: 'proposal', task: msg.task, proposal });
      } else {
        if (supernet) {
          supernet.dispose(); // proposals are over; free the memory for the validation networks
          supernet = undefined;
        }
        const candidates = msg.archs.map((s) => {
          let net = nets.get(s);
          if (!net) {
            net = new Nb201Network(parseNb201(s), netConfig, seeds.validationNet);
            nets.set(s, net);
          }
          return { arch: net.arch, net };
        });
        const b = zcptValidationBatch(settings, seeds, msg.batch);
        try {
          const r = scoreValidationBatch(candidates, b, scorer, netConfig, seeds.validationNet);
          post({ type: 'validate', task: msg.task, scores: r.scores, seconds: r.seconds });
        } finally {
          b.x.dispose();
          b.labels.dispose();
        }
      }
    } catch (e) {
      post({ type: 'error', message: (e as Error).message });
    }
  });
  post({ type: 'ready' });
}

main().catch((e) => {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply);
});
