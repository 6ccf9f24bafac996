import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { bootstrapCI } from '../../src/stats/bootstrap';
import { refBootstrapCI } from './reference';
import { kendallTauB, pearson, rmse, spearman } from '../../src/stats/correlation';
import {
  applyLinear1D,
  evaluateIndicator,
  evaluatePredictor,
  fitLinear1D,
  fitMetrics,
  metricValues,
} from '../../src/stats/fitMetrics';

function close(actual: number, expected: number, tol = 1e-12, msg = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${msg} expected ${expected}, got ${actual}`);
}

test('fitMetrics: hand-computed PLCC, RMSE, SROCC, KROCC with a tie in the prediction', () => {
  const pred = [1, 2, 2, 4];
  const acc = [1, 3, 2, 5];
  const m = fitMetrics(pred, acc, { bootstrap: 0 });
  // PLCC: x̄ = 2.25, ȳ = 2.75; dx = [−1.25, −.25, −.25, 1.75], dy = [−1.75, .25, −.75, 2.25]
  //   Σdxdy = 2.1875 − .0625 + .1875 + 3.9375 = 6.25; Σdx² = 4.75; Σdy² = 8.75
  //   r = 6.25 / sqrt(4.75·8.75) = 6.25 / sqrt(665/16) = 25/sqrt(665) ≈ 0.969458
  close(m.plcc.value, 25 / Math.sqrt(665), 1e-12, 'plcc');
  // RMSE: pred − acc = [0, −1, 0, −1] ⇒ sqrt((0 + 1 + 0 + 1)/4) = sqrt(0.5)
  close(m.rmse.value, Math.sqrt(0.5), 1e-12, 'rmse');
  // SROCC: ranks(pred) = [1, 2.5, 2.5, 4] (tie → average), ranks(acc) = [1, 3, 2, 4]
  //   centred: [−1.5, 0, 0, 1.5] and [−1.5, .5, −.5, 1.5]; Σ = 4.5, Σdx² = 4.5, Σdy² = 5
  //   ρ = 4.5 / sqrt(22.5) = sqrt(0.9) ≈ 0.948683
  close(m.srocc.value, Math.sqrt(0.9), 1e-12, 'srocc');
  // KROCC τ-b: 6 pairs; (2,3) tied in pred only, the other 5 concordant, 0 discordant
  //   n0 = 6, n1 (pred ties) = 1, n2 (acc ties) = 0 ⇒ τb = 5 / sqrt(5·6) = 5/sqrt(30) ≈ 0.912871
  close(m.krocc.value, 5 / Math.sqrt(30), 1e-12, 'krocc');
  assert.equal(m.n, 4);
  assert.equal(m.dropped, 0);
  for (const k of ['plcc', 'rmse', 'srocc', 'krocc'] as const) {
    assert.equal(m[k].n, 4);
    assert.ok(Number.isNaN(m[k].lo) && Number.isNaN(m[k].hi), 'bootstrap: 0 gives no CI');
    assert.equal(m[k].resamples, 0);
  }
});

test('fitMetrics: hand-computed values with ties on both sides and a joint tie', () => {
  const pred = [1, 2, 2, 3, 3];
  const acc = [2, 1, 3, 3, 3];
  const m = fitMetrics(pred, acc, { bootstrap: 0 });
  // PLCC: x̄ = 2.2, ȳ = 2.4; dx = [−1.2, −.2, −.2, .8, .8], dy = [−.4, −1.4, .6, .6, .6]
  //   Σdxdy = .48 + .28 − .12 + .48 + .48 = 1.6; Σdx² = 2.8; Σdy² = 3.2 ⇒ r = 1.6/sqrt(8.96) = 4/sqrt(56)
  close(m.plcc.value, 1.6 / Math.sqrt(8.96), 1e-12, 'plcc');
  // RMSE: pred − acc = [−1, 1, −1, 0, 0] ⇒ sqrt(3/5)
  close(m.rmse.value, Math.sqrt(0.6), 1e-12, 'rmse');
  // SROCC: ranks(pred) = [1, 2.5, 2.5, 4.5, 4.5]; ranks(acc) = [2, 1, 4, 4, 4] (three 3s share ranks 3..5)
  //   centred (means 3, 3): [−2, −.5, −.5, 1.5, 1.5] and [−1, −2, 1, 1, 1]
  //   Σ = 2 + 1 − .5 + 1.5 + 1.5 = 5.5; Σdx² = 9; Σdy² = 8 ⇒ ρ = 5.5/sqrt(72) ≈ 0.648181
  close(m.srocc.value, 5.5 / Math.sqrt(72), 1e-12, 'srocc');
  // KROCC τ-b over the 10 pairs (i,j) of rows 0..4 = (1,2) (2,1) (2,3) (3,3) (3,3):
  //   concordant: (0,2) (0,3) (0,4) (1,3) (1,4) = 5; discordant: (0,1) = 1;
  //   tied in pred only: (1,2); tied in acc only: (2,3) (2,4); tied in both: (3,4)
  //   n0 = 10, n1 = pred-tied pairs = 2 [(1,2), (3,4)], n2 = acc-tied pairs = 3 [(2,3), (2,4), (3,4)]
  //   τb = (5 − 1)/sqrt((10 − 2)(10 − 3)) = 4/sqrt(56) ≈ 0.534522
  close(m.krocc.value, 4 / Math.sqrt(56), 1e-12, 'krocc');
  // and SROCC differs from the no-ties shortcut 1 − 6Σd²/(n(n²−1)): d = [−1, 1.5, −1.5, .5, .5], Σd² = 5.75
  assert.ok(Math.abs(m.srocc.value - (1 - (6 * 5.75) / (5 * 24))) > 1e-3);
});

test('fitMetrics drops and counts non-finite pairs, and every metric reports n and dropped', () => {
  const m = fitMetrics([1, NaN, 2, 2, 4, 7], [1, 5, 3, 2, 5, Infinity], { bootstrap: 0 });
  assert.equal(m.n, 4);
  assert.equal(m.dropped, 2);
  close(m.plcc.value, 25 / Math.sqrt(665)); // same pairs as the first example
  for (const k of ['plcc', 'rmse', 'srocc', 'krocc'] as const) {
    assert.equal(m[k].n, 4);
    assert.equal(m[k].dropped, 2);
  }
  assert.throws(() => fitMetrics([1, NaN], [1, 2]), /at least 2 finite.*1 dropped/);
  assert.throws(() => fitMetrics([1, 2], [1]), /length mismatch/);
});

test('fitMetrics CIs are the bootstrapCI percentiles (same seed, shared resamples) and bracket the value', () => {
  const g = new Rng(9);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 80; i++) {
    const a = g.normal();
    x.push(i % 4 === 0 ? Math.round(a) : a); // some ties
    y.push(i % 3 === 0 ? Math.round(a + 0.5 * g.normal()) : a + 0.5 * g.normal());
  }
  const m = fitMetrics(x, y, { bootstrap: 300, seed: 4, level: 0.9 });
  const metrics = { plcc: pearson, rmse, srocc: spearman, krocc: kendallTauB };
  for (const [k, f] of Object.entries(metrics) as [keyof typeof metrics, typeof pearson][]) {
    const ref = bootstrapCI(x, y, f, { resamples: 300, seed: 4, level: 0.9 });
    const old = refBootstrapCI(x, y, f, 300, 4, 0.9); // the per-metric bootstrap with comparator sorts
    assert.equal(m[k].lo, ref.lo, k);
    assert.equal(m[k].hi, ref.hi, k);
    assert.equal(m[k].lo, old.lo, k);
    assert.equal(m[k].hi, old.hi, k);
    assert.equal(m[k].skipped, old.skipped, k);
    assert.equal(m[k].value, f(x, y), k);
    assert.equal(m[k].level, 0.9);
    assert.ok(m[k].lo <= m[k].value && m[k].value <= m[k].hi, `${k}: ${m[k].lo} ${m[k].value} ${m[k].hi}`);
  }
  assert.deepEqual(fitMetrics(x, y, { bootstrap: 300, seed: 4, level: 0.9 }), m, 'deterministic by seed');
});

test('metricValues gives point values and NaN when undefined', () => {
  const v = metricValues([1, 2, 2, 4], [1, 3, 2, 5]);
  close(v.krocc, 5 / Math.sqrt(30));
  assert.equal(v.n, 4);
  const c = metricValues([3, 3, 3], [1, 2, 3]);
  assert.ok(Number.isNaN(c.plcc) && Number.isNaN(c.srocc) && Number.isNaN(c.krocc));
  close(c.rmse, Math.sqrt((4 + 1 + 0) / 3));
  assert.ok(Number.isNaN(metricValues([NaN], [1]).rmse));
});

test('fitLinear1D: exact and least-squares lines, drops non-finite pairs, rejects constant x', () => {
  const a = fitLinear1D([0, 1, 2], [1, 3, 5]);
  close(a.slope, 2);
  close(a.intercept, 1);
  // x̄ = 1.5, ȳ = 2.25; Σdxdy = 1.875 + .125 − .125 + 2.625 = 4.5; Σdx² = 5 ⇒ β = .9, α = 2.25 − 1.35 = .9
  const b = fitLinear1D([0, 1, 2, 3, NaN], [1, 2, 2, 4, 7]);
  close(b.slope, 0.9);
  close(b.intercept, 0.9);
  assert.equal(b.n, 4);
  assert.equal(b.dropped, 1);
  assert.deepEqual(applyLinear1D(a, [10, NaN]).map(String), ['21', 'NaN']);
  assert.throws(() => fitLinear1D([2, 2, 2], [1, 2, 3]), /x is constant/);
});

test('evaluateIndicator fits the line on train rows only and scores the test rows in accuracy units', () => {
  // train line (from above): acc ≈ 0.9 + 0.9·x; test x = [4, 5] ⇒ pred = [4.5, 5.4]
  // test acc = [5, 4] ⇒ RMSE = sqrt(((4.5−5)² + (5.4−4)²)/2) = sqrt((.25 + 1.96)/2) = sqrt(1.105)
  const r = evaluateIndicator({ train: { x: [0, 1, 2, 3], y: [1, 2, 2, 4] }, test: { x: [4, 5], y: [5, 4] } }, { bootstrap: 0 });
  close(r.mapping.slope, 0.9);
  close(r.predictions[0], 4.5);
  close(r.predictions[1], 5.4);
  close(r.rmse.value, Math.sqrt(1.105));
  assert.equal(r.plcc.value, -1);
  // a "lower is better" indicator: the fitted slope is negative, so the mapped prediction ranks correctly
  const neg = evaluateIndicator(
    { train: { x: [5, 4, 3, 2, 1], y: [1, 2, 3, 4, 5] }, test: { x: [10, 0, 6, NaN], y: [-4, 6, 0, 3] } },
    { bootstrap: 0 },
  );
  assert.ok(neg.mapping.slope < 0);
  close(neg.srocc.value, 1);
  close(neg.krocc.value, 1);
  close(neg.rmse.value, 0, 1e-12);
  assert.equal(neg.dropped, 1);
  assert.equal(neg.n, 3);
});

test('evaluatePredictor scores any predict(rows) model and counts rows it cannot predict', () => {
  const model = { predict: (rows: readonly { a: number }[]) => rows.map((r) => 2 * r.a) };
  const r = evaluatePredictor(model, [{ a: 0.5 }, { a: 1 }, { a: NaN }, { a: 2 }], [1, 3, 5, 4], { bootstrap: 0 });
  assert.equal(r.n, 3);
  assert.equal(r.dropped, 1);
  close(r.rmse.value, Math.sqrt(1 / 3)); // pred [1, 2, 4] vs [1, 3, 4]
  assert.throws(() => evaluatePredictor(model, [{ a: 1 }], [1, 2]), /1 rows but 2 accuracies/);
});

test('metricValues at the smallest sizes: two pairs give every metric, one pair only the RMSE', () => {
  // n = 2: pred [1, 2], acc [3, 5] rise together ⇒ PLCC = SROCC = KROCC = 1; RMSE = sqrt((2² + 3²)/2) = sqrt(6.5)
  const two = metricValues([1, 2], [3, 5]);
  close(two.plcc, 1, 1e-15, 'plcc');
  close(two.srocc, 1, 1e-15, 'srocc');
  assert.deepEqual([two.krocc, two.n], [1, 2]);
  close(two.rmse, Math.sqrt(6.5));
  // n = 1: |2 − 5| = 3; the correlations are undefined
  const one = metricValues([2, NaN], [5, 1]);
  assert.equal(one.rmse, 3);
  assert.equal(one.n, 1);
  assert.ok(Number.isNaN(one.plcc) && Number.isNaN(one.srocc) && Number.isNaN(one.krocc));
});

test('fitMetrics refuses a bootstrap count that is negative or not an integer, naming it', () => {
  for (const b of [-1, 1.5, NaN]) {
    assert.throws(() => fitMetrics([1, 2, 3], [1, 3, 2], { bootstrap: b }), (e: Error) => e.message === `fitMetrics: bootstrap must be an integer ≥ 0, got ${b}`, String(b));
  }
  assert.equal(fitMetrics([1, 2, 3], [1, 3, 2], { bootstrap: 1 }).plcc.resamples, 1);
});

test('fitLinear1D: two pairs are enough, one is refused by name; the centred sums keep the slope exact far from zero', () => {
  const two = fitLinear1D([1, 3], [2, 6]);
  assert.deepEqual([two.slope, two.intercept, two.n], [2, 0, 2]);
  assert.throws(() => fitLinear1D([1, NaN], [1, 2]), (e: Error) => e.message === 'fitLinear1D: needs at least 2 finite pairs, got 1 (1 dropped)');
  // y − 10⁹ = 10·x exactly: β = 10, α = 10⁹. Summing dx·(y − ȳ) keeps β to 1e-15 relative here;
  // dx·y alone would carry ȳ·Σdx (Σdx is 0 only up to round-off, times 10⁹) into β
  const far = fitLinear1D([0.1, 0.2, 0.7], [1e9 + 1, 1e9 + 2, 1e9 + 7]);
  close(far.slope, 10, 1e-9, 'slope');
  close(far.intercept, 1e9, 1e-6, 'intercept');
});

test('evaluateIndicator refuses test rows whose x and y differ in length', () => {
  assert.throws(
    () => evaluateIndicator({ train: { x: [0, 1, 2], y: [1, 2, 4] }, test: { x: [1, 2, 3], y: [1, 2] } }, { bootstrap: 0 }),
    (e: Error) => e.message === 'evaluateIndicator: test x has 3 values, y has 2',
  );
});
