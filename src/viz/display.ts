/**
 * Rich display in tslab notebooks, with a plain-text fallback in ordinary Node (tests, scripts).
 *
 * tslab is required lazily and only when this process is a tslab kernel, so importing src/viz from
 * plain Node never loads tslab (or its bundled TypeScript).
 *
 * plotly.js is embedded in the output of the first `showFigure` of the kernel process; later figures
 * only carry their data. After a kernel restart the next figure embeds it again. If you clear the
 * output that holds the library in a live notebook, call `showFigure(fig, {includeLib: true})`.
 */
import { Figure, figureHtml, figureSummary, plotlyLibHtml } from './plotly';
import { TableOptions, tableHtml, tableText } from './table';

/** The subset of tslab's `Display` used here. */
interface TslabDisplay {
  html(s: string): void;
  markdown(s: string): void;
  png(b: Uint8Array): void;
  text(s: string): void;
}

let tslabDisplay: TslabDisplay | null | undefined;
let libShown = false;

function isTslabKernelProcess(): boolean {
  // The kernel loads node_modules/tslab/dist/jupyter.js through Node's require, so it is in the cache.
  return Object.keys(require.cache).some((k) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k));
}

function getDisplay(): TslabDisplay | null {
  if (tslabDisplay === undefined) {
    tslabDisplay = null;
    if (isTslabKernelProcess()) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        tslabDisplay = (require('tslab') as { display: TslabDisplay }).display;
      } catch {
        tslabDisplay = null;
      }
    }
  }
  return tslabDisplay;
}

/** True when running inside a tslab kernel (rich outputs available). */
export function inNotebook(): boolean {
  return getDisplay() !== null;
}

/** Send rich output; falls back to `fallback` on stdout outside tslab (or if tslab refuses). */
function emit(kind: 'html' | 'markdown', payload: string, fallback: string): boolean {
  const d = getDisplay();
  if (d) {
    try {
      d[kind](payload);
      return true;
    } catch {
      // tslab throws "Not ready" when no cell is executing; fall through to text.
    }
  }
  console.log(fallback);
  return false;
}

/** Display raw HTML (text fallback: the first line, tags stripped). */
export function showHtml(html: string): void {
  const text = html.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  emit('html', html, `[html] ${text.slice(0, 120)}${text.length > 120 ? '…' : ''}`);
}

/** Display Markdown (text fallback: the Markdown itself). */
export function showMarkdown(md: string): void {
  emit('markdown', md, md);
}

export interface ShowFigureOptions {
  /** DOM id for the plot div. */
  id?: string;
  /** Force (true) or suppress (false) embedding plotly.js in this output. Default: first figure only. */
  includeLib?: boolean;
}

/** Display a plotly figure (text fallback: a one-line summary). */
export function showFigure(fig: Figure, opts: ShowFigureOptions = {}): void {
  const withLib = opts.includeLib ?? !libShown;
  const html = (withLib ? plotlyLibHtml() : '') + figureHtml(fig, { id: opts.id });
  if (emit('html', html, figureSummary(fig)) && withLib) libShown = true;
}

/** Make the next `showFigure` embed plotly.js again. */
export function resetPlotlyLib(): void {
  libShown = false;
}

/** Display rows as an HTML table (text fallback: a fixed-width text table, at most 20 rows). */
export function showTable(rows: Record<string, unknown>[], opts: TableOptions = {}): void {
  emit('html', tableHtml(rows, opts), tableText(rows, { maxRows: 20, ...opts }));
}

/** Display a PNG image (text fallback: its size). */
export function showPng(png: Uint8Array): void {
  const d = getDisplay();
  if (d) {
    try {
      d.png(png);
      return;
    } catch {
      /* fall through */
    }
  }
  console.log(`[png image, ${png.length} bytes]`);
}
