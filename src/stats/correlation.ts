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

/** Values indexable by position (plain or typed arrays). */
type Values = ArrayLike<number>;

/**
 * simple-statistics `sum`, operation for operation: Neumaier's compensated sum (the running sum
 * starts at v[0]; the correction is added at the end), so results are bit-identical to it.
 */
function neumaierSum(v: Values, n: number): number {
  let sum = v[0];
  let correction = 0;
  for (let i = 1; i < n; i++) {
    const vi = v[i];
    const transition = sum + vi;
    if (Math.abs(sum) >= Math.abs(vi)) correction += sum - transition + vi;
    else correction += vi - transition + sum;
    sum = transition;
  }
  return sum + correction;
}

/**
 * simple-statistics `sampleCorrelation(x, y)` (= sampleCovariance / sampleStandardDeviation(x) /
 * sampleStandardDeviation(y)) with the same operations in the same order, hence bit-identical, but
 * in two passes over typed or plain arrays instead of seven (the means are computed once, and the
 * covariance and both sums of squared deviations accumulate in one loop). For the resample paths,
 * where it runs hundreds of times per call; n ≥ 2, finite values, no checks.
 */
function sampleCorrelationOf(x: Values, y: Values, n: number): number {
  const mx = neumaierSum(x, n) / n;
  const my = neumaierSum(y, n) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / (n - 1) / Math.sqrt(sxx / (n - 1)) / Math.sqrt(syy / (n - 1));
}

/*
 * Scratch buffers shared by ranks / spearman / kendallTauB, grown on demand and reused across calls
 * (the bootstrap calls these hundreds of times on the same n). Safe because the functions are
 * synchronous and never call each other while a buffer is in use.
 */
let cap = 0;
let sortedBuf = new Float64Array(0); // sorted copy of the input, then its distinct values
let countBuf = new Int32Array(0); // per dense rank: multiplicity, then bucket offsets
let denseX = new Int32Array(0); // 0-based dense rank (index of the distinct value) of x[i]
let orderA = new Uint32Array(0); // index permutations of the two counting-sort passes
let orderB = new Uint32Array(0);
let seqBuf = new Int32Array(0); // dense y ranks in (x, y) order: the sequence whose inversions count
let mergeBuf = new Int32Array(0);
let avgBuf = new Float64Array(0); // average rank of each distinct value

function ensureCapacity(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, 2 * cap, 64);
  sortedBuf = new Float64Array(cap);
  countBuf = new Int32Array(cap + 1);
  denseX = new Int32Array(cap);
  orderA = new Uint32Array(cap);
  orderB = new Uint32Array(cap);
  seqBuf = new Int32Array(cap);
  mergeBuf = new Int32Array(cap);
  avgBuf = new Float64Array(cap);
}

/**
 * Dense 0-based ranks: dense[i] = number of distinct values of v smaller than v[i] (equal values,
 * −0 and +0 included, share one rank). Leaves the m distinct values ascending in sortedBuf[0..m)
 * and their multiplicities in countBuf[0..m); returns m. O(n log n): a native typed-array sort and
 * one binary search per value. Needs ensureCapacity(v.length) first.
 */
function denseRanks(v: readonly number[], dense: Int32Array): number {
  const n = v.length;
  const s = sortedBuf;
  for (let i = 0; i < n; i++) s[i] = v[i];
  s.subarray(0, n).sort(); // numeric ascending (−0 before +0, which compare equal below)
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = s[i];
    if (m === 0 || a !== s[m - 1]) s[m++] = a;
  }
  for (let i = 0; i < n; i++) {
    const a = v[i];
    let lo = 0;
    let hi = m - 1; // s[hi] === a for some hi in [lo, m)
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < a) lo = mid + 1;
      else hi = mid;
    }
    dense[i] = lo;
  }
  return m;
}

/**
 * Average 1-based ranks from dense ranks: d[k] ∈ [0, m) orders the values (equal values share a
 * d, and a smaller d means a smaller value); writes the rank of value k to out[k]. A group of
 * t equal values at sorted positions i..j (0-based) gets (i + j)/2 + 1. O(n + m).
 */
function averageRanksOfDense(d: Int32Array, m: number, n: number, out: number[] | Float64Array): void {
  const count = countBuf;
  count.fill(0, 0, m);
  for (let k = 0; k < n; k++) count[d[k]]++;
  const avg = avgBuf;
  let i = 0; // sorted position where the current group starts
  for (let g = 0; g < m; g++) {
    const c = count[g];
    if (c === 0) continue;
    const j = i + c - 1; // ... and ends
    avg[g] = (i + j) / 2 + 1; // mean of 1-based positions i+1..j+1
    i = j + 1;
  }
  for (let k = 0; k < n; k++) out[k] = avg[d[k]];
}

