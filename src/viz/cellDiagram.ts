/**
 * Cell diagrams as plotly figures: a small DAG drawer (nodes as labelled markers, edges as arrows
 * with the operation written at their middle) and the two cells the notebooks draw — a DARTS cell
 * (inputs c_{k−2}, c_{k−1}, intermediate nodes 0..3, output c_k = concat) and an NB201 cell
 * (nodes 0..3, six edges). Pure data builders, like plotly.ts.
 */
import type { DartsCell } from '../spaces/darts/genotype';
import { NB201_EDGES, type Nb201Arch } from '../spaces/nb201/arch';
import { formatMacro, macroLayers, MACRO_OPS, type MacroArch } from '../spaces/macro/arch';
import { formatShot1, shot1Ancestors, SHOT1_OUTPUT, type Shot1Cell } from '../spaces/nb101/shot1';
import { baseLayout, type Figure, type FigureOptions } from './plotly';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface DagNode {
  readonly id: string;
  readonly label: string;
  readonly x: number;
  readonly y: number;
}

export interface DagEdge {
  readonly from: string;
  readonly to: string;
  /** Text at the middle of the arrow (e.g. the op); empty for none. */
  readonly label: string;
}

/** Colour per op name (stable across figures); unknown names are grey. */
const OP_COLORS: Readonly<Record<string, string>> = {
  skip_connect: '#2ca02c', max_pool_3x3: '#9467bd', avg_pool_3x3: '#8c564b', sep_conv_3x3: '#1f77b4', sep_conv_5x5: '#17becf',
  dil_conv_3x3: '#ff7f0e', dil_conv_5x5: '#d62728', nor_conv_1x1: '#ff7f0e', nor_conv_3x3: '#1f77b4', none: '#bbbbbb', concat: '#555555',
  id: '#2ca02c', ir_3x3_t3: '#1f77b4', ir_5x5_t6: '#d62728',
};

/**
 * A DAG figure. @throws naming an edge whose endpoint is not a node.
 * Edges are drawn as annotation arrows (plotly has no arrow traces); labels sit at 45 % of the way
 * so that labels of edges into the same node do not overlap.
 */
export function dagFigure(nodes: readonly DagNode[], edges: readonly DagEdge[], opts: FigureOptions = {}): Figure {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const at = (id: string, e: DagEdge): DagNode => {
    const n = byId.get(id);
    if (!n) throw new Error(`dagFigure: edge ${e.from} → ${e.to} names unknown node '${id}'`);
    return n;
  };
  const annotations: any[] = [];
  for (const e of edges) {
    const a = at(e.from, e);
    const b = at(e.to, e);
    const color = OP_COLORS[e.label] ?? OP_COLORS[e.label.split(' ')[0]!] ?? '#888888';
    annotations.push({ x: b.x, y: b.y, ax: a.x, ay: a.y, xref: 'x', yref: 'y', axref: 'x', ayref: 'y', showarrow: true, arrowhead: 2, arrowsize: 1.2, arrowwidth: 1.6, arrowcolor: color, standoff: 14, startstandoff: 14, text: '' });
    if (e.label) {
      const t = 0.45;
      annotations.push({ x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y), xref: 'x', yref: 'y', text: e.label, showarrow: false, font: { size: 11, color }, bgcolor: 'rgba(255,255,255,0.85)' });
    }
  }
  const layout = baseLayout({ height: 380, ...opts, showLegend: false });
  layout.xaxis = { ...(layout.xaxis ?? {}), visible: false };
  layout.yaxis = { ...(layout.yaxis ?? {}), visible: false };
  layout.annotations = annotations;
  return {
    data: [{
      type: 'scatter', mode: 'markers+text', x: nodes.map((n) => n.x), y: nodes.map((n) => n.y), text: nodes.map((n) => n.label),
      textposition: 'middle center', marker: { size: 34, color: '#f3f3f3', line: { color: '#333333', width: 1.5 } }, hoverinfo: 'text',
    }],
    layout,
  };
}

