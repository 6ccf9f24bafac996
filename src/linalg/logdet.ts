/**
 * log|det A| of a square float64 matrix through ml-matrix's LU factorisation with partial pivoting
 * (numpy's `slogdet(A)[1]`: the sign is ignored). A singular matrix gives −∞ and a matrix with a
 * NaN/±∞ entry gives NaN, each reported through `status` so they are never ranked silently.
 */
import { LuDecomposition, Matrix } from 'ml-matrix';

export type LogDetStatus = 'ok' | 'singular' | 'nan';

export interface LogDet {
  readonly value: number;
  readonly status: LogDetStatus;
  readonly sign: -1 | 0 | 1;
}

/** `a` is row-major n×n. */
export function logAbsDet(a: Float64Array | number[], n: number): LogDet {
  if (a.length !== n * n) throw new Error(`logAbsDet: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) return { value: NaN, status: 'nan', sign: 0 };
  }
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]);
  const lu = new LuDecomposition(m);
  const u = lu.upperTriangularMatrix;
  let sum = 0;
  let sign: 1 | -1 = permutationParity(lu.pivotPermutationVector);
  for (let i = 0; i < n; i++) {
    const d = u.get(i, i);
    if (d === 0) return { value: -Infinity, status: 'singular', sign: 0 };
    if (d < 0) sign = sign === 1 ? -1 : 1;
    sum += Math.log(Math.abs(d));
  }
  return { value: sum, status: 'ok', sign };
}

/** +1 for an even permutation, −1 for an odd one. */
function permutationParity(p: readonly number[]): 1 | -1 {
  const seen = new Uint8Array(p.length);
  let parity = 1;
  for (let i = 0; i < p.length; i++) {
    if (seen[i]) continue;
    let len = 0;
    for (let j = i; !seen[j]; j = p[j]) {
      seen[j] = 1;
      len++;
    }
    if (len % 2 === 0) parity = -parity;
  }
  return parity === 1 ? 1 : -1;
}
