/**
 * The explorer embedded in a notebook write-up: a one-cell notebook calls `showExplorer` (as
 * notebooks 02 and 03 do) through the headless runner, and the exported HTML is opened from disk
 * in Chromium. Figures must equal Node's before and after an edit; the page must compute offline.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { executeNotebook, jupyterProblems, REPO_ROOT } from '../../src/notebooks/run';
import { hasProjectScores } from '../../src/runner/projectTables';
import { projectExploreTables } from '../../src/explore/fromFiles';
import { encodeTables, type ExploreTable } from '../../src/explore/table';
import { assertMatchesNode, launch, settled, shown, skipBrowser, watchErrors } from './browserHarness';

const jupyter = jupyterProblems();
const skip =
  skipBrowser ||
  (jupyter.length > 0 && process.env.CI !== 'true' && `Jupyter not set up (${jupyter.join('; ')}): run bash scripts/install.sh`) ||
  (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'explore', 'explorer.js')) && 'run npm run build first') ||
  (!hasProjectScores('nb201-cifar10-naswot') && 'project score table missing');

let browser: Browser;
let dir: string;

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-writeup-'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function notebook(cell: string): unknown {
  return {
    cells: [{ cell_type: 'code', execution_count: null, id: 'explore', metadata: {}, outputs: [], source: cell.split(/(?<=\n)/) }],
    metadata: { kernelspec: { display_name: 'TypeScript (tslab)', language: 'typescript', name: 'tslab' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

test('write-up: the embedded explorer computes offline from the saved HTML', { skip, timeout: 600_000 }, async () => {
  const [naswot] = projectExploreTables(['nb201-cifar10-naswot']);
  const n = 200;
  const tables: ExploreTable[] = [
    { ...naswot, id: 'naswot200', accuracy: naswot.accuracy.slice(0, n), archs: naswot.archs.slice(0, n), values: Object.fromEntries(naswot.indicators.map((k) => [k, naswot.values[k].slice(0, n)])) },
  ];
  const data = path.join(dir, 'tables.json');
  fs.writeFileSync(data, encodeTables(tables));
  const nb = path.join(dir, 'explore-writeup.ipynb');
  const dist = path.join(REPO_ROOT, 'dist', 'explore');
  fs.writeFileSync(
    nb,
    JSON.stringify(
      notebook(
        `import * as fs from 'fs';\nimport { showExplorer } from '${dist}/show';\nimport { decodeTables } from '${dist}/table';\n` +
          `showExplorer(decodeTables(fs.readFileSync('${data}', 'utf8')));`,
      ),
    ),
  );
  const r = await executeNotebook(nb, { outDir: path.join(dir, 'out') });
  assert.ok(r.html && fs.existsSync(r.html), 'HTML write-up written');
  const html = fs.readFileSync(r.html!, 'utf8');
  assert.ok(html.includes('class="zx-root"') && html.includes('id="zx-bundle"'), 'explorer embedded in the write-up');

  const page = await browser.newPage();
  const errors = watchErrors(page);
  // offline: every network request is blocked; the explorer computed anyway
  await page.setRequestInterception(true);
  page.on('request', (req) => void (/^(https?|wss?):/.test(req.url()) ? req.abort() : req.continue()));
  await page.goto(`file://${r.html}`);
  await settled(page);
  let s = await shown(page);
  let sel = assertMatchesNode(s, tables);
  assert.equal(sel.rule, 'logdetS + a*N*log(NA)');
  await page.click('input.zx-ind[data-indicator="das_na"]');
  await page.focus('.zx-a');
  await page.keyboard.press('ArrowLeft');
  await settled(page);
  s = await shown(page);
  sel = assertMatchesNode(s, tables);
  assert.ok(!sel.indicators.includes('das_na'));
  assert.equal(sel.a, 0.95);
  assert.deepEqual(errors, []);
  await page.close();
});
