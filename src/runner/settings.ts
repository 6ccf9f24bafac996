/**
 * Everything that determines a score besides the architecture. Two presets follow the papers'
 * reference code: `naswot` (BayesWatch: batch 128, no augmentation, official double counting)
 * and `naslib` (NASLib / NAS-Bench-Suite-Zero: NASLib normalisation, crop+flip, single counting).
 */
import type { BatchAugment, BatchSelect } from '../data/batch';
import { CIFAR_CLASSES, type CifarDataset } from '../data/cifar';
import type { BnMode } from '../engine/layers';
import type { ReluCounting } from '../engine/taps';

export type SpaceName = 'nb201' | 'nb101' | 'nb101-naslib' | 'darts';
export const SPACE_NAMES: readonly SpaceName[] = ['nb201', 'nb101', 'nb101-naslib', 'darts'];
export type NormName = 'naswot' | 'naslib';

export interface ScoreSettings {
  readonly space: SpaceName;
  readonly dataset: CifarDataset;
  readonly batchSize: number;
  readonly seed: number;
  readonly select: BatchSelect;
  readonly augment: BatchAugment;
  readonly norm: NormName;
  readonly counting: ReluCounting;
  readonly bn: BnMode;
  readonly C: number;
  readonly N: number;
  readonly numClasses: number;
  readonly proxies: readonly string[];
  /**
   * Independent draws averaged per proxy (default 1): draw r uses batch seed `seed + r` and network
   * seed `networkSeed(seed + r, index)`, so draw 0 is the single-draw score. Left out of the
   * settings when 1, so single-draw files keep their settings key.
   */
  readonly repeats?: number;
}

/** Largest seed: seeds are 32-bit (the RNG and `networkSeed` reduce them mod 2^32). */
export const MAX_SEED = 2 ** 32 - 1;

/** The draws of a setting: [settings seed of draw r] for r < repeats. */
export function drawSeeds(s: Pick<ScoreSettings, 'seed' | 'repeats'>): number[] {
  const k = s.repeats ?? 1;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`repeats must be a positive integer, got ${k}`);
  return Array.from({ length: k }, (_, r) => s.seed + r);
}

export type PresetName = 'naswot' | 'naslib';

export const PRESETS: Readonly<Record<PresetName, Omit<ScoreSettings, 'proxies' | 'dataset'>>> = {
  naswot: {
    space: 'nb201', batchSize: 128, seed: 1, select: 'random', augment: 'none', norm: 'naswot',
    counting: 'official', bn: 'train', C: 16, N: 5, numClasses: 1,
  },
  naslib: {
    space: 'nb201', batchSize: 32, seed: 1, select: 'random', augment: 'crop-flip', norm: 'naslib',
    counting: 'naslib', bn: 'train', C: 16, N: 5, numClasses: 10,
  },
};

/**
 * A preset for one dataset. NASWOT scores a 1-output network (labels unused); NASLib builds the
 * network with the dataset's classes (NB201 cifar100: 100 logits, e.g. its `params` column counts
 * a 64×100 classifier), so the naslib preset's `numClasses` follows the dataset.
 */
export function presetFor(name: PresetName, dataset: CifarDataset): Omit<ScoreSettings, 'proxies' | 'dataset'> {
  const p = PRESETS[name];
  return name === 'naslib' ? { ...p, numClasses: CIFAR_CLASSES[dataset] } : p;
}

/** Settings as a stable JSON string (keys sorted), used to check that a results file matches. */
export function settingsKey(s: ScoreSettings): string {
  const o = s as unknown as Record<string, unknown>;
  return JSON.stringify(Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])));
}

/** Seed of the network of architecture `index`: fresh weights per network, reproducible. */
export function networkSeed(settingsSeed: number, index: number): number {
  return (Math.imul(settingsSeed + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}
