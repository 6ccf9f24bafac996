/**
 * Text a reader of the repository or of a write-up sees must be self-contained: it cites no file
 * outside the project and uses no internal process wording. Scans the notebook sources, `src/`,
 * the READMEs, `docs/` and any generated write-up in `reports/`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProjectTextProblems, PROJECT_TEXT_RULES } from '../../src/notebooks/projectText';

const ROOT = path.resolve(__dirname, '..', '..');

function filesUnder(dir: string, ext: RegExp): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => ext.test(f)).map((f) => path.join(dir, f));
}

const SCANNED = [
  ...filesUnder('notebooks/src', /\.txt$/),
  ...filesUnder('src', /\.ts$/),
  ...filesUnder('docs', /\.md$/),
  ...filesUnder('reports', /\.html$/),
  'README.md', 'notebooks/README.md', 'data/README.md',
].filter((f) => fs.existsSync(path.join(ROOT, f)));

/** What a reader sees: for a write-up, its text without the exporter's style sheets and library scripts (our manifest JSON stays). */
function readerText(f: string): string {
  const raw = fs.readFileSync(path.join(ROOT, f), 'utf8');
  if (!f.endsWith('.html')) return raw;
  return raw.replace(/<style[\s\S]*?<\/style>/gi, '').replace(/<script(?![^>]*zeronas-manifest)[\s\S]*?<\/script>/gi, '');
}

test('project text cites no outside file and uses no process wording', () => {
  assert.ok(SCANNED.some((f) => f.startsWith('notebooks/src/')) && SCANNED.some((f) => f.startsWith('src/')), 'nothing scanned');
  const problems = SCANNED.flatMap((f) => findProjectTextProblems(readerText(f)).map((p) => `${f}:${p.line}: ${p.rule} — ${p.text}`));
  assert.deepEqual(problems, []);
});

test('the rules catch what they are for', () => {
  const bad = [
    'see PAPERS.md §2', 'DESIGN.md says', 'provenance in shared/data/SOURCES.md', 'the issue target ≥ 0.52',
    'as issue #7 asks', 'fits the 15-minute target', 'measured once when the code was written', 'open a ticket',
  ];
  for (const s of bad) assert.ok(findProjectTextProblems(s).length > 0, `not caught: ${s}`);
  const ok = ['see docs/papers.md §2.1', 'data root `../shared/data`', 'the regression target y', 'paperTargets.ts', 'targetName'];
  for (const s of ok) assert.deepEqual(findProjectTextProblems(s), [], `flagged: ${s}`);
  assert.ok(PROJECT_TEXT_RULES.length >= 5);
});