/** Average ranks of v into a new array (no input checks). */
function averageRanks(v: readonly number[]): number[] {
  const n = v.length;
  ensureCapacity(n);
  const m = denseRanks(v, denseX);
  const r = new Array<number>(n);
  averageRanksOfDense(denseX, m, n, r);
  return r;
}

/** Dense and average ranks of one column, as ranked by denseRanks / averageRanksOfDense. */
interface RankedColumn {
  readonly values: Float64Array;
  readonly dense: Int32Array;
  readonly m: number;
  readonly avg: Float64Array;
}

/** The last few second-argument columns ranked by spearman / kendallTauB, newest last. */
const rankedColumns: RankedColumn[] = [];
const RANKED_COLUMNS_KEPT = 8;

function sameValues(a: Float64Array, v: readonly number[]): boolean {
  if (a.length !== v.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== v[i]) return false;
  return true;
}

/**
 * Ranks of v, reused when a column with the same values was ranked recently. spearman(x, y) and
 * kendallTauB(x, y) take their second argument from here: callers typically score many predictors
 * against one accuracy column (every indicator and every fold of a comparison), so y is ranked once
 * instead of on every call. The cache is checked by value (equal values give equal ranks), so a
 * caller may reuse or change its arrays freely; the result is the same as ranking v afresh.
 * Needs ensureCapacity(v.length) first; v finite.
 */
function rankedColumn(v: readonly number[]): RankedColumn {
  for (let k = rankedColumns.length - 1; k >= 0; k--) {
    const c = rankedColumns[k];
    if (sameValues(c.values, v)) return c;
  }
  const n = v.length;
  const dense = new Int32Array(n);
  const m = denseRanks(v, dense);
  const avg = new Float64Array(n);
  averageRanksOfDense(dense, m, n, avg);
  const c = { values: Float64Array.from(v), dense, m, avg };
  if (rankedColumns.length >= RANKED_COLUMNS_KEPT) rankedColumns.shift();
  rankedColumns.push(c);
  return c;
}

/**
 * Average ranks, 1-based ("fractional"/mid-ranks): the k-th smallest value gets
 * rank k, and a group of t tied values occupying positions i+1..i+t all get
 * the mean rank i + (t + 1) / 2. Ranks are returned in input order.
 * Example: ranks([10, 20, 20, 5]) = [2, 3.5, 3.5, 1].
 * Computed on typed arrays (sorted copy, distinct values, one binary search per value).
 * @throws Error on non-finite values.
 */
export function ranks(x: readonly number[]): number[] {
  assertFinite("ranks", x, 0, "x");
  return averageRanks(x);
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
  const rx = averageRanks(x);
  return clampUnit(sampleCorrelationOf(rx, rankedColumn(y).avg, x.length));
}

/**
 * Number of inversions of a[0..n) (pairs i < j with a[i] > a[j]; equal elements are not counted),
 * i.e. the swaps a bubble sort would make, by a stable bottom-up merge sort that leaves a sorted
 * (it uses mergeBuf as the second buffer; the result may end there, which callers ignore).
 */
function countInversions(a: Int32Array, n: number): number {
  let src: Int32Array = a;
  let dst: Int32Array = mergeBuf;
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
  return swaps;
}

/**
 * Stable counting sort of the indices `from[0..n)` by key[from[i]] ∈ [0, m) into `to` (uses
 * countBuf for the bucket offsets). Returns Σ c(c−1)/2 over the key multiplicities c: the pairs
 * tied on the key.
 */
function countingSortBy(key: Int32Array, m: number, from: Uint32Array, to: Uint32Array, n: number): number {
  const off = countBuf;
  off.fill(0, 0, m + 1);
  for (let i = 0; i < n; i++) off[key[from[i]] + 1]++;
  let tied = 0;
  for (let g = 0; g < m; g++) {
    const c = off[g + 1];
    tied += (c * (c - 1)) / 2;
    off[g + 1] += off[g];
  }
  for (let i = 0; i < n; i++) {
    const k = from[i];
    to[off[key[k]]++] = k;
  }
  return tied;
}

/**
 * τ-b of n pairs given as dense ranks dx ∈ [0, mx), dy ∈ [0, my) (order-preserving integer codes of
 * x and y; codes need not all occur). Needs ensureCapacity(max(n, mx, my)).
 */
