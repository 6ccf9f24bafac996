/**
 * Least-squares solvers for the fusion weights on a centred design Z (n rows × p columns, every
 * column of mean 0) and a centred target y, without intercept (the caller centres; with centred
 * columns the intercept of the uncentred problem is exactly ȳ and decouples from the weights):
 *
 *   minimise  f(w) = (1/n)·‖y − Z·w‖² + λ·‖w‖²        (λ ≥ 0, "ridge"; λ = 0 is ordinary LS)
 *
 * λ is on the MSE scale, so for standardised columns it is relative to unit variance:
 * w = (R + λI)⁻¹·c with R the correlation matrix of the columns and c their covariance with y.
 *
 * - unconstrained: thin SVD Z = U·diag(s)·Vᵀ, w = V·diag(s/(s² + nλ))·Uᵀy (Hoerl & Kennard 1970;
 *   λ = 0 gives the minimum-norm LS solution, used only when Z has full column rank). For n ≥ p the
 *   SVD is taken after a Householder QR, Z = Q·R, R = U_R·diag(s)·Vᵀ (ml-matrix, p × p), U = Q·U_R
 *   (Chan, "An improved algorithm for computing the singular value decomposition", ACM TOMS 8(1),
 *   1982; Golub & Van Loan, "Matrix Computations", 4th ed., Alg. 5.2.1 and §8.6.3): the same
 *   factors, in O(np²) on typed arrays instead of the full n × p bidiagonalisation;
 * - w ≥ 0 (NNLS): Lawson & Hanson's active-set algorithm ("Solving Least Squares Problems", 1974,
 *   ch. 23) in Gram form G = ZᵀZ/n + λI, h = Zᵀy/n (as in Bro & de Jong's FNNLS, 1997).
 */
import { Matrix, SingularValueDecomposition, solve } from 'ml-matrix';

/** Default relative threshold below which a singular value counts as zero. */
export const DEFAULT_RCOND = 1e-10;

export interface DesignSvd {
  readonly n: number;
  readonly p: number;
  /** Singular values, descending, length p (zeros appended when n < p). */
  readonly s: readonly number[];
  /** Numerical rank: #{s_k > rcond·s_max}. */
  readonly rank: number;
  /** s_max / s_min (∞ when s_min = 0). For standardised columns: sqrt of cond(R). */
  readonly condition: number;
  /** Column indices involved in each (near-)null direction: |v_kj| ≥ 0.1 for each s_k ≤ rcond·s_max. */
  readonly nullColumns: readonly (readonly number[])[];
  /** U (n × r), V (p × r), r = min(n, p). U is formed on first use (the solvers need only Uᵀy). */
  readonly u: Matrix;
  /** Uᵀy (length r), without forming U. */
  uty(y: readonly number[]): number[];
  readonly v: Matrix;
}

/** Builds the n × p matrix from p columns of length n. */
export function designMatrix(columns: readonly (readonly number[])[]): Matrix {
  const p = columns.length;
  if (p === 0) throw new Error('leastSquares: design has no columns');
  const n = columns[0].length;
  const m = new Matrix(n, p);
  for (let j = 0; j < p; j++) {
    if (columns[j].length !== n) throw new Error(`leastSquares: column ${j} has ${columns[j].length} rows, expected ${n}`);
    for (let i = 0; i < n; i++) m.set(i, j, columns[j][i]);
  }
  return m;
}

/**
 * Householder QR of the n × p matrix Z (n ≥ p), Z = Q·R with Q = H₀·H₁·…·H_{p−1},
 * H_k = I − 2·v_k·v_kᵀ (‖v_k‖ = 1, v_k zero above row k; Golub & Van Loan Alg. 5.2.1). Returns R
 * (p × p, upper triangular) and the reflectors, column k of `v` (column-major, n × p).
 */
function householderQr(z: Matrix): { r: Matrix; v: Float64Array } {
  const n = z.rows;
  const p = z.columns;
  const a = new Float64Array(n * p); // column-major working copy, becomes R above the diagonal
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) a[j * n + i] = z.get(i, j);
  const v = new Float64Array(n * p);
  for (let k = 0; k < p; k++) {
    const ck = k * n;
    let scale = 0;
    for (let i = k; i < n; i++) scale = Math.max(scale, Math.abs(a[ck + i]));
    if (scale === 0) continue; // column already zero below the diagonal: H_k = I
    let norm2 = 0;
    for (let i = k; i < n; i++) {
      const x = a[ck + i] / scale;
      norm2 += x * x;
    }
    const norm = scale * Math.sqrt(norm2);
    const alpha = a[ck + k] > 0 ? -norm : norm; // R_kk = alpha, sign opposite to x₀ (no cancellation)
    // v = (x − alpha·e₀)/‖x − alpha·e₀‖
    let vv = 0;
    for (let i = k; i < n; i++) {
      const x = (i === k ? a[ck + i] - alpha : a[ck + i]) / scale;
      v[ck + i] = x;
      vv += x * x;
    }
    const vn = Math.sqrt(vv);
    for (let i = k; i < n; i++) v[ck + i] /= vn;
    a[ck + k] = alpha;
    for (let i = k + 1; i < n; i++) a[ck + i] = 0;
    for (let j = k + 1; j < p; j++) {
      const cj = j * n;
      let d = 0;
      for (let i = k; i < n; i++) d += v[ck + i] * a[cj + i];
      d *= 2;
      for (let i = k; i < n; i++) a[cj + i] -= d * v[ck + i];
    }
  }
  const r = new Matrix(p, p);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) r.set(i, j, a[j * n + i]);
  return { r, v };
}

