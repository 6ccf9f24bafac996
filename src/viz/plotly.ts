/**
 * Plotly figures as plain data, plus HTML rendering.
 *
 * A `Figure` is exactly what `Plotly.newPlot(div, data, layout, config)` takes, so builders are pure
 * functions that are easy to test and to tweak afterwards (`fig.layout.xaxis.type = 'log'`).
 * `figureHtml` renders one figure as a `<div>` + `<script>`; `plotlyLibHtml` inlines plotly.js itself
 * (≈5 MB) so exported HTML works offline. Embed the library once per page (see `showFigure` in
 * ./display), before the first figure.
 *
 * Titles use the `{text: …}` form: plotly.js ≥ 3 no longer accepts plain-string titles.
 */
import * as fs from 'fs';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A plotly figure: the arguments of `Plotly.newPlot`. */
export interface Figure {
  data: any[];
  layout: any;
  config?: any;
}

/** Options shared by every builder. */
export interface FigureOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Plot height in px (default 460). Width follows the page. */
  height?: number;
  width?: number;
  /** Show the legend (default: only when there is more than one trace). */
  showLegend?: boolean;
}

export interface ScatterOptions extends FigureOptions {
  /** Hover text per point (e.g. architecture strings). */
  text?: string[];
  /** One colour for all points (CSS colour) or one number per point (colour scale + colour bar). */
  color?: string | number[];
  /** Colour-bar title when `color` is numeric. */
  colorTitle?: string;
  colorscale?: string;
  /** Trace name (legend). */
  name?: string;
  mode?: 'markers' | 'lines' | 'lines+markers';
  markerSize?: number;
  opacity?: number;
  logX?: boolean;
  logY?: boolean;
}

export interface HeatmapOptions extends FigureOptions {
  /** Column labels (length = z[0].length). */
  x?: (string | number)[];
  /** Row labels (length = z.length). */
  y?: (string | number)[];
  colorscale?: string;
  /** Reverse the colour scale: Plotly's sequential scales (e.g. 'Blues') run dark → light, so counts read better reversed (more = darker). */
  reverseScale?: boolean;
  zmin?: number;
  zmax?: number;
  /** Value at the middle of a diverging scale (e.g. 0 for differences from a mean: 0 is the neutral colour). */
  zmid?: number;
  colorTitle?: string;
  /** Write the value in every cell. */
  showValues?: boolean;
  /** Decimals for `showValues` (default 2). */
  digits?: number;
  /** Row 0 at the top, like a matrix/table (default true). */
  matrixOrder?: boolean;
}

export interface HistogramOptions extends FigureOptions {
  /** Maximum number of bins (plotly's `nbinsx`). */
  nbins?: number;
  name?: string;
  color?: string;
  /** 'count' (default) or 'probability density'. */
  histnorm?: '' | 'percent' | 'probability' | 'density' | 'probability density';
  opacity?: number;
  /** Explicit bin edges (plotly's `xbins`); `overlay` sets common ones for histograms without them. */
  bins?: HistogramBins;
}

/** Bins from `start` to `end` of width `size`. */
export interface HistogramBins {
  readonly start: number;
  readonly end: number;
  readonly size: number;
}

/**
 * Common bins for several samples: `nbins` equal bins spanning the finite values of all of them
 * (so overlaid histograms compare bar by bar, on the data's own range).
 * @throws if no value is finite.
 */
export function commonBins(samples: readonly ArrayLike<number>[], nbins: number): HistogramBins {
  let lo = Infinity;
  let hi = -Infinity;
  for (const xs of samples) for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (!(lo <= hi)) throw new Error('commonBins: no finite value in the samples');
  if (!(Number.isInteger(nbins) && nbins >= 1)) throw new Error(`commonBins: nbins must be a positive integer, got ${nbins}`);
  const size = hi > lo ? (hi - lo) / nbins : 1;
  // the last edge slightly past the maximum, so the largest value falls inside the last bin
  return { start: lo, end: hi + size * 1e-9, size };
}

export interface BarOptions extends FigureOptions {
  /** Symmetric error bars, one per bar. */
  error?: number[];
  /** One colour, or one per bar. */
  color?: string | string[];
  name?: string;
  horizontal?: boolean;
  /** Hover/label text per bar. */
  text?: string[];
}

const DEFAULT_HEIGHT = 460;

function axis(title: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const a: Record<string, unknown> = { automargin: true, ...extra };
  if (title !== undefined) a.title = { text: title };
  return a;
}

