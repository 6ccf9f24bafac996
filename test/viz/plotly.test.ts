import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vm from 'vm';
import {
  bar,
  figureHtml,
  figureSummary,
  heatmap,
  histogram,
  overlay,
  plotlyLibHtml,
  scatter,
  scriptJson,
} from '../../src/viz/plotly';

test('scatter: plain data, titles in {text} form, numeric colour → colour scale', () => {
  const fig = scatter([1, 2, 3], [4, 5, 6], { title: 'T', xTitle: 'X', yTitle: 'Y', text: ['a', 'b', 'c'], color: [0.1, 0.2, 0.3] });
  assert.equal(fig.data.length, 1);
  const t = fig.data[0];
  assert.equal(t.type, 'scatter');
  assert.equal(t.mode, 'markers');
  assert.deepEqual(t.x, [1, 2, 3]);
  assert.deepEqual(t.y, [4, 5, 6]);
  assert.deepEqual(t.text, ['a', 'b', 'c']);
  assert.deepEqual(t.marker.color, [0.1, 0.2, 0.3]);
  assert.equal(t.marker.showscale, true);
  assert.equal(fig.layout.title.text, 'T');
  assert.equal(fig.layout.title.xanchor, 'left');
  assert.deepEqual(fig.layout.xaxis.title, { text: 'X' });
  assert.deepEqual(fig.layout.yaxis.title, { text: 'Y' });
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, 'figure is plain JSON data');
  assert.equal(scatter(new Float64Array([1]), [2], { color: 'red', logY: true }).data[0].marker.color, 'red');
  assert.equal(scatter([1], [2], { logY: true }).layout.yaxis.type, 'log');
  assert.throws(() => scatter([1, 2], [1]), /length/);
  assert.throws(() => scatter([1, 2], [1, 2], { text: ['a'] }), /text/);
});

test('heatmap / histogram / bar: data arrays', () => {
  const h = heatmap([[1, 0.5], [0.5, 1]], { title: 'corr', x: ['a', 'b'], y: ['a', 'b'], zmin: -1, zmax: 1, showValues: true });
  assert.equal(h.data[0].type, 'heatmap');
  assert.deepEqual(h.data[0].z, [[1, 0.5], [0.5, 1]]);
  assert.deepEqual(h.data[0].x, ['a', 'b']);
  assert.equal(h.data[0].zmin, -1);
  assert.equal(h.data[0].texttemplate, '%{z:.2f}');
  assert.equal(h.layout.yaxis.autorange, 'reversed');
  assert.throws(() => heatmap([[1, 2], [3]]), /row 1/);
  assert.equal(h.data[0].reversescale, undefined);
  assert.equal(heatmap([[0, 3]], { colorscale: 'Blues', reverseScale: true }).data[0].reversescale, true, 'counts: more is darker');
  assert.equal(heatmap([[-1, 3]], { zmid: 0 }).data[0].zmid, 0, 'differences: 0 is the neutral colour');

  const hist = histogram([1, 2, 2, 3], { nbins: 3, xTitle: 'v' });
  assert.equal(hist.data[0].type, 'histogram');
  assert.deepEqual(hist.data[0].x, [1, 2, 2, 3]);
  assert.equal(hist.data[0].nbinsx, 3);
  assert.deepEqual(hist.layout.yaxis.title, { text: 'count' });

  const b = bar(['naswot', 'das'], [0.8, 0.7], { error: [0.01, 0.02] });
  assert.equal(b.data[0].type, 'bar');
  assert.deepEqual(b.data[0].x, ['naswot', 'das']);
  assert.deepEqual(b.data[0].y, [0.8, 0.7]);
  assert.deepEqual(b.data[0].error_y.array, [0.01, 0.02]);
  const bh = bar(['a'], [1], { horizontal: true });
  assert.deepEqual(bh.data[0].y, ['a']);
  assert.equal(bh.data[0].orientation, 'h');
  assert.throws(() => bar(['a', 'b'], [1]), /length/);

  const o = overlay([histogram([1], { name: 'A' }), histogram([2], { name: 'B' })], { title: 'A vs B', barmode: 'overlay' });
  assert.equal(o.data.length, 2);
  assert.equal(o.layout.showlegend, true);
  assert.equal(o.layout.barmode, 'overlay');
  // the parts were drawn without titles (top margin 20): the overlay's title gets room above the plot
  assert.equal(histogram([1]).layout.margin.t, 20);
  assert.equal(o.layout.margin.t, 60);
  assert.equal(overlay([histogram([1]), histogram([2])]).layout.margin.t, 20, 'no title, no extra room');
  assert.match(figureSummary(o), /"A vs B": histogram\(1\), histogram\(1\)/);
});

