/**
 * NAS-Bench-101 reference tables (see shared/data/SOURCES.md, sections nasbench101/ and naslib/).
 *
 * - NAS-Bench-1Shot1 search space 2 (`nasbench101/nb101_1shot1_search_space2.jsonl`): 3,609
 *   cells, one JSON object per line `{ops, matrix, valid_acc: [3], test_acc: [3]}`, 108-epoch
 *   NB101 results of the 3 training seeds as fractions; the matrix is the un-pruned 1Shot1
 *   encoding (we prune it). Accuracies are returned in percent.
 * - NASLib `naslib/zc_nasbench101.json`: 500 CIFAR-10 cells keyed by NASLib's 56-tuple (49
 *   un-pruned matrix entries row-major, 7 op codes: 0 input, 1 output, 2 maxpool3x3,
 *   3 conv1x1, 4 conv3x3), single-seed `val_accuracy` (%), and 11 zero-cost proxies scored by
 *   NASLib (PyTorch) on the benchmark network (stem 128, 10 classes); `params` is in millions.
 *
 * Search space 1 of 1Shot1 is not loaded: its file stores only row 0 of each matrix, so its cells
 * cannot be rebuilt.
 */
import * as fs from 'node:fs';
import { dataFile } from '../data/root';
import { checkPercent } from './csv';
import { nb101Hash } from '../spaces/nb101/hash';
import { checkNb101, fromNaslibNb101Key, type Nb101Spec } from '../spaces/nb101/spec';

/** Relative data path of the 1Shot1 search-space-2 table. */
export const NB101_1SHOT1_SPACE2_FILE = 'nasbench101/nb101_1shot1_search_space2.jsonl';
/** Relative data path of NASLib's NB101 zero-cost table. */
export const NASLIB_NB101_FILE = 'naslib/zc_nasbench101.json';

/** One cell of the 1Shot1 table. */
export interface Nb1Shot1Row {
  /** Line number (1-based) in the file. */
  readonly line: number;
  /** The pruned cell. */
  readonly spec: Nb101Spec;
  /** NB101 hash of the cell. */
  readonly hash: string;
  /** Validation accuracy (%) of each of the 3 seeds, 108 epochs. */
  readonly validAccuracies: readonly number[];
  /** Test accuracy (%) of each of the 3 seeds, 108 epochs. */
  readonly testAccuracies: readonly number[];
  /** Means over the seeds (%). */
  readonly meanValidAccuracy: number;
  readonly meanTestAccuracy: number;
  /** Best test accuracy over the seeds (%), as NASWOT's `get_final_accuracy` reads NB101. */
  readonly maxTestAccuracy: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;

function accuracies(v: unknown, where: string, key: string): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${where}: '${key}' must be a non-empty array of fractions`);
  return v.map((a, k) => {
    if (typeof a !== 'number' || !Number.isFinite(a) || a < 0 || a > 1) throw new Error(`${where}: ${key}[${k}] = ${JSON.stringify(a)} is not a fraction in [0, 1]`);
    return 100 * a;
  });
}

/**
 * Parse the 1Shot1 JSONL text (blank lines skipped). Every row must hold a valid NB101 cell
 * and accuracies in [0, 1]. The 1Shot1 encoding maps some NB101 cells several times (3,609
 * rows, 3,258 distinct hashes); such rows must carry identical accuracies (`uniqueNb1Shot1`
 * keeps the first of each).
 * @throws Error naming the source, the line and the problem.
 */
export function nb1Shot1FromJsonl(text: string, source: string): Nb1Shot1Row[] {
  const rows: Nb1Shot1Row[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, k) => {
    const line = k + 1;
    if (raw.trim() === '') return;
    const where = `NB101 1Shot1 table ${source} line ${line}`;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(raw) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${where}: bad JSON (${(e as Error).message}); the file may be truncated or corrupt`);
    }
    if (obj === null || typeof obj !== 'object') throw new Error(`${where}: expected a JSON object`);
    if (!Array.isArray(obj.matrix)) {
      const hint = 'matrix_row0_only' in obj ? ' (this is the search-space-1 file, which stores only row 0 of each matrix)' : '';
      throw new Error(`${where}: 'matrix' missing or not an array${hint}`);
    }
    const r = checkNb101({ matrix: obj.matrix as number[][], ops: obj.ops as string[] });
    if (!r.ok) throw new Error(`${where}: invalid NB101 cell: ${r.error}`);
    const hash = nb101Hash(r.spec);
    const validAccuracies = Object.freeze(accuracies(obj.valid_acc, where, 'valid_acc'));
    const testAccuracies = Object.freeze(accuracies(obj.test_acc, where, 'test_acc'));
    // 1Shot1 encodes some NB101 cells several times; they are one benchmark record
    const prev = seen.get(hash);
    if (prev !== undefined) {
      const p = rows[prev]!;
      if (p.testAccuracies.join() !== testAccuracies.join() || p.validAccuracies.join() !== validAccuracies.join()) {
        throw new Error(`${where}: cell is isomorphic to the one on line ${p.line} (hash ${hash}) but has other accuracies`);
      }
    } else seen.set(hash, rows.length);
    rows.push(
      Object.freeze({
        line,
        spec: r.spec,
        hash,
        validAccuracies,
        testAccuracies,
        meanValidAccuracy: mean(validAccuracies),
        meanTestAccuracy: mean(testAccuracies),
        maxTestAccuracy: Math.max(...testAccuracies),
      }),
    );
  });
  if (rows.length === 0) throw new Error(`NB101 1Shot1 table ${source}: no rows`);
  return rows;
}

