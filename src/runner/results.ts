/**
 * Score files: CSV `index,arch,<one column per proxy>,seconds`, then `<proxy>_seconds` columns and
 * `notes` (why a value is not finite: `proxy: status reason`, `;`-separated),
 * appended row by row as architectures finish, with a provenance sidecar `<file>.meta.json`
 * (settings and data identity, provenance/sidecar.ts). Re-running with the same settings and data
 * skips finished indices (resume); anything else is refused rather than mixed; one writer at a
 * time (lock); a repeated index is refused by the reader. Singular scores are written `-inf`, NaN
 * as `nan`.
 */
import * as fs from 'node:fs';
import { parseCsvNumber, parseSimpleCsv } from '../benchmarks/csv';
import { dataIdentity } from '../data/root';
import { withFsErrors } from '../provenance/fsErrors';
import { appendResult, checkInputFile, openResultFile, refuseDuplicateKeys } from '../provenance/resultFile';
import { makeSidecar, readSidecar, type Sidecar } from '../provenance/sidecar';
import { scoreDataFiles } from './dataFiles';
import type { ScoreRow } from './scorer';
import type { ScoreSettings } from './settings';
import type { ShardRecord } from './shard';

export interface ScoreTable {
  readonly proxies: readonly string[];
  readonly rows: readonly { index: number; arch: string; values: Record<string, number>; seconds: number }[];
}

export function formatScoreValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

export function header(proxies: readonly string[]): string {
  return ['index', 'arch', ...proxies, 'seconds', ...proxies.map((p) => `${p}_seconds`), 'notes'].join(',');
}

export function formatRow(row: ScoreRow, proxies: readonly string[]): string {
  return [
    String(row.index),
    row.arch,
    ...proxies.map((p) => formatScoreValue(row.values[p]?.value ?? NaN)),
    row.seconds.toFixed(3),
    ...proxies.map((p) => (row.proxySeconds[p] ?? NaN).toFixed(3)),
    proxies
      .filter((p) => row.values[p] && row.values[p].status !== 'ok')
      .map((p) => `${p}: ${row.values[p].status} ${row.values[p].reason ?? ''}`.trim().replace(/[,\r\n]/g, ';'))
      .join('; '),
  ].join(',');
}

/** Read a score CSV (ours) into numbers per proxy. @throws naming the file on a bad layout or a repeated index. */
export function readScores(file: string): ScoreTable {
  checkInputFile(file, 'score file');
  const csv = withFsErrors(file, 'read', () => parseSimpleCsv(fs.readFileSync(file, 'utf8'), file));
  const h = csv.header;
  if (h[0] !== 'index' || h[1] !== 'arch' || !h.includes('seconds')) {
    throw new Error(`'${file}' is not a zeronas score file (header must start index,arch and contain seconds)`);
  }
  const proxies = h.slice(2, h.indexOf('seconds'));
  const rows = csv.rows.map((cells, r) => {
    const where = `${file} row ${r + 2}`;
    if (!/^\d+$/.test(cells[0] ?? '')) throw new Error(`${where}: index '${cells[0]}' is not a non-negative integer`);
    const values: Record<string, number> = {};
    proxies.forEach((p, k) => (values[p] = parseCsvNumber(cells[2 + k], `${where} column ${p}`)));
    return { index: Number(cells[0]), arch: cells[1], values, seconds: parseCsvNumber(cells[h.indexOf('seconds')], where) };
  });
  refuseDuplicateKeys(rows.map((r) => r.index), file, 'architecture index');
  return { proxies, rows };
}

/**
 * The provenance sidecar a score run writes: its settings and the identity of the data they read,
 * and for a shard's file the shard (shard.ts; a resume by another shard is refused).
 */
export function scoreSidecar(settings: ScoreSettings, command?: string, shard?: ShardRecord): Sidecar<ScoreSettings> {
  return makeSidecar('scores', settings, dataIdentity(scoreDataFiles(settings)), command, shard);
}

export interface ScoreFile {
  /** Indices already scored in the file (resume). */
  readonly done: Set<number>;
  readonly sidecar: Sidecar<ScoreSettings>;
  /** Whether the file held rows this run continues (false: it was started afresh). */
  readonly resumed: boolean;
  append(row: ScoreRow): void;
  /** Append rows already formatted (lines of a score file with this layout), in one write. */
  appendLines(rows: readonly { readonly index: number; readonly line: string }[]): void;
  /** Release the write lock. */
  close(): void;
}

/**
 * Open a score file for appending (lock, sidecar check or creation: provenance/resultFile.ts);
 * returns the indices already finished there. A killed run's partial last line is dropped.
 */
export function openScoreFile(
  file: string,
  settings: ScoreSettings,
  opts: { readonly sidecar?: Sidecar<ScoreSettings>; readonly onStale?: (msg: string) => void } = {},
): ScoreFile {
  const sidecar = opts.sidecar ?? scoreSidecar(settings);
  const head = header(settings.proxies);
  const opened = openResultFile(file, sidecar, { emptyText: head + '\n', holdsRows: (t) => t.split('\n').filter((l) => l.trim() !== '').length > 1 }, opts);
  const done = new Set<number>();
  try {
    if (opened.resumed) {
      const text = fs.readFileSync(file, 'utf8');
      const firstLine = text.slice(0, text.indexOf('\n')).replace(/\r$/, '');
      if (firstLine !== head) {
        throw new Error(`'${file}' has another column layout (written by another version?); choose another --out or delete it`);
      }
      // A run killed mid-write may leave a partial last line: keep complete lines only.
      const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
      if (complete.length !== text.length) fs.writeFileSync(file, complete);
      for (const row of readScores(file).rows) done.add(row.index);
    }
  } catch (e) {
    opened.release();
    throw e;
  }
  const refuseDone = (index: number): void => {
    if (done.has(index)) throw new Error(`'${file}' already holds architecture index ${index}; not writing it twice`);
  };
  return {
    done,
    sidecar,
    resumed: opened.resumed,
    appendLines: (rows) => {
      rows.forEach((r, k) => {
        refuseDone(r.index);
        if (rows.findIndex((x) => x.index === r.index) !== k) throw new Error(`architecture index ${r.index} given twice for '${file}'`);
      });
      appendResult(file, rows.map((r) => `${r.line}\n`).join(''));
      for (const r of rows) done.add(r.index);
    },
    append: (row) => {
      refuseDone(row.index);
      appendResult(file, formatRow(row, settings.proxies) + '\n');
      done.add(row.index);
    },
    close: opened.release,
  };
}

/** The settings a score file was written with (its sidecar). @throws naming a missing or damaged sidecar. */
export function readScoreSettings(file: string): ScoreSettings {
  return readScoreSidecar(file).settings;
}

/** A score file's sidecar (settings, data identity). */
export function readScoreSidecar(file: string): Sidecar<ScoreSettings> {
  const meta = readSidecar<ScoreSettings>(file, 'scores');
  if (!Array.isArray(meta.settings.proxies)) throw new Error(`'${file}.meta.json' holds no proxy list in its settings`);
  return meta;
}