test('figureHtml: div + Plotly.newPlot with the data; script-safe JSON; valid JS', () => {
  const fig = scatter([1, 2, 3], [10, 20, 30], { title: '</script><b>x</b>', text: ['<!--', 'b', 'c'] });
  fig.data[0].y.push(NaN);
  fig.data[0].x.push(4);
  const html = figureHtml(fig, { id: 'my-plot' });
  assert.match(html, /^<div id="my-plot"/);
  assert.ok(html.includes('Plotly.newPlot'));
  assert.ok(html.includes('[1,2,3,4]'));
  assert.ok(html.includes('[10,20,30,null]'), 'NaN → null (a gap)');
  const script = html.slice(html.indexOf('<script'), html.lastIndexOf('</script>'));
  assert.ok(!/<\/script/i.test(script.slice(1)), 'no premature </script>');
  assert.ok(!script.includes('<!--'));
  // Run the script against a fake DOM to check it parses and calls Plotly.newPlot correctly.
  const calls: unknown[][] = [];
  const el = { id: 'my-plot', textContent: '' };
  const window: Record<string, unknown> = { Plotly: { newPlot: (...a: unknown[]) => calls.push(a) } };
  const document = { currentScript: null, getElementById: (id: string) => (id === 'my-plot' ? el : null) };
  vm.runInNewContext(script.slice(script.indexOf('>') + 1), { window, document });
  assert.equal(calls.length, 1);
  const [target, data, layout, config] = calls[0] as [unknown, { y: unknown[] }[], { title: { text: string } }, { responsive: boolean }];
  assert.equal(target, el);
  assert.deepEqual(JSON.parse(JSON.stringify(data[0].y)), [10, 20, 30, null]); // other realm
  assert.equal(layout.title.text, '</script><b>x</b>');
  assert.equal(config.responsive, true);
  // Without plotly.js loaded: a readable message instead of an exception.
  vm.runInNewContext(script.slice(script.indexOf('>') + 1), { window: {}, document });
  assert.match(el.textContent, /plotly\.js is not loaded/);
  // Fresh ids differ.
  const a = figureHtml(fig);
  const b = figureHtml(fig);
  assert.notEqual(a.match(/id="([^"]+)"/)?.[1], b.match(/id="([^"]+)"/)?.[1]);
});

test('scriptJson escapes HTML-significant characters', () => {
  const s = scriptJson({ a: '</script>&<!--\u2028' });
  assert.ok(!/[<>&\u2028]/.test(s));
  assert.deepEqual(JSON.parse(s), { a: '</script>&<!--\u2028' });
});

test('plotlyLibHtml: inlines plotly.js once, hides AMD define while loading', () => {
  const lib = plotlyLibHtml();
  assert.ok(lib.length > 1_000_000);
  assert.ok(lib.includes('Plotly'));
  assert.ok(lib.includes('window.define = undefined'));
  const scripts = lib.match(/<script\b/g) ?? [];
  const ends = lib.match(/<\/script>/gi) ?? [];
  assert.equal(scripts.length, 3);
  assert.equal(ends.length, 3, 'the library body holds no </script>');
  assert.equal(plotlyLibHtml(), lib, 'cached');
});
