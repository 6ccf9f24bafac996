/**
 * One Zero-Cost-PT search on the DARTS space (docs/papers.md §5.4): N proposals by perturbation on one
 * untrained DARTS search supernet (weights drawn once, α redrawn per proposal), then
 * post-validation of the unique genotypes as standalone NetworkCIFAR on V batches.
 *
 * Data as on NAS-Bench-201 (search.ts): CIFAR training images, RandomCrop(32, 4) + flip,
 * Zero-Cost-PT normalisation, our bundled subset used whole. Paper setting: N = 10, V = 100,
 * batch 64, supernet and validation network C = 16, 8 layers.
 *
 * Randomness: everything derives from `seed` through separate streams (supernet weights; per
 * proposal α, edge / node choices and batches; validation batches; validation network weights).
 * In-process only.
 */
import { initBackend } from '../../../engine/backend';
import type { BnMode } from '../../../engine/layers';
import { Rng } from '../../../engine/rng';
import type { ReluCounting } from '../../../engine/taps';
import type { CifarDataset } from '../../../data/cifar';
import { formatGenotype, type Genotype } from '../../../spaces/darts/genotype';
import type { DartsNetConfig } from '../../../spaces/darts/plan';
import { makeScorer, type ZcptBatch, type ZcptScorer } from '../scorers';
import { checkCommonSettings, commonSearchSettings, numClassesOf, zcptBatch, zcptSeeds, type ZcptSeeds, type ZcptTiming } from '../search';
import { dartsScoringsPerProposal, isTopologyMode, runDartsProposal, TOPOLOGY_MODES, type DartsProposal, type DartsScoreEvent, type TopologyMode } from './perturb';
import { postValidateDarts, uniqueGenotypes, type DartsValidationResult } from './postValidate';
import { DARTS_ZERO_OP_TAPS, DartsSupernet, type DartsZeroOpTaps } from './supernet';

export interface ZcptDartsSearchOptions {
  /** Proxy of both phases (default 'naswot': official counting, as ZCPT `jacob`; 'nwot' = NASLib counting; any registry name that can score a supernet). */
  readonly proxy?: string;
  readonly seed?: number;
  /** N, proposals (default 10). */
  readonly proposals?: number;
  /** V, validation batches (default 100). */
  readonly valBatches?: number;
  /** Batch size of the perturbation steps (default 64). */
  readonly batchSize?: number;
  /** Batch size of the validation batches (default `batchSize`). */
  readonly valBatchSize?: number;
  /** Data for scoring; the classifiers have this dataset's classes (default 'cifar10'). */
  readonly dataset?: CifarDataset;
  /** Supernet and validation network width / depth (default 16 / 8). */
  readonly C?: number;
  readonly layers?: number;
  /** BN mode of every scoring pass (default 'eval', Zero-Cost-PT). */
  readonly bn?: BnMode;
  /** NASWOT counting for `naswot` (default 'official'). */
  readonly counting?: ReluCounting;
  /** Taps of zero-weight supernet ops (default 'skip'; see supernet.ts). */
  readonly zeroOpTaps?: DartsZeroOpTaps;
  /** How edge deletions at a node combine (default 'reference'; see perturb.ts). */
  readonly topology?: TopologyMode;
  /** Progress: after every supernet scoring and every validation scoring. */
  readonly onProgress?: (p: ZcptDartsProgress) => void;
}

export interface ZcptDartsProgress {
  readonly phase: 'proposals' | 'validation';
  readonly done: number;
  readonly total: number;
  /** The proposal (0-based) during the proposal phase. */
  readonly proposal?: number;
  readonly event?: DartsScoreEvent;
}

/** The options with defaults applied (recorded with the result). */
export type ZcptDartsSettings = { readonly space: 'darts' } & Required<Omit<ZcptDartsSearchOptions, 'onProgress'>>;

export interface ZcptDartsSearchResult {
  readonly settings: ZcptDartsSettings;
  readonly genotype: Genotype;
  /** `Genotype(normal=[...], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])`. */
  readonly genotypeString: string;
  readonly proposals: readonly DartsProposal[];
  readonly validation: DartsValidationResult;
  readonly timing: ZcptTiming;
}

/** Resolve defaults and check the options. @throws naming a bad option. */
export function zcptDartsSettings(opts: ZcptDartsSearchOptions = {}): ZcptDartsSettings {
  const s: ZcptDartsSettings = {
    space: 'darts',
    ...commonSearchSettings(opts, { valBatches: 100, batchSize: 64 }),
    C: opts.C ?? 16,
    layers: opts.layers ?? 8,
    counting: opts.counting ?? 'official',
    zeroOpTaps: opts.zeroOpTaps ?? 'skip',
    topology: opts.topology ?? 'reference',
  };
  checkCommonSettings(s, 'zc-pt darts', ['C', 'layers']);
  if (s.C % 2 !== 0) throw new Error(`zc-pt darts: C must be even (FactorizedReduce), got ${s.C}`);
  if (s.counting !== 'official' && s.counting !== 'naslib') throw new Error(`zc-pt darts: counting must be official or naslib, got '${String(s.counting)}'`);
  if (!DARTS_ZERO_OP_TAPS.includes(s.zeroOpTaps)) throw new Error(`zc-pt darts: zeroOpTaps must be ${DARTS_ZERO_OP_TAPS.join(' or ')}, got '${String(s.zeroOpTaps)}'`);
  if (!isTopologyMode(s.topology)) throw new Error(`zc-pt darts: topology must be ${TOPOLOGY_MODES.join(' or ')}, got '${String(s.topology)}'`);
  return s;
}

