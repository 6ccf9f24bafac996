import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { box, commonBins, histogram, overlay } from '../../src/viz/plotly';

test('commonBins spans the finite values of every sample', () => {
  const b = commonBins([[1, 2, NaN], [5, -Infinity, 3]], 4);
  assert.equal(b.start, 1);
  assert.equal(b.size, 1);
  assert.ok(b.end > 5 && b.end < 5.001);
  assert.throws(() => commonBins([[NaN]], 3), /no finite value/);
  assert.throws(() => commonBins([[1, 2]], 0), /nbins/);
});

test('overlaid histograms share bin edges on the data range; explicit bins are kept', () => {
  const f = overlay([histogram([80, 85, 90], { nbins: 10 }), histogram([91, 93.5], { nbins: 20 })]);
  const [a, b] = f.data as any[];
  assert.deepEqual(a.xbins, b.xbins);
  assert.equal(a.xbins.start, 80);
  assert.ok(Math.abs(a.xbins.size - 13.5 / 20) < 1e-12);
  assert.equal(a.nbinsx, undefined);
  const g = overlay([histogram([1, 2], { bins: { start: 0, end: 10, size: 1 } }), histogram([3, 4])]);
  assert.deepEqual((g.data[0] as any).xbins, { start: 0, end: 10, size: 1 });
});

test('box: one trace per group with hover text; titles sit at the left', () => {
  const f = box([{ name: 'a', values: [1, 2, 3], text: ['x', 'y', 'z'] }, { name: 'b', values: [2, 3] }], { title: 'T' });
  assert.equal(f.data.length, 2);
  assert.deepEqual((f.data[0] as any).text, ['x', 'y', 'z']);
  assert.equal(f.layout.title.xanchor, 'left');
  assert.throws(() => box([{ name: 'a', values: [1, 2], text: ['x'] }]), /text has length 1/);
});
