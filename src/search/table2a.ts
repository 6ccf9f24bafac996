/**
 * NASWOT Table 2(a) (Mellor et al., ICML 2021) rebuilt on NAS-Bench-201: NASWOT random-N drawn
 * from a score pool, random choice, optimum in a random sample, REA, AREA and random search, each
 * as mean ± std (population std, as numpy) over independent runs, searched on CIFAR-10 and looked
 * up on every dataset. Paper numbers (docs/papers.md §2.5) ride along for side-by-side display.
 *
 * Columns: the 200-epoch accuracies the bundled table has — CIFAR-10 validation (`cifar10-valid`
 * x-valid), CIFAR-10 test (ori-test), CIFAR-100 test, ImageNet16-120 test. The table has no
 * 200-epoch CIFAR-100 / ImageNet16-120 validation accuracies, so those paper columns are omitted.
 */
import type { Nb201AccuracyKey, Nb201Table } from '../benchmarks/nb201';
import { Rng } from '../engine/rng';
import { bootstrapCI, type BootstrapResult } from '../stats/bootstrap';
import { area, randomSearch, rea } from './evolution';
import { DEFAULT_FITNESS_KEY, nb201Problem } from './nb201Problem';
import { randomN } from './randomN';
import type { ScorePool } from './scorePool';

export const TABLE2A_COLUMNS = ['cifar10-valid', 'cifar10-test', 'cifar100-test', 'imagenet16-test'] as const satisfies readonly Nb201AccuracyKey[];
export type Table2aColumn = (typeof TABLE2A_COLUMNS)[number];

export interface MeanStd {
  readonly mean: number;
  readonly std: number;
}

export interface PaperRow {
  readonly searchSeconds?: number;
  readonly runs: number;
  readonly accuracy: Readonly<Partial<Record<Table2aColumn, MeanStd>>>;
}

const ms = (mean: number, std: number): MeanStd => ({ mean, std });

/** P-NASWOT Table 2(a) (500 runs; AREA 50), only the columns the bundled table can reproduce. */
export const PAPER_TABLE_2A: Readonly<Record<string, PaperRow>> = {
  'NASWOT N=10': { searchSeconds: 3.05, runs: 500, accuracy: { 'cifar10-valid': ms(89.14, 1.14), 'cifar10-test': ms(92.44, 1.13), 'cifar100-test': ms(68.62, 2.04), 'imagenet16-test': ms(41.31, 4.11) } },
  'NASWOT N=100': { searchSeconds: 30.01, runs: 500, accuracy: { 'cifar10-valid': ms(89.55, 0.89), 'cifar10-test': ms(92.81, 0.99), 'cifar100-test': ms(69.48, 1.7), 'imagenet16-test': ms(43.1, 3.16) } },
  'NASWOT N=1000': { searchSeconds: 306.19, runs: 500, accuracy: { 'cifar10-valid': ms(89.69, 0.73), 'cifar10-test': ms(92.96, 0.81), 'cifar100-test': ms(69.98, 1.22), 'imagenet16-test': ms(44.44, 2.1) } },
  Random: { runs: 500, accuracy: { 'cifar10-valid': ms(83.2, 13.28), 'cifar10-test': ms(86.61, 13.46), 'cifar100-test': ms(60.83, 12.58), 'imagenet16-test': ms(33.13, 9.66) } },
  'Optimal in sample N=10': { runs: 500, accuracy: { 'cifar10-valid': ms(89.92, 0.75), 'cifar10-test': ms(93.06, 0.59), 'cifar100-test': ms(69.76, 1.25), 'imagenet16-test': ms(43.3, 1.87) } },
  'Optimal in sample N=100': { runs: 500, accuracy: { 'cifar10-valid': ms(91.05, 0.28), 'cifar10-test': ms(93.84, 0.23), 'cifar100-test': ms(71.56, 0.78), 'imagenet16-test': ms(45.67, 0.64) } },
  AREA: { searchSeconds: 12000, runs: 50, accuracy: { 'cifar10-valid': ms(91.2, 0.27) } },
  REA: { searchSeconds: 12000, runs: 500, accuracy: { 'cifar10-valid': ms(91.19, 0.31), 'cifar10-test': ms(93.92, 0.3), 'cifar100-test': ms(71.84, 0.99), 'imagenet16-test': ms(45.54, 1.03) } },
  'Random search': { searchSeconds: 12000, runs: 500, accuracy: { 'cifar10-valid': ms(90.93, 0.36), 'cifar10-test': ms(93.7, 0.36), 'cifar100-test': ms(71.04, 1.07), 'imagenet16-test': ms(44.57, 1.25) } },
};

