import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { compareFusion, compareFusionTransfer, compareTableRows, fusionHeldOut, fusionVerdict, indicatorsHeldOut } from '../../src/fusion/compare';
import { kFoldSplits } from '../../src/fusion/cv';
import { fitFusion } from '../../src/fusion/model';
import { fitLinear1D, fitMetrics, metricValues } from '../../src/stats/fitMetrics';
import type { FusionTable } from '../../src/fusion/data';

/** acc depends on two independent signals; `kappa` (lower = better) is a noisy log-scale copy of one. */
function synth(seed: number, n: number): FusionTable {
  const g = new Rng(seed);
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < n; i++) {
    const s1 = g.normal();
    const s2 = g.normal();
    rows.push({
      cj: s1 + 0.3 * g.normal(),
      nlr: Math.exp(1 + s2 + 0.3 * g.normal()),
      kappa: Math.exp(3 - s1 + 0.8 * g.normal()),
      acc: 85 + 2 * s1 + 1.5 * s2 + 0.3 * g.normal(),
    });
  }
  return { names: ['cj', 'nlr', 'kappa', 'acc'], rows };
}

const IND = ['cj', 'nlr', 'kappa'];
const OPTIONS = { transforms: { nlr: 'log' as const, kappa: 'log' as const } };

test('compareFusion: per-indicator and FI held-out metrics on the same rows, the full model, OOF predictions', () => {
  const t = synth(1, 150);
  const rows = [...t.rows, { cj: NaN, nlr: 1, kappa: 1, acc: 80 }, { cj: 1, nlr: 1, kappa: 1, acc: Infinity }];
  const r = compareFusion({ table: { names: t.names, rows }, indicators: IND, accuracyKey: 'acc', folds: 5, seed: 3, options: OPTIONS, metrics: { bootstrap: 200 } });
  assert.equal(r.n, 150);
  assert.equal(r.dropped, 2);
  assert.deepEqual(r.droppedBy, { cj: 1, nlr: 0, kappa: 0, acc: 1 });
  assert.deepEqual(r.perIndicator.map((p) => [p.name, p.transform]), [['cj', 'identity'], ['nlr', 'log'], ['kappa', 'log']]);
  for (const e of [...r.perIndicator, r.fusion]) {
    assert.equal(e.metrics.n, 150, e.name);
    assert.equal(e.metrics.dropped, 0, e.name);
    assert.equal(e.oof.length, 150);
    assert.equal(e.perFold.length, 5);
    assert.ok(e.metrics.krocc.lo <= e.metrics.krocc.value && e.metrics.krocc.value <= e.metrics.krocc.hi);
  }
  // a lower-is-better indicator mapped through its line ranks positively
  assert.ok(r.perIndicator[2].mappings.every((m) => m.slope < 0));
  assert.ok(r.perIndicator[2].metrics.srocc.value > 0);
  // two independent signals: FI wins on every metric
  for (const p of r.perIndicator) {
    assert.ok(r.fusion.metrics.srocc.value > p.metrics.srocc.value, `srocc FI vs ${p.name}`);
    assert.ok(r.fusion.metrics.krocc.value > p.metrics.krocc.value, `krocc FI vs ${p.name}`);
    assert.ok(r.fusion.metrics.rmse.value < p.metrics.rmse.value, `rmse FI vs ${p.name}`);
  }
  // the full-data model is the plain fit on all complete rows
  const full = fitFusion({ table: { names: t.names, rows }, accuracyKey: 'acc' }, IND, OPTIONS);
  assert.deepEqual(r.model.weights, full.weights);
  assert.deepEqual(r.fusion.oof, r.cv.oof);
  // FI metrics are fitMetrics on the OOF predictions
  assert.deepEqual(r.fusion.metrics, fitMetrics(r.cv.oof, r.actual, { bootstrap: 200 }));
  const rowsOut = compareTableRows(r);
  assert.deepEqual(rowsOut.map((x) => x.predictor), ['cj', 'nlr', 'kappa', 'FI']);
  assert.equal(rowsOut[3].srocc, r.fusion.metrics.srocc.value);
});

