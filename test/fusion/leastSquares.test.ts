import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, SingularValueDecomposition, solve } from 'ml-matrix';
import { Rng } from '../../src/engine/rng';
import { designMatrix, designSvd, gramForm, nnlsGram, objective, solveSvd } from '../../src/fusion/leastSquares';
import { errorMessage } from '../support/errorMessage';

/** n×p design with correlated columns (shared factor) and a target. */
function problem(seed: number, n: number, p: number): { z: Matrix; y: number[] } {
  const g = new Rng(seed);
  const cols: number[][] = Array.from({ length: p }, () => []);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = g.normal();
    for (let j = 0; j < p; j++) cols[j].push(0.6 * f + g.normal());
    y.push(g.normal() + 0.3 * f);
  }
  return { z: designMatrix(cols), y };
}

/** Exact NNLS optimum by enumerating supports S: x_S = G_SS⁻¹ h_S must be ≥ 0; keep the best ½xᵀGx − hᵀx. */
function bruteNnls(g: Matrix, h: number[]): { x: number[]; f: number } {
  const p = h.length;
  let best = { x: new Array<number>(p).fill(0), f: 0 };
  for (let mask = 1; mask < 1 << p; mask++) {
    const s = [...Array(p).keys()].filter((j) => mask & (1 << j));
    const gs = new Matrix(s.map((a) => s.map((b) => g.get(a, b))));
    const xs = solve(gs, Matrix.columnVector(s.map((a) => h[a]))).getColumn(0);
    if (xs.some((v) => v < 0)) continue;
    const x = new Array<number>(p).fill(0);
    s.forEach((a, i) => (x[a] = xs[i]));
    let f = 0;
    for (let i = 0; i < p; i++) {
      f -= h[i] * x[i];
      for (let j = 0; j < p; j++) f += 0.5 * x[i] * g.get(i, j) * x[j];
    }
    if (f < best.f) best = { x, f };
  }
  return best;
}

test('nnlsGram (Lawson–Hanson) matches the brute-force optimum over all supports', () => {
  let sawClipped = false;
  let sawInterior = false;
  for (let seed = 1; seed <= 25; seed++) {
    const p = 2 + (seed % 5);
    const { z, y } = problem(seed, 40, p);
    const { g, h } = gramForm(z, y, seed % 3 === 0 ? 0.1 : 0);
    const r = nnlsGram(g, h);
    const b = bruteNnls(g, h);
    for (let j = 0; j < p; j++) assert.ok(Math.abs(r.x[j] - b.x[j]) < 1e-9, `seed ${seed}: x ${r.x} vs brute ${b.x}`);
    assert.ok(r.x.every((v) => v >= 0));
    assert.deepEqual(r.atBound, r.x.map((v, j) => (v === 0 ? j : -1)).filter((j) => j >= 0));
    if (r.atBound.length > 0) sawClipped = true;
    if (r.atBound.length < p - 1) sawInterior = true;
  }
  assert.ok(sawClipped && sawInterior, 'the cases exercise both active and inactive constraints');
});

test('nnlsGram steps back when a later variable drives an earlier one negative (matches brute force)', () => {
  // a ≈ c + d has the largest gradient hⱼ = cov(colⱼ, y), so it enters first; once c and d are in,
  // the unconstrained coefficient of a is −0.15 < 0, so Lawson–Hanson must step back and drop a.
  const g = new Rng(17);
  const cols: number[][] = [[], [], []];
  const y: number[] = [];
  for (let i = 0; i < 400; i++) {
    const c = g.normal();
    const d = g.normal();
    const a = c + d + 0.6 * g.normal();
    cols[0].push(a);
    cols[1].push(c);
    cols[2].push(d);
    y.push(c + d - 0.15 * a + 0.05 * g.normal());
  }
  const { g: gram, h } = gramForm(designMatrix(cols), y, 0);
  assert.ok(h[0] > h[1] && h[0] > h[2], 'a has the largest gradient and enters first');
  const r = nnlsGram(gram, h);
  const b = bruteNnls(gram, h);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(r.x[j] - b.x[j]) < 1e-9, `x ${r.x} vs brute ${b.x}`);
  assert.deepEqual(r.atBound, [0]);
  assert.equal(r.x.length, 3);
  assert.ok(r.iterations > 3, `an inner step-back iteration happened (iterations ${r.iterations})`);
});

