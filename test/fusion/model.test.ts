import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, solve } from 'ml-matrix';
import { Rng } from '../../src/engine/rng';
import { fitFusion, FusionModel, type FusionOptions } from '../../src/fusion/model';
import type { FusionTable } from '../../src/fusion/data';

/** Synthetic table: x1, x2, x3 ~ N(μ, s²) (correlated through a shared factor), acc = b + Σ aᵢxᵢ + noise. */
function synth(seed: number, n: number, a: number[], b: number, noise: number): FusionTable {
  const g = new Rng(seed);
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < n; i++) {
    const f = g.normal();
    const x = [3 + 2 * (g.normal() + 0.5 * f), -1 + 0.5 * (g.normal() - 0.3 * f), 10 + 4 * g.normal()];
    const acc = b + a[0] * x[0] + a[1] * x[1] + a[2] * x[2] + noise * g.normal();
    rows.push({ x1: x[0], x2: x[1], x3: x[2], acc });
  }
  return { names: ['x1', 'x2', 'x3', 'acc'], rows };
}

const X = ['x1', 'x2', 'x3'];

/** Reference OLS with intercept via the normal equations on [1, x] (ml-matrix LU solve). */
function olsReference(t: FusionTable): number[] {
  const a = new Matrix(t.rows.map((r) => [1, ...X.map((k) => r[k])]));
  const y = Matrix.columnVector(t.rows.map((r) => r.acc));
  return solve(a.transpose().mmul(a), a.transpose().mmul(y)).getColumn(0);
}

