/**
 * Minimal CSV reading for the benchmark tables: comma-separated, no quoting, one header
 * line, LF or CRLF line endings. Anything fancier (quotes) is rejected rather than guessed.
 */
import * as fs from 'node:fs';

/** A parsed CSV: header names and rows of raw cell strings. */
export interface SimpleCsv {
  /** Where the text came from (used in error messages). */
  readonly source: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Parse unquoted CSV text. Blank trailing lines are ignored.
 * @throws naming `source` and the line if a line has a quote or the wrong number of cells.
 */
export function parseSimpleCsv(text: string, source: string): SimpleCsv {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error(`CSV ${source} is empty (no header line)`);
  const header = lines[0]!.split(',').map((h) => h.trim());
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes('"')) throw new Error(`CSV ${source} line ${i + 1}: quoted cells are not supported`);
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new Error(`CSV ${source} line ${i + 1}: ${cells.length} cells, header has ${header.length}`);
    }
    rows.push(cells);
  }
  return { source, header, rows };
}

/** Read and parse an unquoted CSV file. */
export function readSimpleCsv(path: string): SimpleCsv {
  return parseSimpleCsv(fs.readFileSync(path, 'utf8'), path);
}

/**
 * Column positions of `required` names in the header.
 * @throws naming the first missing column and the source.
 */
export function requireColumns<K extends string>(csv: SimpleCsv, required: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of required) {
    const i = csv.header.indexOf(name);
    if (i < 0) throw new Error(`CSV ${csv.source} is missing required column '${name}' (header: ${csv.header.join(',')})`);
    out[name] = i;
  }
  return out;
}

/**
 * Parse a numeric cell. `nan` → NaN, `inf`/`-inf`/`Infinity` → ±Infinity; an empty cell is
 * NaN only when `allowEmpty`, otherwise an error.
 * @param where description for error messages, e.g. `file line 3 column x`.
 */
export function parseCsvNumber(cell: string, where: string, allowEmpty = false): number {
  const t = cell.trim();
  if (t === '') {
    if (allowEmpty) return NaN;
    throw new Error(`${where}: empty cell where a number is required`);
  }
  const lower = t.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const v = Number(t);
  if (Number.isNaN(v)) throw new Error(`${where}: '${cell}' is not a number`);
  return v;
}

/**
 * A benchmark accuracy in percent: finite and within 0..100. A value outside (a fraction table
 * read as percent is fine, but 9,400 or −1 is a damaged table) would rank architectures wrongly.
 * @throws naming `where` and the value.
 */
export function checkPercent(v: number, where: string): number {
  if (!Number.isFinite(v) || v < 0 || v > 100) throw new Error(`${where}: accuracy ${v} is not a percentage in 0..100; the benchmark table is damaged (restore it, see data/README.md)`);
  return v;
}
