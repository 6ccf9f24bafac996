/**
 * Every figure the explorer prints, as text keyed by the element that shows it (`data-fig`).
 * The page renders exactly these strings; the browser tests compare the page with this function
 * run in Node on the same selection, so "to the printed precision" is one definition.
 */
import type { MetricWithCI } from '../stats/fitMetrics';
import type { Estimate } from '../fusion/rules';
import type { FusionFigures, RuleFigures } from './compute';

/** A number at fixed precision; non-finite values print as "n/a" (the page explains why). */
export function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

function withCI(value: number, lo: number, hi: number, digits: number): string {
  const v = fmt(value, digits);
  return Number.isFinite(lo) && Number.isFinite(hi) ? `${v} [${fmt(lo, digits)}, ${fmt(hi, digits)}]` : v;
}

export function metricText(m: MetricWithCI, digits = 3): string {
  return withCI(m.value, m.lo, m.hi, digits);
}

export function estimateText(e: Estimate, digits = 3): string {
  return withCI(e.estimate, e.lo, e.hi, digits);
}

export const METRICS = ['plcc', 'rmse', 'srocc', 'krocc'] as const;

/** Figures of the fusion and search panels. */
export function fusionFigureTexts(f: FusionFigures): Record<string, string> {
  const out: Record<string, string> = {};
  out['fusion-rows'] = `${f.n} architectures used, ${f.dropped} dropped for non-finite values`;
  out['best-name'] = f.best.name;
  for (const m of METRICS) {
    out[`fi-${m}`] = metricText(f.fi[m]);
    out[`best-${m}`] = metricText(f.best.metrics[m]);
  }
  for (const w of f.weights) out[`weight-${w.name}`] = fmt(w.weight, 3);
  out.intercept = fmt(f.intercept, 3);
  for (const r of f.search.randomN) {
    out[`rn-${r.n}`] = `${fmt(r.mean, 2)} ± ${fmt(r.sd, 2)}`;
    out[`rn-${r.n}-best`] = fmt(r.bestSingleMean, 2);
  }
  for (const k of f.search.topK) {
    out[`topk-${k.k}`] = fmt(k.precision, 3);
    out[`topk-${k.k}-best`] = fmt(k.bestSingle, 3);
  }
  out.optimum = fmt(f.search.optimum, 2);
  return out;
}

/** Figures of the rule panel. */
export function ruleFigureTexts(r: RuleFigures): Record<string, string> {
  const out: Record<string, string> = {
    'rule-tau': estimateText(r.rule.kendall),
    'rule-rows': `${r.rule.n} of ${r.total} architectures (finite rule value and accuracy${r.baseline ? ', and WOT' : ''})`,
  };
  if (r.baseline) {
    out['wot-tau'] = estimateText(r.baseline.kendall);
    out['rule-ratio'] = estimateText(r.rule.ratio);
  }
  return out;
}

/** Whether any printed figure is "n/a" (the page then says which and why). */
export function undefinedFigures(texts: Record<string, string>): string[] {
  return Object.entries(texts)
    .filter(([, v]) => v.includes('n/a'))
    .map(([k]) => k);
}
