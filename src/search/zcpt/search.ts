/**
 * One Zero-Cost-PT search on NAS-Bench-201 (docs/papers.md §5): N proposals by perturbation on one
 * untrained supernet (weights drawn once, α redrawn per proposal, as ZCPT `networks_proposal.py`
 * with `reset_arch_parameters`), then post-validation of the unique proposals on V batches.
 *
 * Data: CIFAR training images, RandomCrop(32, 4) + flip, Zero-Cost-PT / NASLib normalisation;
 * every perturbation step draws a fresh random batch (ZCPT: a new loader iterator per edge).
 * The reference restricts proposal batches to the first half of the training set and validation
 * batches to its first V·B images; our bundled subset (5,085 CIFAR-10 images) is used whole for
 * both. Paper setting: N = 10, V = 100, batch 256 (exp_scripts/zerocostpt_nb201_pipeline.sh).
 *
 * Randomness: everything derives from `seed` through separate streams (supernet weights; per
 * proposal α, edge choices and batches; validation batches; validation network weights).
 */
import * as tf from '@tensorflow/tfjs';
import { hasDataFile } from '../../data/root';
import { loadNb201Table, NB201_TABLE_FILE } from '../../benchmarks/nb201';
import { makeBatch } from '../../data/batch';
import type { CifarDataset } from '../../data/cifar';
import { NASLIB_NORM } from '../../data/normalize';
import { initBackend } from '../../engine/backend';
import type { BnMode } from '../../engine/layers';
import { Rng } from '../../engine/rng';
import type { ReluCounting } from '../../engine/taps';
import { formatNb201, nb201Arch, type Nb201Arch } from '../../spaces/nb201/arch';
import type { Nb201NetConfig } from '../../spaces/nb201/network';
import { isEdgeOrder, EDGE_ORDERS, runProposal, type EdgeOrder, type Proposal, type ProposalOptions, type RemovalScore } from './perturb';
import { nb201TestAccuracies, postValidate, uniqueArchs, validationResult, type Nb201TestAccuracies, type ValidationResult } from './postValidate';
import { makeScorer, type ZcptBatch, type ZcptScorer } from './scorers';
import { Nb201Supernet, type ZeroOpTaps } from './supernet';
import { ZcptPool } from './pool';

export interface ZcptSearchOptions {
  /** Proxy scoring both phases (default 'naswot': official counting, as ZCPT `jacob`; 'nwot' = NASLib counting; any registry name). */
  readonly proxy?: string;
  readonly seed?: number;
  /** N, proposals (default 10). */
  readonly proposals?: number;
  /** V, validation batches (default 100). */
  readonly valBatches?: number;
  /** Batch size of the perturbation steps (default 256). */
  readonly batchSize?: number;
  /** Batch size of the validation batches (default `batchSize`). */
  readonly valBatchSize?: number;
  /** Default 'random'. */
  readonly edgeOrder?: EdgeOrder;
  /** Data for scoring; the supernet's classifier has this dataset's classes (default 'cifar10'). */
  readonly dataset?: CifarDataset;
  /** Supernet and validation network width / depth (default 16 / 5, NAS-Bench-201). */
  readonly C?: number;
  readonly N?: number;
  /** BN mode of every scoring pass (default 'eval', Zero-Cost-PT). */
  readonly bn?: BnMode;
  /** NASWOT counting for `naswot` (default 'official'). */
  readonly counting?: ReluCounting;
  /** Taps of zero-weight supernet ops (default 'reference'; see supernet.ts). */
  readonly zeroOpTaps?: ZeroOpTaps;
  /** Worker threads for proposals and validation batches (default 0: this thread; same result). */
  readonly workers?: number;
  /** Progress: after every supernet scoring and every validation scoring. */
  readonly onProgress?: (p: ZcptProgress) => void;
}

export interface ZcptProgress {
  readonly phase: 'proposals' | 'validation';
  readonly done: number;
  readonly total: number;
}

/** The options with defaults applied (recorded with the result). */
export type ZcptSettings = Required<Omit<ZcptSearchOptions, 'onProgress' | 'workers'>>;

