/**
 * NAS-Bench-201 benchmark table (`nasbench201/nb201_merged.csv`, see shared/data/SOURCES.md).
 *
 * Row i is official NB201 index i. Accuracies are percentages; `params` is MB on CIFAR-10.
 * 200-epoch test accuracies come from NATS-Bench; CIFAR-10-valid 200-epoch and params from
 * the NASWOT v1 table; `*-12ep` from BayesWatch's mini-bench (12-epoch schedule).
 */
import { dataFile } from '../data/root';
import { archCode, formatNb201, isNb201Arch, NB201_SPACE_SIZE, parseNb201, type Nb201Arch } from '../spaces/nb201/arch';
import { toNaslibIndices } from '../spaces/nb201/naslib';
import { checkPercent, parseCsvNumber, readSimpleCsv, requireColumns, type SimpleCsv } from './csv';

/** Relative data path of the merged table. */
export const NB201_TABLE_FILE = 'nasbench201/nb201_merged.csv';

/** Accuracy key → CSV column. */
export const NB201_ACCURACY_COLUMNS = Object.freeze({
  'cifar10-test': 'cifar10_test_acc_200ep',
  'cifar10-valid': 'cifar10valid_valid_acc_200ep',
  'cifar10-valid-test': 'cifar10valid_test_acc_200ep',
  'cifar100-test': 'cifar100_test_acc_200ep',
  'imagenet16-test': 'imagenet16_test_acc_200ep',
  'cifar10-test-12ep': 'cifar10_test_acc_12ep',
  'cifar10-valid-12ep': 'cifar10valid_valid_acc_12ep',
  'cifar100-test-12ep': 'cifar100_test_acc_12ep',
  'cifar100-valid-12ep': 'cifar100_valid_acc_12ep',
  'imagenet16-test-12ep': 'imagenet16_test_acc_12ep',
  'imagenet16-valid-12ep': 'imagenet16_valid_acc_12ep',
} as const);

/** Which accuracy to read (see `NB201_ACCURACY_COLUMNS`). */
export type Nb201AccuracyKey = keyof typeof NB201_ACCURACY_COLUMNS;

/** All accuracy keys. */
export const NB201_ACCURACY_KEYS = Object.freeze(Object.keys(NB201_ACCURACY_COLUMNS) as Nb201AccuracyKey[]);

const BASE_COLUMNS = ['index', 'arch_str', 'naslib_op_indices', 'params_mb_cifar10'] as const;

/** The loaded NB201 table. */
export interface Nb201Table {
  /** Number of architectures (15625). */
  readonly size: number;
  /** Absolute path the table was read from. */
  readonly source: string;
  /** Architecture at official index `index`. */
  arch(index: number): Nb201Arch;
  /** Official index of `arch`. @throws if the arch is invalid or not in the table. */
  indexOf(arch: Nb201Arch): number;
  /** Accuracy (%) of `index` for `key`. */
  accuracy(index: number, key: Nb201AccuracyKey): number;
  /** A copy of the whole accuracy column for `key`, indexed by official index. */
  accuracies(key: Nb201AccuracyKey): Float64Array;
  /** Parameter count in MB (CIFAR-10 network). */
  params(index: number): number;
}

/**
 * Build and validate a table from a parsed CSV: required columns present, `expectedRows` rows,
 * `index` equal to the row number, arch strings parse, NASLib indices agree with the arch,
 * no architecture repeated, numbers parse.
 */
export function nb201TableFromCsv(csv: SimpleCsv, expectedRows: number = NB201_SPACE_SIZE): Nb201Table {
  const src = csv.source;
  const accCols = Object.values(NB201_ACCURACY_COLUMNS);
  const col = requireColumns(csv, [...BASE_COLUMNS, ...accCols]);
  const n = csv.rows.length;
  if (n !== expectedRows) throw new Error(`NB201 table ${src}: expected ${expectedRows} rows, got ${n}`);

  const archs: Nb201Arch[] = new Array(n);
  const codeToIndex = new Int32Array(NB201_SPACE_SIZE).fill(-1);
  const params = new Float64Array(n);
  const acc = new Map<Nb201AccuracyKey, Float64Array>(NB201_ACCURACY_KEYS.map((k) => [k, new Float64Array(n)]));

  for (let i = 0; i < n; i++) {
    const row = csv.rows[i]!;
    const where = (c: string): string => `NB201 table ${src} row ${i} (line ${i + 2}) column ${c}`;
    if (row[col.index] !== String(i)) throw new Error(`${where('index')}: index '${row[col.index]}' != row number ${i}`);
    let arch: Nb201Arch;
    try {
      arch = parseNb201(row[col.arch_str]!);
    } catch (e) {
      throw new Error(`${where('arch_str')}: ${(e as Error).message}`);
    }
    const naslib = row[col.naslib_op_indices]!;
    if (naslib !== toNaslibIndices(arch)) {
      throw new Error(`${where('naslib_op_indices')}: '${naslib}' does not match arch_str (expected '${toNaslibIndices(arch)}')`);
    }
    const code = archCode(arch);
    if (codeToIndex[code] !== -1) throw new Error(`${where('arch_str')}: architecture repeats row ${codeToIndex[code]}`);
    codeToIndex[code] = i;
    archs[i] = arch;
    params[i] = parseCsvNumber(row[col.params_mb_cifar10]!, where('params_mb_cifar10'));
    for (const key of NB201_ACCURACY_KEYS) {
      const c = NB201_ACCURACY_COLUMNS[key];
      acc.get(key)![i] = checkPercent(parseCsvNumber(row[col[c]]!, where(c)), where(c));
    }
  }

  const checkIndex = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new Error(`NB201 index must be an integer in 0..${n - 1}, got ${index}`);
    }
  };
  const column = (key: Nb201AccuracyKey): Float64Array => {
    const a = acc.get(key);
    if (a === undefined) throw new Error(`unknown NB201 accuracy key '${String(key)}' (expected one of ${NB201_ACCURACY_KEYS.join(', ')})`);
    return a;
  };

  return {
    size: n,
    source: src,
    arch(index) {
      checkIndex(index);
      return archs[index]!;
    },
    indexOf(arch) {
      if (!isNb201Arch(arch)) throw new Error(`indexOf: not an NB201 arch: ${JSON.stringify(arch)}`);
      const i = codeToIndex[archCode(arch)]!;
      if (i < 0) throw new Error(`indexOf: architecture ${formatNb201(arch)} is not in NB201 table ${src}`);
      return i;
    },
    accuracy(index, key) {
      checkIndex(index);
      return column(key)[index]!;
    },
    accuracies(key) {
      return column(key).slice();
    },
    params(index) {
      checkIndex(index);
      return params[index]!;
    },
  };
}

const cache = new Map<string, Nb201Table>();

/** Load (once per process and file) the merged NB201 table from the data root. */
export function loadNb201Table(): Nb201Table {
  const file = dataFile(NB201_TABLE_FILE);
  let t = cache.get(file);
  if (t === undefined) {
    t = nb201TableFromCsv(readSimpleCsv(file));
    cache.set(file, t);
  }
  return t;
}