test('compareFusion: an indicator\'s OOF prediction is the 1-D line fitted on its fold\'s training rows', () => {
  const t = synth(2, 60);
  const r = compareFusion({ table: t, indicators: IND, accuracyKey: 'acc', folds: 3, seed: 9, options: OPTIONS, metrics: { bootstrap: 0 } });
  const nlr = r.perIndicator[1];
  r.cv.folds.forEach((f, k) => {
    const line = fitLinear1D(f.train.map((i) => Math.log(t.rows[r.rowIndex[i]].nlr)), f.train.map((i) => r.actual[i]));
    assert.equal(nlr.mappings[k].slope, line.slope);
    for (const i of f.test) {
      const expected = line.intercept + line.slope * Math.log(t.rows[r.rowIndex[i]].nlr);
      assert.ok(Math.abs(nlr.oof[i] - expected) < 1e-12);
    }
  });
  // deterministic by seed
  const again = compareFusion({ table: t, indicators: IND, accuracyKey: 'acc', folds: 3, seed: 9, options: OPTIONS, metrics: { bootstrap: 0 } });
  assert.deepEqual(again.perIndicator.map((p) => p.oof), r.perIndicator.map((p) => p.oof));
  assert.deepEqual(again.fusion.oof, r.fusion.oof);
});

test('compareFusion with a hold-out split evaluates the test rows only', () => {
  const t = synth(3, 80);
  const r = compareFusion({ table: t, indicators: IND, accuracy: t.rows.map((x) => x.acc), testFraction: 0.25, seed: 1, options: OPTIONS, metrics: { bootstrap: 0 } });
  assert.deepEqual(r.spec, { testFraction: 0.25 });
  assert.equal(r.fusion.metrics.n, 20);
  assert.equal(r.fusion.metrics.dropped, 0, 'training rows are not counted as dropped');
  assert.equal(r.perIndicator[0].metrics.n, 20);
  assert.equal(r.fusion.oof.filter(Number.isFinite).length, 20);
  assert.throws(() => compareFusion({ table: t, indicators: IND, accuracyKey: 'acc', folds: 3, testFraction: 0.2 }), /either folds or testFraction/);
  assert.throws(() => compareFusion({ table: t, indicators: IND }), /exactly one of accuracyKey and accuracy/);
});

test('compareFusionTransfer: lines and FI fitted on one dataset are scored unchanged on another', () => {
  const a = synth(4, 120);
  const b = synth(5, 90);
  const rowsB = [...b.rows, { cj: 1, nlr: NaN, kappa: 1, acc: 80 }];
  const r = compareFusionTransfer({
    train: { table: a, accuracyKey: 'acc' },
    test: { table: { names: b.names, rows: rowsB }, accuracy: rowsB.map((x) => x.acc) },
    indicators: IND,
    options: OPTIONS,
    metrics: { bootstrap: 0 },
  });
  assert.equal(r.train.n, 120);
  assert.equal(r.test.n, 90);
  assert.equal(r.test.dropped, 1);
  assert.deepEqual(r.model.weights, fitFusion({ table: a, accuracyKey: 'acc' }, IND, OPTIONS).weights);
  assert.deepEqual(r.fusion.predictions, r.model.predict(b.rows));
  const line = fitLinear1D(a.rows.map((x) => Math.log(x.kappa)), a.rows.map((x) => x.acc));
  assert.equal(r.perIndicator[2].mapping.slope, line.slope);
  b.rows.forEach((x, i) => assert.ok(Math.abs(r.perIndicator[2].predictions[i] - (line.intercept + line.slope * Math.log(x.kappa))) < 1e-12));
  assert.deepEqual(r.fusion.metrics, fitMetrics(r.fusion.predictions, r.test.actual, { bootstrap: 0 }));
  for (const p of r.perIndicator) assert.ok(r.fusion.metrics.krocc.value > p.metrics.krocc.value, p.name);
});

