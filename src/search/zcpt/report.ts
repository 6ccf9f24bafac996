/**
 * Zero-Cost-PT results on NAS-Bench-201, summarised for notebook 04: per-seed rows, mean ± std
 * over seeds of the chosen architectures' test accuracies (NATS-Bench hp=200, as ZCPT), the same
 * for every proposal before post-validation, the benchmark optimum, and the verdict against
 * NASWOT random-N. Pure functions over results-file records (resultsFile.ts) and the NB201 table.
 */
import type { Nb201Table } from '../../benchmarks/nb201';
import { NB201_NUM_EDGES, NB201_OPS } from '../../spaces/nb201/arch';
import { meanStd, type MeanStd, type Table2aRow } from '../table2a';
import { nb201TestAccuracies, ZCPT_ACCURACY_KEYS } from './postValidate';
import type { ZcptSearchResult } from './search';

/** The three NB201 datasets a search is reported on. */
export const ZCPT_DATASETS = ['cifar10', 'cifar100', 'imagenet16'] as const;
export type ZcptDataset = (typeof ZCPT_DATASETS)[number];

export interface ZcptSeedRow {
  readonly seed: number;
  readonly archString: string;
  readonly index: number;
  readonly cifar10: number;
  readonly cifar100: number;
  readonly imagenet16: number;
  /** Distinct architectures among the N proposals (the candidates of post-validation). */
  readonly uniqueProposals: number;
  readonly searchSeconds: number;
}

/** A method's accuracy over runs, as mean ± std (population std, as Table 2(a)). */
export interface MethodSummary {
  readonly method: string;
  readonly runs: number;
  readonly accuracy: Readonly<Record<ZcptDataset, MeanStd>>;
  readonly searchSeconds?: MeanStd;
  readonly note: string;
}

/** One row per search, accuracies looked up in the NB201 table. */
export function zcptSeedRows(records: readonly ZcptSearchResult[], table: Nb201Table): ZcptSeedRow[] {
  return records.map((r) => {
    const a = nb201TestAccuracies(r.arch, table);
    return {
      seed: r.settings.seed,
      archString: r.archString,
      index: a.index,
      cifar10: a.cifar10,
      cifar100: a.cifar100,
      imagenet16: a.imagenet16,
      uniqueProposals: r.validation.candidates.length,
      searchSeconds: r.timing.totalSeconds,
    };
  });
}

function summarise(method: string, rows: readonly Pick<ZcptSeedRow, ZcptDataset>[], note: string, seconds?: readonly number[]): MethodSummary {
  if (rows.length === 0) throw new Error(`${method}: no searches to summarise`);
  const accuracy = Object.fromEntries(ZCPT_DATASETS.map((d) => [d, meanStd(rows.map((r) => r[d]))])) as Record<ZcptDataset, MeanStd>;
  return { method, runs: rows.length, accuracy, ...(seconds ? { searchSeconds: meanStd(seconds) } : {}), note };
}

/** Mean ± std over seeds of the chosen architectures. */
export function zcptSummary(records: readonly ZcptSearchResult[], table: Nb201Table): MethodSummary {
  const rows = zcptSeedRows(records, table);
  const s = records[0]?.settings;
  const setting = s ? `N=${s.proposals}, V=${s.valBatches}, batch ${s.batchSize}, proxy ${s.proxy}, edge order ${s.edgeOrder}` : '';
  return summarise('Zero-Cost-PT', rows, `chosen by post-validation; ${setting}`, rows.map((r) => r.searchSeconds));
}

/** Every proposal of every search, before post-validation (what one proposal alone would give). */
export function proposalSummary(records: readonly ZcptSearchResult[], table: Nb201Table): MethodSummary {
  const rows = records.flatMap((r) => r.proposals.map((p) => nb201TestAccuracies(p.arch, table)));
  return summarise('Zero-Cost-PT, single proposal', rows, `each of the ${rows.length} proposals of ${records.length} searches, no post-validation`);
}

/** The best architecture of the benchmark per dataset (its own argmax per column). */
export function nb201Optimum(table: Nb201Table): MethodSummary {
  const accuracy = Object.fromEntries(
    ZCPT_DATASETS.map((d) => {
      const col = table.accuracies(ZCPT_ACCURACY_KEYS[d]);
      let best = -Infinity;
      for (let i = 0; i < col.length; i++) if (col[i]! > best) best = col[i]!;
      return [d, { mean: best, std: 0 }];
    }),
  ) as Record<ZcptDataset, MeanStd>;
  return { method: 'NB201 optimum', runs: 1, accuracy, note: `best test accuracy of all ${table.size} architectures, per dataset` };
}

