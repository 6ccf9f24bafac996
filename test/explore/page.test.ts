/**
 * The standalone explorer page (what `zeronas explore` writes) in headless Chromium: tick and
 * untick indicators, change transforms and the fit, switch tables, type rules, move the slider
 * with the keyboard, reopen the permalink; every printed figure must equal what the library
 * computes in Node for the selection the page's permalink describes. Also: tables with NaN/−∞
 * cells, a single indicator, fewer architectures than folds; labels and keyboard operation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { hasProjectScores } from '../../src/runner/projectTables';
import { projectExploreTables } from '../../src/explore/fromFiles';
import { explorerPage } from '../../src/explore/page';
import { libraryCall } from '../../src/explore/selection';
import type { ExploreTable } from '../../src/explore/table';
import { assertMatchesNode, launch, settled, shown, skipBrowser, watchErrors, expected, selectionOf } from './browserHarness';

/** The first n rows of a table, under a new id. */
function head(t: ExploreTable, n: number, id: string): ExploreTable {
  return {
    ...t,
    id,
    title: `${t.title}, first ${n} rows`,
    accuracy: t.accuracy.slice(0, n),
    archs: t.archs.slice(0, n),
    values: Object.fromEntries(t.indicators.map((k) => [k, t.values[k].slice(0, n)])),
  };
}

/** A small synthetic table: accuracy rises with x and y; w is noise; some cells NaN or −∞. */
function synthetic(id: string, n: number, indicators: readonly string[], holes: boolean): ExploreTable {
  const acc: number[] = [];
  const values: Record<string, number[]> = Object.fromEntries(indicators.map((k) => [k, []]));
  for (let i = 0; i < n; i++) {
    const a = ((i * 37) % 101) / 10;
    const b = ((i * 53) % 89) / 7;
    acc.push(50 + 2 * a + b + ((i * 17) % 7) / 3);
    const raw: Record<string, number> = { x: a, y: b, w: ((i * 29) % 31) - 15 };
    indicators.forEach((k) => values[k].push(raw[k]));
  }
  if (holes) {
    values[indicators[0]][3] = NaN;
    values[indicators[0]][8] = -Infinity;
    values[indicators[1]][5] = NaN;
  }
  return {
    id,
    title: `synthetic ${id}`,
    accuracyLabel: 'synthetic accuracy',
    indicators,
    values,
    accuracy: acc,
    archs: acc.map((_, i) => `arch-${i}`),
    higherIsBetter: Object.fromEntries(indicators.map((k) => [k, true])),
  };
}

const haveTables = hasProjectScores('nb201-cifar10-fusion') && hasProjectScores('nb201-cifar10-naswot');

