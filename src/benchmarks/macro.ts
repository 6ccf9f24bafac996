/**
 * NAS-Bench-Macro CIFAR-10 table (`nasbench_macro/nas-bench-macro_cifar10.csv` under the data
 * root; see data/README.md): all 3⁸ = 6,561 architectures, columns `arch` (8-digit key),
 * `test_acc_seed0..2` (%), `mean_acc`, `std`, `params`, `flops`. The table is indexed by
 * `macroIndex` (the key read in base 3), whatever the file's row order.
 */
import { dataFile } from '../data/root';
import { formatMacro, macroIndex, MACRO_SPACE_SIZE, parseMacro, type MacroArch } from '../spaces/macro/arch';
import { readSimpleCsv, type SimpleCsv } from './csv';

/** Relative data path of the CIFAR-10 table. */
export const MACRO_TABLE_FILE = 'nasbench_macro/nas-bench-macro_cifar10.csv';

export interface MacroRow {
  readonly arch: MacroArch;
  /** Test accuracy (%) of each of the 3 training seeds. */
  readonly testAccuracies: readonly number[];
  /** Mean (%) and standard deviation of the three, as the table gives them. */
  readonly meanAccuracy: number;
  readonly std: number;
  readonly params: number;
  readonly flops: number;
}

export interface MacroTable {
  readonly source: string;
  readonly size: number;
  /** Row of the architecture with `macroIndex` i. */
  row(index: number): MacroRow;
  lookup(arch: MacroArch): MacroRow;
}

const COLUMNS = ['arch', 'test_acc_seed0', 'test_acc_seed1', 'test_acc_seed2', 'mean_acc', 'std', 'params', 'flops'] as const;

/**
 * The table from parsed CSV. Every architecture must appear exactly once with finite numbers.
 * @throws naming the source, the line and the problem.
 */
export function macroTableFromCsv(csv: SimpleCsv): MacroTable {
  const col = Object.fromEntries(COLUMNS.map((c) => [c, csv.header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const missing = COLUMNS.filter((c) => col[c] < 0);
  if (missing.length) throw new Error(`NAS-Bench-Macro table ${csv.source}: missing column(s) ${missing.join(', ')}`);
  const rows = new Array<MacroRow | undefined>(MACRO_SPACE_SIZE);
  csv.rows.forEach((cells, i) => {
    const where = `NAS-Bench-Macro table ${csv.source} line ${i + 2}`;
    let arch: MacroArch;
    try {
      arch = parseMacro(cells[col.arch]!);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    const num = (c: (typeof COLUMNS)[number]): number => {
      const v = Number(cells[col[c]]);
      if (!Number.isFinite(v)) throw new Error(`${where}: ${c} = '${cells[col[c]]}' is not a number`);
      return v;
    };
    const k = macroIndex(arch);
    if (rows[k]) throw new Error(`${where}: architecture ${formatMacro(arch)} appears twice`);
    rows[k] = Object.freeze({
      arch,
      testAccuracies: Object.freeze([num('test_acc_seed0'), num('test_acc_seed1'), num('test_acc_seed2')]),
      meanAccuracy: num('mean_acc'),
      std: num('std'),
      params: num('params'),
      flops: num('flops'),
    });
  });
  const absent = rows.findIndex((r) => r === undefined);
  if (absent >= 0 || csv.rows.length !== MACRO_SPACE_SIZE) throw new Error(`NAS-Bench-Macro table ${csv.source}: ${csv.rows.length} rows, expected all ${MACRO_SPACE_SIZE} architectures`);
  const full = rows as MacroRow[];
  return {
    source: csv.source,
    size: MACRO_SPACE_SIZE,
    row: (i) => {
      const r = full[i];
      if (!Number.isInteger(i) || !r) throw new Error(`NAS-Bench-Macro index ${i} is outside 0..${MACRO_SPACE_SIZE - 1}`);
      return r;
    },
    lookup: (a) => full[macroIndex(a)]!,
  };
}

let cached: { file: string; table: MacroTable } | undefined;

/** The CIFAR-10 table (cached per process). */
export function loadMacroTable(): MacroTable {
  const file = dataFile(MACRO_TABLE_FILE);
  if (cached?.file !== file) cached = { file, table: macroTableFromCsv(readSimpleCsv(file)) };
  return cached.table;
}
