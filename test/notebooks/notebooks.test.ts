import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executeNotebook, jupyterProblems, listNotebooks } from '../../src/notebooks/run';

// Every committed notebook: no outputs in git, and a headless run at quick scale without errors.
const problems = jupyterProblems();
const skip = problems.length > 0 && process.env.CI !== 'true' && `Jupyter not set up (${problems.join('; ')}): run bash scripts/install.sh`;

/** Text that must appear in each notebook's executed outputs (computed, not typed in). */
const EXPECT: Record<string, RegExp[]> = {
  '01-naswot': [
    /score table: \d+ of 15625 architectures/, /re-scored 4 architectures in this run: max \|Δ naswot\| vs the committed table = 0\.00e\+0/,
    /Kendall τ CIFAR-10 over the whole table: 0\.\d{3}/, /Table 2\(a\) rebuilt: 500 runs per method/, /NASWOT N=10: argmax of naswot/, /tensors alive at the end: 0/, /NASWOT N=100: CIFAR-10 test \d+\.\d\d % vs the paper's 92\.81 %/,
  ],
  '02-das': [
    /max identity error: \d\.\d\de-1\d/, /distinct N_A values among \d+ NB201 architectures: \d+/,
    /NB201 best rule: \S+ +τ = 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\], ratio to WOT \d\.\d{3} \[/, /NB201 split: chose \S+ on half A/,
    /NB101 best rule: \S+ +τ = 0\.\d{3}/, /Kendall τ with CIFAR-10 test accuracy after k training steps/, /tensors alive at the end: 0/,
    /- NB101: best rule .* — (a significant|not significantly)/,
  ],
  '03-fusion-indicator': [
    /fusion score table: \d+ NB201 architectures/, /re-scored 2 architectures \(jacov, os_perturbation\): max \|Δ\| vs the table = 0\.00e\+0/,
    /5-fold held-out predictions/, /FI fitted on all \d+ rows/, /FI over 15 indicators: held-out SROCC/, /Fitted on CIFAR-10, evaluated on CIFAR-100/,
    /- KROCC: FI -?\d\.\d{3} \[.*\] vs the best single indicator/,
  ],
  '00-quickstart': [/tfjs backend: (wasm|tensorflow|cpu)/, /Kendall τ \(paper, NB201 CIFAR-10, Fig\. 3\)/, /24 architectures scored/, /tensors alive at the end: 0/],
};

for (const file of listNotebooks()) {
  const name = path.basename(file, '.ipynb');
  test(`${name}: committed without outputs`, () => {
    const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(nb.metadata.kernelspec.name, 'tslab');
    for (const c of nb.cells) if (c.cell_type === 'code') assert.deepEqual(c.outputs, [], `cell ${c.id} has outputs`);
  });

  test(`${name}: executes headless at quick scale`, { skip, timeout: 600_000 }, async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `zeronas-${name}-`));
    try {
      const r = await executeNotebook(file, { outDir, scale: 'quick', timeoutSec: 540 });
      const nb = JSON.parse(fs.readFileSync(r.ipynb, 'utf8'));
      assert.equal(nb.metadata.zeronas.status, 'ok');
      const outputs = nb.cells.flatMap((c: { outputs?: unknown[] }) => c.outputs ?? []) as Record<string, any>[];
      const text = outputs
        .map((o) => [o.text ?? '', o.data?.['text/plain'] ?? '', o.data?.['text/html'] ?? ''].flat().join(''))
        .join('\n');
      for (const re of EXPECT[name] ?? []) assert.match(text, re);
      assert.ok(fs.readFileSync(r.html!, 'utf8').includes('Plotly.newPlot'), 'plots in the HTML write-up');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
}
