/**
 * Shared pieces of the explorer's browser tests: Debian's Chromium through puppeteer-core (never a
 * downloaded browser), waiting for a refit, reading the printed figures, and the same figures
 * computed in Node for the selection the page's permalink describes.
 */
import * as fs from 'node:fs';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { computeFusion, computeRule } from '../../src/explore/compute';
import { fusionFigureTexts, ruleFigureTexts } from '../../src/explore/figures';
import { selectionFromFragment, type Selection } from '../../src/explore/selection';
import type { ExploreTable } from '../../src/explore/table';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Skip reason off CI when Chromium is missing; under CI=true a missing browser fails the tests. */
export const skipBrowser: string | false =
  !fs.existsSync(CHROMIUM) && process.env.CI !== 'true' && `Chromium not found at ${CHROMIUM}: run bash scripts/install.sh`;

export async function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** Collects uncaught page errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push((e as Error).message));
  return errors;
}

/** Waits until the fusion and rule panels show the latest requested computation. */
export async function settled(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const r = document.querySelector<HTMLElement>('.zx-root')?.dataset;
      return !!r && r.fusionAsked !== undefined && r.fusionAsked === r.fusionShown && r.ruleAsked === r.ruleShown;
    },
    { timeout, polling: 50 },
  );
}

export interface Shown {
  readonly figures: Record<string, string>;
  readonly fusionMessage: string;
  readonly ruleError: string;
  readonly fragment: string;
  /** Text of the figure panels (messages excluded). */
  readonly text: string;
}

export async function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const root = document.querySelector<HTMLElement>('.zx-root')!;
    const figures: Record<string, string> = {};
    root.querySelectorAll<HTMLElement>('[data-fig]').forEach((e) => (figures[e.dataset.fig!] = e.textContent ?? ''));
    return {
      figures,
      fusionMessage: root.querySelector('.zx-fusion-message')!.textContent ?? '',
      ruleError: root.querySelector('.zx-rule-error')!.textContent ?? '',
      fragment: location.hash,
      text: Array.from(root.querySelectorAll<HTMLElement>('.zx-fusion, .zx-rule-figures')).map((e) => e.innerText).join('\n'),
    };
  });
}

/** The page's selection, read back from its permalink. */
export function selectionOf(s: Shown, tables: readonly ExploreTable[]): Selection {
  assert.ok(s.fragment.startsWith('#explore?'), `permalink fragment: ${s.fragment}`);
  const { selection, ignored } = selectionFromFragment(s.fragment.slice('#explore?'.length), tables);
  assert.deepEqual(ignored, []);
  return selection;
}

/** What Node computes for the selection: figure texts, or the panels' messages. */
export function expected(tables: readonly ExploreTable[], sel: Selection): { figures: Record<string, string>; fusionMessage?: string; ruleError?: string } {
  const t = tables.find((x) => x.id === sel.table)!;
  const f = computeFusion(t, sel);
  const r = computeRule(t, sel);
  return {
    figures: { ...(f.ok ? fusionFigureTexts(f.value) : {}), ...(r.ok ? ruleFigureTexts(r.value) : {}) },
    ...(f.ok ? {} : { fusionMessage: f.message }),
    ...(r.ok ? {} : { ruleError: r.message }),
  };
}

/** Every figure on the page equals Node's, and no figure is missing, blank or NaN. */
export function assertMatchesNode(s: Shown, tables: readonly ExploreTable[]): Selection {
  const sel = selectionOf(s, tables);
  const e = expected(tables, sel);
  assert.deepEqual(s.figures, e.figures, `figures for ${JSON.stringify(sel)}`);
  if (e.fusionMessage !== undefined) assert.equal(s.fusionMessage, e.fusionMessage);
  if (e.ruleError !== undefined) assert.equal(s.ruleError, e.ruleError);
  for (const [k, v] of Object.entries(s.figures)) {
    assert.ok(v.trim().length > 0, `figure ${k} is blank`);
    assert.ok(!/NaN|undefined|Infinity/.test(v), `figure ${k} shows ${v}`);
  }
  assert.ok(!/\bNaN\b|Infinity/.test(s.text), 'no NaN in the figure panels');
  return sel;
}