/** Base layout shared by the builders. */
/**
 * A title at the top left, above the plot area: plotly's toolbar sits at the top right and would
 * cover a centred long title.
 */
/** Top margin (px) of a figure with a title: the title stands above the plot area, not on it. */
const TITLE_MARGIN_TOP = 60;

export function titleLayout(text: string): Record<string, unknown> {
  return { text, x: 0, xref: 'paper', xanchor: 'left', y: 1, yref: 'container', yanchor: 'top', pad: { t: 8 } };
}

export function baseLayout(opts: FigureOptions, traces = 1, xExtra: Record<string, unknown> = {}, yExtra: Record<string, unknown> = {}): any {
  const layout: any = {
    height: opts.height ?? DEFAULT_HEIGHT,
    margin: { l: 60, r: 30, t: opts.title ? TITLE_MARGIN_TOP : 20, b: 50 },
    xaxis: axis(opts.xTitle, xExtra),
    yaxis: axis(opts.yTitle, yExtra),
    showlegend: opts.showLegend ?? traces > 1,
    // the toolbar stands at the right edge, top to bottom, so it never covers the title
    modebar: { orientation: 'v' },
  };
  if (opts.width !== undefined) layout.width = opts.width;
  if (opts.title !== undefined) layout.title = titleLayout(opts.title);
  return layout;
}

function checkSameLength(what: string, a: { length: number }, b: { length: number } | undefined, bName: string): void {
  if (b !== undefined && b.length !== a.length) {
    throw new Error(`${what}: ${bName} has length ${b.length}, expected ${a.length}`);
  }
}

/** Scatter (or line) plot of y against x. */
export function scatter(x: ArrayLike<number>, y: ArrayLike<number>, opts: ScatterOptions = {}): Figure {
  const xs = Array.from(x);
  const ys = Array.from(y);
  checkSameLength('scatter', xs, ys, 'y');
  checkSameLength('scatter', xs, opts.text, 'text');
  const marker: any = { size: opts.markerSize ?? 7 };
  if (opts.opacity !== undefined) marker.opacity = opts.opacity;
  if (typeof opts.color === 'string') {
    marker.color = opts.color;
  } else if (opts.color !== undefined) {
    checkSameLength('scatter', xs, opts.color, 'color');
    marker.color = Array.from(opts.color);
    marker.colorscale = opts.colorscale ?? 'Viridis';
    marker.showscale = true;
    if (opts.colorTitle !== undefined) marker.colorbar = { title: { text: opts.colorTitle } };
  }
  const trace: any = { type: 'scatter', mode: opts.mode ?? 'markers', x: xs, y: ys, marker };
  if (opts.text) {
    trace.text = opts.text.slice();
    trace.hoverinfo = 'x+y+text';
  }
  if (opts.name !== undefined) trace.name = opts.name;
  return {
    data: [trace],
    layout: baseLayout(opts, 1, opts.logX ? { type: 'log' } : {}, opts.logY ? { type: 'log' } : {}),
  };
}

/** Heatmap of a matrix (e.g. a rank-correlation matrix). Rows are drawn top-to-bottom by default. */
export function heatmap(z: number[][], opts: HeatmapOptions = {}): Figure {
  const cols = z.length ? z[0].length : 0;
  z.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`heatmap: row ${i} has ${row.length} values, expected ${cols}`);
  });
  if (opts.x) checkSameLength('heatmap', { length: cols }, opts.x, 'x');
  if (opts.y) checkSameLength('heatmap', z, opts.y, 'y');
  const trace: any = {
    type: 'heatmap',
    z: z.map((row) => row.slice()),
    colorscale: opts.colorscale ?? 'RdBu',
  };
  if (opts.x) trace.x = opts.x.slice();
  if (opts.y) trace.y = opts.y.slice();
  if (opts.reverseScale) trace.reversescale = true;
  if (opts.zmin !== undefined) trace.zmin = opts.zmin;
  if (opts.zmax !== undefined) trace.zmax = opts.zmax;
  if (opts.zmid !== undefined) trace.zmid = opts.zmid;
  if (opts.colorTitle !== undefined) trace.colorbar = { title: { text: opts.colorTitle } };
  if (opts.showValues) trace.texttemplate = `%{z:.${opts.digits ?? 2}f}`;
  const yExtra: Record<string, unknown> = opts.matrixOrder === false ? {} : { autorange: 'reversed' };
  return { data: [trace], layout: baseLayout(opts, 1, {}, yExtra) };
}

