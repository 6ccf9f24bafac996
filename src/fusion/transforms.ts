/**
 * Monotone per-indicator transforms applied before standardisation in the fusion fit
 * (FI = b + Σ wᵢ·zᵢ, zᵢ = standardised tᵢ(indicatorᵢ)). The workbench protocol (docs/papers.md §4, our
 * proposal, not confirmed from the FI paper) log-transforms CNNTK and NLR: both span orders of
 * magnitude, so a linear fit on the raw values is dominated by a few extreme architectures.
 *
 * - `identity`  t(x) = x                         any finite x, increasing
 * - `log`       t(x) = ln x                      x > 0, increasing
 * - `negLog`    t(x) = ln(−x)                    x < 0, decreasing (for indicators stored negated,
 *                                                e.g. −κ so that "higher = better"; t gives back ln κ)
 * - `signedLog` t(x) = sign(x)·ln(1 + |x|)       any finite x, increasing
 * - `rank`      t(x) = (#{r < x} + ½·#{r = x}) / m over the m training values r (mid-rank empirical
 *                CDF): fitted on the training rows only, so new rows are placed among them; on the
 *                training rows it equals (average rank − ½)/m. Increasing (non-decreasing).
 */

export const TRANSFORM_NAMES = ['identity', 'log', 'negLog', 'signedLog', 'rank'] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

/** A transform ready to apply: `reference` (ascending training values) only for `rank`. */
export type FittedTransform =
  | { readonly name: Exclude<TransformName, 'rank'> }
  | { readonly name: 'rank'; readonly reference: readonly number[] };

/** +1 if the transform is increasing in x, −1 if decreasing (used for sign-aware NNLS). */
export function transformMonotonicity(name: TransformName): 1 | -1 {
  return name === 'negLog' ? -1 : 1;
}

export function isTransformName(s: string): s is TransformName {
  return (TRANSFORM_NAMES as readonly string[]).includes(s);
}

/** Where a value came from, for error messages. */
export interface ValueOrigin {
  readonly indicator: string;
  /** Row index in the caller's table for each value (defaults to the position in the array). */
  readonly rows?: readonly number[];
}

function domainError(name: TransformName, need: string, origin: ValueOrigin, i: number, v: number): Error {
  const row = origin.rows ? origin.rows[i] : i;
  return new Error(
    `fusion: transform '${name}' needs indicator '${origin.indicator}' ${need}, got ${v} at row ${row}; ` +
      `choose another transform for '${origin.indicator}' (identity, signedLog, rank${name === 'log' ? ', negLog for negative values' : ''})`,
  );
}

/**
 * Throws (naming the indicator, the bad value and its row) unless every value is finite and in the
 * domain of `name`.
 */
export function assertTransformApplicable(name: TransformName, values: readonly number[], origin: ValueOrigin): void {
  if (!isTransformName(name)) {
    throw new Error(`fusion: unknown transform '${String(name)}' for indicator '${origin.indicator}' (known: ${TRANSFORM_NAMES.join(', ')})`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      const row = origin.rows ? origin.rows[i] : i;
      throw new Error(`fusion: indicator '${origin.indicator}' has non-finite value ${v} at row ${row} (drop such rows first)`);
    }
    if (name === 'log' && !(v > 0)) throw domainError(name, '> 0', origin, i, v);
    if (name === 'negLog' && !(v < 0)) throw domainError(name, '< 0', origin, i, v);
  }
}

/** Fits a transform on training values (only `rank` keeps state); validates the domain. */
export function fitTransform(name: TransformName, train: readonly number[], origin: ValueOrigin): FittedTransform {
  assertTransformApplicable(name, train, origin);
  if (name === 'rank') {
    if (train.length === 0) throw new Error(`fusion: transform 'rank' of '${origin.indicator}' needs training values`);
    return { name, reference: [...train].sort((a, b) => a - b) };
  }
  return { name };
}

/** Number of entries of the ascending array `s` that are < x (lower bound). */
function countBelow(s: readonly number[], x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries of the ascending array `s` that are <= x (upper bound). */
function countAtMost(s: readonly number[], x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** t(x) for one finite value already known to be in the domain. */
function applyOne(t: FittedTransform, x: number): number {
  switch (t.name) {
    case 'identity':
      return x;
    case 'log':
      return Math.log(x);
    case 'negLog':
      return Math.log(-x);
    case 'signedLog':
      return Math.sign(x) * Math.log1p(Math.abs(x));
    case 'rank': {
      const below = countBelow(t.reference, x);
      const equal = countAtMost(t.reference, x) - below;
      return (below + 0.5 * equal) / t.reference.length;
    }
  }
}

/**
 * Applies a fitted transform. Values must be finite and in the domain (else a clear error naming
 * the indicator, value and row).
 */
export function applyTransform(t: FittedTransform, values: readonly number[], origin: ValueOrigin): number[] {
  assertTransformApplicable(t.name, values, origin);
  return values.map((x) => applyOne(t, x));
}