test('SVD solve equals the normal equations for OLS and ridge, and ridge lowers the penalised objective', () => {
  const { z, y } = problem(3, 60, 4);
  const d = designSvd(z);
  assert.equal(d.rank, 4);
  for (const lambda of [0, 0.05, 2]) {
    const w = solveSvd(d, y, lambda);
    // (ZᵀZ/n + λI) w = Zᵀy/n
    const { g, h } = gramForm(z, y, lambda);
    const ref = solve(g, Matrix.columnVector(h)).getColumn(0);
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(w[j] - ref[j]) < 1e-10, `λ=${lambda}: ${w} vs ${ref}`);
    // optimality: any perturbation increases the objective
    const f0 = objective(z, y, w, lambda);
    for (let j = 0; j < 4; j++) {
      const w2 = [...w];
      w2[j] += 1e-3;
      assert.ok(objective(z, y, w2, lambda) > f0);
    }
  }
});

test('designSvd: rank, condition and the columns of a null direction for a collinear design', () => {
  const g = new Rng(5);
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < 30; i++) {
    a.push(g.normal());
    b.push(g.normal());
    e.push(g.normal());
    c.push(2 * a[i] - b[i]);
  }
  const d = designSvd(designMatrix([a, e, b, c]));
  assert.equal(d.rank, 3);
  assert.equal(d.nullColumns.length, 1);
  assert.deepEqual(d.nullColumns[0], [0, 2, 3], 'a, b, c are involved, e is not');
  assert.ok(d.condition > 1e12);
  // fewer rows than columns: rank ≤ n
  const small = designSvd(designMatrix([[1, 2], [3, 1], [0, 5]]));
  assert.equal(small.rank, 2);
  assert.equal(small.s.length, 3);
  assert.equal(small.condition, Infinity);
});

test('designSvd (QR first for n ≥ p) gives the factors of the direct SVD: Z = U·diag(s)·Vᵀ, orthonormal U and V, same singular values', () => {
  for (const [seed, n, p] of [[1, 1200, 16], [2, 40, 5], [3, 6, 6], [4, 300, 1]] as const) {
    const { z } = problem(seed, n, p);
    const d = designSvd(z);
    const ref = new SingularValueDecomposition(z, { autoTranspose: true });
    for (let k = 0; k < p; k++) assert.ok(Math.abs(d.s[k] - ref.diagonal[k]) <= 1e-12 * ref.diagonal[0], `n ${n} p ${p}: s${k} ${d.s[k]} vs ${ref.diagonal[k]}`);
    const back = d.u.mmul(Matrix.diag(d.s)).mmul(d.v.transpose());
    const utu = d.u.transpose().mmul(d.u);
    const vtv = d.v.transpose().mmul(d.v);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) assert.ok(Math.abs(back.get(i, j) - z.get(i, j)) < 1e-11, `n ${n}: Z(${i},${j}) rebuilt`);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        assert.ok(Math.abs(utu.get(i, j) - (i === j ? 1 : 0)) < 1e-12, `UᵀU(${i},${j})`);
        assert.ok(Math.abs(vtv.get(i, j) - (i === j ? 1 : 0)) < 1e-12, `VᵀV(${i},${j})`);
      }
    }
  }
  // a zero column: the QR step for it is the identity, the rank drops, the null direction names it
  const g = new Rng(9);
  const a = Array.from({ length: 20 }, () => g.normal());
  const b = Array.from({ length: 20 }, () => g.normal());
  const d = designSvd(designMatrix([a, new Array<number>(20).fill(0), b]));
  assert.equal(d.rank, 2);
  assert.deepEqual(d.nullColumns, [[1]]);
});

