// Bundles the explorer's browser entry (src/explore/browser.ts: the library's fusion, statistics
// and rule modules plus the page code) into one script, dist/explore/explorer.js, with esbuild.
// Run by `npm run build`; src/explore/page.ts embeds the result in write-ups and standalone pages.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(root, 'src/explore/browser.ts')],
  outfile: path.join(root, 'dist/explore/explorer.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