export interface ZcptTiming {
  readonly proposalSeconds: number;
  readonly validationSeconds: number;
  readonly totalSeconds: number;
  /** Supernet scorings (forward + proxy, batch included) and their mean seconds (measured where they ran). */
  readonly supernetScorings: number;
  readonly secondsPerSupernetScoring: number;
  /** Standalone-network scorings in post-validation and their mean seconds (measured where they ran). */
  readonly validationScorings: number;
  readonly secondsPerValidationScoring: number;
}

export interface ZcptSearchResult {
  readonly settings: ZcptSettings;
  /** The chosen architecture and its official string. */
  readonly arch: Nb201Arch;
  readonly archString: string;
  /** Test accuracies of the chosen architecture (absent without the NB201 table). */
  readonly accuracies?: Nb201TestAccuracies;
  readonly proposals: readonly Proposal[];
  readonly validation: ValidationResult;
  readonly timing: ZcptTiming;
}

/** Zero-Cost-PT normalisation (= NASLib's) for a CIFAR dataset. */
const ZCPT_NORM = NASLIB_NORM;

/** Settings every Zero-Cost-PT search has, whatever the space. */
type CommonSettings = Pick<ZcptSettings, 'proxy' | 'proposals' | 'valBatches' | 'batchSize' | 'valBatchSize' | 'seed' | 'dataset' | 'bn'>;

/**
 * The common settings with their defaults: NASWOT, seed 0, N = 10 proposals, CIFAR-10, eval-mode BN;
 * V and the batch size are the space's (`d`), and the validation batch defaults to the batch size.
 */
export function commonSearchSettings(opts: Partial<CommonSettings>, d: { readonly valBatches: number; readonly batchSize: number }): CommonSettings {
  return {
    proxy: opts.proxy ?? 'naswot',
    seed: opts.seed ?? 0,
    proposals: opts.proposals ?? 10,
    valBatches: opts.valBatches ?? d.valBatches,
    batchSize: opts.batchSize ?? d.batchSize,
    valBatchSize: opts.valBatchSize ?? opts.batchSize ?? d.batchSize,
    dataset: opts.dataset ?? 'cifar10',
    bn: opts.bn ?? 'eval',
  };
}

/**
 * Checks shared by the searches of every space: positive integer counts and sizes (plus the
 * space's own `sizeKeys`), a finite seed, a CIFAR dataset, batches of at least 2, BN mode eval or
 * train. @throws naming the option.
 */
export function checkCommonSettings<S extends CommonSettings>(s: S, label: string, sizeKeys: readonly (keyof S & string)[]): void {
  for (const k of ['proposals', 'valBatches', 'batchSize', 'valBatchSize', ...sizeKeys] as const) {
    const v = (s as Record<string, unknown>)[k];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) throw new Error(`${label}: ${k} must be a positive integer, got ${String(v)}`);
  }
  if (!Number.isFinite(s.seed)) throw new Error(`${label}: seed must be a finite number, got ${s.seed}`);
  if (s.dataset !== 'cifar10' && s.dataset !== 'cifar100') throw new Error(`${label}: dataset must be cifar10 or cifar100, got '${String(s.dataset)}'`);
  if (s.batchSize < 2 || s.valBatchSize < 2) throw new Error(`${label}: batch sizes must be at least 2 (NASWOT kernel)`);
  if (s.bn !== 'eval' && s.bn !== 'train') throw new Error(`${label}: bn must be eval or train, got '${String(s.bn)}'`);
}

/** Resolve defaults and check the options. @throws naming a bad option. */
export function zcptSettings(opts: ZcptSearchOptions = {}): ZcptSettings {
  const s: ZcptSettings = {
    ...commonSearchSettings(opts, { valBatches: 100, batchSize: 256 }),
    edgeOrder: opts.edgeOrder ?? 'random',
    C: opts.C ?? 16,
    N: opts.N ?? 5,
    counting: opts.counting ?? 'official',
    zeroOpTaps: opts.zeroOpTaps ?? 'reference',
  };
  checkCommonSettings(s, 'zc-pt', ['C', 'N']);
  if (!isEdgeOrder(s.edgeOrder)) throw new Error(`zc-pt: unknown edge order '${String(s.edgeOrder)}' (expected one of ${EDGE_ORDERS.join(', ')})`);
  if (opts.workers !== undefined && !(Number.isInteger(opts.workers) && opts.workers >= 0)) {
    throw new Error(`zc-pt: workers must be a non-negative integer, got ${opts.workers}`);
  }
  return s;
}

