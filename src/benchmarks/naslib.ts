/**
 * NASLib reference zero-cost proxy scores on NB201 (`naslib/naslib_nb201_reference.csv`,
 * flattened from NASLib's `zc_nasbench201.json`; see shared/data/SOURCES.md).
 * 725 cifar10, 725 cifar100 and 724 ImageNet16-120 rows; one empty synflow cell (→ NaN);
 * `-inf` cells (e.g. nwot of a degenerate arch) → -Infinity.
 */
import { dataFile } from '../data/root';
import { formatNb201, parseNb201, sameNb201Arch, type Nb201Arch } from '../spaces/nb201/arch';
import { fromNaslibIndices } from '../spaces/nb201/naslib';
import { checkPercent, parseCsvNumber, readSimpleCsv, requireColumns, type SimpleCsv } from './csv';

/** Relative data path of the reference CSV. */
export const NASLIB_REFERENCE_FILE = 'naslib/naslib_nb201_reference.csv';

/** Dataset names as spelled in the file. */
export const NASLIB_DATASETS = Object.freeze(['cifar10', 'cifar100', 'ImageNet16-120'] as const);
/** A dataset of the reference file. */
export type NaslibDataset = (typeof NASLIB_DATASETS)[number];

/** Proxy columns present in the file. */
export const NASLIB_PROXY_NAMES = Object.freeze([
  'epe_nas', 'fisher', 'flops', 'grad_norm', 'grasp', 'jacov', 'l2_norm', 'nwot', 'params', 'plain', 'snip', 'synflow',
] as const);
/** A proxy name of the reference file. */
export type NaslibProxyName = (typeof NASLIB_PROXY_NAMES)[number];

/** One reference row. */
export interface NaslibReferenceRow {
  readonly dataset: NaslibDataset;
  /** Official NB201 index. */
  readonly nb201Index: number;
  readonly arch: Nb201Arch;
  /** NASLib 6-digit op-index string. */
  readonly naslibIndices: string;
  /** NASLib `val_accuracy` (%). */
  readonly valAccuracy: number;
  /** Proxy scores by name (empty cell → NaN). */
  readonly proxies: Readonly<Record<string, number>>;
}

const BASE = ['dataset', 'nb201_index', 'arch_str', 'naslib_op_indices', 'val_accuracy'] as const;

/**
 * Validate and convert a parsed reference CSV. Every proxy column of `NASLIB_PROXY_NAMES`
 * must be present; any other non-base column is kept as a proxy too. `arch_str` must equal
 * the architecture decoded from `naslib_op_indices`.
 */
export function naslibReferenceFromCsv(csv: SimpleCsv): NaslibReferenceRow[] {
  const col = requireColumns(csv, [...BASE, ...NASLIB_PROXY_NAMES]);
  const base = new Set<string>(BASE);
  const proxyCols = csv.header.map((h, i) => [h, i] as const).filter(([h]) => !base.has(h));
  return csv.rows.map((row, r) => {
    const where = (c: string): string => `NASLib reference ${csv.source} line ${r + 2} column ${c}`;
    const dataset = row[col.dataset]!;
    if (!(NASLIB_DATASETS as readonly string[]).includes(dataset)) {
      throw new Error(`${where('dataset')}: unknown dataset '${dataset}' (expected ${NASLIB_DATASETS.join(', ')})`);
    }
    const idxCell = row[col.nb201_index]!;
    const nb201Index = Number(idxCell);
    if (!/^\d+$/.test(idxCell) || nb201Index >= 15625) throw new Error(`${where('nb201_index')}: bad index '${idxCell}'`);
    let arch: Nb201Arch;
    let fromIdx: Nb201Arch;
    try {
      arch = parseNb201(row[col.arch_str]!);
      fromIdx = fromNaslibIndices(row[col.naslib_op_indices]!);
    } catch (e) {
      throw new Error(`${where('arch_str/naslib_op_indices')}: ${(e as Error).message}`);
    }
    if (!sameNb201Arch(arch, fromIdx)) {
      throw new Error(
        `${where('naslib_op_indices')}: '${row[col.naslib_op_indices]}' decodes to ${formatNb201(fromIdx)}, ` +
          `but arch_str is ${formatNb201(arch)}`,
      );
    }
    const proxies: Record<string, number> = {};
    for (const [name, i] of proxyCols) proxies[name] = parseCsvNumber(row[i]!, where(name), true);
    return Object.freeze({
      dataset: dataset as NaslibDataset,
      nb201Index,
      arch,
      naslibIndices: row[col.naslib_op_indices]!,
      valAccuracy: checkPercent(parseCsvNumber(row[col.val_accuracy]!, where('val_accuracy')), where('val_accuracy')),
      proxies: Object.freeze(proxies),
    });
  });
}

const cache = new Map<string, readonly NaslibReferenceRow[]>();

/** All reference rows (cached per process and file). */
export function loadNaslibReference(): readonly NaslibReferenceRow[] {
  const file = dataFile(NASLIB_REFERENCE_FILE);
  let rows = cache.get(file);
  if (rows === undefined) {
    rows = Object.freeze(naslibReferenceFromCsv(readSimpleCsv(file)));
    cache.set(file, rows);
  }
  return rows;
}

/** Reference rows of one dataset, in file order. */
export function naslibNb201Reference(dataset: NaslibDataset): NaslibReferenceRow[] {
  if (!(NASLIB_DATASETS as readonly string[]).includes(dataset)) {
    throw new Error(`naslibNb201Reference: unknown dataset '${String(dataset)}' (expected ${NASLIB_DATASETS.join(', ')})`);
  }
  return loadNaslibReference().filter((r) => r.dataset === dataset);
}
