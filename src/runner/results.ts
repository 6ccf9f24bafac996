/**
 * Score files: CSV `index,arch,<one column per proxy>,seconds`, then `<proxy>_seconds` columns and
 * `notes` (why a value is not finite: `proxy: status reason`, `;`-separated),
 * appended row by row as architectures finish, with a sidecar `<file>.meta.json` holding the
 * settings. Re-running with the same settings skips finished indices (resume); other settings
 * are refused rather than mixed. Singular scores are written `-inf`, NaN as `nan`.
 */
import * as fs from 'node:fs';
import { parseCsvNumber, parseSimpleCsv } from '../benchmarks/csv';
import type { ScoreRow } from './scorer';
import { ScoreSettings, settingsKey } from './settings';
import { formatShard, type ShardRecord } from './shard';

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

/** Read a score CSV (ours) into numbers per proxy. */
export function readScores(file: string): ScoreTable {
  if (!fs.existsSync(file)) throw new Error(`score file '${file}' does not exist`);
  const csv = parseSimpleCsv(fs.readFileSync(file, 'utf8'), file);
  const h = csv.header;
  if (h[0] !== 'index' || h[1] !== 'arch' || !h.includes('seconds')) {
    throw new Error(`'${file}' is not a zeronas score file (header must start index,arch and contain seconds)`);
  }
  const proxies = h.slice(2, h.indexOf('seconds'));
  const rows = csv.rows.map((cells, r) => {
    const where = `${file} row ${r + 2}`;
    const values: Record<string, number> = {};
    proxies.forEach((p, k) => (values[p] = parseCsvNumber(cells[2 + k], `${where} column ${p}`)));
    return { index: parseCsvNumber(cells[0], `${where} column index`), arch: cells[1], values, seconds: parseCsvNumber(cells[h.indexOf('seconds')], where) };
  });
  return { proxies, rows };
}

/**
 * Open a score file for appending; returns the indices already finished there. A shard's file
 * (`shard`, see shard.ts) records it in the sidecar and is resumed by the same shard only.
 */
export function openScoreFile(file: string, settings: ScoreSettings, shard?: ShardRecord): { done: Set<number>; append: (row: ScoreRow) => void } {
  const metaFile = `${file}.meta.json`;
  const key = settingsKey(settings);
  const done = new Set<number>();
  if (fs.existsSync(file) && fs.statSync(file).size > 0) {
    const meta = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { settingsKey?: string; shard?: ShardRecord }) : {};
    if (meta.settingsKey !== key) {
      throw new Error(`'${file}' holds scores made with other settings (${metaFile}); choose another --out or delete it`);
    }
    if (JSON.stringify(meta.shard ?? null) !== JSON.stringify(shard ?? null)) {
      const what = (s: ShardRecord | undefined): string => (s ? `shard ${formatShard(s)} of ${s.archs ?? 'its list'}` : 'an unsharded run');
      throw new Error(`'${file}' belongs to ${what(meta.shard)} (${metaFile}), not ${what(shard)}; choose another --out`);
    }
    // A run killed mid-write may leave a partial last line: keep complete lines only.
    const text = fs.readFileSync(file, 'utf8');
    const firstLine = text.slice(0, text.indexOf('\n')).replace(/\r$/, '');
    if (firstLine !== header(settings.proxies)) {
      throw new Error(`'${file}' has another column layout (written by another version?); choose another --out or delete it`);
    }
    const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete.length !== text.length) fs.writeFileSync(file, complete);
    for (const row of readScores(file).rows) done.add(row.index);
  } else {
    fs.writeFileSync(file, header(settings.proxies) + '\n');
    fs.writeFileSync(metaFile, JSON.stringify({ settingsKey: key, settings, ...(shard ? { shard } : {}) }, null, 2) + '\n');
  }
  return { done, append: (row) => fs.appendFileSync(file, formatRow(row, settings.proxies) + '\n') };
}

/** The settings a score file was written with (its `.meta.json` sidecar). */
export function readScoreSettings(file: string): ScoreSettings {
  const metaFile = `${file}.meta.json`;
  if (!fs.existsSync(metaFile)) throw new Error(`score file '${file}' has no settings sidecar '${metaFile}'`);
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { settings?: ScoreSettings };
  if (!meta.settings || !Array.isArray(meta.settings.proxies)) throw new Error(`'${metaFile}' holds no settings`);
  return meta.settings;
}