/** Seeds of one search, all derived from `settings.seed`. */
export interface ZcptSeeds {
  readonly supernet: number;
  /** One per proposal: its α, edge choices and batches. */
  readonly proposals: readonly number[];
  /** Validation batch v uses seed (validation + v) mod 2³². */
  readonly validation: number;
  /** Weights of every validation network. */
  readonly validationNet: number;
}

export function zcptSeeds(s: Pick<ZcptSettings, 'seed' | 'proposals'>): ZcptSeeds {
  const root = new Rng(s.seed);
  const supernet = root.u32();
  const proposals = Array.from({ length: s.proposals }, () => root.u32());
  return { supernet, proposals, validation: root.u32(), validationNet: root.u32() };
}

export const numClassesOf = (s: Pick<ZcptSettings, 'dataset'>): number => (s.dataset === 'cifar100' ? 100 : 10);

/** The search's scorer. */
export function zcptScorer(s: ZcptSettings): ZcptScorer {
  return makeScorer(s.proxy, { bn: s.bn, counting: s.counting, numClasses: numClassesOf(s) });
}

/** The search's supernet (caller disposes). */
export function zcptSupernet(s: ZcptSettings, seeds: ZcptSeeds): Nb201Supernet {
  return new Nb201Supernet({ C: s.C, N: s.N, numClasses: numClassesOf(s), zeroOpTaps: s.zeroOpTaps }, seeds.supernet);
}

/** Config of the post-validation networks. */
export function zcptNetConfig(s: ZcptSettings): Nb201NetConfig {
  return { C: s.C, N: s.N, numClasses: numClassesOf(s) };
}

/** A crop+flip training batch as tensors (caller disposes). */
export function zcptBatch(dataset: CifarDataset, batchSize: number, seed: number): ZcptBatch {
  const b = makeBatch({ dataset, split: 'train', batchSize, seed, select: 'random', augment: 'crop-flip', norm: ZCPT_NORM[dataset] });
  return { x: tf.tensor4d(b.x, [...b.shape]), labels: tf.tensor1d(b.labels, 'int32') };
}

/** Validation batch v of a search (caller disposes). */
export function zcptValidationBatch(s: ZcptSettings, seeds: ZcptSeeds, v: number): ZcptBatch {
  return zcptBatch(s.dataset, s.valBatchSize, (seeds.validation + v) >>> 0);
}

/**
 * The options of one proposal of a search from its seed: its own streams for α / edge choices and
 * for batches, so a proposal does not depend on the ones before it (or on which thread runs it).
 */
export function seededProposalOptions(supernet: Nb201Supernet, scorer: ZcptScorer, s: ZcptSettings, proposalSeed: number, onScore?: (r: RemovalScore) => void): ProposalOptions {
  const rng = new Rng(proposalSeed);
  const batchRng = rng.fork();
  return {
    view: (w) => supernet.withMixing(w),
    scorer,
    nextBatch: () => zcptBatch(s.dataset, s.batchSize, batchRng.u32()),
    order: s.edgeOrder,
    rng,
    ...(onScore ? { onScore } : {}),
  };
}

/** One proposal of a search from its seed (see `seededProposalOptions`). */
export function seededProposal(supernet: Nb201Supernet, scorer: ZcptScorer, s: ZcptSettings, proposalSeed: number, onScore?: (r: RemovalScore) => void): Proposal {
  return runProposal(seededProposalOptions(supernet, scorer, s, proposalSeed, onScore));
}

/** Supernet scorings of one proposal under an edge order. */
export function scoringsPerProposal(order: EdgeOrder): number {
  // 6 decisions; global orders score every undecided edge's 5 ops each step (Σ_{k=1..6} 5k = 105)
  return order === 'global-op-greedy' ? 105 : order === 'global-edge-greedy' ? 105 + 30 : 30;
}

/**
 * Run one Zero-Cost-PT search on NAS-Bench-201 and return the chosen architecture, every
 * proposal (with all removal scores), the validation scores and timings. `workers` > 0 runs
 * proposals and validation batches on that many worker threads (same result as in-process).
 */
