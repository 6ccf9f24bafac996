/**
 * Nested rule selection on a training bench (fusion/nestedSelection.ts), epoch by epoch: at each
 * epoch e = 0..E the DAS rules are evaluated on that epoch's atoms (`benchEpochColumns`), chosen on
 * a random part of the bench's architectures and judged, against the caller's ground truth, on
 * the held-out rest, over S seeded splits. Architectures without a finite ground truth are left
 * out before splitting. An epoch with fewer than `minArchs` architectures is reported as too few
 * instead of being judged on a handful of rows.
 */
import { nestedRuleSelection, type NestedSelection, type NestedSelectionOptions } from '../fusion/nestedSelection';
import { subsetColumns, type RuleSpec } from '../fusion/rules';
import { benchEpochColumns } from './benchAnalysis';
import type { TrainBench } from './trainBenchFile';

export interface BenchNestedOptions extends NestedSelectionOptions {
  /** Fewest architectures (with a finite ground truth) to run nested selection on (default 10). */
  readonly minArchs?: number;
}

export type BenchNestedEpoch =
  | { readonly epoch: number; readonly archs: number; readonly nested: NestedSelection; readonly tooFew?: undefined }
  | { readonly epoch: number; readonly archs: number; readonly nested?: undefined; readonly tooFew: string };

/**
 * Nested selection of `rules` at every epoch of `bench` against `truth` (by architecture index:
 * an array indexed by index, or a function; non-finite values are left out).
 */
export function benchNestedSelection(
  bench: TrainBench,
  truth: ArrayLike<number> | ((index: number) => number),
  rules: readonly RuleSpec[],
  opts: BenchNestedOptions = {},
): BenchNestedEpoch[] {
  const { minArchs = 10, ...nestedOpts } = opts;
  if (!(Number.isInteger(minArchs) && minArchs >= 4)) throw new Error(`bench nested selection: minArchs must be an integer ≥ 4, got ${minArchs}`);
  const get = typeof truth === 'function' ? truth : (i: number) => truth[i];
  const t = bench.archs.map((a) => get(a.index));
  const keep = t.map((v, i) => (typeof v === 'number' && Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  const acc = keep.map((i) => t[i]!);
  return Array.from({ length: bench.settings.epochs + 1 }, (_, epoch): BenchNestedEpoch => {
    if (keep.length < minArchs) {
      return { epoch, archs: keep.length, tooFew: `${keep.length} architectures with a ground truth (fewer than ${minArchs}): too few for nested selection` };
    }
    const cols = subsetColumns(benchEpochColumns(bench, epoch), keep);
    return { epoch, archs: keep.length, nested: nestedRuleSelection(rules, cols, acc, nestedOpts) };
  });
}