test('fusionVerdict names the best single indicator and tells clear wins, overlapping CIs and losses apart', () => {
  const m = (value: number, lo: number, hi: number) => ({ value, lo, hi, level: 0.95, resamples: 100, skipped: 0, n: 50, dropped: 0 });
  const fm = (k: ReturnType<typeof m>) => ({ plcc: k, rmse: k, srocc: k, krocc: k, n: 50, dropped: 0 });
  const r = (fi: ReturnType<typeof m>) => ({
    perIndicator: [
      { name: 'a', metrics: fm(m(0.4, 0.35, 0.45)) },
      { name: 'b', metrics: fm(m(0.5, 0.45, 0.55)) },
    ],
    fusion: { metrics: fm(fi) },
  });
  const clear = fusionVerdict(r(m(0.6, 0.56, 0.64)), 'krocc');
  assert.equal(clear.best.name, 'b');
  assert.equal(clear.outcome, 'clear');
  assert.equal(clear.text, 'FI 0.600 [0.560, 0.640] vs the best single indicator b 0.500 [0.450, 0.550]: FI beats it clearly (CIs do not overlap)');
  assert.equal(fusionVerdict(r(m(0.52, 0.47, 0.57)), 'srocc').outcome, 'overlap');
  assert.equal(fusionVerdict(r(m(0.5, 0.45, 0.55)), 'srocc').outcome, 'no', 'a tie is not a win');
  assert.match(fusionVerdict(r(m(0.3, 0.2, 0.4)), 'krocc').text, /does NOT beat it$/);
  assert.throws(() => fusionVerdict({ perIndicator: [], fusion: { metrics: fm(m(0.5, 0.4, 0.6)) } }, 'krocc'), /no single indicators/);
});

test('compareFusion is its two halves: fusionHeldOut and indicatorsHeldOut give the same fields on their own', () => {
  const t = synth(4, 90);
  for (const input of [
    { table: t, indicators: IND, accuracyKey: 'acc', folds: 4, seed: 2, options: OPTIONS, metrics: { bootstrap: 50, seed: 3 } },
    { table: t, indicators: IND, accuracy: t.rows.map((x) => x.acc as number), testFraction: 0.3, seed: 5, options: OPTIONS, metrics: { bootstrap: 0 } },
  ]) {
    const whole = compareFusion(input);
    const fi = fusionHeldOut(input);
    const singles = indicatorsHeldOut(input);
    const { perIndicator, fusion, model, cv, ...rows } = whole;
    assert.deepEqual(singles, { ...rows, perIndicator });
    assert.deepEqual({ ...fi, model: fi.model.toJSON() }, { ...rows, fusion, model: model.toJSON(), cv });
  }
});

test('compareTableRows: one flat row per predictor with every metric and its CI bounds, FI last with its transforms', () => {
  const t = synth(6, 40);
  const r = compareFusion({ table: t, indicators: IND, accuracyKey: 'acc', folds: 4, seed: 1, options: OPTIONS, metrics: { bootstrap: 30 } });
  const out = compareTableRows(r);
  // the CI bounds are distinct numbers (the bootstrap ran), so no column stands in for another
  assert.ok(out.every((row) => row.plcc_lo !== row.plcc_hi && row.rmse_lo !== row.rmse_hi && row.srocc_lo !== row.srocc_hi && row.krocc_lo !== row.krocc_hi));
  const flat = (predictor: string, transform: string, m: typeof r.fusion.metrics) => ({
    predictor,
    transform,
    n: m.n,
    ...Object.fromEntries((['plcc', 'rmse', 'srocc', 'krocc'] as const).flatMap((k) => [[k, m[k].value], [`${k}_lo`, m[k].lo], [`${k}_hi`, m[k].hi]])),
  });
  assert.deepEqual(out, [
    flat('cj', 'identity', r.perIndicator[0].metrics),
    flat('nlr', 'log', r.perIndicator[1].metrics),
    flat('kappa', 'log', r.perIndicator[2].metrics),
    flat('FI', 'identity/log/log', r.fusion.metrics),
  ]);
});