export interface Table2aRow {
  readonly method: string;
  readonly runs: number;
  /** Where the candidates came from and what a run costs. */
  readonly protocol: string;
  readonly accuracy: Readonly<Record<Table2aColumn, MeanStd>>;
  /** Scoring seconds per run on the machine that wrote the score pool (NASWOT rows). */
  readonly searchSeconds?: MeanStd;
  /** Chosen official index per run. */
  readonly chosen: readonly number[];
  readonly paper?: PaperRow;
}

export interface Table2aOptions {
  readonly table: Nb201Table;
  readonly pool: ScorePool;
  /** Runs per method (paper: 500). */
  readonly runs?: number;
  /** AREA runs (paper: 50). */
  readonly areaRuns?: number;
  readonly seed?: number;
  readonly ns?: readonly number[];
  /** Queried architectures per REA / AREA / random-search run. */
  readonly budget?: number;
  /** Scored architectures that seed AREA (paper: 20). */
  readonly areaScored?: number;
  readonly fitnessKey?: Nb201AccuracyKey;
}

/** Mean and population standard deviation (numpy's default ddof = 0). */
export function meanStd(x: readonly number[]): MeanStd {
  if (x.length === 0) return ms(NaN, NaN);
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  return ms(mean, Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length));
}

/**
 * Random-N search repeated `runs` times from one seeded stream: mean ± std (population) of
 * `accuracy(chosen)`, the chosen indices, and whether N is small against the pool (N·10 ≤ pool
 * size; otherwise runs share most candidates and the std shrinks).
 */
export function randomNAccuracy(
  pool: ScorePool,
  n: number,
  runs: number,
  seed: number,
  accuracy: (index: number) => number,
): { accuracy: MeanStd; chosen: number[]; smallAgainstPool: boolean } {
  const rng = new Rng(seed);
  const chosen = Array.from({ length: runs }, () => randomN(pool, n, rng).chosen);
  return { accuracy: meanStd(chosen.map(accuracy)), chosen, smallAgainstPool: n * 10 <= pool.indices.length };
}

function accuracyStats(table: Nb201Table, chosen: readonly number[]): Record<Table2aColumn, MeanStd> {
  return Object.fromEntries(TABLE2A_COLUMNS.map((k) => [k, meanStd(chosen.map((i) => table.accuracy(i, k)))])) as Record<Table2aColumn, MeanStd>;
}

/** Per-column best accuracy among `n` uniform draws from the whole space, over runs. */
function optimumInSample(table: Nb201Table, n: number, runs: number, rng: Rng): Record<Table2aColumn, MeanStd> {
  const cols = TABLE2A_COLUMNS.map((k) => table.accuracies(k));
  const best: number[][] = TABLE2A_COLUMNS.map(() => []);
  for (let r = 0; r < runs; r++) {
    const drawn = Array.from({ length: n }, () => rng.int(table.size));
    cols.forEach((col, c) => best[c].push(Math.max(...drawn.map((i) => col[i]))));
  }
  return Object.fromEntries(TABLE2A_COLUMNS.map((k, c) => [k, meanStd(best[c])])) as Record<Table2aColumn, MeanStd>;
}

