/**
 * The data an explorer page computes on: one score table joined with ground-truth accuracy, as
 * plain columns (JSON-safe once encoded: NaN and ±∞ travel as the strings the score CSVs use).
 * Built in Node from a project score table or any score file; read back in the browser.
 */

export interface ExploreTable {
  /** Short id, unique within a page (used in permalinks). */
  readonly id: string;
  readonly title: string;
  /** What `accuracy` is, e.g. "NB201 CIFAR-10 test accuracy (%)". */
  readonly accuracyLabel: string;
  /** Indicator columns, in table order. */
  readonly indicators: readonly string[];
  /** values[k][i]: indicator k of architecture i (NaN / ±∞ allowed: they are dropped, counted). */
  readonly values: Readonly<Record<string, readonly number[]>>;
  readonly accuracy: readonly number[];
  /** Architecture string per row (hover text). */
  readonly archs: readonly string[];
  /** Whether a higher value of each indicator means a better architecture (sign-constrained fits). */
  readonly higherIsBetter: Readonly<Record<string, boolean>>;
  /** Batch size the table was scored with (the rule language's `N`), when known. */
  readonly batchSize?: number;
  /** Column the rule panel compares against ("WOT"): `naswot` or `nwot` when present. */
  readonly baseline?: string;
}

/** Text form of one cell: numbers as JSON numbers, NaN and ±∞ as the score CSVs' `nan`, `inf`, `-inf`. */
type Cell = number | 'nan' | 'inf' | '-inf';

function encodeCell(v: number): Cell {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

function decodeCell(c: unknown, where: string): number {
  if (typeof c === 'number') return c;
  if (c === 'nan' || c === null) return NaN;
  if (c === 'inf') return Infinity;
  if (c === '-inf') return -Infinity;
  throw new Error(`explorer table: ${where} is ${JSON.stringify(c)}, not a number, 'nan', 'inf' or '-inf'`);
}

/** Checks lengths, names and the baseline; throws naming the table and what is wrong. */
export function validateExploreTable(t: ExploreTable): ExploreTable {
  const n = t.accuracy.length;
  const where = `explorer table '${t.id}'`;
  if (!/^[A-Za-z0-9_.-]+$/.test(t.id)) throw new Error(`${where}: id must be letters, digits, '.', '_' or '-'`);
  if (t.archs.length !== n) throw new Error(`${where}: ${t.archs.length} architecture strings for ${n} accuracies`);
  if (t.indicators.length === 0) throw new Error(`${where}: no indicator columns`);
  const seen = new Set<string>();
  for (const k of t.indicators) {
    if (seen.has(k)) throw new Error(`${where}: indicator '${k}' listed twice`);
    seen.add(k);
    const col = t.values[k];
    if (!col) throw new Error(`${where}: no values for indicator '${k}'`);
    if (col.length !== n) throw new Error(`${where}: indicator '${k}' has ${col.length} values for ${n} architectures`);
  }
  if (t.baseline !== undefined && !t.indicators.includes(t.baseline)) {
    throw new Error(`${where}: baseline '${t.baseline}' is not an indicator column (${t.indicators.join(', ')})`);
  }
  if (t.batchSize !== undefined && !(Number.isInteger(t.batchSize) && t.batchSize >= 1)) {
    throw new Error(`${where}: batch size must be a positive integer, got ${t.batchSize}`);
  }
  return t;
}

/** JSON text of tables, safe to put inside a `<script type="application/json">` element. */
export function encodeTables(tables: readonly ExploreTable[]): string {
  const ids = tables.map((t) => t.id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) throw new Error(`explorer: table id(s) used twice: ${[...new Set(dup)].join(', ')}`);
  const plain = tables.map((t) => {
    validateExploreTable(t);
    return {
      ...t,
      accuracy: t.accuracy.map(encodeCell),
      values: Object.fromEntries(t.indicators.map((k) => [k, t.values[k].map(encodeCell)])),
    };
  });
  return JSON.stringify(plain).replace(/</g, '\\u003c');
}

/** Reads {@link encodeTables} output back (validating every table). */
export function decodeTables(json: string): ExploreTable[] {
  const raw = JSON.parse(json) as unknown;
  if (!Array.isArray(raw)) throw new Error('explorer: embedded data is not a list of tables');
  return raw.map((r: Record<string, unknown>, i) => {
    const id = String(r.id ?? `#${i}`);
    const values = r.values as Record<string, unknown[]>;
    const indicators = r.indicators as string[];
    return validateExploreTable({
      ...(r as unknown as ExploreTable),
      accuracy: (r.accuracy as unknown[]).map((c, j) => decodeCell(c, `table '${id}' accuracy row ${j}`)),
      values: Object.fromEntries(indicators.map((k) => [k, (values[k] ?? []).map((c, j) => decodeCell(c, `table '${id}' '${k}' row ${j}`))])),
    });
  });
}

/** A score table row as the runner reads it. */
export interface ScoreRowLike {
  readonly index: number;
  readonly arch: string;
  readonly values: Readonly<Record<string, number>>;
}

export interface FromScoresOptions {
  readonly id: string;
  readonly title: string;
  readonly accuracyLabel: string;
  /** Accuracy of a table row's architecture (by its index). */
  readonly accuracy: (index: number) => number;
  /** Default true for an indicator missing here. */
  readonly higherIsBetter?: Readonly<Record<string, boolean>>;
  readonly batchSize?: number;
  /** Indicator columns to keep (default: all proxies of the table). */
  readonly indicators?: readonly string[];
}

/** An explorer table from a score table (`proxies` + rows) and an accuracy lookup. */
export function exploreTableFromScores(
  scores: { readonly proxies: readonly string[]; readonly rows: readonly ScoreRowLike[] },
  o: FromScoresOptions,
): ExploreTable {
  const indicators = [...(o.indicators ?? scores.proxies)];
  const missing = indicators.filter((k) => !scores.proxies.includes(k));
  if (missing.length) throw new Error(`explorer table '${o.id}': no column(s) ${missing.join(', ')} in the score table (${scores.proxies.join(', ')})`);
  const baseline = ['naswot', 'nwot'].find((k) => indicators.includes(k));
  return validateExploreTable({
    id: o.id,
    title: o.title,
    accuracyLabel: o.accuracyLabel,
    indicators,
    values: Object.fromEntries(indicators.map((k) => [k, scores.rows.map((r) => r.values[k] ?? NaN)])),
    accuracy: scores.rows.map((r) => o.accuracy(r.index)),
    archs: scores.rows.map((r) => r.arch),
    higherIsBetter: Object.fromEntries(indicators.map((k) => [k, o.higherIsBetter?.[k] ?? true])),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
  });
}