describe('explorer page in Chromium', { skip: skipBrowser || (!haveTables && 'project score tables missing') }, () => {
  let browser: Browser;
  let dir: string;
  let tables: ExploreTable[];
  let pageFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-page-'));
    const [fusion, naswot] = projectExploreTables(['nb201-cifar10-fusion', 'nb201-cifar10-naswot']);
    // 300 real architectures keep each refit (and its Node twin) quick on a loaded CI machine
    tables = [head(fusion, 300, 'fusion300'), head(naswot, 300, 'naswot300')];
    pageFile = path.join(dir, 'explore.html');
    fs.writeFileSync(pageFile, explorerPage(tables, 'explorer test'));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string, fragment = ''): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`file://${file}${fragment}`);
    await settled(page);
    return { page, errors };
  }

  test('figures equal the library in Node through a session of edits; permalink and library call', async () => {
    const { page, errors } = await open(pageFile);
    assert.equal(await page.$eval('.zx-root', (e) => (e as HTMLElement).dataset.compute), 'workers', 'computes in two Web Workers from file://');
    let sel = assertMatchesNode(await shown(page), tables);
    assert.deepEqual(sel.indicators, ['jacov', 'os_perturbation', 'nlr', 'cnntk']);

    // untick one, tick another with a rank transform
    await page.click('input.zx-ind[data-indicator="os_perturbation"]');
    await page.click('input.zx-ind[data-indicator="synflow"]');
    await page.select('select.zx-transform[data-indicator="synflow"]', 'rank');
    await settled(page);
    sel = assertMatchesNode(await shown(page), tables);
    assert.deepEqual(sel.indicators, ['jacov', 'nlr', 'cnntk', 'synflow']);
    assert.equal(sel.transforms.synflow, 'rank');

    // ridge with λ typed in, then NNLS, then 3 folds
    await page.click('.zx-fit-ridge');
    await page.click('.zx-lambda', { clickCount: 3 });
    await page.keyboard.type('0.5');
    await page.keyboard.press('Tab');
    await settled(page);
    sel = assertMatchesNode(await shown(page), tables);
    assert.equal(sel.fit, 'ridge');
    assert.equal(sel.lambda, 0.5);
    await page.click('.zx-fit-nnls');
    await page.click('.zx-folds', { clickCount: 3 });
    await page.keyboard.type('3');
    await page.keyboard.press('Tab');
    await settled(page);
    sel = assertMatchesNode(await shown(page), tables);
    assert.equal(sel.fit, 'nnls');
    assert.equal(sel.folds, 3);

    // a valid rule, then the slider by keyboard
    await page.click('.zx-rule', { clickCount: 3 });
    await page.keyboard.type('rank(jacov) + a*rank(synflow)');
    await settled(page);
    await page.focus('.zx-a');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
    await settled(page);
    let s = await shown(page);
    sel = assertMatchesNode(s, tables);
    assert.equal(sel.rule, 'rank(jacov) + a*rank(synflow)');
    assert.equal(sel.a, 0.7);
    assert.ok(s.figures['rule-ratio'], 'ratio to WOT (nwot) shown');

    // an invalid rule: the parser's message inline, the fusion panel unaffected
    await page.click('.zx-rule', { clickCount: 3 });
    await page.keyboard.type('rank(jacov + a');
    await settled(page);
    s = await shown(page);
    sel = assertMatchesNode(s, tables);
    assert.match(s.ruleError, /rule 'rank\(jacov \+ a'.*position/);
    assert.equal(await page.$eval('.zx-rule', (e) => e.getAttribute('aria-invalid')), 'true');
    assert.ok(s.figures['fi-plcc']);

    // the library call shown is the one for this selection
    assert.equal(await page.$eval('.zx-call', (e) => e.textContent), libraryCall(sel, tables[0]));

    // the permalink reopens the same state
    const again = await open(pageFile, s.fragment);
    const s2 = await shown(again.page);
    assert.deepEqual(s2.figures, s.figures);
    assert.equal(s2.ruleError, s.ruleError);
    await again.page.close();

    // another table: DAS atoms with N, the default rule and the WOT baseline (naswot)
    await page.select('.zx-table', 'naswot300');
    await settled(page);
    s = await shown(page);
    sel = assertMatchesNode(s, tables);
    assert.equal(sel.rule, 'logdetS + a*N*log(NA)');
    assert.equal(sel.a, 1);
    // a = 1 rebuilds WOT from the atoms: ratio 1 up to rounding
    assert.match(s.figures['rule-ratio'], /^1\.000 /);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('NaN/−∞ cells, a single indicator and fewer architectures than folds get clear messages', async () => {
    const edge = [synthetic('holes', 40, ['x', 'y', 'w'], true), synthetic('single', 30, ['x'], false), synthetic('tiny', 4, ['x', 'y'], false)];
    const file = path.join(dir, 'edge.html');
    fs.writeFileSync(file, explorerPage(edge, 'edge cases'));
    const { page, errors } = await open(file);
    let s = await shown(page);
    assertMatchesNode(s, edge);
    assert.match(s.fusionMessage, /NaN\/±∞ in a ticked column are left out: x 2, y 1/);
    assert.equal((await page.$eval('.zx-fusion-message', (e) => e.getAttribute('role'))), 'status', 'a note on a fit is an ordinary status, not an alert');
    assert.match(s.figures['fusion-rows'], /^37 architectures used, 3 dropped/);

    await page.select('.zx-table', 'single');
    await settled(page);
    s = await shown(page);
    assertMatchesNode(s, edge);
    assert.match(s.fusionMessage, /single indicator \('x'\)/);
    assert.equal(s.figures['fi-plcc'], s.figures['best-plcc']);

    await page.select('.zx-table', 'tiny');
    await settled(page);
    s = await shown(page);
    assertMatchesNode(s, edge);
    assert.match(s.fusionMessage, /5-fold cross-validation needs at least 5 architectures .* has 4 of 4\. Lower the folds/);
    assert.equal(s.figures['fi-plcc'], undefined, 'no figures instead of NaN');
    assert.equal((await page.$eval('.zx-fusion-message', (e) => e.getAttribute('role'))), 'alert', 'a refusal is announced as an alert');
    // with 2 folds it fits
    await page.click('.zx-folds', { clickCount: 3 });
    await page.keyboard.type('2');
    await page.keyboard.press('Tab');
    await settled(page);
    s = await shown(page);
    const sel = assertMatchesNode(s, edge);
    assert.equal(sel.folds, 2);
    assert.ok(s.figures['fi-rmse']);

    // nothing ticked
    await page.click('input.zx-ind[data-indicator="x"]');
    await page.click('input.zx-ind[data-indicator="y"]');
    await settled(page);
    s = await shown(page);
    assert.equal(s.fusionMessage, 'Tick at least one indicator to fit a fusion.');
    assert.equal(expected(edge, selectionOf(s, edge)).fusionMessage, s.fusionMessage);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('on the page thread (no Web Workers) and after quick successive edits the figures are still the library\'s', async () => {
    const file = path.join(dir, 'no-workers.html');
    fs.writeFileSync(file, explorerPage(tables, 'explorer test').replace('<div class="zx-root">', '<div class="zx-root" data-worker="off">'));
    const { page, errors } = await open(file);
    assert.equal(await page.$eval('.zx-root', (e) => (e as HTMLElement).dataset.compute), 'page');
    await page.click('input.zx-ind[data-indicator="synflow"]');
    await page.select('select.zx-transform[data-indicator="synflow"]', 'signedLog');
    await settled(page);
    let sel = assertMatchesNode(await shown(page), tables);
    assert.equal(sel.transforms.synflow, 'signedLog');
    await page.close();
    // two workers: edits faster than a refit; only the newest selection's halves are merged and shown
    const w = await open(pageFile);
    for (const k of ['synflow', 'snip', 'grad_norm', 'jacov']) await w.page.click(`input.zx-ind[data-indicator="${k}"]`);
    await settled(w.page);
    sel = assertMatchesNode(await shown(w.page), tables);
    assert.deepEqual(sel.indicators, ['os_perturbation', 'nlr', 'cnntk', 'synflow', 'snip', 'grad_norm']);
    assert.deepEqual([...errors, ...w.errors], []);
    await w.page.close();
  });

  test('accessibility: every control has a label; the page works from the keyboard', async () => {
    const { page } = await open(pageFile);
    const unlabelled = await page.evaluate(() => {
      const root = document.querySelector('.zx-root')!;
      return Array.from(root.querySelectorAll<HTMLElement>('input, select, button, textarea'))
        .filter((e) => {
          if (e.getAttribute('aria-label')) return false;
          if (e.id && root.querySelector(`label[for="${e.id}"]`)) return false;
          if (e.closest('label')) return false;
          if (e.tagName === 'BUTTON' && (e.textContent ?? '').trim()) return false;
          return true;
        })
        .map((e) => e.outerHTML.slice(0, 80));
    });
    assert.deepEqual(unlabelled, []);
    // Tab reaches the table chooser first, then the indicator checkboxes; Space toggles one
    await page.focus('.zx-table');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.indicator), 'jacov');
    await page.keyboard.press('Space');
    await settled(page);
    const sel = assertMatchesNode(await shown(page), tables);
    assert.ok(!sel.indicators.includes('jacov'));
    // live regions for the messages: the notes of a fit are a status (refusals are alerts, see the edge cases)
    assert.equal(await page.$eval('.zx-fusion-message', (e) => e.getAttribute('role')), 'status');
    assert.equal(await page.$eval('.zx-rule-error', (e) => e.getAttribute('role')), 'alert');
    await page.close();
  });
});
