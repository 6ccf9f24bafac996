import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  NOTEBOOK_DIR,
  REPO_ROOT,
  executeNotebook,
  jupyterProblems,
  listNotebooks,
  main,
  parseArgs,
  resolveNotebook,
} from '../../src/notebooks/run';

const SMOKE = path.join(NOTEBOOK_DIR, '_smoke.ipynb');

// Jupyter comes from `bash scripts/install.sh` (which .ci/run calls). On a dev machine without it the
// end-to-end test is skipped; under CI a missing setup is a failure.
const problems = jupyterProblems();
const skip = problems.length > 0 && process.env.CI !== 'true' && `Jupyter not set up (${problems.join('; ')}): run bash scripts/install.sh`;

test('_smoke.ipynb is committed without outputs, for the tslab kernel', () => {
  const nb = JSON.parse(fs.readFileSync(SMOKE, 'utf8'));
  assert.equal(nb.metadata.kernelspec.name, 'tslab');
  assert.equal(nb.metadata.kernelspec.language, 'typescript');
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    assert.deepEqual(c.outputs, [], 'no committed outputs');
    assert.equal(c.execution_count, null);
  }
});

test('CLI helpers: listNotebooks skips _*, resolveNotebook, parseArgs', () => {
  assert.ok(!listNotebooks().some((p) => path.basename(p).startsWith('_')));
  assert.ok(listNotebooks(NOTEBOOK_DIR, true).includes(SMOKE));
  assert.equal(resolveNotebook('_smoke'), SMOKE);
  assert.equal(resolveNotebook('_smoke.ipynb'), SMOKE);
  assert.throws(() => resolveNotebook('no-such-notebook'), /no notebook "no-such-notebook"/);
  assert.deepEqual(parseArgs(['--scale', 'paper', '--timeout=30', 'a', 'b']), {
    scale: 'paper',
    timeoutSec: 30,
    html: true,
    verbose: false,
    names: ['a', 'b'],
    help: false,
  });
  assert.throws(() => parseArgs(['--scale', 'huge']), /invalid notebook scale/);
  assert.throws(() => parseArgs(['--bogus']), /unknown option/);
});

test('executeNotebook runs _smoke.ipynb headless and writes an HTML write-up', { skip, timeout: 300_000 }, async () => {
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'viz', 'display.js')), 'dist/ missing: run `npm run build` first');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zeronas-nb-'));
  try {
    const r = await executeNotebook(SMOKE, { outDir, scale: 'paper', timeoutSec: 120 });
    assert.equal(r.ipynb, path.join(outDir, '_smoke.ipynb'));
    assert.equal(r.html, path.join(outDir, '_smoke.html'));
    assert.ok(r.seconds > 0);

    const nb = JSON.parse(fs.readFileSync(r.ipynb, 'utf8'));
    assert.deepEqual({ scale: nb.metadata.zeronas.scale, status: nb.metadata.zeronas.status }, { scale: 'paper', status: 'ok' });
    const outputs = nb.cells.flatMap((c: { outputs?: unknown[] }) => c.outputs ?? []) as Record<string, any>[];
    assert.ok(!outputs.some((o) => o.output_type === 'error'), 'no error outputs');
    const htmlOut = outputs.map((o) => o.data?.['text/html']).filter(Boolean).map((h: string | string[]) => (Array.isArray(h) ? h.join('') : h));
    assert.equal(htmlOut.filter((h) => h.includes('window.define = undefined')).length, 1, 'plotly.js embedded once');
    const text = outputs.map((o) => [o.text ?? '', o.data?.['text/plain'] ?? ''].flat().join('')).join('');
    assert.match(text, /^2$/m, 'the 1 + 1 cell printed 2');
    assert.ok(htmlOut.some((h) => h.includes('>paper<')), 'ZERONAS_SCALE reached the kernel');

    const html = fs.readFileSync(r.html!, 'utf8');
    assert.ok(html.includes('id="smoke-scatter"'), 'figure div');
    assert.ok(html.includes('Plotly.newPlot'));
    assert.ok(html.includes('[1,4,9,16]'), 'figure data');
    assert.match(html, />2\s*</, 'output "2"');
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
});

test('executeNotebook stops at a failing cell and reports its stderr', { skip, timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zeronas-nb-'));
  try {
    const bad = path.join(dir, 'bad.ipynb');
    const nb = JSON.parse(fs.readFileSync(SMOKE, 'utf8'));
    nb.cells = [{ cell_type: 'code', execution_count: null, id: 'bad', metadata: {}, outputs: [], source: ["throw new Error('boom-from-cell');"] },
      { cell_type: 'code', execution_count: null, id: 'after', metadata: {}, outputs: [], source: ["console.log('never-reached');"] },
    ];
    fs.writeFileSync(bad, JSON.stringify(nb));
    await assert.rejects(executeNotebook(bad, { outDir: path.join(dir, 'out'), timeoutSec: 60 }), (e: Error) => {
      assert.equal(e.name, 'NotebookRunError');
      assert.match(e.message, /notebook bad failed/);
      assert.match(e.message, /failing cell \[0\]/);
      // tslab writes the error to the cell's stderr; the runner must surface it.
      assert.match(e.message, /stderr:\n[\s\S]*Error: boom-from-cell/);
      assert.ok(!/never-reached/.test(e.message));
      return true;
    });
    // The partially executed notebook is kept (and exported) for debugging; later cells did not run.
    const out = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'bad.ipynb'), 'utf8'));
    assert.equal(out.metadata.zeronas.status, 'failed');
    assert.deepEqual(out.cells[1].outputs, []);
    assert.ok(fs.existsSync(path.join(dir, 'out', 'bad.html')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: unknown notebook name → exit 2', async () => {
  const orig = console.error;
  const errs: string[] = [];
  console.error = (...a: unknown[]) => void errs.push(a.join(' '));
  try {
    const code = await main(['--scale', 'quick', 'no-such-notebook']);
    assert.equal(code, problems.length ? 1 : 2);
    assert.match(errs.join('\n'), problems.length ? /scripts\/install\.sh/ : /no notebook "no-such-notebook"/);
  } finally {
    console.error = orig;
  }
});