/** The first row of every distinct cell (by NB101 hash), in file order. */
export function uniqueNb1Shot1(rows: readonly Nb1Shot1Row[]): Nb1Shot1Row[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.hash) ? false : (seen.add(r.hash), true)));
}

const shot1Cache = new Map<string, readonly Nb1Shot1Row[]>();

/** The 3,609 cells of NAS-Bench-1Shot1 search space 2 (cached per process and file). */
export function loadNb1Shot1Space2(): readonly Nb1Shot1Row[] {
  const file = dataFile(NB101_1SHOT1_SPACE2_FILE);
  let rows = shot1Cache.get(file);
  if (rows === undefined) {
    rows = Object.freeze(nb1Shot1FromJsonl(fs.readFileSync(file, 'utf8'), file));
    shot1Cache.set(file, rows);
  }
  return rows;
}

/** Proxy names of NASLib's NB101 table (no `nwot` there). */
export const NASLIB_NB101_PROXY_NAMES = Object.freeze([
  'epe_nas', 'fisher', 'flops', 'grad_norm', 'grasp', 'jacov', 'l2_norm', 'params', 'plain', 'snip', 'synflow',
] as const);

/** One cell of NASLib's NB101 table. */
export interface NaslibNb101Row {
  /** NASLib's key, as in the file. */
  readonly key: string;
  /** The pruned cell. */
  readonly spec: Nb101Spec;
  readonly hash: string;
  /** NASLib `val_accuracy` (%, one seed). */
  readonly valAccuracy: number;
  /** Proxy scores by name (`params` in millions, `flops` in MFLOPs). */
  readonly proxies: Readonly<Record<string, number>>;
}

/**
 * Convert NASLib's parsed `zc_nasbench101.json` object (`{nasbench101: {cifar10: {key: {...}}}}`).
 * Every proxy of `NASLIB_NB101_PROXY_NAMES` and `val_accuracy` must be a finite number; keys must
 * decode to valid cells.
 * @throws Error naming the source, the key and the problem.
 */
export function naslibNb101FromJson(json: unknown, source: string): NaslibNb101Row[] {
  const root = json as { nasbench101?: { cifar10?: Record<string, Record<string, unknown>> } } | null;
  const table = root?.nasbench101?.cifar10;
  if (table === undefined || table === null || typeof table !== 'object') {
    throw new Error(`NASLib NB101 table ${source}: expected {"nasbench101": {"cifar10": {...}}}`);
  }
  const rows = Object.entries(table).map(([key, entry]) => {
    const where = `NASLib NB101 table ${source} key ${key}`;
    let spec: Nb101Spec;
    try {
      spec = fromNaslibNb101Key(key);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    if (entry === null || typeof entry !== 'object') throw new Error(`${where}: entry is not an object`);
    const num = (name: string): number => {
      const v = entry[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: '${name}' is ${JSON.stringify(v)}, expected a finite number`);
      return v;
    };
    const proxies: Record<string, number> = {};
    for (const name of NASLIB_NB101_PROXY_NAMES) proxies[name] = num(name);
    for (const [name, v] of Object.entries(entry)) {
      if (name !== 'val_accuracy' && !(name in proxies) && typeof v === 'number') proxies[name] = v;
    }
    return Object.freeze({ key, spec, hash: nb101Hash(spec), valAccuracy: checkPercent(num('val_accuracy'), `${where}: 'val_accuracy'`), proxies: Object.freeze(proxies) });
  });
  if (rows.length === 0) throw new Error(`NASLib NB101 table ${source}: no architectures`);
  return rows;
}

const naslibCache = new Map<string, readonly NaslibNb101Row[]>();

/** NASLib's 500 NB101 cells with proxy scores (cached per process and file). */
export function loadNaslibNb101(): readonly NaslibNb101Row[] {
  const file = dataFile(NASLIB_NB101_FILE);
  let rows = naslibCache.get(file);
  if (rows === undefined) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`NASLib NB101 table ${file}: bad JSON (${(e as Error).message}); the file may be truncated or corrupt`);
    }
    rows = Object.freeze(naslibNb101FromJson(json, file));
    naslibCache.set(file, rows);
  }
  return rows;
}