test('compareFusion defaults: 5 folds and split seed 0; too few rows and failing lines are refused with the place named', () => {
  const t = synth(7, 30);
  const r = compareFusion({ table: t, indicators: ['cj'], accuracyKey: 'acc', metrics: { bootstrap: 0 } });
  assert.deepEqual(r.spec, { folds: 5 });
  assert.equal(r.seed, 0);
  assert.equal(r.cv.folds.length, 5);
  assert.deepEqual(r.fusion.oof, compareFusion({ table: t, indicators: ['cj'], accuracyKey: 'acc', folds: 5, seed: 0, metrics: { bootstrap: 0 } }).fusion.oof);
  assert.equal(r.perIndicator[0].transform, 'identity');
  // the metrics' own defaults: 1000 resamples
  assert.equal(compareFusion({ table: t, indicators: ['cj'], accuracyKey: 'acc', folds: 3 }).fusion.metrics.krocc.resamples, 1000);
  const few = { names: t.names, rows: [...t.rows.slice(0, 2), { cj: NaN, nlr: 1, kappa: 1, acc: 1 }] };
  assert.throws(() => compareFusion({ table: few, indicators: IND, accuracyKey: 'acc' }), /compareFusion: needs at least 3 complete rows, got 2 \(1 dropped as non-finite\)/);
  // an indicator constant on a fold's training rows: its line cannot be fitted, and the message says where
  const flat = { names: t.names, rows: t.rows.map((x, i) => ({ ...x, cj: i === 0 ? 5 : 1 })) };
  assert.throws(
    () => indicatorsHeldOut({ table: flat, indicators: ['cj'], accuracyKey: 'acc', folds: 10, seed: 0, metrics: { bootstrap: 0 } }),
    /^Error: compareFusion: indicator 'cj', split \d+: fitLinear1D: x is constant/,
  );
  const flatTrain = { names: t.names, rows: t.rows.map((x) => ({ ...x, cj: 1 })) };
  assert.throws(
    () => compareFusionTransfer({ train: { table: flatTrain, accuracyKey: 'acc' }, test: { table: t, accuracyKey: 'acc' }, indicators: ['cj'], metrics: { bootstrap: 0 } }),
    /'cj' is constant/,
  );
});

test('compareFusionTransfer: each side needs exactly one accuracy source, and at least 2 complete test rows', () => {
  const a = synth(8, 30);
  const b = synth(9, 20);
  const ok = { table: b, accuracyKey: 'acc' };
  assert.throws(() => compareFusionTransfer({ train: { table: a }, test: ok, indicators: IND }), /compareFusionTransfer: train: give exactly one of accuracyKey and accuracy/);
  assert.throws(
    () => compareFusionTransfer({ train: { table: a, accuracyKey: 'acc' }, test: { table: b, accuracyKey: 'acc', accuracy: [] }, indicators: IND }),
    /compareFusionTransfer: test: give exactly one/,
  );
  const one = { names: b.names, rows: [b.rows[0], { ...b.rows[1], acc: NaN }] };
  assert.throws(
    () => compareFusionTransfer({ train: { table: a, accuracyKey: 'acc' }, test: { table: one, accuracyKey: 'acc' }, indicators: IND, options: OPTIONS }),
    /needs at least 2 complete test rows, got 1/,
  );
  const r = compareFusionTransfer({ train: { table: a, accuracy: a.rows.map((x) => x.acc) }, test: ok, indicators: IND, options: OPTIONS, metrics: { bootstrap: 0 } });
  assert.deepEqual(r.indicators, IND);
  assert.deepEqual(r.train, { n: 30, dropped: 0, droppedBy: { cj: 0, nlr: 0, kappa: 0, accuracy: 0 }, rowIndex: [...Array(30).keys()], actual: a.rows.map((x) => x.acc) });
  assert.deepEqual(r.perIndicator.map((p) => [p.name, p.transform]), [['cj', 'identity'], ['nlr', 'log'], ['kappa', 'log']]);
  assert.equal(r.fusion.name, 'FI');
});

test('fusionVerdict: without CIs the text shows the values only; the first of equally good indicators is the best', () => {
  const m = (value: number, lo: number, hi: number) => ({ value, lo, hi, level: 0.95, resamples: 0, skipped: 0, n: 50, dropped: 0 });
  const fm = (k: ReturnType<typeof m>) => ({ plcc: k, rmse: k, srocc: k, krocc: k, n: 50, dropped: 0 });
  const v = fusionVerdict(
    { perIndicator: [{ name: 'a', metrics: fm(m(0.5, NaN, NaN)) }, { name: 'b', metrics: fm(m(0.5, NaN, NaN)) }, { name: 'c', metrics: fm(m(0.2, NaN, NaN)) }], fusion: { metrics: fm(m(0.61, NaN, NaN)) } },
    'srocc',
  );
  assert.equal(v.metric, 'srocc');
  assert.equal(v.best.name, 'a');
  assert.equal(v.outcome, 'overlap', 'a NaN lower bound is not above the other interval');
  assert.equal(v.text, 'FI 0.610 vs the best single indicator a 0.500: FI is higher, but the CIs overlap');
  // FI's interval touching the best one's is an overlap, not a clear win
  const w = fusionVerdict({ perIndicator: [{ name: 'a', metrics: fm(m(0.5, 0.4, 0.6)) }], fusion: { metrics: fm(m(0.7, 0.6, 0.8)) } }, 'krocc');
  assert.equal(w.outcome, 'overlap');
  assert.deepEqual(w.fi, m(0.7, 0.6, 0.8));
  assert.deepEqual(w.best.metric, m(0.5, 0.4, 0.6));
});

