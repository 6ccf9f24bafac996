/**
 * Parity with the NASLib reference table (NASLib, PyTorch; `naslib/` in the data root, data/README.md): our score of
 * each reference architecture against NASLib's, and each score's Spearman ρ with NASLib's
 * validation accuracy, side by side.
 */
import { naslibNb201Reference, NaslibDataset } from '../benchmarks/naslib';
import { loadNb301Reference } from '../benchmarks/nb301';
import { loadNaslibNb101 } from '../benchmarks/nb101';
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import { pairFinite } from '../stats/clean';
import { spearman } from '../stats/correlation';
import type { ScoreTable } from './results';

/** Our proxy name → NASLib column. */
export const NASLIB_COLUMN: Readonly<Record<string, string>> = {
  naswot: 'nwot',
  nwot: 'nwot',
  cj: 'jacov',
  params: 'params',
  flops: 'flops',
  synflow: 'synflow',
  snip: 'snip',
  grad_norm: 'grad_norm',
  fisher: 'fisher',
  grasp: 'grasp',
  jacov: 'jacov',
  l2_norm: 'l2_norm',
  plain: 'plain',
  epe_nas: 'epe_nas',
  zen: 'zen',
};

export interface ParityRow {
  readonly proxy: string;
  readonly column: string;
  /** Architectures with finite values in both. */
  readonly n: number;
  readonly dropped: number;
  readonly rhoOursRef: number;
  readonly rhoOursAcc: number;
  readonly rhoRefAcc: number;
}

/** A reference architecture: NASLib's proxy scores and validation accuracy. */
export interface ReferenceRow {
  readonly proxies: Readonly<Record<string, number>>;
  readonly valAccuracy: number;
}

/** Spaces with a NASLib zero-cost table. */
export type NaslibSpace = 'nb201' | 'nb101-naslib' | 'darts';

/**
 * NASLib's reference rows keyed by our arch-set index: NB201 by official index, NB101 and DARTS by
 * row of NASLib's NB101 / NB301 table (the nb101-naslib and darts arch sets index the same rows).
 */
export function naslibReference(space: NaslibSpace, dataset: NaslibDataset): Map<number, ReferenceRow> {
  if (space === 'darts' || space === 'nb101-naslib') {
    const what = space === 'darts' ? 'NB301' : 'NB101';
    if (dataset !== 'cifar10') throw new Error(`NASLib's ${what} table has cifar10 rows only, not ${dataset}`);
    const rows: readonly ReferenceRow[] = space === 'darts' ? loadNb301Reference() : loadNaslibNb101();
    return new Map(rows.map((r, i) => [i, r]));
  }
  return new Map(naslibNb201Reference(dataset).map((r) => [r.nb201Index, r]));
}

export function parity(scores: ScoreTable, dataset: NaslibDataset, ref: ReadonlyMap<number, ReferenceRow> = naslibReference('nb201', dataset)): ParityRow[] {
  const out: ParityRow[] = [];
  for (const proxy of scores.proxies) {
    const column = NASLIB_COLUMN[proxy];
    if (!column) continue;
    const ours: number[] = [];
    const theirs: number[] = [];
    const acc: number[] = [];
    for (const row of scores.rows) {
      const r = ref.get(row.index);
      if (!r || !(column in r.proxies)) continue;
      ours.push(row.values[proxy]);
      theirs.push(r.proxies[column]);
      acc.push(r.valAccuracy);
    }
    if (ours.length === 0) continue; // the reference has no such column (e.g. nwot in NASLib's NB101 table)
    const both = pairFinite(ours, theirs);
    const keep = ours.map((v, i) => Number.isFinite(v) && Number.isFinite(theirs[i]));
    const pick = (a: number[]): number[] => a.filter((_, i) => keep[i]);
    // fewer than 2 finite pairs (e.g. every value an error): no correlation, reported as NaN
    const rho = (a: number[], b: number[]): number => (a.length >= 2 ? spearman(a, b) : NaN);
    out.push({
      proxy,
      column,
      n: both.n,
      dropped: both.dropped,
      rhoOursRef: rho(both.x, both.y),
      rhoOursAcc: rho(pick(ours), pick(acc)),
      rhoRefAcc: rho(pick(theirs), pick(acc)),
    });
  }
  return out;
}

export function formatParity(rows: readonly ParityRow[], dataset: string): string {
  const lines = [`parity with NASLib reference (${dataset}); Spearman ρ over architectures finite in both`];
  lines.push('proxy      naslib-col  N     ρ(ours,ref)  ρ(ours,acc)  ρ(ref,acc)');
  for (const r of rows) {
    lines.push(
      `${r.proxy.padEnd(10)} ${r.column.padEnd(11)} ${String(r.n).padEnd(5)} ${r.rhoOursRef.toFixed(3).padStart(11)}  ` +
        `${r.rhoOursAcc.toFixed(3).padStart(11)}  ${r.rhoRefAcc.toFixed(3).padStart(10)}` +
        (r.dropped ? `  (dropped ${r.dropped} non-finite)` : ''),
    );
  }
  return lines.join('\n');
}

