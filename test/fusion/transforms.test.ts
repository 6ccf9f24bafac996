import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyTransform,
  assertTransformApplicable,
  fitTransform,
  transformMonotonicity,
  type TransformName,
} from '../../src/fusion/transforms';
import { fitFusion } from '../../src/fusion/model';
import { errorMessage } from '../support/errorMessage';

const o = (indicator: string, rows?: number[]) => ({ indicator, rows });

test('identity, log, negLog and signedLog compute the documented values', () => {
  assert.deepEqual(applyTransform({ name: 'identity' }, [-2, 0, 3], o('a')), [-2, 0, 3]);
  assert.deepEqual(applyTransform({ name: 'log' }, [1, Math.E, 100], o('nlr')), [0, 1, Math.log(100)]);
  // CNNTK stored negated (−κ, higher = better): log(−x) gives back ln κ
  assert.deepEqual(applyTransform({ name: 'negLog' }, [-1, -Math.E, -1e4], o('cnntk')), [0, 1, Math.log(1e4)]);
  const s = applyTransform({ name: 'signedLog' }, [-Math.E + 1, 0, 3], o('x'));
  assert.ok(Math.abs(s[0] + 1) < 1e-15 && s[1] === 0 && Math.abs(s[2] - Math.log(4)) < 1e-15, String(s));
});

test('rank transform: mid-rank ECDF of the training values, applied to new values', () => {
  const t = fitTransform('rank', [30, 10, 20, 20], o('r'));
  // training sorted [10, 20, 20, 30], m = 4: t(x) = (#below + ½#equal)/4
  assert.deepEqual(applyTransform(t, [10, 20, 30], o('r')), [0.125, 0.5, 0.875]);
  assert.deepEqual(applyTransform(t, [5, 15, 25, 99], o('r')), [0, 0.25, 0.75, 1]);
  assert.ok(t.name === 'rank' && t.reference.join() === '10,20,20,30', 'reference sorted, input untouched');
});

test('monotonicity: only negLog is decreasing', () => {
  const names: TransformName[] = ['identity', 'log', 'negLog', 'signedLog', 'rank'];
  assert.deepEqual(names.map(transformMonotonicity), [1, 1, -1, 1, 1]);
});

test('domain errors name the transform, the indicator, the bad value and its table row', () => {
  assert.throws(() => applyTransform({ name: 'log' }, [2, 0, 3], o('cnntk', [7, 8, 9])), (e: Error) => {
    assert.match(e.message, /transform 'log' needs indicator 'cnntk' > 0, got 0 at row 8/);
    assert.match(e.message, /negLog/);
    return true;
  });
  assert.throws(() => fitTransform('log', [1, -3], o('nlr')), /indicator 'nlr' > 0, got -3 at row 1/);
  assert.throws(() => applyTransform({ name: 'negLog' }, [-1, 2], o('cnntk')), /'negLog' needs indicator 'cnntk' < 0, got 2 at row 1/);
  assert.throws(() => assertTransformApplicable('identity', [1, NaN], o('a', [4, 5])), /'a' has non-finite value NaN at row 5/);
  assert.throws(() => assertTransformApplicable('sqrt' as TransformName, [1], o('a')), /unknown transform 'sqrt' for indicator 'a'/);
});

test('fitFusion reports a transform error with the row of the original table', () => {
  const rows = [
    { k: 5, acc: 1 },
    { k: NaN, acc: 2 }, // dropped before the transform
    { k: 2, acc: 3 },
    { k: -1, acc: 4 },
  ];
  assert.throws(
    () => fitFusion({ table: { names: ['k', 'acc'], rows }, accuracyKey: 'acc' }, ['k'], { transforms: { k: 'log' } }),
    /indicator 'k' > 0, got -1 at row 3/,
  );
  assert.throws(
    () => fitFusion({ table: { names: ['k', 'acc'], rows }, accuracyKey: 'acc' }, ['k'], { transforms: { z: 'log' } }),
    /transform given for 'z', which is not a selected indicator/,
  );
});

test('transform errors: the exact messages, with the table row when rows are given and the position otherwise', () => {
  const msg = errorMessage;
  assert.equal(
    msg(() => applyTransform({ name: 'log' }, [1, -2], o('nlr'))),
    "fusion: transform 'log' needs indicator 'nlr' > 0, got -2 at row 1; choose another transform for 'nlr' (identity, signedLog, rank, negLog for negative values)",
  );
  assert.equal(
    msg(() => applyTransform({ name: 'negLog' }, [-1, 0], o('k', [5, 9]))),
    "fusion: transform 'negLog' needs indicator 'k' < 0, got 0 at row 9; choose another transform for 'k' (identity, signedLog, rank)",
  );
  assert.equal(msg(() => assertTransformApplicable('rank', [Infinity], o('r'))), "fusion: indicator 'r' has non-finite value Infinity at row 0 (drop such rows first)");
  assert.equal(
    msg(() => assertTransformApplicable('cube' as TransformName, [], o('c'))),
    "fusion: unknown transform 'cube' for indicator 'c' (known: identity, log, negLog, signedLog, rank)",
  );
  assert.equal(msg(() => fitTransform('rank', [], o('r'))), "fusion: transform 'rank' of 'r' needs training values");
  // 0 is outside both log domains; the other transforms take any finite value
  assert.throws(() => applyTransform({ name: 'negLog' }, [0], o('k')), /< 0, got 0/);
  for (const name of ['identity', 'signedLog'] as const) assert.deepEqual(applyTransform({ name }, [0, -0.5, 2], o('a')).map((v) => Math.sign(v)), [0, -1, 1]);
  assert.deepEqual(fitTransform('log', [1, 2], o('a')), { name: 'log' }, 'only rank keeps training values');
});

test('rank transform: binary-search counts on longer references with runs of ties, against a direct count', () => {
  const train = [7, 1, 3, 3, 3, 9, 1, 5, 8, 8, 2, 6, 3];
  const t = fitTransform('rank', train, o('r'));
  const direct = (x: number): number => (train.filter((r) => r < x).length + 0.5 * train.filter((r) => r === x).length) / train.length;
  const xs = [0, 1, 1.5, 2, 3, 4, 5, 5.5, 6, 7, 8, 8.5, 9, 10];
  assert.deepEqual(applyTransform(t, xs, o('r')), xs.map(direct));
  const single = fitTransform('rank', [4], o('r'));
  assert.deepEqual(applyTransform(single, [3, 4, 5], o('r')), [0, 0.5, 1]);
});