test('hand-sized cases: G, h and f(w) by hand; the refusals name the sizes', () => {
  const msg = errorMessage;
  // Z = [[1, 0], [0, 2], [1, 1]] (n = 3), y = [1, 2, 3], λ = 0.5
  const z = designMatrix([[1, 0, 1], [0, 2, 1]]);
  assert.deepEqual(z.to2DArray(), [[1, 0], [0, 2], [1, 1]]);
  const { g, h } = gramForm(z, [1, 2, 3], 0.5);
  // ZᵀZ = [[2, 1], [1, 5]] → /3 + 0.5·I; Zᵀy = [4, 7] → /3
  assert.deepEqual(g.to2DArray(), [[2 / 3 + 0.5, 1 / 3], [1 / 3, 5 / 3 + 0.5]]);
  assert.deepEqual(h, [4 / 3, 7 / 3]);
  // w = (1, 1): residuals y − Zw = [0, 0, 1] ⇒ (1/3)·1 + 0.5·2
  assert.equal(objective(z, [1, 2, 3], [1, 1], 0.5), 1 / 3 + 1);
  assert.equal(msg(() => designMatrix([])), 'leastSquares: design has no columns');
  assert.equal(msg(() => designMatrix([[1, 2], [3]])), 'leastSquares: column 1 has 1 rows, expected 2');
  assert.equal(msg(() => designSvd(designMatrix([[]]))), 'leastSquares: design has no rows');
  const d = designSvd(z);
  assert.equal(msg(() => solveSvd(d, [1, 2], 0)), 'leastSquares: y has 2 values, design has 3 rows');
  assert.equal(msg(() => d.uty([1])), 'leastSquares: y has 1 values, design has 3 rows');
  assert.equal(msg(() => nnlsGram(g, [1, 2, 3])), 'nnls: G is 2×2, h has 3 entries');
  assert.equal(msg(() => nnlsGram(new Matrix(2, 3), [1, 2])), 'nnls: G is 2×3, h has 2 entries');
  assert.equal(msg(() => nnlsGram(new Matrix(3, 2), [1, 2])), 'nnls: G is 3×2, h has 2 entries');
  // one step is not enough for two positive coordinates
  assert.equal(msg(() => nnlsGram(Matrix.eye(2), [1, 1], 1)), 'nnls: no convergence after 1 iterations');
  assert.deepEqual(nnlsGram(Matrix.eye(2), [1, 1], 2), { x: [1, 1], atBound: [], iterations: 2 });
  // all gradients ≤ 0: x = 0 at once, every coordinate at its bound
  assert.deepEqual(nnlsGram(Matrix.eye(2), [-1, 0], 0), { x: [0, 0], atBound: [0, 1], iterations: 0 });
});

test('rank threshold: a singular value counts as zero at or below rcond·s_max; fewer rows than columns pad s with zeros', () => {
  // orthogonal columns of norms 2 and 1e-6: s = [2, 1e-6]
  const z = designMatrix([[2, 0, 0], [0, 1e-6, 0]]);
  const d = designSvd(z);
  assert.deepEqual(d.s, [2, 1e-6]);
  assert.equal(d.rank, 2);
  assert.equal(d.condition, 2e6);
  assert.deepEqual(d.nullColumns, []);
  const tight = designSvd(z, 1e-6);
  assert.equal(tight.rank, 1, 's₂ = 1e-6 < 1e-6·2');
  assert.deepEqual(tight.nullColumns, [[1]]);
  assert.equal(designSvd(z, 5e-7).rank, 1, 's₂ = 1e-6 = 5e-7·2 counts as zero');
  assert.deepEqual(designSvd(z, 5e-7).nullColumns, [[1]], 'and names its column');
  // the zero-rank design
  const zero = designSvd(designMatrix([[0, 0], [0, 0]]));
  assert.equal(zero.rank, 0);
  assert.equal(zero.condition, Infinity);
  assert.deepEqual(zero.nullColumns.length, 2);
  assert.deepEqual(solveSvd(zero, [1, 2], 0), [0, 0]);
  // solveSvd skips a zero singular value instead of dividing by it (λ = 0), and ridge shrinks by s/(s² + nλ)
  const w = solveSvd(tight, [2, 0, 0], 0);
  assert.ok(Math.abs(w[0] - 1) < 1e-15 && Math.abs(w[1]) < 1e-12, String(w));
  const wr = solveSvd(designSvd(designMatrix([[2, 0, 0]])), [2, 0, 0], 1);
  // s = 2, Uᵀy = ±2, v = ±1: w = 2/(4 + 3·1)·2 = 4/7
  assert.ok(Math.abs(wr[0] - 4 / 7) < 1e-15, String(wr));
});