/** Histogram of values. */
export function histogram(values: ArrayLike<number>, opts: HistogramOptions = {}): Figure {
  const trace: any = { type: 'histogram', x: Array.from(values) };
  if (opts.nbins !== undefined) trace.nbinsx = opts.nbins;
  if (opts.name !== undefined) trace.name = opts.name;
  if (opts.color !== undefined) trace.marker = { color: opts.color };
  if (opts.histnorm) trace.histnorm = opts.histnorm;
  if (opts.opacity !== undefined) trace.opacity = opts.opacity;
  if (opts.bins !== undefined) trace.xbins = { ...opts.bins };
  return { data: [trace], layout: baseLayout({ ...opts, yTitle: opts.yTitle ?? (opts.histnorm || 'count') }) };
}

/**
 * Box plots, one per group (median, quartiles, whiskers at 1.5 IQR, every point drawn beside its
 * box, with `text` on hover when given).
 */
export function box(groups: readonly { name: string; values: ArrayLike<number>; text?: string[] }[], opts: FigureOptions = {}): Figure {
  if (groups.length === 0) throw new Error('box: no groups');
  const data = groups.map((g) => {
    const ys = Array.from(g.values);
    checkSameLength('box', ys, g.text, 'text');
    const t: any = { type: 'box', name: g.name, y: ys, boxpoints: 'all', jitter: 0.4, pointpos: 0, marker: { size: 3, opacity: 0.5 } };
    if (g.text) { t.text = g.text.slice(); t.hoverinfo = 'y+text+name'; }
    return t;
  });
  return { data, layout: baseLayout({ ...opts, showLegend: opts.showLegend ?? false }, groups.length) };
}

/** Bar chart: one bar per label. */
export function bar(labels: (string | number)[], values: ArrayLike<number>, opts: BarOptions = {}): Figure {
  const vs = Array.from(values);
  checkSameLength('bar', labels, vs, 'values');
  checkSameLength('bar', labels, opts.error, 'error');
  checkSameLength('bar', labels, opts.text, 'text');
  if (Array.isArray(opts.color)) checkSameLength('bar', labels, opts.color, 'color');
  const horizontal = opts.horizontal ?? false;
  const trace: any = horizontal
    ? { type: 'bar', orientation: 'h', x: vs, y: labels.slice() }
    : { type: 'bar', x: labels.slice(), y: vs };
  if (opts.error) trace[horizontal ? 'error_x' : 'error_y'] = { type: 'data', array: opts.error.slice(), visible: true };
  if (opts.color !== undefined) trace.marker = { color: Array.isArray(opts.color) ? opts.color.slice() : opts.color };
  if (opts.name !== undefined) trace.name = opts.name;
  if (opts.text) trace.text = opts.text.slice();
  // Category axis so numeric labels (e.g. cell ids) are not spread on a continuous axis.
  const catAxis = { type: 'category' };
  return {
    data: [trace],
    layout: horizontal ? baseLayout(opts, 1, {}, { ...catAxis, autorange: 'reversed' }) : baseLayout(opts, 1, catAxis, {}),
  };
}

/**
 * Overlay several figures' traces on one plot; layout is the first figure's, with `opts` applied
 * (e.g. `overlay([histogram(a, {name: 'A'}), histogram(b, {name: 'B'})], {title: 'A vs B'})`).
 */
export function overlay(figs: Figure[], opts: FigureOptions & { barmode?: 'group' | 'overlay' | 'stack' } = {}): Figure {
  if (figs.length === 0) throw new Error('overlay: no figures');
  const data = figs.flatMap((f) => f.data);
  // overlaid histograms share their bin edges (each trace's own nbinsx would give other edges)
  const hists = data.filter((t: any) => t.type === 'histogram' && t.xbins === undefined);
  if (hists.length > 1) {
    const nbins = Math.max(...hists.map((t: any) => t.nbinsx ?? 30));
    const bins = commonBins(hists.map((t: any) => t.x as number[]), nbins);
    for (const t of hists as any[]) {
      t.xbins = { ...bins };
      delete t.nbinsx;
    }
  }
  const layout: any = JSON.parse(JSON.stringify(figs[0].layout));
  if (opts.title !== undefined) {
    layout.title = titleLayout(opts.title);
    // the first figure may have been drawn without a title (top margin 20): make room above the plot
    layout.margin = { ...layout.margin, t: Math.max(layout.margin?.t ?? 0, TITLE_MARGIN_TOP) };
  }
  if (opts.xTitle !== undefined) layout.xaxis = { ...layout.xaxis, title: { text: opts.xTitle } };
  if (opts.yTitle !== undefined) layout.yaxis = { ...layout.yaxis, title: { text: opts.yTitle } };
  if (opts.height !== undefined) layout.height = opts.height;
  if (opts.width !== undefined) layout.width = opts.width;
  layout.showlegend = opts.showLegend ?? data.length > 1;
  if (opts.barmode) layout.barmode = opts.barmode;
  return { data, layout };
}

