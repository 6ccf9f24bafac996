/**
 * Settings of the mini training bench ("our DTB"): everything that determines a row of
 * a training-bench file besides the architecture. Stored in the file's `.meta.json` sidecar; a
 * file is resumed only with identical settings.
 *
 * Defaults: a few epochs of the NAS-Bench-201 recipe on a small network (SGD lr 0.1 cosine to 0,
 * momentum 0.9 Nesterov, weight decay 5e-4, batch 64, crop+flip; trainer.ts), atoms on the NASWOT
 * scoring batch (128 random training images, no augmentation, official ReLU counting).
 */
import type { BatchAugment } from '../data/batch';
import type { CifarDataset } from '../data/cifar';
import type { ReluCounting } from '../engine/taps';
import { SPACE_NAMES, type SpaceName } from '../runner/settings';
import type { EvalBn } from './metrics';
import type { DecayScope } from './sgd';

export interface TrainBenchSettings {
  readonly space: SpaceName;
  readonly dataset: CifarDataset;
  /** Base width and depth of the network (runner/archSets.ts: NB201 channels / cells per stage, NB101 stem / modules per stack, DARTS channels / cells). */
  readonly C: number;
  readonly N: number;
  /** Training epochs E (rows: epochs 0..E per architecture). */
  readonly epochs: number;
  readonly batchSize: number;
  /** Base learning rate, cosine-annealed to 0 over the whole run per step. */
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** Which parameters weight decay applies to (sgd.ts). */
  readonly decay: DecayScope;
  readonly nesterov: boolean;
  readonly augment: BatchAugment;
  /** BN at test time: 'running' (eval mode with the tracked running statistics) or 'batch' (train-mode BN on each test batch). */
  readonly evalBn: EvalBn;
  /** Seed of the sample, the data order and augmentation, the scoring batch and (via `networkSeed`) the weights. */
  readonly seed: number;
  /** Images in the fixed NASWOT scoring batch of the atoms. */
  readonly scoreBatchSize: number;
  readonly counting: ReluCounting;
  /** Train on the first `trainLimit` training images only (tests; absent: all). */
  readonly trainLimit?: number;
  /** Evaluate on the first `evalLimit` test images only (tests; absent: all). */
  readonly evalLimit?: number;
}

/**
 * Network size per space. NB201 C16 N1 reached 51.6 % test accuracy in 5 epochs (bench/train.ts);
 * NB101 stem 16 with one module per stack is the analogue; DARTS 16 channels, 5 cells (reductions
 * at cells 1 and 3). DARTS cells use BN without affine parameters, which the trainer cannot yet
 * track running statistics for (bnStats.ts), so DARTS evaluates with batch statistics.
 */
export const TRAIN_BENCH_NET_DEFAULTS: Readonly<Record<SpaceName, { readonly C: number; readonly N: number; readonly evalBn: EvalBn }>> = {
  nb201: { C: 16, N: 1, evalBn: 'running' },
  nb101: { C: 16, N: 1, evalBn: 'running' },
  'nb101-naslib': { C: 16, N: 1, evalBn: 'running' },
  darts: { C: 16, N: 5, evalBn: 'batch' },
  // NAS-Bench-Macro: stem width 8 (stages 16/32/64), the fixed 8 layers
  macro: { C: 8, N: 8, evalBn: 'running' },
};

/** Default settings of a space (3 epochs). */
export function defaultTrainBenchSettings(space: SpaceName = 'nb201'): TrainBenchSettings {
  const net = TRAIN_BENCH_NET_DEFAULTS[space];
  if (!net) throw new Error(`train bench: unknown space '${String(space)}' (one of ${SPACE_NAMES.join(', ')})`);
  return {
    space,
    dataset: 'cifar10',
    C: net.C,
    N: net.N,
    epochs: 3,
    batchSize: 64,
    lr: 0.1,
    momentum: 0.9,
    weightDecay: 5e-4,
    decay: 'weights',
    nesterov: true,
    augment: 'crop-flip',
    evalBn: net.evalBn,
    seed: 1,
    scoreBatchSize: 128,
    counting: 'official',
  };
}

const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * Check every field; returns the settings with absent optional limits removed.
 * @throws naming the first bad field and its value.
 */
export function validateTrainBenchSettings(s: TrainBenchSettings): TrainBenchSettings {
  const bad = (field: string, want: string): never => {
    throw new Error(`train bench settings: ${field} must be ${want}, got ${JSON.stringify((s as unknown as Record<string, unknown>)[field])}`);
  };
  if (!SPACE_NAMES.includes(s.space)) bad('space', `one of ${SPACE_NAMES.join(', ')}`);
  if (s.dataset !== 'cifar10' && s.dataset !== 'cifar100') bad('dataset', 'cifar10 or cifar100');
  for (const f of ['C', 'N', 'epochs', 'batchSize', 'scoreBatchSize'] as const) if (!posInt(s[f])) bad(f, 'a positive integer');
  if (!(typeof s.lr === 'number' && Number.isFinite(s.lr) && s.lr > 0)) bad('lr', 'a positive number');
  if (!(typeof s.momentum === 'number' && s.momentum >= 0 && s.momentum < 1)) bad('momentum', 'a number in [0, 1)');
  if (!(typeof s.weightDecay === 'number' && Number.isFinite(s.weightDecay) && s.weightDecay >= 0)) bad('weightDecay', 'a number ≥ 0');
  if (s.decay !== 'weights' && s.decay !== 'all') bad('decay', "'weights' or 'all'");
  if (typeof s.nesterov !== 'boolean') bad('nesterov', 'true or false');
  if (s.augment !== 'none' && s.augment !== 'crop-flip') bad('augment', "'none' or 'crop-flip'");
  if (s.evalBn !== 'running' && s.evalBn !== 'batch') bad('evalBn', "'running' or 'batch'");
  if (!(typeof s.seed === 'number' && Number.isInteger(s.seed) && s.seed >= 0)) bad('seed', 'an integer ≥ 0');
  if (s.counting !== 'official' && s.counting !== 'naslib') bad('counting', "'official' or 'naslib'");
  if (s.trainLimit !== undefined && !posInt(s.trainLimit)) bad('trainLimit', 'a positive integer (or absent)');
  if (s.evalLimit !== undefined && !posInt(s.evalLimit)) bad('evalLimit', 'a positive integer (or absent)');
  if (s.trainLimit !== undefined && s.batchSize > s.trainLimit) bad('batchSize', `at most trainLimit (${s.trainLimit})`);
  const { trainLimit, evalLimit, ...rest } = s;
  return { ...rest, ...(trainLimit !== undefined ? { trainLimit } : {}), ...(evalLimit !== undefined ? { evalLimit } : {}) };
}

/** Settings as a stable JSON string (keys sorted), used to check that a file matches. */
export function trainBenchSettingsKey(s: TrainBenchSettings): string {
  const o = validateTrainBenchSettings(s) as unknown as Record<string, unknown>;
  return JSON.stringify(Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])));
}