/** Qᵀ·y for the reflectors of {@link householderQr} (H_{p−1}·…·H₀·y): its first p entries. */
function applyQt(v: Float64Array, n: number, p: number, y: readonly number[]): number[] {
  const b = Float64Array.from(y);
  for (let k = 0; k < p; k++) {
    const ck = k * n;
    let d = 0;
    for (let i = k; i < n; i++) d += v[ck + i] * b[i];
    if (d === 0) continue;
    d *= 2;
    for (let i = k; i < n; i++) b[i] -= d * v[ck + i];
  }
  return Array.from(b.subarray(0, p));
}

/** Q·[M; 0] for the p × c matrix M and the reflectors of {@link householderQr}: an n × c matrix. */
function applyQ(v: Float64Array, n: number, p: number, m: Matrix): Matrix {
  const c = m.columns;
  const b = new Float64Array(n * c); // column-major
  for (let i = 0; i < p; i++) for (let j = 0; j < c; j++) b[j * n + i] = m.get(i, j);
  for (let k = p - 1; k >= 0; k--) {
    const ck = k * n;
    for (let j = 0; j < c; j++) {
      const cj = j * n;
      let d = 0;
      for (let i = k; i < n; i++) d += v[ck + i] * b[cj + i];
      if (d === 0) continue;
      d *= 2;
      for (let i = k; i < n; i++) b[cj + i] -= d * v[ck + i];
    }
  }
  const out = new Matrix(n, c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out.set(i, j, b[j * n + i]);
  return out;
}

/** Thin SVD of Z (via QR when n ≥ p) with rank and condition number. */
export function designSvd(z: Matrix, rcond = DEFAULT_RCOND): DesignSvd {
  const n = z.rows;
  const p = z.columns;
  if (n === 0) throw new Error('leastSquares: design has no rows');
  let svd: { diagonal: number[]; rightSingularVectors: Matrix };
  let u: () => Matrix;
  let uty: (y: readonly number[]) => number[];
  if (n >= p) {
    const qr = householderQr(z);
    const small = new SingularValueDecomposition(qr.r);
    const ur = small.leftSingularVectors; // p × p
    svd = small;
    u = () => applyQ(qr.v, n, p, ur);
    uty = (y) => ur.transpose().mmul(Matrix.columnVector(applyQt(qr.v, n, p, y))).getColumn(0);
  } else {
    const full = new SingularValueDecomposition(z, { autoTranspose: true });
    svd = full;
    u = () => full.leftSingularVectors;
    uty = (y) => full.leftSingularVectors.transpose().mmul(Matrix.columnVector([...y])).getColumn(0);
  }
  const s = [...svd.diagonal];
  while (s.length < p) s.push(0);
  const sMax = s[0];
  const tol = rcond * sMax;
  const rank = sMax === 0 ? 0 : s.filter((x) => x > tol).length;
  const sMin = s[p - 1];
  const condition = sMin === 0 ? Infinity : sMax / sMin;
  const v = svd.rightSingularVectors;
  const nullColumns: number[][] = [];
  for (let k = 0; k < p; k++) {
    if (s[k] > tol && sMax > 0) continue;
    const cols: number[] = [];
    if (k < v.columns) {
      for (let j = 0; j < p; j++) if (Math.abs(v.get(j, k)) >= 0.1) cols.push(j);
    }
    nullColumns.push(cols);
  }
  let uMatrix: Matrix | undefined;
  return {
    n,
    p,
    s,
    rank,
    condition,
    nullColumns,
    get u(): Matrix {
      return (uMatrix ??= u());
    },
    uty(y: readonly number[]): number[] {
      if (y.length !== n) throw new Error(`leastSquares: y has ${y.length} values, design has ${n} rows`);
      return uty(y);
    },
    v,
  };
}

/** w = V·diag(s/(s² + nλ))·Uᵀy; components with s = 0 contribute 0. */
export function solveSvd(d: DesignSvd, y: readonly number[], ridge: number): number[] {
  if (y.length !== d.n) throw new Error(`leastSquares: y has ${y.length} values, design has ${d.n} rows`);
  const uty = d.uty(y);
  const r = Math.min(uty.length, d.v.columns);
  const w = new Array<number>(d.p).fill(0);
  for (let k = 0; k < r; k++) {
    const sk = d.s[k];
    const den = sk * sk + d.n * ridge;
    if (sk === 0 || den === 0) continue;
    const coef = (sk / den) * uty[k];
    for (let j = 0; j < d.p; j++) w[j] += coef * d.v.get(j, k);
  }
  return w;
}

/** G = ZᵀZ/n + λI and h = Zᵀy/n. */
export function gramForm(z: Matrix, y: readonly number[], ridge: number): { g: Matrix; h: number[] } {
  const n = z.rows;
  const g = z.transpose().mmul(z).div(n);
  for (let j = 0; j < z.columns; j++) g.set(j, j, g.get(j, j) + ridge);
  const h = z.transpose().mmul(Matrix.columnVector([...y])).div(n).getColumn(0);
  return { g, h };
}

/** f(w) = (1/n)‖y − Zw‖² + λ‖w‖². */
export function objective(z: Matrix, y: readonly number[], w: readonly number[], ridge: number): number {
  let sse = 0;
  for (let i = 0; i < z.rows; i++) {
    let pred = 0;
    for (let j = 0; j < z.columns; j++) pred += z.get(i, j) * w[j];
    const e = y[i] - pred;
    sse += e * e;
  }
  let pen = 0;
  for (const wj of w) pen += wj * wj;
  return sse / z.rows + ridge * pen;
}

export interface NnlsResult {
  readonly x: number[];
  /** Indices held at 0 by the constraint (the active set at the optimum). */
  readonly atBound: number[];
  readonly iterations: number;
}

/**
 * Lawson–Hanson active-set NNLS in Gram form: minimise ½xᵀGx − hᵀx subject to x ≥ 0, for
 * symmetric positive-definite G. Optimality (KKT): with gradient residual r = h − Gx, r_j = 0 for
 * x_j > 0 and r_j ≤ 0 for x_j = 0.
 * @throws Error if G is not square, sizes mismatch, or the iteration limit is reached.
 */
export function nnlsGram(g: Matrix, h: readonly number[], maxIterations?: number): NnlsResult {
  const p = h.length;
  if (g.rows !== p || g.columns !== p) throw new Error(`nnls: G is ${g.rows}×${g.columns}, h has ${p} entries`);
  const maxIter = maxIterations ?? 30 * p + 100;
  let scale = 0;
  for (let i = 0; i < p; i++) scale = Math.max(scale, Math.abs(h[i]), Math.abs(g.get(i, i)));
  const tol = 1e-12 * Math.max(scale, 1e-300) * Math.max(p, 1);
  const x = new Array<number>(p).fill(0);
  const passive = new Array<boolean>(p).fill(false);
  const residual = (): number[] => {
    const r = [...h];
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) r[i] -= g.get(i, j) * x[j];
    return r;
  };
  /** Solves G_PP z_P = h_P, zero elsewhere. */
  const passiveSolve = (): number[] => {
    const idx: number[] = [];
    for (let j = 0; j < p; j++) if (passive[j]) idx.push(j);
    const z = new Array<number>(p).fill(0);
    if (idx.length === 0) return z;
    const gp = new Matrix(idx.length, idx.length);
    const hp = new Matrix(idx.length, 1);
    idx.forEach((a, i) => {
      hp.set(i, 0, h[a]);
      idx.forEach((b, k) => gp.set(i, k, g.get(a, b)));
    });
    const sol = solve(gp, hp);
    idx.forEach((a, i) => (z[a] = sol.get(i, 0)));
    return z;
  };
  let iterations = 0;
  for (;;) {
    const r = residual();
    let best = -1;
    let bestVal = tol;
    for (let j = 0; j < p; j++) {
      if (!passive[j] && r[j] > bestVal) {
        bestVal = r[j];
        best = j;
      }
    }
    if (best < 0) break;
    passive[best] = true;
    for (;;) {
      if (++iterations > maxIter) throw new Error(`nnls: no convergence after ${maxIter} iterations`);
      const z = passiveSolve();
      let feasible = true;
      for (let j = 0; j < p; j++) if (passive[j] && z[j] <= 0) feasible = false;
      if (feasible) {
        for (let j = 0; j < p; j++) x[j] = z[j];
        break;
      }
      // step from x towards z until the first passive coordinate hits 0
      let alpha = Infinity;
      for (let j = 0; j < p; j++) {
        if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
      }
      for (let j = 0; j < p; j++) {
        x[j] += alpha * (z[j] - x[j]);
        if (passive[j] && x[j] <= tol) {
          passive[j] = false;
          x[j] = 0;
        }
      }
    }
  }
  const atBound: number[] = [];
  for (let j = 0; j < p; j++) if (!passive[j]) atBound.push(j);
  return { x, atBound, iterations };
}
