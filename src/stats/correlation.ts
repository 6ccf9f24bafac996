import { sampleCorrelation } from "simple-statistics";
import { assertFinite, assertFinitePairs } from "./clean";

/*
 * Correlation metrics used to score zero-cost proxies against accuracy.
 * All functions are strict: equal-length arrays of finite numbers only (they
 * throw otherwise, see clean.ts). When a coefficient is mathematically
 * undefined (a constant input, i.e. zero variance) they return NaN; callers
 * such as bootstrapCI skip and count those cases.
 */

function isConstant(v: readonly number[]): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

function clampUnit(r: number): number {
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Average ranks, 1-based ("fractional"/mid-ranks): the k-th smallest value gets
 * rank k, and a group of t tied values occupying positions i+1..i+t all get
 * the mean rank i + (t + 1) / 2. Ranks are returned in input order.
 * Example: ranks([10, 20, 20, 5]) = [2, 3.5, 3.5, 1].
 * @throws Error on non-finite values.
 */
export function ranks(x: readonly number[]): number[] {
  assertFinite("ranks", x, 0, "x");
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Array<number>(x.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1]] === x[order[i]]) j++;
    const avg = (i + j) / 2 + 1; // mean of 1-based positions i+1..j+1
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

/**
 * Pearson linear correlation coefficient (PLCC):
 *   r = Σ(xᵢ-x̄)(yᵢ-ȳ) / sqrt(Σ(xᵢ-x̄)² · Σ(yᵢ-ȳ)²)
 * (Pearson 1895), computed with simple-statistics `sampleCorrelation`
 * (sample covariance / product of sample standard deviations) and clamped
 * to [-1, 1] against rounding.
 * @returns r, or NaN if x or y is constant (zero variance; checked exactly,
 *   since floating-point round-off would otherwise yield a spurious value).
 * @throws Error on length mismatch, n < 2 or non-finite values.
 */
export function pearson(x: readonly number[], y: readonly number[]): number {
  assertFinitePairs("pearson", x, y, 2);
  if (isConstant(x) || isConstant(y)) return NaN;
  return clampUnit(sampleCorrelation(x, y));
}

/**
 * Spearman rank-order correlation coefficient (SROCC): Pearson correlation of
 * the average ranks, ρ = pearson(ranks(x), ranks(y)) (Spearman 1904). Ties get
 * average ranks, so the result is the tie-corrected ρ and is invariant to the
 * order in which the pairs are listed. (The shortcut 1 - 6Σd²/(n(n²-1)) is
 * only exact without ties and is not used.)
 * @returns ρ, or NaN if x or y is constant.
 * @throws Error on length mismatch, n < 2 or non-finite values.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  assertFinitePairs("spearman", x, y, 2);
  if (isConstant(x) || isConstant(y)) return NaN;
  return clampUnit(sampleCorrelation(ranks(x), ranks(y)));
}

/** Number of pairs t(t-1)/2 within runs of equal values of a sorted sequence, via `eq`. */
function tiedPairs(n: number, eq: (i: number) => boolean): number {
  // eq(i) tells whether element i equals element i-1 (i >= 1).
  let total = 0;
  let run = 1;
  for (let i = 1; i < n; i++) {
    if (eq(i)) {
      run++;
    } else {
      total += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return total + (run * (run - 1)) / 2;
}

/**
 * Stable bottom-up merge sort of `a` (ascending) in place; returns the number
 * of inversions (pairs i < j with a[i] > a[j]), i.e. the swaps a bubble sort
 * would make. Equal elements are not counted.
 */
function mergeSortCountSwaps(a: number[]): number {
  const n = a.length;
  let src = a;
  let dst = new Array<number>(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j] < src[i]) {
          dst[k++] = src[j++];
          swaps += mid - i; // src[j] jumps over every remaining left element
        } else {
          dst[k++] = src[i++];
        }
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== a) for (let i = 0; i < n; i++) a[i] = src[i];
  return swaps;
}

/**
 * Kendall rank correlation τ-b (KROCC), O(n log n) by Knight's algorithm
 * (W. R. Knight, "A computer method for calculating Kendall's tau with
 * ungrouped data", JASA 61(314), 1966; same as scipy.stats.kendalltau):
 *   1. sort pairs by x, then by y;
 *   2. n1 = Σ t(t-1)/2 over groups of tied x, n3 = same over groups tied in
 *      both x and y;
 *   3. merge-sort the resulting y sequence, counting swaps (= discordant pairs);
 *   4. n2 = Σ u(u-1)/2 over groups of tied y;
 *   τ_b = (n0 - n1 - n2 + n3 - 2·swaps) / sqrt((n0 - n1)(n0 - n2)),
 *   with n0 = n(n-1)/2, i.e. (concordant - discordant) / sqrt((n0-n1)(n0-n2)).
 * @returns τ_b, or NaN if x or y is constant.
 * @throws Error on length mismatch, n < 2 or non-finite values.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  assertFinitePairs("kendallTauB", x, y, 2);
  const n = x.length;
  const idx = x.map((_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const n1 = tiedPairs(n, (i) => x[idx[i]] === x[idx[i - 1]]);
  const n3 = tiedPairs(n, (i) => x[idx[i]] === x[idx[i - 1]] && y[idx[i]] === y[idx[i - 1]]);
  const ys = idx.map((i) => y[i]);
  const swaps = mergeSortCountSwaps(ys); // ys is now sorted ascending
  const n2 = tiedPairs(n, (i) => ys[i] === ys[i - 1]);
  const n0 = (n * (n - 1)) / 2;
  const denom = (n0 - n1) * (n0 - n2);
  if (denom === 0) return NaN;
  return clampUnit((n0 - n1 - n2 + n3 - 2 * swaps) / Math.sqrt(denom));
}

/**
 * Root-mean-square error: sqrt( (1/n) Σ (predᵢ - actualᵢ)² ).
 * @throws Error on length mismatch, n < 1 or non-finite values.
 */
export function rmse(pred: readonly number[], actual: readonly number[]): number {
  assertFinitePairs("rmse", pred, actual, 1);
  let s = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = pred[i] - actual[i];
    s += d * d;
  }
  return Math.sqrt(s / pred.length);
}
