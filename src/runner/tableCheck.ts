/**
 * Whether a score table is complete: every index of its space exactly once, nothing outside the
 * space, and the settings it must have been written with. `zeronas check-table NAME|FILE` prints
 * the report and exits 1 when the table is not complete (e.g. before a long run has finished).
 */
import * as path from 'node:path';
import { archSet } from './archSets';
import { sidecarDiff } from './merge';
import { PROJECT_SCORE_TABLES, type ProjectScoreTableName } from './projectTables';
import { readScores, readScoreSettings, type ScoreTable } from './results';
import { presetFor, type ScoreSettings } from './settings';

export interface TableCompleteness {
  readonly rows: number;
  /** Indices of the space (0..size−1). */
  readonly size: number;
  /** Indices of the space the table lacks. */
  readonly missing: number;
  /** Indices present more than once. */
  readonly duplicates: readonly number[];
  /** Indices outside 0..size−1. */
  readonly outside: readonly number[];
  /** Settings fields that differ from the expected ones (`field there vs expected`). */
  readonly settingsDiff: readonly string[];
  readonly complete: boolean;
}

/** Completeness of `table` (written with `settings`) against a space of `size` indices and the `expected` settings. */
export function tableCompleteness(table: ScoreTable, settings: ScoreSettings, size: number, expected: ScoreSettings): TableCompleteness {
  const seen = new Set<number>();
  const duplicates = new Set<number>();
  const outside: number[] = [];
  for (const r of table.rows) {
    if (!(Number.isInteger(r.index) && r.index >= 0 && r.index < size)) outside.push(r.index);
    else if (seen.has(r.index)) duplicates.add(r.index);
    seen.add(r.index);
  }
  const missing = size - [...seen].filter((i) => i >= 0 && i < size).length;
  const diff = sidecarDiff({ ...settings }, { ...expected });
  return {
    rows: table.rows.length, size, missing, duplicates: [...duplicates], outside, settingsDiff: diff,
    complete: missing === 0 && duplicates.size === 0 && outside.length === 0 && diff.length === 0,
  };
}

/** Settings the complete NB201 NASWOT tables must hold: the naswot preset, the dataset, naswot and the DAS atoms. */
export const COMPLETE_TABLE_SETTINGS: Readonly<Partial<Record<ProjectScoreTableName, ScoreSettings>>> = {
  'nb201-cifar10-naswot': { ...presetFor('naswot', 'cifar10'), dataset: 'cifar10', proxies: ['naswot', 'das_na', 'das_logdet_s'] },
  'nb201-cifar100-naswot': { ...presetFor('naswot', 'cifar100'), dataset: 'cifar100', proxies: ['naswot', 'das_na', 'das_logdet_s'] },
};

/** Check a committed project table by name (expected settings above) or any score file against the settings in its own sidecar. */
export function checkTable(nameOrFile: string, root: string = path.resolve(__dirname, '..', '..')): TableCompleteness & { readonly file: string } {
  const name = nameOrFile as ProjectScoreTableName;
  const known = name in PROJECT_SCORE_TABLES;
  const file = known ? path.join(root, PROJECT_SCORE_TABLES[name].file) : nameOrFile;
  const settings = readScoreSettings(file);
  const expected = known ? COMPLETE_TABLE_SETTINGS[name] : settings;
  if (!expected) throw new Error(`check-table: no expected settings recorded for '${nameOrFile}' (known: ${Object.keys(COMPLETE_TABLE_SETTINGS).join(', ')}, or give a score file)`);
  return { file, ...tableCompleteness(readScores(file), settings, archSet(settings.space).size, expected) };
}

export function formatCompleteness(c: TableCompleteness & { readonly file: string }): string {
  const lines = [
    `${c.file}: ${c.rows} rows, ${c.size - c.missing} of ${c.size} indices`,
    ...(c.missing ? [`  missing: ${c.missing}`] : []),
    ...(c.duplicates.length ? [`  indices more than once: ${c.duplicates.length} (${c.duplicates.slice(0, 10).join(', ')})`] : []),
    ...(c.outside.length ? [`  indices outside 0..${c.size - 1}: ${c.outside.slice(0, 10).join(', ')}`] : []),
    ...(c.settingsDiff.length ? [`  settings differ (file vs expected): ${c.settingsDiff.join('; ')}`] : []),
    c.complete ? '  complete: every index exactly once, expected settings' : '  NOT complete',
  ];
  return lines.join('\n');
}
