/**
 * Small HTML tables for notebook write-ups (no dependencies), plus an optional danfojs bridge.
 */

export interface TableOptions {
  caption?: string;
  /** Decimals for non-integer numbers (default 4). */
  digits?: number;
  /** Columns to show, in order (default: every key, in order of first appearance). */
  columns?: string[];
  /** Show at most this many rows (a "… N more rows" line follows). */
  maxRows?: number;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Format one number: integers as is, others with `digits` decimals (exponent form when tiny/huge). */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < Math.pow(10, -digits) || a >= 1e9)) return v.toExponential(Math.max(digits - 1, 1));
  return v.toFixed(digits);
}

/** Plain-text rendering of one cell value. */
export function formatCell(v: unknown, digits = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v, digits);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => formatCell(x, digits)).join(', ');
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Union of the rows' keys, in order of first appearance. */
export function tableColumns(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** An HTML `<table>` of `rows` (one object per row). Numbers are right-aligned. */
export function tableHtml(rows: Record<string, unknown>[], opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  const cols = opts.columns ?? tableColumns(rows);
  const shown = opts.maxRows !== undefined ? rows.slice(0, Math.max(0, opts.maxRows)) : rows;
  const out: string[] = [];
  out.push('<table class="zeronas-table" style="border-collapse:collapse;font-variant-numeric:tabular-nums;">');
  if (opts.caption !== undefined) {
    out.push(`<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0;">${escapeHtml(opts.caption)}</caption>`);
  }
  const th = 'style="border-bottom:1px solid #888;padding:2px 8px;text-align:left;"';
  out.push(`<thead><tr>${cols.map((c) => `<th ${th}>${escapeHtml(c)}</th>`).join('')}</tr></thead>`);
  out.push('<tbody>');
  for (const r of shown) {
    const cells = cols.map((c) => {
      const v = r[c];
      const align = typeof v === 'number' || typeof v === 'bigint' ? 'right' : 'left';
      return `<td style="padding:2px 8px;text-align:${align};">${escapeHtml(formatCell(v, digits))}</td>`;
    });
    out.push(`<tr>${cells.join('')}</tr>`);
  }
  out.push('</tbody>');
  if (shown.length < rows.length) {
    out.push(`<tfoot><tr><td colspan="${Math.max(cols.length, 1)}" style="padding:2px 8px;font-style:italic;">… ${rows.length - shown.length} more rows</td></tr></tfoot>`);
  }
  out.push('</table>');
  return out.join('\n');
}

/** Plain-text table (fixed-width columns) for terminals and logs. */
export function tableText(rows: Record<string, unknown>[], opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  const cols = opts.columns ?? tableColumns(rows);
  const shown = opts.maxRows !== undefined ? rows.slice(0, Math.max(0, opts.maxRows)) : rows;
  const cells = shown.map((r) => cols.map((c) => formatCell(r[c], digits)));
  const widths = cols.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (vals: string[]) => vals.map((v, j) => v.padEnd(widths[j])).join('  ').trimEnd();
  const lines: string[] = [];
  if (opts.caption !== undefined) lines.push(opts.caption);
  lines.push(line(cols), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) lines.push(line(row));
  if (shown.length < rows.length) lines.push(`… ${rows.length - shown.length} more rows`);
  return lines.join('\n');
}

/**
 * Optional: rows → a danfojs `DataFrame` (danfojs-node is loaded lazily on first call; it is heavy).
 * Typed `any` so that danfojs' types never leak into the library's public API.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toDataFrame(rows: Record<string, unknown>[]): any {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dfd = require('danfojs-node');
  return new dfd.DataFrame(rows);
}
