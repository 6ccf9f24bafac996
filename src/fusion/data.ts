/**
 * Data input for the fusion fit: a generic table of rows (indicator scores and, optionally, the
 * accuracy) or named columns plus an accuracy vector. Rows whose selected indicators or accuracy are
 * not finite numbers are dropped and counted per cause — never silently used.
 */

/** A generic table: `names` lists the columns, each row maps a column name to a number. */
export interface FusionTable {
  readonly names: readonly string[];
  readonly rows: readonly Readonly<Record<string, number>>[];
}

/** Where the indicator values and the accuracy come from. */
export type FusionData =
  | { readonly table: FusionTable; readonly accuracyKey: string }
  | { readonly table: FusionTable; readonly accuracy: readonly number[] }
  | { readonly columns: Readonly<Record<string, readonly number[]>>; readonly accuracy: readonly number[] };

/** Rows kept for a fit, in table order, with the drop bookkeeping. */
export interface PreparedData {
  readonly indicators: readonly string[];
  /** columns[j][i]: raw value of indicator j on kept row i. */
  readonly columns: readonly (readonly number[])[];
  /** Accuracy of each kept row. */
  readonly accuracy: readonly number[];
  /** Index in the input table of each kept row. */
  readonly rowIndex: readonly number[];
  /** Rows in the input. */
  readonly total: number;
  /** Rows dropped because a selected indicator or the accuracy was not a finite number. */
  readonly dropped: number;
  /** Non-finite count per column over all input rows (a row may count under several). */
  readonly droppedBy: Readonly<Record<string, number>>;
}

/** Builds a table from equal-length named columns. */
export function tableFromColumns(columns: Readonly<Record<string, readonly number[]>>): FusionTable {
  const names = Object.keys(columns);
  const n = names.length === 0 ? 0 : columns[names[0]].length;
  for (const k of names) {
    if (columns[k].length !== n) {
      throw new Error(`fusion: column '${k}' has ${columns[k].length} values, expected ${n} (as '${names[0]}')`);
    }
  }
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < n; i++) {
    const r: Record<string, number> = {};
    for (const k of names) r[k] = columns[k][i];
    rows.push(r);
  }
  return { names, rows };
}

/** Name under which the accuracy is counted in `droppedBy`. */
export const ACCURACY_LABEL = 'accuracy';

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Checks the indicator list: non-empty, unique, present in the table. */
export function assertIndicators(indicators: readonly string[], names: readonly string[]): void {
  if (indicators.length === 0) throw new Error('fusion: no indicators selected');
  const seen = new Set<string>();
  for (const k of indicators) {
    if (seen.has(k)) throw new Error(`fusion: indicator '${k}' selected twice`);
    seen.add(k);
    if (!names.includes(k)) {
      throw new Error(`fusion: indicator '${k}' is not a column of the table (columns: ${names.join(', ')})`);
    }
  }
}

/**
 * Selects the indicator columns and the accuracy, keeping only rows where all of them are finite
 * numbers (a missing key counts as non-finite).
 */
export function prepareData(data: FusionData, indicators: readonly string[]): PreparedData {
  const table = 'table' in data ? data.table : tableFromColumns(data.columns);
  assertIndicators(indicators, table.names);
  let acc: (i: number) => unknown;
  let accLabel = ACCURACY_LABEL;
  if ('accuracyKey' in data) {
    if (!table.names.includes(data.accuracyKey)) {
      throw new Error(`fusion: accuracy column '${data.accuracyKey}' is not in the table (columns: ${table.names.join(', ')})`);
    }
    if (indicators.includes(data.accuracyKey)) throw new Error(`fusion: '${data.accuracyKey}' is both the accuracy and an indicator`);
    const key = data.accuracyKey;
    accLabel = key;
    acc = (i) => table.rows[i][key];
  } else {
    const a = data.accuracy;
    if (a.length !== table.rows.length) {
      throw new Error(`fusion: accuracy has ${a.length} values but the table has ${table.rows.length} rows`);
    }
    acc = (i) => a[i];
  }
  const droppedBy: Record<string, number> = {};
  for (const k of indicators) droppedBy[k] = 0;
  droppedBy[accLabel] = 0;
  const columns: number[][] = indicators.map(() => []);
  const accuracy: number[] = [];
  const rowIndex: number[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    const row = table.rows[i];
    let ok = true;
    for (const k of indicators) {
      if (!isFiniteNumber(row[k])) {
        droppedBy[k]++;
        ok = false;
      }
    }
    const y = acc(i);
    if (!isFiniteNumber(y)) {
      droppedBy[accLabel]++;
      ok = false;
    }
    if (!ok) continue;
    indicators.forEach((k, j) => columns[j].push(row[k]));
    accuracy.push(y as number);
    rowIndex.push(i);
  }
  return {
    indicators: [...indicators],
    columns,
    accuracy,
    rowIndex,
    total: table.rows.length,
    dropped: table.rows.length - rowIndex.length,
    droppedBy,
  };
}

/** The kept rows at positions `idx` (positions into the prepared rows), drop counts reset to 0. */
export function subsetPrepared(p: PreparedData, idx: readonly number[]): PreparedData {
  const droppedBy: Record<string, number> = {};
  for (const k of Object.keys(p.droppedBy)) droppedBy[k] = 0;
  return {
    indicators: p.indicators,
    columns: p.columns.map((c) => idx.map((i) => c[i])),
    accuracy: idx.map((i) => p.accuracy[i]),
    rowIndex: idx.map((i) => p.rowIndex[i]),
    total: idx.length,
    dropped: 0,
    droppedBy,
  };
}
