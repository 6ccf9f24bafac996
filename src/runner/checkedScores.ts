/**
 * A score file read for judging against a benchmark (`eval`, `search table2a`): the benchmark is
 * the space its sidecar records, not a flag, and every row must be the benchmark's architecture at
 * its index, so scores are never ranked against another space's accuracies by index.
 */
import { compareDataIdentity } from '../data/identity';
import { dataIdentity } from '../data/root';
import { archSet, type ArchSet } from './archSets';
import { SPACE_TABLE_FILES } from './dataFiles';
import { readScores, readScoreSidecar, type ScoreTable } from './results';
import type { ScoreSettings, SpaceName } from './settings';
import { checkInputFile } from '../provenance/resultFile';
import { sidecarPath } from '../provenance/sidecar';

export interface CheckedScores {
  readonly table: ScoreTable;
  readonly settings: ScoreSettings;
  /** The arch set (benchmark) of the file's space. */
  readonly set: ArchSet;
}

/**
 * Read `file` with its sidecar and check it against its benchmark.
 * @param benchmark a space asked for by the user (`--benchmark`): refused when it contradicts the sidecar.
 * @throws naming the file and the row for a contradicting flag, a benchmark table other than the
 *   one scored against, a column layout other than the sidecar's, or a row whose architecture is
 *   not the benchmark's at its index.
 */
export function readScoresForBenchmark(file: string, benchmark?: SpaceName, flag = '--benchmark'): CheckedScores {
  checkInputFile(file, 'score file');
  const sidecar = readScoreSidecar(file);
  const settings = sidecar.settings;
  const space = settings.space;
  if (benchmark !== undefined && benchmark !== space) {
    throw new Error(
      `'${file}' holds ${space} scores (space recorded in ${sidecarPath(file)}), but ${flag} ${benchmark} was given: ` +
        `its indices would be ranked against another space's accuracies. Drop ${flag} (the space is taken from the file) or give ${flag} ${space}`,
    );
  }
  const table = readScores(file);
  if (table.proxies.join(',') !== settings.proxies.join(',')) {
    throw new Error(`'${file}' has columns ${table.proxies.join(',')} but its sidecar lists proxies ${settings.proxies.join(',')}: the file and its sidecar do not belong together`);
  }
  const tableFile = SPACE_TABLE_FILES[space];
  const recorded = sidecar.data?.files.find((f) => f.rel === tableFile);
  if (recorded) {
    const [diff] = compareDataIdentity({ files: [recorded] }, dataIdentity([tableFile]));
    if (diff) {
      throw new Error(`'${file}' was scored against another ${tableFile} (${diff.old} when scored, ${diff.new} now): its indices may name other architectures; use the benchmark table it was scored with`);
    }
  }
  const set = archSet(space);
  table.rows.forEach((r, k) => {
    const where = `${file} row ${k + 2}`;
    if (r.index >= set.size) throw new Error(`${where}: index ${r.index} is outside the ${space} benchmark (0..${set.size - 1})`);
    const want = set.archString(r.index);
    if (r.arch !== want) {
      throw new Error(`${where}: index ${r.index} is ${want} in the ${space} benchmark, but the row says ${r.arch}: the row does not belong to this benchmark (edited index?); fix or rescore it`);
    }
  });
  return { table, settings, set };
}
