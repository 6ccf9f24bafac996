/**
 * Plots of fast-training curves (benchAnalysis.ts): Kendall τ of each score vs SGD steps or vs
 * training seconds, with the bootstrap intervals as asymmetric error bars.
 */
import { overlay, scatter, type Figure } from '../viz/plotly';
import { BENCH_TEST_ACC, scoreCurve, type BenchAnalysis } from './benchAnalysis';

export interface BenchTauFigureOptions {
  /** Horizontal axis: SGD steps k (default) or mean cumulative training seconds. */
  readonly x?: 'steps' | 'seconds';
  /** Ground truth (default) or the bench's own final test accuracy. */
  readonly target?: 'truth' | 'final';
  /** Scores to draw (default: every score and `test_acc`). */
  readonly labels?: readonly string[];
  /** Display names per label (legend). */
  readonly names?: Readonly<Record<string, string>>;
  readonly title?: string;
  /** Name of the target in the axis title (default 'ground truth' / 'final test accuracy'). */
  readonly targetName?: string;
}

/** τ curves of several scores on one plot; points with undefined τ (e.g. test_acc at epoch 0) are left out. */
export function benchTauFigure(a: BenchAnalysis, opts: BenchTauFigureOptions = {}): Figure {
  const xKind = opts.x ?? 'steps';
  const target = opts.target ?? 'truth';
  const labels = opts.labels ?? [...a.labels, BENCH_TEST_ACC];
  if (labels.length === 0) throw new Error('benchTauFigure: no scores to draw');
  const figs = labels.map((label) => {
    const pts = scoreCurve(a, label, target).filter((p) => Number.isFinite(p.tau.estimate));
    const fig = scatter(pts.map((p) => (xKind === 'steps' ? p.steps : p.seconds)), pts.map((p) => p.tau.estimate), {
      name: opts.names?.[label] ?? label,
      mode: 'lines+markers',
    });
    if (pts.every((p) => Number.isFinite(p.tau.lo))) {
      fig.data[0].error_y = { type: 'data', symmetric: false, array: pts.map((p) => p.tau.hi - p.tau.estimate), arrayminus: pts.map((p) => p.tau.estimate - p.tau.lo) };
    }
    return fig;
  });
  const targetName = opts.targetName ?? (target === 'truth' ? 'ground truth' : 'final test accuracy');
  return overlay(figs, {
    title: opts.title ?? `Kendall τ with ${targetName} vs ${xKind === 'steps' ? 'SGD steps' : 'training seconds'}`,
    xTitle: xKind === 'steps' ? 'SGD steps k before scoring' : 'mean training seconds per architecture',
    yTitle: `Kendall τ with ${targetName}`,
    showLegend: true,
  });
}