/** Seeds of one search: the NAS-Bench-201 scheme (search.ts `zcptSeeds`), shared. */
export type ZcptDartsSeeds = ZcptSeeds;
export const zcptDartsSeeds = zcptSeeds;

/** The search's scorer. */
export function zcptDartsScorer(s: ZcptDartsSettings): ZcptScorer {
  return makeScorer(s.proxy, { bn: s.bn, counting: s.counting, numClasses: numClassesOf(s) });
}

/** The search's supernet (caller disposes). */
export function zcptDartsSupernet(s: ZcptDartsSettings, seeds: ZcptDartsSeeds): DartsSupernet {
  return new DartsSupernet({ C: s.C, layers: s.layers, numClasses: numClassesOf(s), zeroOpTaps: s.zeroOpTaps }, seeds.supernet);
}

/** Config of the post-validation networks (NetworkCIFAR, DARTS ops with affine BN, no auxiliary head). */
export function zcptDartsNetConfig(s: ZcptDartsSettings): DartsNetConfig {
  return { C: s.C, layers: s.layers, numClasses: numClassesOf(s), auxiliary: false };
}

/** Validation batch v of a search (caller disposes). */
export function zcptDartsValidationBatch(s: ZcptDartsSettings, seeds: ZcptDartsSeeds, v: number): ZcptBatch {
  return zcptBatch(s.dataset, s.valBatchSize, (seeds.validation + v) >>> 0);
}

/** One proposal from its seed: own streams for α / choices and for batches. */
export function seededDartsProposal(supernet: DartsSupernet, scorer: ZcptScorer, s: ZcptDartsSettings, proposalSeed: number, onScore?: (e: DartsScoreEvent) => void): DartsProposal {
  const rng = new Rng(proposalSeed);
  const batchRng = rng.fork();
  return runDartsProposal({
    view: (w) => supernet.withMixing(w),
    scorer,
    nextBatch: () => zcptBatch(s.dataset, s.batchSize, batchRng.u32()),
    rng,
    topology: s.topology,
    ...(onScore ? { onScore } : {}),
  });
}

/**
 * Run one Zero-Cost-PT search on the DARTS space and return the chosen genotype, every proposal
 * (with all removal scores), the validation scores and timings. JSON-serialisable.
 */
export async function zcptSearchDarts(opts: ZcptDartsSearchOptions = {}): Promise<ZcptDartsSearchResult> {
  const s = zcptDartsSettings(opts);
  await initBackend({ quiet: true });
  const t0 = performance.now();
  const seeds = zcptDartsSeeds(s);
  const scorer = zcptDartsScorer(s);
  const totalScorings = s.proposals * dartsScoringsPerProposal(s.topology);
  let scorings = 0;
  const proposals: DartsProposal[] = [];
  const supernet = zcptDartsSupernet(s, seeds);
  try {
    seeds.proposals.forEach((seed, i) => {
      proposals.push(
        seededDartsProposal(supernet, scorer, s, seed, (event) => {
          scorings++;
          opts.onProgress?.({ phase: 'proposals', done: scorings, total: totalScorings, proposal: i, event });
        }),
      );
    });
  } finally {
    supernet.dispose();
  }
  const proposalSeconds = (performance.now() - t0) / 1000;
  const genotypes = proposals.map((p) => p.genotype);
  const nUnique = uniqueGenotypes(genotypes).length;
  let valDone = 0;
  const validation = postValidateDarts(genotypes, {
    scorer,
    valBatches: s.valBatches,
    batch: (v) => zcptDartsValidationBatch(s, seeds, v),
    netConfig: zcptDartsNetConfig(s),
    netSeed: seeds.validationNet,
    onScore: () => opts.onProgress?.({ phase: 'validation', done: ++valDone, total: s.valBatches * nUnique }),
  });
  const chosen = validation.candidates[validation.chosen]!;
  const validationScorings = s.valBatches * validation.candidates.length;
  return {
    settings: s,
    genotype: chosen.genotype,
    genotypeString: formatGenotype(chosen.genotype),
    proposals,
    validation,
    timing: {
      proposalSeconds,
      validationSeconds: validation.seconds,
      totalSeconds: (performance.now() - t0) / 1000,
      supernetScorings: scorings,
      secondsPerSupernetScoring: scorings > 0 ? proposals.reduce((a, p) => a + p.seconds, 0) / scorings : NaN,
      validationScorings,
      secondsPerValidationScoring: validation.candidates.reduce((a, c) => a + c.seconds, 0) / validationScorings,
    },
  };
}
