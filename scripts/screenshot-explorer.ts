/**
 * Regenerates docs/img/explorer.png, the README's picture of the explorer: writes the standalone
 * page for the committed NB201 fusion table, opens it in Debian's Chromium (puppeteer-core, no
 * downloaded browser), waits for the first refit and saves a screenshot.
 *   npm run build && node --import tsx scripts/screenshot-explorer.ts
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer from 'puppeteer-core';

const root = path.resolve(__dirname, '..');
const page = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zeronas-shot-')), 'explorer.html');
execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'explore', '--scores', path.join(root, 'data', 'scores', 'nb201-cifar10-fusion.csv'), '--out', page], { stdio: 'inherit' });

async function main(): Promise<void> {
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1200, height: 900 });
    await tab.goto(`file://${page}`);
    await tab.waitForFunction(() => {
      const r = document.querySelector<HTMLElement>('.zx-root')?.dataset;
      return !!r && r.fusionAsked !== undefined && r.fusionAsked === r.fusionShown && r.ruleAsked === r.ruleShown;
    }, { timeout: 120_000, polling: 100 });
    await new Promise((r) => setTimeout(r, 500));
    const out = path.join(root, 'docs', 'img', 'explorer.png');
    await tab.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${path.relative(root, out)}`);
  } finally {
    await browser.close();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
