import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dagFigure, dartsCellFigure, nb201CellFigure } from '../../src/viz/cellDiagram';
import { parseGenotype } from '../../src/spaces/darts/genotype';
import { parseNb201 } from '../../src/spaces/nb201/arch';

const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

test('DARTS cell: 7 nodes, 8 op arrows + 4 concat arrows, op labels at the edges', () => {
  const g = parseGenotype(DARTS_V2);
  const fig = dartsCellFigure(g.normal, g.normalConcat, { title: 'normal' });
  assert.equal(fig.data[0].x.length, 7);
  const arrows = fig.layout.annotations.filter((a: { showarrow: boolean }) => a.showarrow);
  const labels = fig.layout.annotations.filter((a: { showarrow: boolean }) => !a.showarrow).map((a: { text: string }) => a.text);
  assert.equal(arrows.length, 12);
  assert.deepEqual(labels, g.normal.map((e) => e.op));
  // the last edge, dil_conv_3x3 from state 2 (node 0) into node 3
  const last = arrows[7];
  const node = (id: number) => ({ x: fig.data[0].x[id], y: fig.data[0].y[id] });
  assert.deepEqual({ x: last.ax, y: last.ay }, node(2));
  assert.deepEqual({ x: last.x, y: last.y }, node(5));
  assert.equal(fig.layout.title.text, 'normal');
});

test('NB201 cell: 4 nodes and 6 labelled edges; unknown nodes are named', () => {
  const fig = nb201CellFigure(parseNb201('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'));
  assert.equal(fig.data[0].x.length, 4);
  assert.equal(fig.layout.annotations.filter((a: { showarrow: boolean }) => a.showarrow).length, 6);
  assert.throws(() => dagFigure([{ id: 'a', label: 'a', x: 0, y: 0 }], [{ from: 'a', to: 'b', label: 'op' }]), /unknown node 'b'/);
});
