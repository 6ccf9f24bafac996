/**
 * HTML of the explorer (Node side): the embedded score tables as JSON plus the bundled browser
 * script (src/explore/browser.ts and the library modules it imports). `explorerFragment` goes
 * into a write-up (a notebook output cell; it works offline from the saved HTML), `explorerPage`
 * is a standalone page (`zeronas explore`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeTables, type ExploreTable } from './table';

const SRC_ENTRY = path.resolve(__dirname, '..', '..', 'src', 'explore', 'browser.ts');
const DIST_BUNDLE = path.resolve(__dirname, '..', '..', 'dist', 'explore', 'explorer.js');

let cached: string | undefined;

/**
 * The browser script. Running from `dist/` it is the bundle `npm run build` wrote; running from
 * `src/` (tests, tsx) it is bundled now from the sources with esbuild, so it is never stale.
 */
export function explorerScript(): string {
  if (cached !== undefined) return cached;
  const fromSrc = path.basename(path.resolve(__dirname, '..')) === 'src';
  if (fromSrc) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const r = esbuild.buildSync({ entryPoints: [SRC_ENTRY], bundle: true, format: 'iife', platform: 'browser', target: 'es2020', minify: true, legalComments: 'none', write: false });
    cached = r.outputFiles[0].text;
  } else {
    if (!fs.existsSync(DIST_BUNDLE)) throw new Error(`explorer: ${DIST_BUNDLE} is missing; run \`npm run build\``);
    cached = fs.readFileSync(DIST_BUNDLE, 'utf8');
  }
  return cached;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Embeddable explorer: a root element holding the tables, then the script (run once per page). */
export function explorerFragment(tables: readonly ExploreTable[]): string {
  if (tables.length === 0) throw new Error('explorer: give at least one table');
  const script = explorerScript().replace(/<\/script/gi, '<\\/script');
  return (
    `<div class="zx-root"><script type="application/json" class="zx-data">${encodeTables(tables)}</script>` +
    `<noscript>The indicator explorer needs JavaScript.</noscript></div>\n` +
    `<script id="zx-bundle">${script}</script>`
  );
}

/** A standalone HTML page with the explorer on `tables`. */
export function explorerPage(tables: readonly ExploreTable[], title = 'ZeroNAS indicator explorer'): string {
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)}</title>\n</head>\n<body>\n<main>\n<h1 style="font-family: system-ui, sans-serif">${escapeHtml(title)}</h1>\n` +
    `${explorerFragment(tables)}\n</main>\n</body>\n</html>\n`
  );
}
