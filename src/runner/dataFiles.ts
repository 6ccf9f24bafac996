/**
 * The data files a setting reads, by relative data path: what a result file's sidecar records
 * (with SHA-256) and what `zeronas provenance --rederive` hashes for files written before that.
 */
import { NASLIB_NB101_FILE, NB101_1SHOT1_SPACE2_FILE } from '../benchmarks/nb101';
import { NB201_TABLE_FILE } from '../benchmarks/nb201';
import { NB301_REFERENCE_FILE } from '../benchmarks/nb301';
import { CIFAR_SPLIT_FILES, type CifarDataset } from '../data/cifar';
import type { ScoreSettings, SpaceName } from './settings';

/** The benchmark table each space's architectures (index ↔ architecture) and accuracies come from. */
export const SPACE_TABLE_FILES: Readonly<Record<SpaceName, string>> = {
  nb201: NB201_TABLE_FILE,
  nb101: NB101_1SHOT1_SPACE2_FILE,
  'nb101-naslib': NASLIB_NB101_FILE,
  darts: NB301_REFERENCE_FILE,
};

/** A score run: the CIFAR training files of its dataset (the batch) and its space's table. */
export function scoreDataFiles(s: Pick<ScoreSettings, 'space' | 'dataset'>): string[] {
  return [...CIFAR_SPLIT_FILES[s.dataset].train, SPACE_TABLE_FILES[s.space]];
}

/** A training bench: the CIFAR training and test files (training, evaluation) and the space's table. */
export function trainBenchDataFiles(s: { readonly space: SpaceName; readonly dataset: CifarDataset }): string[] {
  return [...CIFAR_SPLIT_FILES[s.dataset].train, ...CIFAR_SPLIT_FILES[s.dataset].test, SPACE_TABLE_FILES[s.space]];
}
