/**
 * One Zero-Cost-PT search on NAS-Bench-1Shot1 search space 2: N proposals by perturbation
 * (perturb.ts) on one untrained one-shot model (weights drawn once; each proposal its own α,
 * visiting orders and batches), then post-validation of the unique proposals (V batches).
 *
 * Paper / reference setting (ZCPT `networks_proposal.py`, `post_validate.py`): C = 16, 9 cells,
 * batch 128, N = 10, NASWOT in eval mode; post-validation scores each proposal's discrete network
 * (the one-shot model, one set of weights for all candidates, under the cell's 0/1 weights) on
 * V = 100 batches of 128 and keeps the largest sum. Ours: the validation model's weights come
 * from their own seed, every candidate sees the same V batches.
 *
 * Every proposal and the chosen cell are looked up in the 1Shot1 table after NB101 pruning and
 * hashing (`shot1Lookup`). The table (distributed with the Zero-Cost-PT authors' code) holds 3,609
 * encodings (3,258 distinct NB101 cells), while the op and topology steps can reach 7,773 distinct
 * cells (every parent choice; `allShot1Cells`), so a search may end outside the table. Such a cell
 * gets no accuracy (`outsideTable` with its hash instead), never a guess; `shot1Lookup` refuses it.
 */
import { hasDataFile } from '../../../data/root';
import type { CifarDataset } from '../../../data/cifar';
import { initBackend } from '../../../engine/backend';
import type { BnMode } from '../../../engine/layers';
import { Rng } from '../../../engine/rng';
import { loadNb1Shot1Space2, NB101_1SHOT1_SPACE2_FILE, uniqueNb1Shot1, type Nb1Shot1Row } from '../../../benchmarks/nb101';
import { formatShot1, shot1ToNb101, type Shot1Cell } from '../../../spaces/nb101/shot1';
import { formatNb101 } from '../../../spaces/nb101/spec';
import { nb101Hash } from '../../../spaces/nb101/hash';
import { postValidateSpace, type SpaceValidationResult } from '../postValidate';
import { makeScorer, type ZcptBatch, type ZcptScorer } from '../scorers';
import { checkCommonSettings, commonSearchSettings, numClassesOf, zcptBatch, zcptSeeds, type ZcptSeeds, type ZcptTiming } from '../search';
import { runShot1Proposal, SHOT1_SCORINGS_PER_PROPOSAL, SHOT1_TOPOLOGY_WEIGHTS, type Shot1Proposal, type Shot1TopologyWeights } from './perturb';
import { shot1CellMixing, Shot1Supernet, SHOT1_ZERO_OP_TAPS, type Shot1NetConfig, type Shot1ZeroOpTaps } from './supernet';

export interface ZcptShot1SearchOptions {
  readonly proxy?: string;
  readonly seed?: number;
  /** N, proposals (default 10). */
  readonly proposals?: number;
  /** V, post-validation batches (default 100). */
  readonly valBatches?: number;
  /** Batch size of every step (default 128). */
  readonly batchSize?: number;
  /** Batch size of the validation batches (default `batchSize`). */
  readonly valBatchSize?: number;
  readonly dataset?: CifarDataset;
  /** Width of the first stack (default 16) and number of cells (default 9). */
  readonly C?: number;
  readonly layers?: number;
  /** BN mode of every scoring (default 'eval', as the reference). */
  readonly bn?: BnMode;
  /** Default 'softmax' (perturb.ts). */
  readonly topologyWeights?: Shot1TopologyWeights;
  /** Default 'reference' (supernet.ts). */
  readonly zeroOpTaps?: Shot1ZeroOpTaps;
  readonly onProgress?: (p: { readonly phase: 'proposals' | 'validation'; readonly done: number; readonly total: number }) => void;
}

export type ZcptShot1Settings = Required<Omit<ZcptShot1SearchOptions, 'onProgress'>> & { readonly space: 'nb101-1shot1' };

/** Benchmark numbers of a cell (1Shot1 space-2 table, NB101 108-epoch training). */
export interface Shot1Accuracies {
  /** NB101 hash of the pruned cell, and the pruned cell in NB101's text form. */
  readonly hash: string;
  readonly nb101: string;
  /** Mean test accuracy over the 3 seeds (%), each seed's, and the mean validation accuracy. */
  readonly mean: number;
  readonly seeds: readonly number[];
  readonly meanValid: number;
}