// ------------------------------------------------------------------------------------------ HTML

/** JSON safe to place inside an inline `<script>` (no `</script>`, `<!--`, or U+2028/2029 breaks). */
export function scriptJson(value: unknown): string {
  const json = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  return (json ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

let idCounter = 0;
function newId(): string {
  idCounter += 1;
  return `zn-plot-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${idCounter}`;
}

export interface FigureHtmlOptions {
  /** DOM id of the plot div (default: a fresh unique id). */
  id?: string;
}

/**
 * HTML snippet drawing `fig`: `<div id=…></div><script>…Plotly.newPlot(…)</script>`.
 * Needs plotly.js already loaded on the page (`plotlyLibHtml()` earlier in the page/notebook).
 */
export function figureHtml(fig: Figure, opts: FigureHtmlOptions = {}): string {
  const id = opts.id ?? newId();
  const height = typeof fig.layout?.height === 'number' ? fig.layout.height : DEFAULT_HEIGHT;
  const config = { responsive: true, displaylogo: false, ...(fig.config ?? {}) };
  const idJson = scriptJson(id);
  return (
    `<div id="${escapeAttr(id)}" class="zeronas-plotly" style="width:100%;min-height:${height}px;"></div>\n` +
    `<script type="text/javascript">\n` +
    `(function () {\n` +
    `  var s = document.currentScript, id = ${idJson};\n` +
    `  var el = (s && s.previousElementSibling && s.previousElementSibling.id === id) ? s.previousElementSibling : document.getElementById(id);\n` +
    `  var fig = ${scriptJson({ data: fig.data, layout: fig.layout, config })};\n` +
    `  if (!el) return;\n` +
    `  if (window.Plotly) { window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); }\n` +
    `  else { el.textContent = 'plotly.js is not loaded on this page: re-run the cell that first showed a figure, or call showFigure(fig, {includeLib: true}).'; }\n` +
    `})();\n` +
    `</script>`
  );
}

let libCache: string | undefined;

/** Path of the bundled plotly.js (minified) in node_modules. */
export function plotlyLibPath(): string {
  return require.resolve('plotly.js-dist-min');
}

/**
 * `<script>` tags that inline plotly.js and define `window.Plotly`. An AMD loader on the page
 * (Jupyter's require.js) is hidden while the library loads so the UMD bundle registers the global
 * instead of an anonymous AMD module (which would also raise "Mismatched anonymous define()").
 */
export function plotlyLibHtml(): string {
  if (libCache === undefined) {
    const src = fs.readFileSync(plotlyLibPath(), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
    libCache =
      `<script type="text/javascript">window.__zeronasDefine = window.define; window.define = undefined;</script>\n` +
      `<script type="text/javascript">\n${src}\n</script>\n` +
      `<script type="text/javascript">window.define = window.__zeronasDefine; try { delete window.__zeronasDefine; } catch (e) { window.__zeronasDefine = undefined; }</script>\n`;
  }
  return libCache;
}

/** A complete standalone HTML page with the library and the given figures (handy for reports). */
export function figurePageHtml(figs: Figure[], opts: { title?: string } = {}): string {
  const title = escapeAttr(opts.title ?? 'figures');
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title>\n${plotlyLibHtml()}</head>\n<body>\n` +
    figs.map((f) => figureHtml(f)).join('\n') +
    `\n</body></html>\n`
  );
}

/** One-line text summary of a figure (used when rich display is unavailable). */
export function figureSummary(fig: Figure): string {
  const title = fig.layout?.title?.text ?? fig.layout?.title;
  const traces = fig.data.map((t: any) => {
    const n = Array.isArray(t.x) ? t.x.length : Array.isArray(t.z) ? `${t.z.length}x${t.z[0]?.length ?? 0}` : Array.isArray(t.y) ? t.y.length : 0;
    return `${t.type ?? 'scatter'}(${n})`;
  });
  return `[figure${typeof title === 'string' ? ` "${title}"` : ''}: ${traces.join(', ')}]`;
}