/** A DARTS cell: inputs c_{k−2} / c_{k−1}, nodes 0..3 (states 2..5), output c_k fed by `concat`. */
export function dartsCellFigure(cell: DartsCell, concat: readonly number[], opts: FigureOptions = {}): Figure {
  const stateId = (s: number): string => (s === 0 ? 'c_{k-2}' : s === 1 ? 'c_{k-1}' : String(s - 2));
  const nodes: DagNode[] = [
    { id: 'c_{k-2}', label: 'c<sub>k-2</sub>', x: 0, y: 1 },
    { id: 'c_{k-1}', label: 'c<sub>k-1</sub>', x: 0, y: -1 },
    ...[0, 1, 2, 3].map((j) => ({ id: String(j), label: String(j), x: 1 + j, y: j % 2 === 0 ? 0.6 : -0.6 })),
    { id: 'c_k', label: 'c<sub>k</sub>', x: 5.2, y: 0 },
  ];
  const edges: DagEdge[] = cell.map((e, i) => ({ from: stateId(e.input), to: String(Math.floor(i / 2)), label: e.op }));
  for (const s of concat) edges.push({ from: stateId(s), to: 'c_k', label: '' });
  return dagFigure(nodes, edges, opts);
}

/** An NB201 cell: nodes 0..3, edge (i → j) labelled with its op; `none` edges are drawn grey. */
export function nb201CellFigure(arch: Nb201Arch, opts: FigureOptions = {}): Figure {
  const nodes: DagNode[] = [0, 1, 2, 3].map((j) => ({ id: String(j), label: String(j), x: j, y: j % 2 === 0 ? 0.5 : -0.5 }));
  const edges: DagEdge[] = NB201_EDGES.map(({ from, to }, e) => ({ from: String(from), to: String(to), label: arch[e]! }));
  return dagFigure(nodes, edges, opts);
}

/**
 * A NAS-Bench-Macro network as a chain: input → stem → the 8 searchable layers (each arrow labelled
 * `L<l> <op>`) → head; nodes show the feature map's channels (stem width `initChannels`, default 32).
 */
export function macroArchFigure(arch: MacroArch, opts: FigureOptions & { initChannels?: number } = {}): Figure {
  const c0 = opts.initChannels ?? 32;
  const layers = macroLayers(c0);
  const nodes: DagNode[] = [
    { id: 'x', label: 'x', x: 0, y: 0 },
    { id: 's', label: String(c0), x: 1, y: 0.4 },
    ...layers.map((l) => ({ id: `l${l.index}`, label: String(l.outChannels), x: 2 + l.index, y: l.index % 2 === 0 ? -0.4 : 0.4 })),
    { id: 'head', label: 'GAP', x: 2 + layers.length, y: 0 },
  ];
  const edges: DagEdge[] = [
    { from: 'x', to: 's', label: 'stem' },
    ...layers.map((l) => ({ from: l.index === 0 ? 's' : `l${l.index - 1}`, to: `l${l.index}`, label: `${MACRO_OPS[arch[l.index]!]}${l.stride === 2 ? ' /2' : ''}` })),
    { from: `l${layers.length - 1}`, to: 'head', label: '1×1→1280' },
  ];
  return dagFigure(nodes, edges, { height: 300, title: `NAS-Bench-Macro ${formatMacro(arch)}`, ...opts });
}

const SHOT1_SHORT: Readonly<Record<string, string>> = { 'conv3x3-bn-relu': 'conv3×3', 'conv1x1-bn-relu': 'conv1×1', maxpool3x3: 'max3×3' };

/**
 * A NAS-Bench-1Shot1 space-2 cell: input, blocks 1..4 (labelled with their op), output; every parent
 * edge drawn, those of blocks that do not feed the output (pruned by NB101) labelled `unused`.
 */
export function shot1CellFigure(cell: Shot1Cell, opts: FigureOptions = {}): Figure {
  const feeds = shot1Ancestors(cell.parents);
  const nodes: DagNode[] = [
    { id: '0', label: 'in', x: 0, y: 0 },
    ...[1, 2, 3, 4].map((n) => ({ id: String(n), label: `${n}: ${SHOT1_SHORT[cell.ops[n - 1]!] ?? cell.ops[n - 1]}${feeds.has(n) ? '' : ' (unused)'}`, x: n, y: n % 2 === 0 ? -0.6 : 0.6 })),
    { id: '5', label: 'out', x: 5, y: 0 },
  ];
  const edges: DagEdge[] = [];
  for (let n = 1; n <= SHOT1_OUTPUT; n++) for (const p of cell.parents[n]!) edges.push({ from: String(p), to: String(n), label: feeds.has(n) ? '' : 'unused' });
  return dagFigure(nodes, edges, { height: 320, title: `1Shot1 cell ${formatShot1(cell)}`, ...opts });
}