/** A cell's table status: its accuracies, or (not in the table) its NB101 hash and pruned cell; neither without the table. */
export interface Shot1TableStatus {
  readonly accuracies?: Shot1Accuracies;
  readonly outsideTable?: { readonly hash: string; readonly nb101: string };
}

export interface ZcptShot1SearchResult extends Shot1TableStatus {
  readonly settings: ZcptShot1Settings;
  /** The post-validated winner. */
  readonly arch: Shot1Cell;
  readonly archString: string;
  readonly proposals: readonly (Shot1Proposal & Shot1TableStatus)[];
  readonly validation: SpaceValidationResult<Shot1Cell>;
  readonly timing: ZcptTiming;
}

/** Resolve defaults and check the options. @throws naming a bad option. */
export function zcptShot1Settings(opts: ZcptShot1SearchOptions = {}): ZcptShot1Settings {
  const s: ZcptShot1Settings = {
    space: 'nb101-1shot1',
    ...commonSearchSettings(opts, { valBatches: 100, batchSize: 128 }),
    C: opts.C ?? 16,
    layers: opts.layers ?? 9,
    topologyWeights: opts.topologyWeights ?? 'softmax',
    zeroOpTaps: opts.zeroOpTaps ?? 'reference',
  };
  checkCommonSettings(s, 'zc-pt nb101-1shot1', ['C', 'layers']);
  if (s.layers < 3) throw new Error(`zc-pt nb101-1shot1: layers must be at least 3 (three stacks), got ${s.layers}`);
  if (!SHOT1_TOPOLOGY_WEIGHTS.includes(s.topologyWeights)) throw new Error(`zc-pt nb101-1shot1: topologyWeights must be ${SHOT1_TOPOLOGY_WEIGHTS.join(' or ')}, got '${String(s.topologyWeights)}'`);
  if (!SHOT1_ZERO_OP_TAPS.includes(s.zeroOpTaps)) throw new Error(`zc-pt nb101-1shot1: zeroOpTaps must be ${SHOT1_ZERO_OP_TAPS.join(' or ')}, got '${String(s.zeroOpTaps)}'`);
  return s;
}

export function zcptShot1Scorer(s: ZcptShot1Settings): ZcptScorer {
  return makeScorer(s.proxy, { bn: s.bn, counting: 'official', numClasses: numClassesOf(s) });
}

export function zcptShot1NetConfig(s: ZcptShot1Settings): Shot1NetConfig {
  return { C: s.C, layers: s.layers, numClasses: numClassesOf(s) };
}

/** One proposal from its seed: own streams for α and orders, and for batches. */
export function seededShot1Proposal(supernet: Shot1Supernet, scorer: ZcptScorer, s: ZcptShot1Settings, proposalSeed: number, onScore?: () => void): Shot1Proposal {
  const rng = new Rng(proposalSeed);
  const batchRng = rng.fork();
  return runShot1Proposal({
    view: (m) => supernet.withMixing(m),
    scorer,
    nextBatch: () => zcptBatch(s.dataset, s.batchSize, batchRng.u32()),
    rng,
    topologyWeights: s.topologyWeights,
    ...(onScore ? { onScore } : {}),
  });
}

/** The table's distinct cells by NB101 hash. */
export function shot1TableIndex(rows: readonly Nb1Shot1Row[]): ReadonlyMap<string, Nb1Shot1Row> {
  return new Map(uniqueNb1Shot1(rows).map((r) => [r.hash, r]));
}

/**
 * A cell's table record: NB101 pruning and hashing, then the table row of that hash.
 * @throws when the cell is not in the table (never a guess).
 */
export function shot1Lookup(cell: Shot1Cell, index: ReadonlyMap<string, Nb1Shot1Row>): Nb1Shot1Row {
  const spec = shot1ToNb101(cell);
  const hash = nb101Hash(spec);
  const row = index.get(hash);
  if (!row) throw new Error(`1Shot1 cell ${formatShot1(cell)} (NB101 ${formatNb101(spec)}, hash ${hash}) is not in the 1Shot1 space-2 table (${index.size} cells); its accuracy is unknown`);
  return row;
}

