/**
 * Judge score files against ground truth: per proxy PLCC, SROCC, KROCC (τ-b) with bootstrap CIs
 * over the architectures, NaN/−∞ scores dropped explicitly and counted.
 */
import type { Nb201AccuracyKey } from '../benchmarks/nb201';
import type { CifarDataset } from '../data/cifar';
import { summarize, Summary } from '../stats/summary';
import type { ScoreTable } from './results';

/** Default ground truth per dataset: 200-epoch test accuracy (NASWOT Table 2 / Fig. 3 convention). */
export const DEFAULT_ACCURACY_KEY: Readonly<Record<CifarDataset | 'ImageNet16-120', Nb201AccuracyKey>> = {
  cifar10: 'cifar10-test',
  cifar100: 'cifar100-test',
  'ImageNet16-120': 'imagenet16-test',
};

/** Paper values to print beside ours (NASWOT Kendall τ, P-NASWOT Fig. 3). */
export const PAPER_KENDALL: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  naswot: { cifar10: 0.574, cifar100: 0.611, 'ImageNet16-120': 0.549, 'nb101-cifar10': 0.285 },
};

/** Key of PAPER_KENDALL for a space and dataset (NB201 uses the bare dataset name). */
export function paperKey(space: string, dataset: string): string {
  return space === 'nb201' ? dataset : `${space}-${dataset}`;
}

/** Ground truth by index (an NB201 table or any space's arch set). */
export interface AccuracySource {
  accuracy(index: number, key: string): number;
}

/** A proxy's evaluation, or why it has none (fewer than 2 finite scores: e.g. an all-NaN column). */
export type ProxyEvaluation =
  | { readonly proxy: string; readonly summary: Summary; readonly unusable?: undefined }
  | { readonly proxy: string; readonly summary?: undefined; readonly unusable: string };

export function evaluateScores(
  scores: ScoreTable,
  table: AccuracySource,
  key: string,
  opts: { bootstrap?: number; seed?: number } = {},
): ProxyEvaluation[] {
  const acc = scores.rows.map((r) => table.accuracy(r.index, key));
  return scores.proxies.map((proxy): ProxyEvaluation => {
    const x = scores.rows.map((r) => r.values[proxy]!);
    const finite = x.filter((v, i) => Number.isFinite(v) && Number.isFinite(acc[i]!)).length;
    if (finite < 2) {
      return { proxy, unusable: `${finite} of ${x.length} scores are finite (${x.length - finite} NaN/inf; the score file's notes column says why): no correlation to report` };
    }
    return { proxy, summary: summarize(x, acc, { bootstrap: opts.bootstrap ?? 1000, seed: opts.seed ?? 1 }) };
  });
}

function fmtCi(v: number, ci?: [number, number]): string {
  return ci ? `${v.toFixed(3)} [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]` : v.toFixed(3);
}

/** Plain-text report of `evaluateScores`. */
export function formatEvaluation(evals: readonly ProxyEvaluation[], dataset: string, key: string): string {
  const lines = [`ground truth: ${key}; 95% percentile-bootstrap CIs over architectures`];
  for (const { proxy, summary: s, unusable } of evals) {
    if (s === undefined) {
      lines.push(`${proxy}: not evaluated: ${unusable}`);
      continue;
    }
    const paper = PAPER_KENDALL[proxy]?.[dataset];
    lines.push(
      `${proxy}: N=${s.n}${s.dropped ? ` (dropped ${s.dropped} NaN/inf)` : ''}  PLCC ${fmtCi(s.plcc, s.ci?.plcc)}  ` +
        `SROCC ${fmtCi(s.srocc, s.ci?.srocc)}  KROCC ${fmtCi(s.krocc, s.ci?.krocc)}` +
        (paper !== undefined ? `  (paper Kendall τ ${paper})` : ''),
    );
  }
  return lines.join('\n');
}