/** Rebuild Table 2(a). Each method gets its own seeded stream, so rows are reproducible one by one. */
export function naswotTable2a(opts: Table2aOptions): Table2aRow[] {
  const { table, pool } = opts;
  const runs = opts.runs ?? 500;
  const areaRuns = opts.areaRuns ?? 50;
  const seed = opts.seed ?? 0;
  const budget = opts.budget ?? 100;
  const problem = nb201Problem(table, opts.fitnessKey ?? DEFAULT_FITNESS_KEY);
  const stream = (k: number): Rng => new Rng(seed * 1009 + k);
  const rows: Table2aRow[] = [];
  const poolNote = `${pool.indices.length} scored architectures (${pool.proxy})`;

  for (const n of opts.ns ?? [10, 100, 1000]) {
    const rng = stream(n);
    const results = Array.from({ length: runs }, () => randomN(pool, n, rng));
    const chosen = results.map((r) => r.chosen);
    rows.push({
      method: `NASWOT N=${n}`, runs, chosen,
      protocol: `argmax of ${pool.proxy} over ${n} draws (with replacement) from ${poolNote}` +
        (n * 10 > pool.indices.length ? ` — CAUTION: N is not ≪ the pool, so runs share most candidates and the std shrinks` : ''),
      accuracy: accuracyStats(table, chosen),
      searchSeconds: meanStd(results.map((r) => r.seconds)),
      paper: PAPER_TABLE_2A[`NASWOT N=${n}`],
    });
  }
  {
    const rng = stream(1);
    const chosen = Array.from({ length: runs }, () => rng.int(table.size));
    rows.push({ method: 'Random', runs, chosen, protocol: 'one uniform draw from all 15,625', accuracy: accuracyStats(table, chosen), paper: PAPER_TABLE_2A.Random });
  }
  for (const n of [10, 100]) {
    rows.push({
      method: `Optimal in sample N=${n}`, runs, chosen: [],
      protocol: `best of each column among ${n} uniform draws from all 15,625`,
      accuracy: optimumInSample(table, n, runs, stream(100000 + n)),
      paper: PAPER_TABLE_2A[`Optimal in sample N=${n}`],
    });
  }
  const evo = `budget ${budget} queried architectures, fitness ${opts.fitnessKey ?? DEFAULT_FITNESS_KEY}`;
  {
    const rng = stream(2);
    const M = opts.areaScored ?? 20;
    const chosen = Array.from({ length: areaRuns }, () => area(problem, pool, { budget, scored: M }, rng).best);
    rows.push({ method: 'AREA', runs: areaRuns, chosen, protocol: `top 10 of ${M} drawn from ${poolNote} seed REA; ${evo}`, accuracy: accuracyStats(table, chosen), paper: PAPER_TABLE_2A.AREA });
  }
  {
    const rng = stream(3);
    const chosen = Array.from({ length: runs }, () => rea(problem, { budget }, rng).best);
    rows.push({ method: 'REA', runs, chosen, protocol: `population 10, sample 3; ${evo}`, accuracy: accuracyStats(table, chosen), paper: PAPER_TABLE_2A.REA });
  }
  {
    const rng = stream(4);
    const chosen = Array.from({ length: runs }, () => randomSearch(problem, budget, rng).best);
    rows.push({ method: 'Random search', runs, chosen, protocol: evo, accuracy: accuracyStats(table, chosen), paper: PAPER_TABLE_2A['Random search'] });
  }
  return rows;
}

const fmt = (m: MeanStd | undefined): string => (m ? `${m.mean.toFixed(2)}±${m.std.toFixed(2)}` : '–');

