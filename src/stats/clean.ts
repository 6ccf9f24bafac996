/**
 * Input hygiene for the statistics module.
 *
 * Policy: the metric functions (pearson, spearman, kendallTauB, rmse, ranks,
 * top-k helpers) are strict — they throw on a length mismatch or on any
 * NaN/±Infinity, naming the metric and the count. Dropping non-finite pairs is
 * only ever done explicitly, via {@link pairFinite}, which reports how many
 * pairs it dropped (see `summarize`).
 */

/** Result of {@link pairFinite}: the surviving pairs plus the drop count. */
export interface FinitePairs {
  /** x values of the kept pairs, in input order. */
  x: number[];
  /** y values of the kept pairs, in input order. */
  y: number[];
  /** Number of pairs dropped because x[i] or y[i] was NaN or ±Infinity. */
  dropped: number;
  /** Number of pairs kept (= x.length = y.length). */
  n: number;
}

/**
 * Keeps the pairs (x[i], y[i]) where both values are finite numbers and drops
 * the rest (NaN, +Infinity, -Infinity), counting them.
 * @throws Error if the arrays have different lengths.
 */
export function pairFinite(x: readonly number[], y: readonly number[]): FinitePairs {
  if (x.length !== y.length) {
    throw new Error(`pairFinite: length mismatch (x has ${x.length}, y has ${y.length})`);
  }
  const keptX: number[] = [];
  const keptY: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      keptX.push(a);
      keptY.push(b);
    }
  }
  return { x: keptX, y: keptY, dropped: x.length - keptX.length, n: keptX.length };
}

/** Number of entries of `v` that are not finite numbers. */
function countNonFinite(v: readonly number[]): number {
  let c = 0;
  for (const a of v) if (!Number.isFinite(a)) c++;
  return c;
}

/**
 * Throws unless every value of `v` is finite and `v.length >= minN`.
 * @param metric name used in the error message.
 */
export function assertFinite(metric: string, v: readonly number[], minN = 1, label = "input"): void {
  const bad = countNonFinite(v);
  if (bad > 0) {
    throw new Error(
      `${metric}: ${label} contains ${bad} non-finite value(s) (NaN/Infinity) out of ${v.length}; ` +
        `drop them explicitly with pairFinite() or use summarize()`,
    );
  }
  if (v.length < minN) {
    throw new Error(`${metric}: needs at least ${minN} value(s), got ${v.length}`);
  }
}

/**
 * Throws unless x and y have the same length (>= minN) and contain only finite values.
 * @param metric name used in the error message.
 */
export function assertFinitePairs(
  metric: string,
  x: readonly number[],
  y: readonly number[],
  minN = 2,
): void {
  if (x.length !== y.length) {
    throw new Error(`${metric}: length mismatch (x has ${x.length}, y has ${y.length})`);
  }
  assertFinite(metric, x, 0, "x");
  assertFinite(metric, y, 0, "y");
  if (x.length < minN) {
    throw new Error(`${metric}: needs at least ${minN} pairs, got ${x.length}`);
  }
}
