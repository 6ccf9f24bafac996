/**
 * The straightforward (pre-typed-array) implementations of the rank statistics and the
 * one-metric bootstrap, kept as references: the library's fast versions must return
 * bit-identical values. Used by test/stats/*.test.ts and bench/stats.ts.
 */
import { sampleCorrelation } from "simple-statistics";
import { Rng } from "../../src/engine/rng";

/** Average 1-based ranks via an index sort with a comparator. */
export function refRanks(x: readonly number[]): number[] {
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Array<number>(x.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1]] === x[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

function isConstant(v: readonly number[]): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

function clampUnit(r: number): number {
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** Spearman ρ = pearson of the reference ranks. */
export function refSpearman(x: readonly number[], y: readonly number[]): number {
  if (isConstant(x) || isConstant(y)) return NaN;
  return clampUnit(sampleCorrelation(refRanks(x), refRanks(y)));
}

function tiedPairs(n: number, eq: (i: number) => boolean): number {
  let total = 0;
  let run = 1;
  for (let i = 1; i < n; i++) {
    if (eq(i)) run++;
    else {
      total += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return total + (run * (run - 1)) / 2;
}

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
          swaps += mid - i;
        } else dst[k++] = src[i++];
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

/** Kendall τ-b by Knight's algorithm on plain arrays with comparator sorts. */
export function refKendallTauB(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const idx = x.map((_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const n1 = tiedPairs(n, (i) => x[idx[i]] === x[idx[i - 1]]);
  const n3 = tiedPairs(n, (i) => x[idx[i]] === x[idx[i - 1]] && y[idx[i]] === y[idx[i - 1]]);
  const ys = idx.map((i) => y[i]);
  const swaps = mergeSortCountSwaps(ys);
  const n2 = tiedPairs(n, (i) => ys[i] === ys[i - 1]);
  const n0 = (n * (n - 1)) / 2;
  const denom = (n0 - n1) * (n0 - n2);
  if (denom === 0) return NaN;
  return clampUnit((n0 - n1 - n2 + n3 - 2 * swaps) / Math.sqrt(denom));
}

function quantileSorted(s: readonly number[], p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** The one-metric percentile bootstrap as it was: draws its own resamples for one metric. */
export function refBootstrapCI(
  x: readonly number[],
  y: readonly number[],
  metric: (x: readonly number[], y: readonly number[]) => number,
  resamples: number,
  seed: number,
  level: number,
): { lo: number; hi: number; estimate: number; level: number; resamples: number; used: number; skipped: number } {
  const n = x.length;
  const rng = new Rng(seed);
  const bx = new Array<number>(n);
  const by = new Array<number>(n);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      bx[i] = x[j];
      by[i] = y[j];
    }
    const v = metric(bx, by);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const empty = values.length === 0;
  return {
    lo: empty ? NaN : quantileSorted(values, alpha),
    hi: empty ? NaN : quantileSorted(values, 1 - alpha),
    estimate: metric(x, y),
    level,
    resamples,
    used: values.length,
    skipped: resamples - values.length,
  };
}
