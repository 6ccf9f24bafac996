/**
 * Zero-Cost-PT searches the project runs and commits under `data/zcpt/`, each with the
 * exact command that regenerates it (the command resumes: finished seeds are skipped).
 *
 * The committed NB201 setting is N = 10 proposals, V = 20 validation batches, batch 64: the paper's
 * N with a smaller V and batch, chosen because the paper's setting (V = 100, batch 256) projects
 * to about 2.6 CPU-hours per search on this 2-core machine (`node --import tsx bench/zcpt.ts`),
 * while this one runs in under a quarter of an hour on two workers (re-runnable on a laptop) (`npm run bench`, BENCH_ONLY=zcpt).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../data/root';
import { recordTableRead } from '../../runner/tablesRead';
import { readZcptResults, type ZcptRecord } from './resultsFile';

export interface ProjectZcptResults {
  readonly name: string;
  /** Path relative to the repository root. */
  readonly file: string;
  readonly description: string;
  readonly command: string;
}

export const PROJECT_ZCPT_RESULTS = {
  'nb201-cifar10-n10-v20-b64': {
    name: 'nb201-cifar10-n10-v20-b64',
    file: 'data/zcpt/nb201-cifar10-n10-v20-b64.jsonl',
    description: 'Zero-Cost-PT on NB201, CIFAR-10, NASWOT scorer, random edge order, N=10, V=20, batch 64, seeds 0-3',
    command: 'node dist/cli.js search zc-pt --seeds 0-3 --proposals 10 --val-batches 20 --batch-size 64 --out data/zcpt/nb201-cifar10-n10-v20-b64.jsonl',
  },
} as const satisfies Record<string, ProjectZcptResults>;

export type ProjectZcptName = keyof typeof PROJECT_ZCPT_RESULTS;

/** The searches of a committed results file; a missing or empty file is named with the command that writes it. */
export function loadProjectZcpt(name: ProjectZcptName, root: string = packageRoot()): { info: ProjectZcptResults; records: ZcptRecord[] } {
  const info = PROJECT_ZCPT_RESULTS[name];
  const file = path.join(root, info.file);
  const records = fs.existsSync(file) ? readZcptResults(file) : [];
  if (records.length === 0) throw new Error(`Zero-Cost-PT results '${name}' are missing or empty (${file}); run:\n  ${info.command}`);
  recordTableRead({ name, path: file, command: info.command, settings: { ...records[0]!.settings, seeds: records.map((r) => r.settings.seed) } });
  return { info, records };
}