export function shot1Accuracies(cell: Shot1Cell, index: ReadonlyMap<string, Nb1Shot1Row>): Shot1Accuracies {
  const r = shot1Lookup(cell, index);
  return { hash: r.hash, nb101: formatNb101(r.spec), mean: r.meanTestAccuracy, seeds: r.testAccuracies, meanValid: r.meanValidAccuracy };
}

/** Accuracies when the cell is in the table, else what names it (no accuracy). */
export function shot1TableStatus(cell: Shot1Cell, index: ReadonlyMap<string, Nb1Shot1Row> | undefined): Shot1TableStatus {
  if (!index) return {};
  const spec = shot1ToNb101(cell);
  const hash = nb101Hash(spec);
  return index.has(hash) ? { accuracies: shot1Accuracies(cell, index) } : { outsideTable: { hash, nb101: formatNb101(spec) } };
}

/** Run one Zero-Cost-PT search on 1Shot1 space 2 (in this thread). JSON-serialisable result. */
export async function zcptSearchShot1(opts: ZcptShot1SearchOptions = {}): Promise<ZcptShot1SearchResult> {
  const s = zcptShot1Settings(opts);
  await initBackend({ quiet: true });
  const t0 = performance.now();
  const seeds: ZcptSeeds = zcptSeeds(s);
  const scorer = zcptShot1Scorer(s);
  const total = s.proposals * SHOT1_SCORINGS_PER_PROPOSAL;
  let scorings = 0;
  const proposals: Shot1Proposal[] = [];
  const supernet = new Shot1Supernet({ ...zcptShot1NetConfig(s), zeroOpTaps: s.zeroOpTaps }, seeds.supernet);
  try {
    for (const seed of seeds.proposals) {
      proposals.push(
        seededShot1Proposal(supernet, scorer, s, seed, () => {
          scorings++;
          opts.onProgress?.({ phase: 'proposals', done: scorings, total });
        }),
      );
    }
  } finally {
    supernet.dispose();
  }
  const proposalSeconds = (performance.now() - t0) / 1000;
  const cells = proposals.map((p) => p.cell);
  const nUnique = new Set(cells.map(formatShot1)).size;
  let done = 0;
  // the reference scores every candidate on one model under the cell's 0/1 weights
  const valNet = new Shot1Supernet({ ...zcptShot1NetConfig(s), zeroOpTaps: s.zeroOpTaps }, seeds.validationNet);
  let validation: SpaceValidationResult<Shot1Cell>;
  try {
    validation = postValidateSpace(cells, { format: formatShot1, network: (c) => ({ net: valNet.withMixing(shot1CellMixing(c)), dispose: () => {} }) }, {
      scorer,
      valBatches: s.valBatches,
      batch: (v): ZcptBatch => zcptBatch(s.dataset, s.valBatchSize, (seeds.validation + v) >>> 0),
      onScore: () => {
        done++;
        opts.onProgress?.({ phase: 'validation', done, total: s.valBatches * nUnique });
      },
    });
  } finally {
    valNet.dispose();
  }
  const index = hasDataFile(NB101_1SHOT1_SPACE2_FILE) ? shot1TableIndex(loadNb1Shot1Space2()) : undefined;
  const acc = (c: Shot1Cell): Shot1TableStatus => shot1TableStatus(c, index);
  const arch = validation.candidates[validation.chosen]!.arch;
  const validationScorings = s.valBatches * validation.candidates.length;
  return {
    settings: s,
    arch,
    archString: formatShot1(arch),
    ...acc(arch),
    proposals: proposals.map((p) => ({ ...p, ...acc(p.cell) })),
    validation,
    timing: {
      proposalSeconds,
      validationSeconds: validation.seconds,
      totalSeconds: (performance.now() - t0) / 1000,
      supernetScorings: scorings,
      secondsPerSupernetScoring: scorings > 0 ? proposals.reduce((a, p) => a + p.seconds, 0) / scorings : NaN,
      validationScorings,
      secondsPerValidationScoring: validationScorings > 0 ? validation.candidates.reduce((a, c) => a + c.seconds, 0) / validationScorings : NaN,
    },
  };
}