test('nnlsGram on collinear designs with coefficients of both signs matches brute force (many step-backs)', () => {
  // p = 6…9 columns, each a random mixture of 3 shared factors plus a little noise; y mixes the
  // columns with coefficients of both signs, so entering a column often drives an earlier one negative
  let stepBacks = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const g = new Rng(100 + seed);
    const p = 6 + (seed % 4);
    const load = Array.from({ length: p }, () => [g.normal(), g.normal(), g.normal()]);
    const beta = Array.from({ length: p }, () => g.normal());
    const cols: number[][] = Array.from({ length: p }, () => []);
    const y: number[] = [];
    for (let i = 0; i < 30; i++) {
      const f = [g.normal(), g.normal(), g.normal()];
      let yi = 0.3 * g.normal();
      for (let j = 0; j < p; j++) {
        const v = load[j]!.reduce((t, l, q) => t + l * f[q]!, 0) + 0.15 * g.normal();
        cols[j]!.push(v);
        yi += beta[j]! * v;
      }
      y.push(yi);
    }
    const { g: gram, h } = gramForm(designMatrix(cols), y, 0);
    const r = nnlsGram(gram, h);
    const b = bruteNnls(gram, h);
    assert.equal(r.x.length, p);
    for (let j = 0; j < p; j++) assert.ok(Math.abs(r.x[j] - b.x[j]) < 1e-8 * (1 + Math.abs(b.x[j])), `seed ${seed}: x ${r.x} vs brute ${b.x}`);
    assert.deepEqual(r.atBound, b.x.map((v, j) => (v === 0 ? j : -1)).filter((j) => j >= 0), `seed ${seed}`);
    // each entering column costs one iteration; more iterations than columns in the end means steps back
    if (r.iterations > p - r.atBound.length) stepBacks++;
  }
  assert.ok(stepBacks >= 15, `step-backs in ${stepBacks} of 60 problems`);
});

test('nnlsGram tolerance: a gradient below 1e-12 · scale · p leaves its coordinate at the bound', () => {
  // G = 4·I₄ (scale 4, p = 4: tolerance 1.6e-11); h₁ = 8e-12 is below it, h₀ = 4 is not
  const r = nnlsGram(Matrix.eye(4).mul(4), [4, 8e-12, 0, 0]);
  assert.deepEqual(r, { x: [1, 0, 0, 0], atBound: [1, 2, 3], iterations: 1 });
  // above the tolerance the coordinate enters: 2e-11 / 4
  assert.deepEqual(nnlsGram(Matrix.eye(4).mul(4), [4, 2e-11, 0, 0]).x, [1, 5e-12, 0, 0]);
});

test('fewer rows than columns: the SVD without QR, its U, Uᵀy and the minimum-norm solution', () => {
  // Z = [[1, 1, 0], [0, 0, 2]], y = [2, 4]: orthogonal rows, w = Zᵀ(ZZᵀ)⁻¹y = Zᵀ·[1, 1] = [1, 1, 2]
  const z = designMatrix([[1, 0], [1, 0], [0, 2]]);
  const d = designSvd(z);
  assert.deepEqual([d.n, d.p, d.rank], [2, 3, 2]);
  const w = solveSvd(d, [2, 4], 0);
  [1, 1, 2].forEach((v, j) => assert.ok(Math.abs(w[j]! - v) < 1e-12, `w ${w}`));
  // U·diag(s)·Vᵀ rebuilds Z, and Uᵀy is U's transpose applied to y
  const us = d.u.mmul(Matrix.diag(d.s.slice(0, 2))).mmul(d.v.transpose());
  z.to2DArray().forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(us.get(i, j) - v) < 1e-12, `Z[${i}][${j}]`)));
  const uty = d.uty([2, 4]);
  [0, 1].forEach((k) => assert.ok(Math.abs(uty[k]! - (2 * d.u.get(0, k) + 4 * d.u.get(1, k))) < 1e-12));
});