function tauBOfDense(dx: Int32Array, mx: number, dy: Int32Array, my: number, n: number): number {
  const a = orderA;
  const b = orderB;
  for (let i = 0; i < n; i++) a[i] = i;
  const n2 = countingSortBy(dy, my, a, b, n); // by y ...
  const n1 = countingSortBy(dx, mx, b, a, n); // ... then stably by x: a = indices in (x, y) order
  const seq = seqBuf;
  let n3 = 0;
  let run = 1;
  seq[0] = dy[a[0]];
  for (let i = 1; i < n; i++) {
    const k = a[i];
    const p = a[i - 1];
    seq[i] = dy[k];
    if (dx[k] === dx[p] && dy[k] === dy[p]) {
      run++;
    } else {
      n3 += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  n3 += (run * (run - 1)) / 2;
  return tauBFromCounts(n, n1, n2, n3, countInversions(seq, n));
}

/**
 * τ_b = (n0 − n1 − n2 + n3 − 2·swaps) / sqrt((n0 − n1)(n0 − n2)), n0 = n(n−1)/2, from the exact
 * integer pair counts (x-tied n1, y-tied n2, tied in both n3, discordant swaps); NaN if x or y
 * is constant.
 */
function tauBFromCounts(n: number, n1: number, n2: number, n3: number, swaps: number): number {
  const n0 = (n * (n - 1)) / 2;
  const denom = (n0 - n1) * (n0 - n2);
  if (denom === 0) return NaN;
  return clampUnit((n0 - n1 - n2 + n3 - 2 * swaps) / Math.sqrt(denom));
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
 * On typed arrays: x and y are replaced by their dense ranks (native sort + binary search), the
 * (x, y) order comes from two stable counting sorts (by y, then by x), and the inversions are
 * counted by a bottom-up merge sort on Int32Arrays; all counts are exact integers.
 * @returns τ_b, or NaN if x or y is constant.
 * @throws Error on length mismatch, n < 2 or non-finite values.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  assertFinitePairs("kendallTauB", x, y, 2);
  const n = x.length;
  ensureCapacity(n);
  const Y = rankedColumn(y);
  const mx = denseRanks(x, denseX);
  return tauBOfDense(denseX, mx, Y.dense, Y.m, n);
}

/** Evaluates a paired metric on resamples of fixed (x, y) given by row indices (see resampled). */
export type ResampleMetric = (idx: Int32Array) => number;

/** Dense ranks of v in a new array, and their count m. */
function ownDenseRanks(v: readonly number[]): { d: Int32Array; m: number } {
  ensureCapacity(v.length);
  const d = new Int32Array(v.length);
  return { d, m: denseRanks(v, d) };
}

/**
 * spearman on resamples: returns f with f(idx) === spearman(idx.map(i => x[i]), idx.map(i => y[i]))
 * exactly (idx of length n = x.length), but x and y are sorted once here and each resample's ranks
 * come from counting its rows per original value, O(n) per resample instead of two sorts.
 * @throws Error as spearman on bad (x, y).
 */
export function spearmanOnResamples(x: readonly number[], y: readonly number[]): ResampleMetric {
  assertFinitePairs("spearman", x, y, 2);
  const n = x.length;
  const X = ownDenseRanks(x);
  const Y = ownDenseRanks(y);
  const kx = new Int32Array(n);
  const ky = new Int32Array(n);
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  return (idx) => {
    ensureCapacity(n);
    let cx = true; // constant resample (one value of x, or of y) ⇒ undefined, as in spearman
    let cy = true;
    const x0 = X.d[idx[0]];
    const y0 = Y.d[idx[0]];
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      const a = X.d[i];
      const b = Y.d[i];
      kx[k] = a;
      ky[k] = b;
      if (a !== x0) cx = false;
      if (b !== y0) cy = false;
    }
    if (cx || cy) return NaN;
    averageRanksOfDense(kx, X.m, n, rx);
    averageRanksOfDense(ky, Y.m, n, ry);
    return clampUnit(sampleCorrelationOf(rx, ry, n));
  };
}

/**
 * pearson on resamples: f(idx) === pearson(idx.map(i => x[i]), idx.map(i => y[i])) exactly (same
 * constant-resample rule, same arithmetic as simple-statistics' sampleCorrelation), with the input
 * checked once here instead of on every resample.
 * @throws Error as pearson on bad (x, y).
 */
export function pearsonOnResamples(x: readonly number[], y: readonly number[]): ResampleMetric {
  assertFinitePairs("pearson", x, y, 2);
  const n = x.length;
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  return (idx) => {
    let cx = true;
    let cy = true;
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      bx[k] = x[i];
      by[k] = y[i];
      if (bx[k] !== bx[0]) cx = false;
      if (by[k] !== by[0]) cy = false;
    }
    if (cx || cy) return NaN;
    return clampUnit(sampleCorrelationOf(bx, by, n));
  };
}

