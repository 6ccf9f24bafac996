/**
 * Explorer refit time in a real browser (headless Debian Chromium through puppeteer-core): the
 * standalone page on the committed NB201 fusion table (all its architectures × all 16 indicators),
 * 5-fold CV and 200 bootstrap resamples, every indicator ticked. Reports the median over a few
 * refits (untick / tick one indicator) of
 *   - compute: the library's computation in the page's Web Worker (`data-fusion-ms`), and
 *   - shown: from the click to the new figures on screen (worker round trip and DOM included),
 * against the 300 ms target. Alone: `node --import tsx bench/explore.ts` (BENCH_EXPLORE_REFITS, default 5).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectExploreTables } from '../src/explore/fromFiles';
import { explorerPage } from '../src/explore/page';
import { selectionToFragment } from '../src/explore/selection';
import { CHROMIUM, launch, settled } from '../test/explore/browserHarness';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchExplore(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`explorer refit: skipped (no Chromium at ${CHROMIUM}; run bash scripts/install.sh)`);
    return;
  }
  const refits = Number(process.env.BENCH_EXPLORE_REFITS ?? 5);
  const [t] = projectExploreTables(['nb201-cifar10-fusion']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-bench-'));
  const file = path.join(dir, 'explore.html');
  fs.writeFileSync(file, explorerPage([t]));
  const fragment = selectionToFragment({ table: t.id, indicators: t.indicators, transforms: { nlr: 'log', cnntk: 'log' }, fit: 'ols', lambda: 0.01, folds: 5, rule: 'nwot', a: 1 });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${file}#explore?${fragment}`);
    await settled(page);
    const version = await browser.version();
    const compute: number[] = [];
    const shown: number[] = [];
    for (let i = 0; i < refits; i++) {
      const t0 = Date.now();
      await page.click('input.zx-ind[data-indicator="zen"]');
      await page.waitForFunction(() => {
        const d = document.querySelector<HTMLElement>('.zx-root')!.dataset;
        return d.fusionAsked === d.fusionShown;
      }, { polling: 'raf', timeout: 120_000 });
      shown.push(Date.now() - t0);
      compute.push(Number(await page.$eval('.zx-root', (e) => (e as HTMLElement).dataset.fusionMs)));
      await settled(page);
    }
    const rows = await page.$eval('[data-fig="fusion-rows"]', (e) => e.textContent);
    console.log(`explorer refit in ${version} (${t.accuracy.length} architectures × ${t.indicators.length} indicators in the table; ${rows}; 5-fold, 200 bootstrap resamples; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}):`);
    console.log(`  compute (Web Worker) median ${median(compute).toFixed(0)} ms [${compute.map((x) => x.toFixed(0)).join(', ')}]; click → figures shown median ${median(shown).toFixed(0)} ms — target ≤ 300 ms: ${median(shown) <= 300 ? 'met' : 'NOT met'}`);
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
