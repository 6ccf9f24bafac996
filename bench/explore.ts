/**
 * Explorer refit time in a real browser (headless Debian Chromium through puppeteer-core): the
 * standalone page on the committed NB201 fusion table (all its architectures × all 16 indicators
 * ticked), 5-fold CV and 200 bootstrap resamples. Each refit changes the transform of one
 * indicator (standardise ⇄ signed log + standardise), so every refit fits all 16 indicators; two
 * series: an indicator other than the best single one (the FI half refits; of the single-indicator
 * half only that indicator's line), and the best single indicator itself (its CIs and search
 * figures are recomputed too, in the second Web Worker). Timed inside the page, from the change
 * event to the first frame painted after the new figures are in the DOM ("shown": the Web Workers'
 * computations, the messages and the DOM update), and, from the page's `data-fusion-ms`, the
 * computation alone (the slower of the two workers' halves). One refit per series warms up first
 * and is not counted. The requirement: a refit shows its figures within 300 ms (median).
 * Alone: `node --import tsx bench/explore.ts` (BENCH_EXPLORE_REFITS per series, default 9).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'puppeteer-core';
import { projectExploreTables } from '../src/explore/fromFiles';
import { explorerPage } from '../src/explore/page';
import { selectionToFragment } from '../src/explore/selection';
import { CHROMIUM, launch, settled } from '../test/explore/browserHarness';

/** A refit shows its figures within this many milliseconds (median over the refits). */
export const REFIT_REQUIREMENT_MS = 300;

function quantile(v: readonly number[], p: number): number {
  const s = [...v].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
}

/** `median M ms (quartiles Q1–Q3, range MIN–MAX) [each]`. */
function spread(v: readonly number[]): string {
  const r = (x: number): string => x.toFixed(0);
  return `median ${r(quantile(v, 0.5))} ms (quartiles ${r(quantile(v, 0.25))}–${r(quantile(v, 0.75))}, range ${r(Math.min(...v))}–${r(Math.max(...v))}) [${v.map(r).join(', ')}]`;
}

/** One refit: set the transform of `indicator`, wait for the new figures and the next painted frame. */
async function refit(page: Page, indicator: string, transform: string): Promise<{ shown: number; compute: number }> {
  return page.evaluate(
    async (k, value) => {
      const root = document.querySelector<HTMLElement>('.zx-root')!;
      const select = root.querySelector<HTMLSelectElement>(`select.zx-transform[data-indicator="${k}"]`)!;
      const t0 = performance.now();
      select.value = value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      const asked = root.dataset.fusionAsked;
      await new Promise<void>((resolve) => {
        if (root.dataset.fusionShown === asked) return resolve();
        const watch = new MutationObserver(() => {
          if (root.dataset.fusionShown === asked) {
            watch.disconnect();
            resolve();
          }
        });
        watch.observe(root, { attributes: true, attributeFilter: ['data-fusion-shown'] });
      });
      // the frame that paints the new figures: its rAF callback runs before layout and paint, the task after it runs once it is drawn
      await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return { shown: performance.now() - t0, compute: Number(root.dataset.fusionMs) };
    },
    indicator,
    transform,
  );
}

export async function benchExplore(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`explorer refit: skipped (no Chromium at ${CHROMIUM}; run bash scripts/install.sh)`);
    return;
  }
  const refits = Number(process.env.BENCH_EXPLORE_REFITS ?? 9);
  if (!(Number.isInteger(refits) && refits >= 1)) throw new Error(`BENCH_EXPLORE_REFITS must be a positive integer, got ${process.env.BENCH_EXPLORE_REFITS}`);
  const [t] = projectExploreTables(['nb201-cifar10-fusion']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-bench-'));
  const file = path.join(dir, 'explore.html');
  fs.writeFileSync(file, explorerPage([t]));
  const fragment = selectionToFragment({ table: t.id, indicators: t.indicators, transforms: { nlr: 'log', cnntk: 'log' }, fit: 'ols', lambda: 0.01, folds: 5, rule: 'nwot', a: 1 });
  const loadBefore = os.loadavg()[0];
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${file}#explore?${fragment}`);
    await settled(page);
    const version = await browser.version();
    const best = await page.$eval('[data-fig="best-name"]', (e) => e.textContent ?? '');
    const other = t.indicators.find((k) => k !== best && k !== 'nlr' && k !== 'cnntk')!;
    const series: { label: string; indicator: string; shown: number[]; compute: number[] }[] = [
      { label: `transform of ${other} (not the best single indicator)`, indicator: other, shown: [], compute: [] },
      { label: `transform of ${best} (the best single indicator)`, indicator: best, shown: [], compute: [] },
    ];
    for (const x of series) {
      for (let i = 0; i <= refits; i++) {
        const r = await refit(page, x.indicator, i % 2 === 0 ? 'signedLog' : 'identity');
        if (i === 0) continue; // warm-up
        x.shown.push(r.shown);
        x.compute.push(r.compute);
      }
    }
    await settled(page);
    const [rows, where, message] = await page.$eval('.zx-root', (e) => [
      e.querySelector('[data-fig="fusion-rows"]')?.textContent ?? '',
      (e as HTMLElement).dataset.compute ?? '',
      e.querySelector('.zx-fusion-message')?.textContent ?? '',
    ]);
    if (!/architectures used/.test(rows)) throw new Error(`explorer bench: the page shows no fusion figures (${message})`);
    const workers = { workers: 'two Web Workers', worker: 'one Web Worker', page: 'the page thread' }[where] ?? where;
    console.log(
      `explorer refit in ${version}: ${t.accuracy.length} architectures × ${t.indicators.length} indicators, all ticked (${rows}); ` +
        `5-fold CV, 200 bootstrap resamples; computed in ${workers}; ${refits} refits per series after one warm-up; ` +
        `${os.cpus().length} cores, load ${loadBefore.toFixed(1)} before and ${os.loadavg()[0].toFixed(1)} after (1-minute average):`,
    );
    const computed = where === 'workers' ? 'the slower of the two halves, computed at once' : 'the two halves, one after the other';
    for (const x of series) {
      const median = quantile(x.shown, 0.5);
      console.log(`  refit on the ${x.label}:`);
      console.log(`    change → figures shown: ${spread(x.shown)}`);
      console.log(`    computation (${computed}): ${spread(x.compute)}`);
      console.log(`    requirement: figures shown ≤ ${REFIT_REQUIREMENT_MS} ms (median): ${median <= REFIT_REQUIREMENT_MS ? 'met' : 'NOT met'} (median ${median.toFixed(0)} ms)`);
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchExplore().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