const mean = (a: readonly number[]): number => ssMean([...a]);

/** One proxy's parity over several independent draws (seeds) of our scores. */
export interface DrawSpreadRow {
  readonly proxy: string;
  readonly column: string;
  readonly seeds: readonly number[];
  /** ρ(ours, accuracy) of each draw, in seed order. */
  readonly rhoOursAcc: readonly number[];
  /** ρ(ours, NASLib) of each draw. */
  readonly rhoOursRef: readonly number[];
  /** NASLib's own ρ(ref, accuracy) (mean over the draws' finite sets; equal when nothing is dropped). */
  readonly rhoRefAcc: number;
  /** Mean Spearman ρ between two of our draws over the architectures finite in both (NaN for one draw). */
  readonly rhoBetweenDraws: number;
}

/**
 * How far one draw of a proxy can be trusted: for each proxy, ρ(ours, acc) and ρ(ours, ref) per draw
 * and the agreement of our draws with each other. A proxy whose draws agree with each other at ρ r
 * cannot be expected to agree with NASLib's single draw much above r, and the spread of ρ(ours, acc)
 * over draws is the noise against which a gap to NASLib's ρ(ref, acc) must be judged.
 */
export function parityAcrossDraws(
  tables: readonly ScoreTable[],
  seeds: readonly number[],
  dataset: NaslibDataset,
  ref: ReadonlyMap<number, ReferenceRow> = naslibReference('nb201', dataset),
): DrawSpreadRow[] {
  if (tables.length === 0 || tables.length !== seeds.length) throw new Error(`parityAcrossDraws: ${tables.length} score tables for ${seeds.length} seeds`);
  const perDraw = tables.map((t) => parity(t, dataset, ref));
  return perDraw[0].map((first) => {
    const rows = perDraw.map((p, d) => {
      const r = p.find((x) => x.proxy === first.proxy);
      if (!r) throw new Error(`parityAcrossDraws: proxy '${first.proxy}' missing from the draw of seed ${seeds[d]}`);
      return r;
    });
    const byIndex = tables.map((t) => new Map(t.rows.map((r) => [r.index, r.values[first.proxy]])));
    const pairs: number[] = [];
    for (let a = 0; a < tables.length; a++) {
      for (let b = a + 1; b < tables.length; b++) {
        const x: number[] = [];
        const y: number[] = [];
        for (const [i, v] of byIndex[a]) {
          if (!ref.has(i) || !byIndex[b].has(i)) continue;
          x.push(v);
          y.push(byIndex[b].get(i)!);
        }
        const both = pairFinite(x, y);
        if (both.n >= 2) pairs.push(spearman(both.x, both.y));
      }
    }
    return {
      proxy: first.proxy,
      column: first.column,
      seeds,
      rhoOursAcc: rows.map((r) => r.rhoOursAcc),
      rhoOursRef: rows.map((r) => r.rhoOursRef),
      rhoRefAcc: mean(rows.map((r) => r.rhoRefAcc)),
      rhoBetweenDraws: pairs.length ? mean(pairs) : NaN,
    };
  });
}

/** Sample standard deviation (n − 1); 0 for one draw. */
const sd = (a: readonly number[]): number => (a.length < 2 ? 0 : sampleStandardDeviation([...a]));

export function formatParityAcrossDraws(rows: readonly DrawSpreadRow[], dataset: string): string {
  const k = rows[0]?.seeds.length ?? 0;
  const lines = [
    `parity with NASLib reference (${dataset}) over ${k} draws of ours (seeds ${rows[0]?.seeds.join(',') ?? ''}); ` +
      'ρ(ours,acc) as mean ± sd [min, max] over draws',
    'proxy      ρ(ours,ours)  ρ(ours,ref)  ρ(ours,acc)                      ρ(ref,acc)  |mean−ref|  ref in range',
  ];
  const f = (v: number): string => v.toFixed(3);
  for (const r of rows) {
    const lo = Math.min(...r.rhoOursAcc);
    const hi = Math.max(...r.rhoOursAcc);
    const m = mean(r.rhoOursAcc);
    lines.push(
      `${r.proxy.padEnd(10)} ${f(r.rhoBetweenDraws).padStart(12)}  ${f(mean(r.rhoOursRef)).padStart(11)}  ` +
        `${`${f(m)} ± ${f(sd(r.rhoOursAcc))} [${f(lo)}, ${f(hi)}]`.padEnd(31)}  ${f(r.rhoRefAcc).padStart(10)}  ` +
        `${f(Math.abs(m - r.rhoRefAcc)).padStart(10)}  ${r.rhoRefAcc >= lo && r.rhoRefAcc <= hi ? 'yes' : 'no'}`,
    );
  }
  return lines.join('\n');
}
