/**
 * One Zero-Cost-PT search on NAS-Bench-Macro: N proposals by perturbation (perturb.ts) on one
 * untrained supernet (weights drawn once; each proposal its own visiting order and batches), then,
 * when V > 0, our post-validation of the unique proposals (postValidate.ts).
 *
 * Paper / reference setting (ZCPT `nasbench_macro/network_proposal.py`): N = 10, batch 256,
 * crop + flip, NASWOT in eval mode, no post-validation. Without post-validation the reference
 * leaves a pool of N proposals; our search's answer is then proposal 0 (each proposal is an
 * independent draw of the reference's output), and every proposal's accuracy is recorded so a
 * report can use the whole pool. With V > 0 the answer is the post-validated winner; the first
 * proposal is recorded either way (`firstProposal`), so one run reports both.
 *
 * Data and randomness as on NAS-Bench-201 (../search.ts): CIFAR training images, RandomCrop(32,
 * 4) + flip, Zero-Cost-PT normalisation, a fresh batch per layer step, every stream derived from
 * `seed` by the shared seed scheme (`zcptSeeds`).
 */
import { hasDataFile } from '../../../data/root';
import type { CifarDataset } from '../../../data/cifar';
import { initBackend } from '../../../engine/backend';
import type { BnMode } from '../../../engine/layers';
import { Rng } from '../../../engine/rng';
import { loadMacroTable, MACRO_TABLE_FILE, type MacroTable } from '../../../benchmarks/macro';
import { formatMacro, macroIndex, type MacroArch } from '../../../spaces/macro/arch';
import type { MacroNetConfig } from '../../../spaces/macro/network';
import { makeScorer, type ZcptBatch, type ZcptScorer } from '../scorers';
import { checkCommonSettings, commonSearchSettings, numClassesOf, zcptBatch, zcptSeeds, type ZcptSeeds, type ZcptTiming } from '../search';
import { isMacroDecidedMode, MACRO_DECIDED_MODES, MACRO_SCORINGS_PER_PROPOSAL, runMacroProposal, type MacroDecidedMode, type MacroProposal } from './perturb';
import { postValidateMacro, type MacroValidationResult } from './postValidate';
import { MacroSupernet, MACRO_ZERO_OP_TAPS, type MacroZeroOpTaps } from './supernet';

export interface ZcptMacroSearchOptions {
  readonly proxy?: string;
  readonly seed?: number;
  /** N, proposals (default 10). */
  readonly proposals?: number;
  /** V, post-validation batches (default 0: none, as the reference). */
  readonly valBatches?: number;
  /** Batch size of the layer steps (default 256). */
  readonly batchSize?: number;
  /** Batch size of the validation batches (default `batchSize`). */
  readonly valBatchSize?: number;
  readonly dataset?: CifarDataset;
  /** Stem width (default 32) and head width (default 1280) of supernet and standalone networks. */
  readonly initChannels?: number;
  readonly headChannels?: number;
  /** BN mode of every scoring (default 'eval', as the reference). */
  readonly bn?: BnMode;
  /** Default 'reference' (perturb.ts). */
  readonly decided?: MacroDecidedMode;
  /** Default 'reference' (supernet.ts). */
  readonly zeroOpTaps?: MacroZeroOpTaps;
  readonly onProgress?: (p: { readonly phase: 'proposals' | 'validation'; readonly done: number; readonly total: number }) => void;
}

export type ZcptMacroSettings = Required<Omit<ZcptMacroSearchOptions, 'onProgress'>> & { readonly space: 'macro' };

/** Benchmark numbers of an architecture (NAS-Bench-Macro CIFAR-10 table). */
export interface MacroAccuracies {
  /** `macroIndex` of the architecture. */
  readonly index: number;
  /** Mean test accuracy over the 3 seeds (%), and each seed's. */
  readonly mean: number;
  readonly seeds: readonly number[];
}

export interface ZcptMacroSearchResult {
  readonly settings: ZcptMacroSettings;
  /** The search's answer: the post-validated winner (V > 0) or proposal 0 (V = 0). */
  readonly arch: MacroArch;
  readonly archString: string;
  readonly accuracies?: MacroAccuracies;
  /** Proposal 0 (the reference's protocol without post-validation). */
  readonly firstProposal: { readonly archString: string; readonly accuracies?: MacroAccuracies };
  readonly proposals: readonly (MacroProposal & { readonly accuracies?: MacroAccuracies })[];
  /** Absent when V = 0. */
  readonly validation?: MacroValidationResult;
  readonly timing: ZcptTiming;
}

/** Resolve defaults and check the options. @throws naming a bad option. */
export function zcptMacroSettings(opts: ZcptMacroSearchOptions = {}): ZcptMacroSettings {
  const s: ZcptMacroSettings = {
    space: 'macro',
    ...commonSearchSettings(opts, { valBatches: 0, batchSize: 256 }),
    initChannels: opts.initChannels ?? 32,
    headChannels: opts.headChannels ?? 1280,
    decided: opts.decided ?? 'reference',
    zeroOpTaps: opts.zeroOpTaps ?? 'reference',
  };
  if (!(Number.isInteger(s.valBatches) && s.valBatches >= 0)) throw new Error(`zc-pt macro: valBatches must be a non-negative integer (0 = no post-validation), got ${String(s.valBatches)}`);
  // V = 0 is allowed here (no post-validation); the common checks cover every other field
  checkCommonSettings({ ...s, valBatches: Math.max(1, s.valBatches) }, 'zc-pt macro', ['initChannels', 'headChannels']);
  if (!isMacroDecidedMode(s.decided)) throw new Error(`zc-pt macro: decided must be ${MACRO_DECIDED_MODES.join(' or ')}, got '${String(s.decided)}'`);
  if (!MACRO_ZERO_OP_TAPS.includes(s.zeroOpTaps)) throw new Error(`zc-pt macro: zeroOpTaps must be ${MACRO_ZERO_OP_TAPS.join(' or ')}, got '${String(s.zeroOpTaps)}'`);
  return s;
}