test('per-fold values are the plain metrics on each fold\'s held-out rows; hold-out leaves the other rows NaN for every predictor', () => {
  const t = synth(11, 45);
  const r = compareFusion({ table: t, indicators: IND, accuracyKey: 'acc', folds: 3, seed: 4, options: OPTIONS, metrics: { bootstrap: 0 } });
  for (const e of [...r.perIndicator, r.fusion]) {
    r.cv.folds.forEach((f, k) => assert.deepEqual(e.perFold[k], metricValues(f.test.map((i) => e.oof[i]), f.test.map((i) => r.actual[i])), `${e.name} fold ${k}`));
  }
  assert.equal(r.fusion.name, 'FI');
  assert.equal(fusionHeldOut({ table: t, indicators: IND, accuracyKey: 'acc', folds: 3, metrics: { bootstrap: 0 } }).fusion.name, 'FI');
  const h = indicatorsHeldOut({ table: t, indicators: IND, accuracyKey: 'acc', testFraction: 0.2, seed: 4, options: OPTIONS, metrics: { bootstrap: 0 } });
  for (const p of h.perIndicator) {
    assert.equal(p.oof.length, 45);
    assert.equal(p.oof.filter((v) => Number.isNaN(v)).length, 36, p.name);
  }
});

test('a value outside a transform\'s domain is named with its indicator and table row, on the training and on the held-out side', () => {
  const t = synth(12, 20);
  const rows = t.rows.map((x, i) => (i === 13 ? { ...x, nlr: -1 } : x));
  const table = { names: t.names, rows };
  const input = { table, indicators: ['nlr'], accuracyKey: 'acc', options: { transforms: { nlr: 'log' as const } }, metrics: { bootstrap: 0 } };
  // whichever fold meets row 13 first (training rows of fold 0, or its held-out rows), the message names it
  for (const seed of [0, 1, 2, 3]) {
    assert.throws(() => indicatorsHeldOut({ ...input, folds: 2, seed }), /'log' needs indicator 'nlr' > 0, got -1 at row 13/, `seed ${seed}`);
  }
  const heldOut = makeHeldOutSeed(20, 13);
  assert.throws(() => indicatorsHeldOut({ ...input, folds: 2, seed: heldOut }), /'log' needs indicator 'nlr' > 0, got -1 at row 13/);
  // transfer: a bad value on the test side, where the line (not the fit) meets it first
  assert.throws(
    () => compareFusionTransfer({ train: { table: t, accuracyKey: 'acc' }, test: { table, accuracyKey: 'acc' }, indicators: ['nlr'], options: input.options, metrics: { bootstrap: 0 } }),
    /'log' needs indicator 'nlr' > 0, got -1 at row 13/,
  );
});

/** A split seed whose first of 2 folds holds out row `row` of n (so fold 0 trains without it). */
function makeHeldOutSeed(n: number, row: number): number {
  for (let seed = 0; ; seed++) if (kFoldSplits(n, 2, seed)[0].test.includes(row)) return seed;
}

test('the smallest inputs allowed: 3 complete rows for held-out comparison, 2 test rows for a transfer; options may be left out', () => {
  const t = synth(13, 3);
  const r = compareFusion({ table: t, indicators: ['cj'], accuracyKey: 'acc', folds: 3, metrics: { bootstrap: 0 } });
  assert.equal(r.n, 3);
  assert.equal(r.perIndicator[0].oof.filter(Number.isFinite).length, 3);
  const two = synth(14, 2);
  const x = compareFusionTransfer({ train: { table: synth(15, 10), accuracyKey: 'acc' }, test: { table: two, accuracyKey: 'acc' }, indicators: IND, metrics: { bootstrap: 0 } });
  assert.equal(x.test.n, 2);
  assert.deepEqual(x.perIndicator.map((p) => p.transform), ['identity', 'identity', 'identity']);
  assert.equal(x.fusion.predictions.length, 2);
});