/** Plain-text Table 2(a): ours, then the paper's value in parentheses, per column. */
export function formatTable2a(rows: readonly Table2aRow[]): string {
  const head = ['method', 'runs', ...TABLE2A_COLUMNS.map((k) => `${k} ours (paper)`), 'search s/run ours (paper)'];
  const body = rows.map((r) => [
    r.method,
    String(r.runs),
    ...TABLE2A_COLUMNS.map((k) => `${fmt(r.accuracy[k])} (${fmt(r.paper?.accuracy[k])})`),
    `${r.searchSeconds ? r.searchSeconds.mean.toFixed(1) : '–'} (${r.paper?.searchSeconds ?? '–'})`,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]): string => cells.map((s, c) => s.padEnd(widths[c])).join('  ').trimEnd();
  return [line(head), ...body.map(line), '', ...rows.map((r) => `${r.method}: ${r.protocol}`)].join('\n');
}

/** Table 2(a) as display records: ours and the paper's value side by side per column. */
export function table2aRecords(rows: readonly Table2aRow[]): Record<string, string | number>[] {
  return rows.map((r) => {
    const rec: Record<string, string | number> = { method: r.method, runs: r.runs, 'paper runs': r.paper?.runs ?? '–' };
    for (const k of TABLE2A_COLUMNS) {
      rec[`${k} (ours)`] = fmt(r.accuracy[k]);
      rec[`${k} (paper)`] = fmt(r.paper?.accuracy[k]);
    }
    rec['search s (ours, this machine)'] = r.searchSeconds ? r.searchSeconds.mean.toFixed(1) : '–';
    // as printed in the paper (String keeps its precision: 3.05, not 3.0500)
    rec['search s (paper, GPU)'] = r.paper?.searchSeconds !== undefined ? String(r.paper.searchSeconds) : '–';
    return rec;
  });
}

/** AREA against REA on the same runs: per-run differences and a CI of their mean. */
export interface PairedSearchComparison {
  readonly runs: number;
  readonly budget: number;
  readonly key: Nb201AccuracyKey;
  /** AREA − REA accuracy of run r (pp). */
  readonly differences: readonly number[];
  /** Mean difference with its 95 % percentile-bootstrap CI (pp). */
  readonly mean: BootstrapResult;
  /** Runs where AREA chose the better / the worse / an equally accurate architecture. */
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
}

/**
 * Paired comparison of AREA and REA: run r of both starts from the same seed (`seed·1009 + 50000 + r`,
 * a stream of its own), so the two searches of a pair share their randomness as far as the
 * algorithms allow, and the run-to-run spread that dominates a comparison of two means cancels in
 * the difference. Reports the mean of AREA − REA on `key` with a bootstrap CI; a CI that contains 0
 * means no difference is detectable with these runs.
 */
export function compareAreaRea(opts: Pick<Table2aOptions, 'table' | 'pool' | 'seed' | 'budget' | 'areaScored' | 'fitnessKey'> & { runs?: number; key?: Nb201AccuracyKey }): PairedSearchComparison {
  const runs = opts.runs ?? 50;
  const budget = opts.budget ?? 100;
  const key = opts.key ?? 'cifar10-valid';
  if (!(Number.isInteger(runs) && runs >= 2)) throw new Error(`compareAreaRea: runs must be an integer ≥ 2, got ${runs}`);
  const problem = nb201Problem(opts.table, opts.fitnessKey ?? DEFAULT_FITNESS_KEY);
  const acc = opts.table.accuracies(key);
  const base = (opts.seed ?? 0) * 1009 + 50000;
  const differences = Array.from({ length: runs }, (_, r) => {
    const a = area(problem, opts.pool, { budget, scored: opts.areaScored ?? 20 }, new Rng(base + r)).best;
    const b = rea(problem, { budget }, new Rng(base + r)).best;
    return acc[a]! - acc[b]!;
  });
  const mean = bootstrapCI(differences, differences, (x) => x.reduce((s, v) => s + v, 0) / x.length, { seed: 1 });
  return {
    runs, budget, key, differences, mean,
    wins: differences.filter((d) => d > 0).length,
    losses: differences.filter((d) => d < 0).length,
    ties: differences.filter((d) => d === 0).length,
  };
}
