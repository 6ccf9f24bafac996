/**
 * Explorer tables from score files (Node only): the CSV and its settings sidecar, joined with the
 * benchmark's accuracy for the space and dataset the file was scored on, as `zeronas eval` does.
 */
import * as path from 'node:path';
import { archSet } from '../runner/archSets';
import type { SpaceName } from '../runner/settings';
import { DEFAULT_ACCURACY_KEY } from '../runner/evaluate';
import { readScores, readScoreSettings } from '../runner/results';
import { loadProjectScores, PROJECT_SCORE_TABLES, type ProjectScoreTableName } from '../runner/projectTables';
import { getProxy } from '../proxies/registry';
import { exploreTableFromScores, type ExploreTable } from './table';

export interface ScoreFileTableOptions {
  /** Table id (default: the file name without `.csv`). */
  readonly id?: string;
  readonly title?: string;
  /** Benchmark accuracy key (default: the space's, as `zeronas eval`). */
  readonly accuracyKey?: string;
}

function higherIsBetter(proxies: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(
    proxies.map((p) => {
      try {
        return [p, getProxy(p).higherIsBetter];
      } catch {
        return [p, true];
      }
    }),
  );
}

/** An explorer table for a score file written by `zeronas score` (needs its `.meta.json`). */
export function exploreTableFromScoreFile(file: string, o: ScoreFileTableOptions = {}): ExploreTable {
  const settings = readScoreSettings(file);
  const scores = readScores(file);
  return joinAccuracy(scores, settings.space as SpaceName, settings.dataset, settings.batchSize, {
    id: o.id ?? path.basename(file).replace(/\.csv$/, '').replace(/[^A-Za-z0-9_.-]/g, '_'),
    title: o.title ?? path.basename(file),
    ...(o.accuracyKey !== undefined ? { accuracyKey: o.accuracyKey } : {}),
  });
}

function joinAccuracy(
  scores: ReturnType<typeof readScores>,
  space: SpaceName,
  dataset: string,
  batchSize: number,
  o: { id: string; title: string; accuracyKey?: string },
): ExploreTable {
  const set = archSet(space);
  const fallback = space === 'nb201' ? DEFAULT_ACCURACY_KEY[dataset as keyof typeof DEFAULT_ACCURACY_KEY] : set.defaultAccuracyKey;
  const key = o.accuracyKey ?? fallback;
  if (!set.accuracyKeys.includes(key)) throw new Error(`explorer: accuracy key '${key}' is not one of ${space}'s (${set.accuracyKeys.join(', ')})`);
  if (scores.rows.length === 0) throw new Error(`explorer: score table '${o.id}' has no rows`);
  return exploreTableFromScores(scores, {
    id: o.id,
    title: o.title,
    accuracyLabel: `${space} ${key}`,
    accuracy: (i) => set.accuracy(i, key),
    higherIsBetter: higherIsBetter(scores.proxies),
    batchSize,
  });
}

/** Titles of the committed tables as the explorer lists them. */
const TITLES: Readonly<Record<ProjectScoreTableName, string>> = {
  'nb201-cifar10-fusion': 'NB201 · CIFAR-10 · FI four + NASLib proxies',
  'nb201-cifar100-fusion': 'NB201 · CIFAR-100 · FI four (scored on CIFAR-100)',
  'nb201-cifar10-naswot': 'NB201 · CIFAR-10 · NASWOT + DAS atoms',
  'nb201-cifar100-naswot': 'NB201 · CIFAR-100 · NASWOT + DAS atoms',
  'nb101-cifar10-naswot': 'NB101 · CIFAR-10 · NASWOT + DAS atoms',
  'nb101-naslib-cifar10-fusion': 'NB101 (NASLib cells) · CIFAR-10 · FI four + NASLib proxies',
  'nb101-naslib-cifar10-naswot': 'NB101 (NASLib cells) · CIFAR-10 · NASWOT + DAS atoms',
  'macro-cifar10-naswot': 'NAS-Bench-Macro · CIFAR-10 · NASWOT',
};

/** Explorer tables for committed project score tables (accuracy from the benchmarks in the data root). */
export function projectExploreTables(names: readonly ProjectScoreTableName[]): ExploreTable[] {
  return names.map((name) => {
    const s = loadProjectScores(name);
    return joinAccuracy(s, s.settings.space as SpaceName, s.settings.dataset, s.settings.batchSize, { id: name, title: `${TITLES[name]} (${PROJECT_SCORE_TABLES[name].file})` });
  });
}
