/**
 * Seeded data splits and cross-validation of the fusion fit. A split permutes the n rows with the
 * engine Rng (Fisher–Yates via `sampleWithoutReplacement(n, n)`), so the same (n, k, seed) always
 * gives the same folds. k-fold: the permuted rows are cut into k contiguous blocks whose sizes
 * differ by at most one (as scikit-learn's shuffled KFold); each row is tested exactly once.
 * Hold-out: the first round(f·n) permuted rows are the test set.
 */
import { Rng } from '../engine/rng';
import { prepareData, subsetPrepared, type FusionData, type PreparedData } from './data';
import { fitPrepared, type FusionModel, type FusionOptions } from './model';

/** Positions of the training and test rows of one split (ascending). */
export interface Split {
  readonly train: readonly number[];
  readonly test: readonly number[];
}

/** How to split: k folds, or one hold-out set of a fraction of the rows. */
export type SplitSpec = { readonly folds: number } | { readonly testFraction: number };

function ascending(v: number[]): number[] {
  return v.sort((a, b) => a - b);
}

/** k folds over n rows, deterministic from `seed`. @throws unless 2 ≤ k ≤ n. */
export function kFoldSplits(n: number, k: number, seed: number): Split[] {
  if (!Number.isInteger(n) || n < 2) throw new Error(`kFoldSplits: needs n ≥ 2 rows, got ${n}`);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new Error(`kFoldSplits: folds must be an integer in [2, ${n}], got ${k}`);
  const perm = new Rng(seed).sampleWithoutReplacement(n, n);
  const splits: Split[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = ascending(perm.slice(start, start + size));
    const train = ascending([...perm.slice(0, start), ...perm.slice(start + size)]);
    splits.push({ train, test });
    start += size;
  }
  return splits;
}

/** One hold-out split with round(testFraction·n) test rows (at least 1, leaving at least 2 to train). */
export function holdoutSplit(n: number, testFraction: number, seed: number): Split {
  if (!Number.isInteger(n) || n < 3) throw new Error(`holdoutSplit: needs n ≥ 3 rows, got ${n}`);
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`holdoutSplit: testFraction must be in (0, 1), got ${testFraction}`);
  const nTest = Math.min(n - 2, Math.max(1, Math.round(testFraction * n)));
  const perm = new Rng(seed).sampleWithoutReplacement(n, n);
  return { test: ascending(perm.slice(0, nTest)), train: ascending(perm.slice(nTest)) };
}

/** Splits for a spec. */
export function makeSplits(n: number, spec: SplitSpec, seed: number): Split[] {
  if ('folds' in spec) return kFoldSplits(n, spec.folds, seed);
  return [holdoutSplit(n, spec.testFraction, seed)];
}

export interface FoldFit extends Split {
  /** Model fitted (transforms, standardisation, weights) on this fold's training rows only. */
  readonly model: FusionModel;
}

export interface CrossValidation {
  readonly indicators: readonly string[];
  readonly spec: SplitSpec;
  readonly seed: number;
  /** Complete rows used (positions 0..n−1 below refer to these). */
  readonly n: number;
  /** Rows dropped as non-finite before splitting, and per column. */
  readonly dropped: number;
  readonly droppedBy: Readonly<Record<string, number>>;
  /** Input-table index of each used row. */
  readonly rowIndex: readonly number[];
  /** Accuracy of each used row. */
  readonly actual: readonly number[];
  readonly folds: readonly FoldFit[];
  /** Out-of-fold prediction of each used row (NaN for rows never tested: hold-out training rows). */
  readonly oof: readonly number[];
  /** Fold that tested each row, −1 if none. */
  readonly fold: readonly number[];
}

/** Cross-validates on prepared rows. */
export function crossValidatePrepared(data: PreparedData, spec: SplitSpec, seed: number, options: FusionOptions = {}): CrossValidation {
  const n = data.accuracy.length;
  const splits = makeSplits(n, spec, seed);
  const oof = new Array<number>(n).fill(NaN);
  const fold = new Array<number>(n).fill(-1);
  const folds: FoldFit[] = splits.map((s, f) => {
    const model = fitPrepared(subsetPrepared(data, s.train), options);
    const test = subsetPrepared(data, s.test);
    const pred = model.predictColumns(test.columns, test.rowIndex);
    s.test.forEach((i, r) => {
      oof[i] = pred[r];
      fold[i] = f;
    });
    return { ...s, model };
  });
  return {
    indicators: data.indicators,
    spec,
    seed,
    n,
    dropped: data.dropped,
    droppedBy: data.droppedBy,
    rowIndex: data.rowIndex,
    actual: data.accuracy,
    folds,
    oof,
    fold,
  };
}

/**
 * k-fold (or hold-out) cross-validation of the fusion fit: rows with a non-finite selected
 * indicator or accuracy are dropped (counted) first; each fold's model sees only its training rows.
 */
export function crossValidateFusion(
  data: FusionData,
  indicators: readonly string[],
  spec: SplitSpec,
  seed: number,
  options: FusionOptions = {},
): CrossValidation {
  return crossValidatePrepared(prepareData(data, indicators), spec, seed, options);
}