/**
 * rmse on resamples: f(idx) === rmse(idx.map(i => pred[i]), idx.map(i => actual[i])) exactly (same
 * sum in the same order), with the input checked once here.
 * @throws Error as rmse on bad input.
 */
export function rmseOnResamples(pred: readonly number[], actual: readonly number[]): ResampleMetric {
  assertFinitePairs("rmse", pred, actual, 1);
  const n = pred.length;
  return (idx) => {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      const d = pred[i] - actual[i];
      s += d * d;
    }
    return Math.sqrt(s / n);
  };
}

/**
 * kendallTauB on resamples: f(idx) === kendallTauB(idx.map(i => x[i]), idx.map(i => y[i])) exactly
 * (idx of length n = x.length). The rows are put in (x, y) order once here; a resample is then the
 * same rows with multiplicities w (how often each row was drawn), and its pair counts are exact
 * integer sums over that fixed order: n1 = Σ W(W−1)/2 over the total weights W of equal x, n2 over
 * equal y, n3 over equal (x, y), and the discordant pairs (x_i < x_j, y_i > y_j) by a Fenwick tree
 * over y (Fenwick, "A new data structure for cumulative frequency tables", 1994), each group of
 * equal x queried before it is inserted. O(n log n) per resample, no sort.
 * @throws Error as kendallTauB on bad (x, y).
 */
export function kendallTauBOnResamples(x: readonly number[], y: readonly number[]): ResampleMetric {
  assertFinitePairs("kendallTauB", x, y, 2);
  const n = x.length;
  const X = ownDenseRanks(x);
  const Y = ownDenseRanks(y);
  const my = Y.m;
  // rows in (x, y) order: the k-th row there has dense ranks (xs[k], ys[k]); at[i] is row i's place
  ensureCapacity(n);
  for (let i = 0; i < n; i++) orderA[i] = i;
  countingSortBy(Y.d, my, orderA, orderB, n);
  countingSortBy(X.d, X.m, orderB, orderA, n);
  const xs = new Int32Array(n);
  const ys = new Int32Array(n);
  const at = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = orderA[k];
    xs[k] = X.d[i];
    ys[k] = Y.d[i];
    at[i] = k;
  }
  const w = new Int32Array(n); // multiplicity of each place in the resample
  const tree = new Int32Array(my + 1); // Fenwick tree of inserted weight per dense y (1-based); sums ≤ n
  const yWeight = new Int32Array(my);
  return (idx) => {
    w.fill(0);
    for (let k = 0; k < n; k++) w[at[idx[k]]]++;
    tree.fill(0);
    yWeight.fill(0);
    let n1 = 0;
    let n3 = 0;
    let swaps = 0;
    let inserted = 0; // weight of rows with a smaller x
    let p = 0;
    while (p < n) {
      // the group of places with x equal to xs[p]: p..q
      const gx = xs[p];
      let q = p;
      let groupW = 0;
      let runW = 0;
      let runY = -1;
      for (; q < n && xs[q] === gx; q++) {
        const c = w[q];
        if (c === 0) continue;
        const v = ys[q];
        // inserted weight with y ≤ v: prefix sum over dense y 0..v (tree positions 1..v+1)
        let le = 0;
        for (let t = v + 1; t > 0; t -= t & -t) le += tree[t];
        swaps += c * (inserted - le); // earlier-x rows with a larger y
        groupW += c;
        yWeight[v] += c;
        if (v === runY) runW += c;
        else {
          n3 += (runW * (runW - 1)) / 2;
          runW = c;
          runY = v;
        }
      }
      n3 += (runW * (runW - 1)) / 2;
      n1 += (groupW * (groupW - 1)) / 2;
      for (let r = p; r < q; r++) {
        const c = w[r];
        if (c === 0) continue;
        for (let t = ys[r] + 1; t <= my; t += t & -t) tree[t] += c;
      }
      inserted += groupW;
      p = q;
    }
    let n2 = 0;
    for (let g = 0; g < my; g++) {
      const c = yWeight[g];
      n2 += (c * (c - 1)) / 2;
    }
    return tauBFromCounts(n, n1, n2, n3, swaps);
  };
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