function close(actual: number, expected: number, tol: number, msg = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${msg} expected ${expected}, got ${actual}`);
}

/** Population mean / std (divisor n) of a column. */
function meanStd(v: number[]): [number, number] {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return [m, Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length)];
}

test('least squares recovers known weights exactly from noise-free data', () => {
  const a = [1.5, -2, 0.25];
  const t = synth(1, 50, a, 70, 0);
  const m = fitFusion({ table: t, accuracyKey: 'acc' }, X);
  a.forEach((ai, i) => close(m.weightsOriginal[i], ai, 1e-9, `a${i}`));
  close(m.interceptOriginal, 70, 1e-8, 'b0');
  close(m.trainMse, 0, 1e-15, 'mse');
  // standardised weights are wᵢ = aᵢ·σᵢ with σ the population std of the training column
  X.forEach((k, i) => {
    const [mu, sd] = meanStd(t.rows.map((r) => r[k]));
    close(m.means[i], mu, 1e-12);
    close(m.stds[i], sd, 1e-12);
    close(m.weights[i], a[i] * sd, 1e-9);
  });
  close(m.intercept, t.rows.reduce((s, r) => s + r.acc, 0) / t.rows.length, 1e-9, 'b = mean accuracy');
  assert.equal(m.fit.solver, 'ols');
  assert.equal(m.fit.rank, 3);
});

test('with noise the fit equals the OLS normal-equation solution and is near the true weights', () => {
  const a = [1.5, -2, 0.25];
  const t = synth(2, 3000, a, 70, 0.5);
  const m = fitFusion({ table: t, accuracyKey: 'acc' }, X);
  const ref = olsReference(t);
  close(m.interceptOriginal, ref[0], 1e-8, 'b0');
  a.forEach((ai, i) => {
    close(m.weightsOriginal[i], ref[i + 1], 1e-9, `a${i} vs reference`);
    close(m.weightsOriginal[i], ai, 0.05, `a${i} vs truth`);
  });
  close(m.trainMse, 0.25, 0.03, 'MSE ≈ noise variance');
  const pred = m.predict(t.rows);
  const mse = pred.reduce((s, p, i) => s + (p - t.rows[i].acc) ** 2, 0) / pred.length;
  close(mse, m.trainMse, 1e-9, 'trainMse = MSE of predict on the training rows');
});

test('ridge shrinks the standardised weights monotonically towards 0 and leaves the intercept alone', () => {
  const t = synth(3, 200, [1.5, -2, 0.25], 70, 0.5);
  const ols = fitFusion({ table: t, accuracyKey: 'acc' }, X);
  const norm = (m: FusionModel) => Math.hypot(...m.weights);
  let prev = norm(ols);
  for (const ridge of [0.01, 0.1, 1, 10, 1000]) {
    const m = fitFusion({ table: t, accuracyKey: 'acc' }, X, { ridge });
    assert.equal(m.fit.solver, 'ridge');
    assert.equal(m.fit.ridge, ridge);
    assert.ok(norm(m) < prev, `‖w‖ must decrease: λ=${ridge} ${norm(m)} ≥ ${prev}`);
    prev = norm(m);
    close(m.intercept, ols.intercept, 1e-12, 'intercept not penalised');
    assert.ok(m.trainMse >= ols.trainMse - 1e-12, 'ridge cannot beat OLS on training MSE');
  }
  // closed form on standardised data: w = (R + λI)⁻¹ c, R = ZᵀZ/n, c = Zᵀy/n
  const lambda = 0.3;
  const m = fitFusion({ table: t, accuracyKey: 'acc' }, X, { ridge: lambda });
  const z = new Matrix(t.rows.map((r) => X.map((k, i) => (r[k] - m.means[i]) / m.stds[i])));
  const n = t.rows.length;
  const yc = Matrix.columnVector(t.rows.map((r) => r.acc - m.intercept));
  const lhs = z.transpose().mmul(z).div(n).add(Matrix.eye(3).mul(lambda));
  const w = solve(lhs, z.transpose().mmul(yc).div(n)).getColumn(0);
  w.forEach((wi, i) => close(m.weights[i], wi, 1e-10, `ridge w${i}`));
  // λ → ∞: w ≈ c/λ → 0
  assert.ok(norm(fitFusion({ table: t, accuracyKey: 'acc' }, X, { ridge: 1e9 })) < 1e-8);
});

/** Brute-force sign-constrained fit: every support S, OLS on S (standardised columns), keep feasible best MSE. */
function bruteSignedNnls(t: FusionTable, signs: number[]): { w: number[]; mse: number } {
  const n = t.rows.length;
  const cols = X.map((k) => {
    const [mu, sd] = meanStd(t.rows.map((r) => r[k]));
    return t.rows.map((r) => (r[k] - mu) / sd);
  });
  const ybar = t.rows.reduce((s, r) => s + r.acc, 0) / n;
  const yc = t.rows.map((r) => r.acc - ybar);
  const mseOf = (w: number[]) => yc.reduce((s, y, r) => s + (y - w.reduce((p, wj, j) => p + wj * cols[j][r], 0)) ** 2, 0) / n;
  let best = { w: [0, 0, 0], mse: mseOf([0, 0, 0]) };
  for (let mask = 1; mask < 8; mask++) {
    const s = [0, 1, 2].filter((j) => mask & (1 << j));
    const a = new Matrix(t.rows.map((_, r) => s.map((j) => cols[j][r])));
    const ws = solve(a.transpose().mmul(a), a.transpose().mmul(Matrix.columnVector(yc))).getColumn(0);
    if (ws.some((v, i) => v * signs[s[i]] < 0)) continue;
    const w = [0, 0, 0];
    s.forEach((j, i) => (w[j] = ws[i]));
    const mse = mseOf(w);
    if (mse < best.mse) best = { w, mse };
  }
  return best;
}

test('non-negative weights clip a negative true weight to 0 and match the brute-force optimum', () => {
  const t = synth(4, 400, [1.5, -2, 0.25], 70, 0.5);
  const m = fitFusion({ table: t, accuracyKey: 'acc' }, X, { nonNegative: true });
  assert.equal(m.fit.solver, 'nnls');
  assert.equal(m.weights[1], 0, 'x2 has a negative true weight and is held at 0');
  assert.deepEqual(m.fit.clipped, ['x2']);
  assert.ok(m.weights[0] > 0 && m.weights[2] > 0);
  const b = bruteSignedNnls(t, [1, 1, 1]);
  b.w.forEach((wi, i) => close(m.weights[i], wi, 1e-9, `w${i} vs brute force`));
  close(m.trainMse, b.mse, 1e-9);
  const ols = fitFusion({ table: t, accuracyKey: 'acc' }, X);
  assert.ok(m.trainMse > ols.trainMse, 'the constraint costs training MSE here');
  assert.match(m.describe(), /x2 \(clipped\)/);
});

test('sign-aware constraint: higherIsBetter=false allows (only) a non-positive weight, negLog flips it back', () => {
  const t = synth(5, 400, [1.5, -2, 0.25], 70, 0.5);
  const ols = fitFusion({ table: t, accuracyKey: 'acc' }, X);
  const opts: FusionOptions = { nonNegative: true, higherIsBetter: { x2: false } };
  const m = fitFusion({ table: t, accuracyKey: 'acc' }, X, opts);
  assert.deepEqual(m.fit.signs, [1, -1, 1]);
  assert.deepEqual(m.fit.clipped, []);
  ols.weights.forEach((w, i) => close(m.weights[i], w, 1e-9, 'unconstrained optimum is feasible ⇒ equals OLS'));
  // now x1 wrongly declared "lower is better": its weight must be ≤ 0, brute force agrees
  const wrong = fitFusion({ table: t, accuracyKey: 'acc' }, X, { nonNegative: true, higherIsBetter: { x1: false, x2: false } });
  const b = bruteSignedNnls(t, [-1, -1, 1]);
  b.w.forEach((wi, i) => close(wrong.weights[i], wi, 1e-9, `w${i} vs brute force`));
  assert.equal(wrong.weights[0], 0);
  // negLog is decreasing: a "lower is better" indicator stored negated, after negLog, wants w ≥ 0 again
  const neg = { names: t.names, rows: t.rows.map((r) => ({ ...r, x3: -Math.exp(r.x3 / 4) })) };
  const mn = fitFusion({ table: neg, accuracyKey: 'acc' }, X, { transforms: { x3: 'negLog' }, nonNegative: true, higherIsBetter: { x3: false } });
  assert.equal(mn.fit.signs[2], 1);
  assert.equal(mn.transforms[2].name, 'negLog');
});

test('standardisation uses the training rows only and is reused, unchanged, for new rows', () => {
  const t = synth(6, 120, [1.5, -2, 0.25], 70, 0.5);
  const train: FusionTable = { names: t.names, rows: t.rows.slice(0, 60) };
  const test: FusionTable['rows'] = t.rows.slice(60).map((r) => ({ ...r, x1: r.x1 + 100 })); // far outside the training range
  const m = fitFusion({ table: train, accuracyKey: 'acc' }, X);
  X.forEach((k, i) => {
    const [mu, sd] = meanStd(train.rows.map((r) => r[k]));
    close(m.means[i], mu, 1e-12, `mean of ${k} from the training rows`);
    close(m.stds[i], sd, 1e-12, `std of ${k} from the training rows`);
  });
  const pred = m.predict(test);
  test.forEach((r, i) => {
    const expected = m.interceptOriginal + X.reduce((s, k, j) => s + m.weightsOriginal[j] * r[k], 0);
    close(pred[i], expected, 1e-9, `row ${i}`);
  });
  // fitting on train + test would move the means
  const all = fitFusion({ table: { names: t.names, rows: [...train.rows, ...test] }, accuracyKey: 'acc' }, X);
  assert.ok(Math.abs(all.means[0] - m.means[0]) > 10);
});

test('rows with a non-finite or missing indicator or accuracy are dropped, counted, and not used', () => {
  const t = synth(7, 100, [1.5, -2, 0.25], 70, 0.5);
  const clean = fitFusion({ table: t, accuracyKey: 'acc' }, X);
  const bad = [
    { x1: NaN, x2: 1e9, x3: 1e9, acc: 1e9 },
    { x1: 1e9, x2: Infinity, x3: 1e9, acc: 1e9 },
    { x1: 1e9, x2: 1e9, x3: 1e9, acc: -Infinity },
    { x1: 1e9, x2: 1e9, acc: 1e9 } as Record<string, number>, // x3 missing
    { x1: NaN, x2: NaN, x3: 1, acc: NaN },
  ];
  const rows = [...t.rows.slice(0, 50), ...bad, ...t.rows.slice(50)];
  const m = fitFusion({ table: { names: t.names, rows }, accuracyKey: 'acc' }, X);
  assert.equal(m.fit.n, 100);
  assert.equal(m.fit.dropped, 5);
  assert.deepEqual(m.fit.droppedBy, { x1: 2, x2: 2, x3: 1, acc: 2 });
  clean.weights.forEach((w, i) => close(m.weights[i], w, 1e-12, 'dropped rows have no influence'));
  assert.match(m.describe(), /5 row\(s\) dropped/);
  // the accuracy as a vector and the columns form give the same fit
  const acc = rows.map((r) => r.acc);
  const v = fitFusion({ table: { names: t.names, rows }, accuracy: acc }, X);
  assert.deepEqual(v.weights, m.weights);
  assert.deepEqual(v.fit.droppedBy, { x1: 2, x2: 2, x3: 1, accuracy: 2 });
  const cols = Object.fromEntries(X.map((k) => [k, rows.map((r) => r[k])]));
  assert.deepEqual(fitFusion({ columns: cols, accuracy: acc }, X).weights, m.weights);
  assert.throws(() => fitFusion({ table: t, accuracy: [1, 2] }, X), /accuracy has 2 values but the table has 100 rows/);
  assert.throws(() => fitFusion({ table: t, accuracyKey: 'acc' }, ['x1', 'nope']), /'nope' is not a column/);
});

test('a collinear design is a clear error, or a stated ridge fallback', () => {
  const t = synth(8, 80, [1.5, -2, 0.25], 70, 0.5);
  const rows = t.rows.map((r) => ({ ...r, x4: 2 * r.x1 - 3 * r.x3 + 1 }));
  const table = { names: [...t.names, 'x4'], rows };
  const ind = ['x1', 'x2', 'x3', 'x4'];
  assert.throws(() => fitFusion({ table, accuracyKey: 'acc' }, ind), (e: Error) => {
    assert.match(e.message, /singular: rank 3 of 4 on 80 training rows/);
    assert.match(e.message, /collinear: 'x1' \+ 'x3' \+ 'x4'/);
    assert.match(e.message, /onSingular: 'ridge'/);
    return true;
  });
  const m = fitFusion({ table, accuracyKey: 'acc' }, ind, { onSingular: 'ridge' });
  assert.equal(m.fit.ridgeFallback, true);
  assert.equal(m.fit.ridge, 1e-3);
  assert.equal(m.fit.solver, 'ridge');
  assert.equal(m.fit.rank, 3);
  assert.match(m.fit.notes[0], /fallback ridge λ=0.001/);
  assert.match(m.describe(), /note: .*singular/);
  const ols3 = fitFusion({ table, accuracyKey: 'acc' }, ['x1', 'x2', 'x3']);
  assert.ok(m.trainMse < ols3.trainMse * 1.001, 'the fallback still fits about as well as the non-redundant model');
  // explicit ridge > 0 is not an error and not a fallback
  assert.equal(fitFusion({ table, accuracyKey: 'acc' }, ind, { ridge: 0.1 }).fit.ridgeFallback, false);
  // duplicated column, with NNLS as well
  const dup = { names: [...t.names, 'x1b'], rows: t.rows.map((r) => ({ ...r, x1b: r.x1 })) };
  assert.throws(() => fitFusion({ table: dup, accuracyKey: 'acc' }, ['x1', 'x1b'], { nonNegative: true }), /'x1' \+ 'x1b'/);
  // fewer rows than indicators + 1
  assert.throws(() => fitFusion({ table: { names: t.names, rows: t.rows.slice(0, 3) }, accuracyKey: 'acc' }, X), /rank 2 of 3/);
  // a constant indicator cannot be standardised
  const cst = { names: [...t.names, 'c'], rows: t.rows.map((r) => ({ ...r, c: 4 })) };
  assert.throws(() => fitFusion({ table: cst, accuracyKey: 'acc' }, ['x1', 'c']), /'c' is constant on the 80 training rows \(value 4\)/);
});

test('FusionModel: predict gives NaN for incomplete rows, toJSON/fromJSON round-trips, describe is readable', () => {
  const t = synth(9, 60, [1, 2, 3], 0, 0.1);
  const rows = t.rows.map((r) => ({ ...r, x3: Math.exp(r.x3 / 5) }));
  const m = fitFusion({ table: { names: t.names, rows }, accuracyKey: 'acc' }, X, { transforms: { x3: 'log', x2: 'rank' } });
  const p = m.predict([rows[0], { x1: 1, x2: NaN, x3: 1 }, { x1: 1, x3: 1 } as Record<string, number>]);
  assert.ok(Number.isFinite(p[0]) && Number.isNaN(p[1]) && Number.isNaN(p[2]));
  assert.throws(() => m.predict([rows[0], { x1: 1, x2: 0, x3: -2 }]), /'log' needs indicator 'x3' > 0, got -2 at row 1/);
  const back = FusionModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(rows), m.predict(rows));
  assert.deepEqual(back.toJSON(), m.toJSON());
  assert.throws(() => FusionModel.fromJSON({ ...m.toJSON(), version: 2 as 1 }), /not a version-1 fusion model/);
  assert.throws(() => new FusionModel({ ...m.toJSON(), stds: [1, 0, 1] }), /standard deviation of 'x2' must be > 0/);
  const d = m.describe();
  for (const s of ['FI = b + Σ wᵢ·zᵢ', 'ordinary least squares', 'x1', 'identity', 'rank', 'log', 'training MSE', 'b₀']) {
    assert.ok(d.includes(s), `describe() lacks '${s}':\n${d}`);
  }
});

/** A model given directly (no fit): a = identity, b = log (clipped); w = [3, −0.5], σ = [2, 0.25], μ = [1, 0.5]. */
function givenModel(fit: Partial<FusionModel['fit']>): FusionModel {
  return new FusionModel({
    indicators: ['a', 'b'],
    transforms: [{ name: 'identity' }, { name: 'log' }],
    means: [1, 0.5],
    stds: [2, 0.25],
    weights: [3, -0.5],
    intercept: 70,
    trainMse: 0.25,
    fit: {
      n: 10,
      dropped: 0,
      droppedBy: {},
      solver: 'ols',
      ridge: 0,
      ridgeFallback: false,
      rank: 2,
      condition: 3.5,
      signs: [1, 1],
      clipped: [],
      notes: [],
      ...fit,
    },
  });
}

test('FusionModel: original-unit weights and intercept, and the exact describe() text', () => {
  const m = givenModel({ dropped: 2, solver: 'ridge', ridge: 0.01, clipped: ['b'], notes: ['hello'] });
  // aᵢ = wᵢ/σᵢ = [3/2, −0.5/0.25]; b₀ = 70 − 3·1/2 − (−0.5)·0.5/0.25 = 70 − 1.5 + 1
  assert.deepEqual(m.weightsOriginal, [1.5, -2]);
  assert.equal(m.interceptOriginal, 69.5);
  // FI on raw columns: 70 + 3·(x − 1)/2 − 0.5·(ln y − 0.5)/0.25
  const x = [3, 1];
  const y = [Math.exp(0.5), Math.exp(0.75)];
  assert.deepEqual(m.predictColumns([x, y]), [70 + 3 - 0, 70 + 0 - 0.5]);
  assert.throws(() => m.predictColumns([x]), /got 1 columns for 2 indicators/);
  assert.deepEqual(
    m.describe().split('\n'),
    [
      'Fusion indicator FI = b + Σ wᵢ·zᵢ, zᵢ = (tᵢ(xᵢ) − μᵢ)/σᵢ (μ, σ from the 10 training rows; 2 row(s) dropped as non-finite)',
      'fit: ridge λ=0.0100, rank 2/2, condition 3.500; training MSE 0.2500 (RMSE 0.5000)',
      'note: hello',
      'b = 70.0000   (original units: b₀ = 69.5000)',
      '  indicator    transform  μ       σ       w (per σ)  a = w/σ',
      '  a            identity   1.0000  2.0000  3.0000     1.5000',
      '  b (clipped)  log        0.5000  0.2500  -0.5000    -2.0000',
    ],
  );
  // the other solvers, no dropped rows, and the exponent form of very large / small numbers
  const head = (fit: Partial<FusionModel['fit']>): string[] => givenModel(fit).describe().split('\n').slice(0, 2);
  assert.deepEqual(head({ condition: 123456 }), [
    'Fusion indicator FI = b + Σ wᵢ·zᵢ, zᵢ = (tᵢ(xᵢ) − μᵢ)/σᵢ (μ, σ from the 10 training rows)',
    'fit: ordinary least squares, rank 2/2, condition 1.23e+5; training MSE 0.2500 (RMSE 0.5000)',
  ]);
  assert.equal(head({ solver: 'nnls', condition: Infinity })[1], 'fit: sign-constrained NNLS, rank 2/2, condition Infinity; training MSE 0.2500 (RMSE 0.5000)');
  assert.equal(head({ solver: 'nnls-ridge', ridge: 1e-4, rank: 1 })[1], 'fit: sign-constrained NNLS + ridge λ=1.000e-4, rank 1/2, condition 3.500; training MSE 0.2500 (RMSE 0.5000)');
});

test('FusionModel: the constructor and fromJSON refuse inconsistent models, naming what is wrong', () => {
  const good = givenModel({}).toJSON();
  assert.throws(() => new FusionModel({ ...good, means: [1] }), /FusionModel: means has 1 entries for 2 indicators/);
  assert.throws(() => new FusionModel({ ...good, transforms: [{ name: 'identity' }] }), /transforms has 1 entries/);
  assert.throws(() => new FusionModel({ ...good, stds: [2] }), /stds has 1 entries/);
  assert.throws(() => new FusionModel({ ...good, weights: [1, 2, 3] }), /weights has 3 entries for 2 indicators/);
  assert.throws(
    () => new FusionModel({ ...good, transforms: [{ name: 'identity' }, { name: 'sqrt' as 'log' }] }),
    /FusionModel: unknown transform 'sqrt' for 'b'/,
  );
  assert.throws(() => new FusionModel({ ...good, stds: [2, NaN] }), /standard deviation of 'b' must be > 0, got NaN/);
  assert.throws(() => FusionModel.fromJSON({ ...good, kind: 'other' as 'zeronas-fusion-model' }), /kind other, version 1/);
  // the model keeps its own copies: changing the input arrays afterwards changes nothing
  const means = [1, 0.5];
  const reference = [1, 2, 3];
  const m = new FusionModel({ ...good, means, transforms: [{ name: 'rank', reference }, { name: 'log' }] });
  means[0] = 99;
  reference[0] = 99;
  assert.deepEqual(m.means, [1, 0.5]);
  assert.deepEqual(m.transforms[0], { name: 'rank', reference: [1, 2, 3] });
  assert.deepEqual(m.toJSON().transforms, [{ name: 'rank', reference: [1, 2, 3] }, { name: 'log' }]);
  assert.equal(m.toJSON().kind, 'zeronas-fusion-model');
  assert.equal(m.toJSON().version, 1);
});

test('fit options are checked with exact messages; too few rows and a design of fewer rows than indicators are named', () => {
  const t = synth(10, 30, [1, 2, 3], 0, 0.1);
  const data = { table: t, accuracyKey: 'acc' };
  const msg = (o: FusionOptions, ind = X): string => {
    try {
      fitFusion(data, ind, o);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(msg({ higherIsBetter: { q: true } }), "fusion: higherIsBetter given for 'q', which is not a selected indicator (x1, x2, x3)");
  assert.equal(msg({ transforms: { q: 'log' } }), "fusion: transform given for 'q', which is not a selected indicator (x1, x2, x3)");
  assert.equal(msg({ ridge: -1 }), 'fusion: ridge must be a finite number ≥ 0, got -1');
  assert.equal(msg({ ridge: Infinity }), 'fusion: ridge must be a finite number ≥ 0, got Infinity');
  assert.equal(msg({ ridge: NaN }), 'fusion: ridge must be a finite number ≥ 0, got NaN');
  assert.equal(msg({ fallbackRidge: 0 }), 'fusion: fallbackRidge must be > 0, got 0');
  assert.equal(msg({ fallbackRidge: Infinity }), 'fusion: fallbackRidge must be > 0, got Infinity');
  assert.equal(msg({ rcond: 0 }), 'fusion: rcond must be in (0, 1), got 0');
  assert.equal(msg({ rcond: 1 }), 'fusion: rcond must be in (0, 1), got 1');
  assert.equal(msg({ onSingular: 'warn' as 'error' }), "fusion: onSingular must be 'error' or 'ridge', got 'warn'");
  // accepted edge values
  for (const o of [{ ridge: 0 }, { fallbackRidge: 1e-9 }, { rcond: 1e-3 }, { onSingular: 'error' as const }]) assert.equal(msg(o), 'no error', JSON.stringify(o));
  const one = { names: t.names, rows: [t.rows[0], { ...t.rows[1], acc: NaN }] };
  assert.equal(msg({}), 'no error');
  assert.throws(() => fitFusion({ table: one, accuracyKey: 'acc' }, X), /^Error: fusion: needs at least 2 complete rows to fit, got 1 \(1 dropped as non-finite\)$/);
  // 2 rows, 3 indicators: rank 1, and every column takes part in the null directions
  const two = { names: t.names, rows: t.rows.slice(0, 2) };
  assert.throws(() => fitFusion({ table: two, accuracyKey: 'acc' }, X), /singular: rank 1 of 3 on 2 training rows \(condition number Infinity; \(nearly\) collinear: /);
  // an explicit ridge is used as is, without a note; the fallback λ is the one given
  const four = { names: [...t.names, 'x4'], rows: t.rows.map((r) => ({ ...r, x4: r.x1 + r.x2 })) };
  const ind4 = [...X, 'x4'];
  const fb = fitFusion({ table: four, accuracyKey: 'acc' }, ind4, { onSingular: 'ridge', fallbackRidge: 0.5 });
  assert.equal(fb.fit.ridge, 0.5);
  assert.match(fb.fit.notes[0], /collinear: 'x1' \+ 'x2' \+ 'x4'\); fitted with fallback ridge λ=0\.5$/);
  const explicit = fitFusion({ table: four, accuracyKey: 'acc' }, ind4, { ridge: 0.5, onSingular: 'ridge' });
  assert.deepEqual(explicit.fit.notes, []);
  assert.deepEqual(explicit.weights, fb.weights);
  assert.equal(fitFusion({ table: four, accuracyKey: 'acc' }, ind4, { onSingular: 'ridge', nonNegative: true }).fit.solver, 'nnls-ridge');
});

test('clipped NNLS weights are +0, not −0; a constant transformed indicator names its transform', () => {
  const t = synth(4, 200, [1.5, -2, 0.25], 70, 0.5);
  // x2 lower-is-better declared higher-is-better: its weight is held at 0 with sign −1 ⇒ would be −0
  const m = fitFusion({ table: t, accuracyKey: 'acc' }, X, { nonNegative: true, higherIsBetter: { x1: true, x3: true } });
  const neg = fitFusion({ table: t, accuracyKey: 'acc' }, X, { nonNegative: true, higherIsBetter: { x1: false } });
  assert.ok(Object.is(neg.weights[0], 0), `x1 held at 0 under the wrong sign: ${neg.weights[0]}`);
  assert.deepEqual(neg.fit.clipped.includes('x1'), true);
  assert.equal(m.weights[1], 0);
  const cst = { names: [...t.names, 'c'], rows: t.rows.map((r) => ({ ...r, c: 1 })) };
  assert.throws(() => fitFusion({ table: cst, accuracyKey: 'acc' }, ['x1', 'c'], { transforms: { c: 'log' } }), /indicator 'c' \(after 'log'\) is constant on the 200 training rows \(value 0\)/);
  // predict: a row missing an indicator key or holding a non-number is NaN, the others are predicted
  const p = m.predict([{ x1: 1, x2: 2, x3: 3 }, { x1: 1, x2: 2 } as Record<string, number>, { x1: 1, x2: '2' as unknown as number, x3: 3 }]);
  assert.ok(Number.isFinite(p[0]) && Number.isNaN(p[1]) && Number.isNaN(p[2]), String(p));
  assert.equal(p[0], m.predictColumns([[1], [2], [3]])[0]);
});

test('fewer rows than indicators: the message lists the columns once, without empty groups; an unconstrained fit clips nothing', () => {
  const names = ['a', 'b', 'c', 'acc'];
  const rows = [{ a: 1, b: 2, c: 5, acc: 1 }, { a: 2, b: 0, c: 1, acc: 2 }];
  assert.throws(
    () => fitFusion({ table: { names, rows }, accuracyKey: 'acc' }, ['a', 'b', 'c']),
    (e: Error) =>
      e.message ===
      "fusion: standardised design is singular: rank 1 of 3 on 2 training rows (condition number Infinity; (nearly) collinear: 'a' + 'b' + 'c'); drop an indicator, set ridge > 0, or use onSingular: 'ridge'",
  );
  const more = [...rows, { a: 0, b: 1, c: 2, acc: 0 }, { a: 5, b: 1, c: 0, acc: 3 }];
  const m = fitFusion({ table: { names, rows: more }, accuracyKey: 'acc' }, ['a', 'b', 'c']);
  assert.deepEqual([m.fit.clipped, m.fit.notes, m.fit.solver, m.fit.ridgeFallback], [[], [], 'ols', false]);
});

test('number formatting at its boundaries (0, 1e-3, 1e5) and the rcond option; two separate collinear groups are both named', () => {
  const m = givenModel({ solver: 'ridge', ridge: 1e-3, condition: 1e5 });
  const lines = new FusionModel({ ...m.toJSON(), weights: [3, 0] }).describe().split('\n');
  assert.equal(lines[1], 'fit: ridge λ=0.0010, rank 2/2, condition 1.00e+5; training MSE 0.2500 (RMSE 0.5000)');
  assert.equal(lines[5], '  b          log        0.5000  0.2500  0.0000     0.0000');
  // rcond decides the rank: a third column equal to the sum of the others up to 1e-7 noise
  const g = new Rng(21);
  const near = Array.from({ length: 30 }, () => {
    const a = g.normal();
    const b = g.normal();
    return { a, b, c: a + b + 1e-7 * g.normal(), acc: g.normal() };
  });
  const table = { names: ['a', 'b', 'c', 'acc'], rows: near };
  assert.equal(fitFusion({ table, accuracyKey: 'acc' }, ['a', 'b', 'c']).fit.rank, 3);
  assert.throws(() => fitFusion({ table, accuracyKey: 'acc' }, ['a', 'b', 'c'], { rcond: 1e-5 }), /singular: rank 2 of 3 on 30 training rows/);
  const h = new Rng(3);
  const rows = Array.from({ length: 20 }, () => {
    const a = h.normal();
    const c = h.normal();
    const e = h.normal();
    return { a, b: 2 * a, c, d: c + 1, e, acc: h.normal() };
  });
  assert.throws(
    () => fitFusion({ table: { names: ['a', 'b', 'c', 'd', 'e', 'acc'], rows }, accuracyKey: 'acc' }, ['a', 'b', 'c', 'd', 'e']),
    /rank 3 of 5 on 20 training rows \(condition number [^;]+; \(nearly\) collinear: 'c' \+ 'd'; 'a' \+ 'b'\); drop an indicator/,
  );
});