/** Table 2(a) rows (table2a.ts) in the same shape, for the comparison table. */
export function fromTable2a(row: Table2aRow): MethodSummary {
  return {
    method: row.method,
    runs: row.runs,
    accuracy: { cifar10: row.accuracy['cifar10-test'], cifar100: row.accuracy['cifar100-test'], imagenet16: row.accuracy['imagenet16-test'] },
    ...(row.searchSeconds ? { searchSeconds: row.searchSeconds } : {}),
    note: row.protocol,
  };
}

const pm = (m: MeanStd): string => `${m.mean.toFixed(2)} ± ${m.std.toFixed(2)}`;

/** Display records of a comparison: one per method, accuracies as "mean ± std". */
export function comparisonRecords(methods: readonly MethodSummary[]): Record<string, string | number>[] {
  return methods.map((m) => ({
    method: m.method,
    runs: m.runs,
    'CIFAR-10 test %': pm(m.accuracy.cifar10),
    'CIFAR-100 test %': pm(m.accuracy.cifar100),
    'ImageNet16-120 test %': pm(m.accuracy.imagenet16),
    'search s / run': m.searchSeconds ? m.searchSeconds.mean.toFixed(1) : '–',
    protocol: m.note,
  }));
}

/**
 * Verdict of Zero-Cost-PT against a baseline on one dataset: Welch's 95 % interval for the
 * difference of means (`welchInterval`: se = √(s_a²/n_a + s_b²/n_b), Welch–Satterthwaite degrees of
 * freedom); "beats" / "is beaten by" only when the interval excludes 0, otherwise "is not
 * distinguishable from". The number of seeds is part of the sentence.
 */
export function zcptVerdict(zc: MethodSummary, baseline: MethodSummary, dataset: ZcptDataset = 'cifar10'): string {
  const a = zc.accuracy[dataset];
  const b = baseline.accuracy[dataset];
  const diff = a.mean - b.mean;
  const ci = welchInterval(a.mean, a.std, zc.runs, b.mean, b.std, baseline.runs);
  const how = ci.lo > 0 ? 'beats' : ci.hi < 0 ? 'is beaten by' : 'is not distinguishable from';
  return `${zc.method} (${zc.runs} seeds) ${how} ${baseline.method} (${baseline.runs} runs) on ${dataset} test accuracy: ${a.mean.toFixed(2)} vs ${b.mean.toFixed(2)} % ` +
    `(difference ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} pp, 95 % CI [${ci.lo.toFixed(2)}, ${ci.hi.toFixed(2)}] pp, Welch, ${ci.df.toFixed(1)} degrees of freedom)`;
}

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom (standard tables). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * Welch's 95 % interval for the difference of two means from (mean, std, n) summaries:
 * se = √(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite degrees of freedom, t quantile rounded down in df
 * (conservative), 1.96 beyond 30. Std is taken as given (population or sample, as summarised).
 */
export function welchInterval(m1: number, s1: number, n1: number, m2: number, s2: number, n2: number): { lo: number; hi: number; df: number } {
  if (n1 < 2 || n2 < 2) throw new Error(`welchInterval: needs at least 2 runs per side, got ${n1} and ${n2}`);
  const v1 = (s1 * s1) / n1;
  const v2 = (s2 * s2) / n2;
  const se = Math.sqrt(v1 + v2);
  const df = se === 0 ? Infinity : (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
  const t = df >= 31 ? 1.96 : T975[Math.max(1, Math.floor(df)) - 1]!;
  return { lo: m1 - m2 - t * se, hi: m1 - m2 + t * se, df };
}

/** How often each op was kept on each edge over all proposals (6 × 5 counts, `NB201_OPS` order). */
export function keptOpCounts(records: readonly ZcptSearchResult[]): number[][] {
  const m = Array.from({ length: NB201_NUM_EDGES }, () => new Array<number>(NB201_OPS.length).fill(0));
  for (const r of records) for (const p of r.proposals) p.arch.forEach((op, e) => m[e]![NB201_OPS.indexOf(op)]!++);
  return m;
}

/**
 * Mean over all decisions of (removal score − the edge's mean removal score) per op: negative
 * means removing that op hurts the supernet's score more than removing an average op, i.e. the
 * op tends to be kept. NaN for an op never scored.
 */
export function meanRemovalEffect(records: readonly ZcptSearchResult[]): Record<string, number> {
  const sum = new Map<string, number>();
  const n = new Map<string, number>();
  for (const r of records) {
    for (const p of r.proposals) {
      for (const step of p.steps) {
        const fin = step.removals.filter((x) => Number.isFinite(x.score));
        if (fin.length === 0) continue;
        const mean = fin.reduce((s, x) => s + x.score, 0) / fin.length;
        for (const x of fin) {
          sum.set(x.op, (sum.get(x.op) ?? 0) + x.score - mean);
          n.set(x.op, (n.get(x.op) ?? 0) + 1);
        }
      }
    }
  }
  return Object.fromEntries(NB201_OPS.map((op) => [op, n.get(op) ? sum.get(op)! / n.get(op)! : NaN]));
}
