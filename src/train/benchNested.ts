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

/**
 * The DAS paper's fast-training claim ("DAS with fast training yields more improvement" over WOT)
 * judged from held-out numbers only: it holds when, after the last epoch, nested selection finds a
 * rule that beats WOT held out (`verdict === 'beats'`) and the median held-out ratio τ_rule/τ_WOT
 * is higher than on the untrained atoms (epoch 0). Either epoch with too few architectures: no
 * judgement.
 */
export function fastTrainingRuleClaim(epochs: readonly BenchNestedEpoch[]): { readonly holds: boolean | undefined; readonly text: string } {
  const first = epochs[0];
  const last = epochs[epochs.length - 1];
  if (!first || !last || last === first) return { holds: undefined, text: 'no trained epoch: the fast-training claim cannot be judged' };
  if (!first.nested || !last.nested) return { holds: undefined, text: `too few architectures for nested selection: the fast-training claim cannot be judged (${(first.tooFew ?? last.tooFew)!})` };
  const m0 = first.nested.ratio.median;
  const mE = last.nested.ratio.median;
  const holds = last.nested.verdict === 'beats' && mE > m0;
  const nums = `held-out median τ_rule/τ_WOT ${m0.toFixed(3)} untrained → ${mE.toFixed(3)} after ${last.epoch} epoch${last.epoch === 1 ? '' : 's'}, where the rules are ${last.nested.verdict === 'beats' ? 'better than' : last.nested.verdict === 'worse' ? 'worse than' : 'not distinguishable from'} WOT held out`;
  return { holds, text: `${holds ? 'supported' : 'not supported'}: ${nums}` };
}