export async function zcptSearchNb201(opts: ZcptSearchOptions = {}): Promise<ZcptSearchResult> {
  const s = zcptSettings(opts);
  await initBackend({ quiet: true });
  const t0 = performance.now();
  const seeds = zcptSeeds(s);
  const totalScorings = s.proposals * scoringsPerProposal(s.edgeOrder);
  let scorings = 0;
  const onScored = (): void => {
    scorings++;
    opts.onProgress?.({ phase: 'proposals', done: scorings, total: totalScorings });
  };
  const workers = Math.min(opts.workers ?? 0, Math.max(s.proposals, s.valBatches));
  const run = workers > 0 ? runInWorkers(s, seeds, workers, onScored, opts.onProgress) : runInThread(s, seeds, onScored, opts.onProgress);
  const { proposals, validation, proposalSeconds } = await run;
  const chosen = validation.candidates[validation.chosen]!;
  const accuracies = hasDataFile(NB201_TABLE_FILE) ? nb201TestAccuracies(chosen.arch, loadNb201Table()) : undefined;
  const validationScorings = s.valBatches * validation.candidates.length;
  return {
    settings: s,
    arch: chosen.arch,
    archString: chosen.archString,
    ...(accuracies ? { accuracies } : {}),
    proposals,
    validation,
    timing: {
      proposalSeconds,
      validationSeconds: validation.seconds,
      totalSeconds: (performance.now() - t0) / 1000,
      supernetScorings: scorings,
      secondsPerSupernetScoring: proposals.reduce((a, p) => a + p.seconds, 0) / scorings,
      validationScorings,
      secondsPerValidationScoring: validation.candidates.reduce((a, c) => a + c.seconds, 0) / validationScorings,
    },
  };
}

interface PhaseResults {
  readonly proposals: Proposal[];
  readonly validation: ValidationResult;
  readonly proposalSeconds: number;
}

async function runInThread(s: ZcptSettings, seeds: ZcptSeeds, onScored: () => void, onProgress?: (p: ZcptProgress) => void): Promise<PhaseResults> {
  const scorer = zcptScorer(s);
  const supernet = zcptSupernet(s, seeds);
  const proposals: Proposal[] = [];
  const p0 = performance.now();
  try {
    for (const seed of seeds.proposals) proposals.push(seededProposal(supernet, scorer, s, seed, onScored));
  } finally {
    supernet.dispose();
  }
  const proposalSeconds = (performance.now() - p0) / 1000;
  const archs = proposals.map((p) => p.arch);
  const nUnique = new Set(archs.map(formatNb201)).size;
  let valDone = 0;
  const validation = postValidate(archs, {
    scorer,
    valBatches: s.valBatches,
    batch: (v) => zcptValidationBatch(s, seeds, v),
    netConfig: zcptNetConfig(s),
    netSeed: seeds.validationNet,
    onScore: () => onProgress?.({ phase: 'validation', done: ++valDone, total: s.valBatches * nUnique }),
  });
  return { proposals, validation, proposalSeconds };
}

async function runInWorkers(s: ZcptSettings, seeds: ZcptSeeds, workers: number, onScored: () => void, onProgress?: (p: ZcptProgress) => void): Promise<PhaseResults> {
  const pool = await ZcptPool.start(workers, { settings: s, seeds }, onScored);
  try {
    const p0 = performance.now();
    const proposals = (await pool.proposals(seeds.proposals)).map((p) => ({ ...p, arch: nb201Arch(p.arch) }));
    const proposalSeconds = (performance.now() - p0) / 1000;
    const v0 = performance.now();
    const unique = uniqueArchs(proposals.map((p) => p.arch));
    const batches = Array.from({ length: s.valBatches }, (_, v) => v);
    let valDone = 0;
    const perBatch = await pool.validate(
      unique.map((u) => formatNb201(u.arch)),
      batches,
      () => {
        valDone += unique.length;
        onProgress?.({ phase: 'validation', done: valDone, total: s.valBatches * unique.length });
      },
    );
    const scores = unique.map((_, c) => batches.map((v) => perBatch[v]!.scores[c]!));
    const secs = unique.map((_, c) => batches.reduce((a, v) => a + perBatch[v]!.seconds[c]!, 0));
    return { proposals, validation: validationResult(unique, scores, secs, (performance.now() - v0) / 1000), proposalSeconds };
  } finally {
    await pool.close();
  }
}