export function zcptMacroScorer(s: ZcptMacroSettings): ZcptScorer {
  return makeScorer(s.proxy, { bn: s.bn, counting: 'official', numClasses: numClassesOf(s) });
}

export function zcptMacroNetConfig(s: ZcptMacroSettings): MacroNetConfig {
  return { initChannels: s.initChannels, headChannels: s.headChannels, numClasses: numClassesOf(s) };
}

export function zcptMacroSupernet(s: ZcptMacroSettings, seeds: ZcptSeeds): MacroSupernet {
  return new MacroSupernet({ ...zcptMacroNetConfig(s), zeroOpTaps: s.zeroOpTaps }, seeds.supernet);
}

/** One proposal from its seed: own streams for the visiting order and for batches. */
export function seededMacroProposal(supernet: MacroSupernet, scorer: ZcptScorer, s: ZcptMacroSettings, proposalSeed: number, onScore?: () => void): MacroProposal {
  const rng = new Rng(proposalSeed);
  const batchRng = rng.fork();
  return runMacroProposal({
    view: (w) => supernet.withMixing(w),
    scorer,
    nextBatch: () => zcptBatch(s.dataset, s.batchSize, batchRng.u32()),
    rng,
    decided: s.decided,
    ...(onScore ? { onScore } : {}),
  });
}

/** Table numbers of an architecture (absent without the table). */
export function macroAccuracies(arch: MacroArch, table?: MacroTable): MacroAccuracies | undefined {
  if (!table) return undefined;
  const r = table.lookup(arch);
  return { index: macroIndex(arch), mean: r.meanAccuracy, seeds: r.testAccuracies };
}

/** Run one Zero-Cost-PT search on NAS-Bench-Macro (in this thread). JSON-serialisable result. */
export async function zcptSearchMacro(opts: ZcptMacroSearchOptions = {}): Promise<ZcptMacroSearchResult> {
  const s = zcptMacroSettings(opts);
  await initBackend({ quiet: true });
  const t0 = performance.now();
  const seeds = zcptSeeds(s);
  const scorer = zcptMacroScorer(s);
  const total = s.proposals * MACRO_SCORINGS_PER_PROPOSAL;
  let scorings = 0;
  const proposals: MacroProposal[] = [];
  const supernet = zcptMacroSupernet(s, seeds);
  try {
    for (const seed of seeds.proposals) {
      proposals.push(
        seededMacroProposal(supernet, scorer, s, seed, () => {
          scorings++;
          opts.onProgress?.({ phase: 'proposals', done: scorings, total });
        }),
      );
    }
  } finally {
    supernet.dispose();
  }
  const proposalSeconds = (performance.now() - t0) / 1000;
  const archs = proposals.map((p) => p.arch);
  let validation: MacroValidationResult | undefined;
  if (s.valBatches > 0) {
    const nUnique = new Set(archs.map(formatMacro)).size;
    let done = 0;
    validation = postValidateMacro(archs, {
      scorer,
      valBatches: s.valBatches,
      batch: (v): ZcptBatch => zcptBatch(s.dataset, s.valBatchSize, (seeds.validation + v) >>> 0),
      netConfig: zcptMacroNetConfig(s),
      netSeed: seeds.validationNet,
      onScore: () => {
        done++;
        opts.onProgress?.({ phase: 'validation', done, total: s.valBatches * nUnique });
      },
    });
  }
  const table = hasDataFile(MACRO_TABLE_FILE) ? loadMacroTable() : undefined;
  const arch = validation ? validation.candidates[validation.chosen]!.arch : archs[0]!;
  const acc = (a: MacroArch): { accuracies?: MacroAccuracies } => {
    const r = macroAccuracies(a, table);
    return r ? { accuracies: r } : {};
  };
  const validationScorings = validation ? s.valBatches * validation.candidates.length : 0;
  return {
    settings: s,
    arch,
    archString: formatMacro(arch),
    ...acc(arch),
    firstProposal: { archString: formatMacro(archs[0]!), ...acc(archs[0]!) },
    proposals: proposals.map((p) => ({ ...p, ...acc(p.arch) })),
    ...(validation ? { validation } : {}),
    timing: {
      proposalSeconds,
      validationSeconds: validation?.seconds ?? 0,
      totalSeconds: (performance.now() - t0) / 1000,
      supernetScorings: scorings,
      secondsPerSupernetScoring: scorings > 0 ? proposals.reduce((a, p) => a + p.seconds, 0) / scorings : NaN,
      validationScorings,
      secondsPerValidationScoring: validation && validationScorings > 0 ? validation.candidates.reduce((a, c) => a + c.seconds, 0) / validationScorings : NaN,
    },
  };
}
