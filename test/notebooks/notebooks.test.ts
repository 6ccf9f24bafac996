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
    /score table: \d+ of 15625 architectures/, /re-scored 4 architectures in this run, naswot vs the committed table: max \|Δ\| = \S+, max relative \|Δ\| = \S+ over 4 values: reproduced/,
    /Kendall τ CIFAR-10 over the whole table: 0\.\d{3}/, /Table 2\(a\) rebuilt: 500 runs per method/, /NASWOT N=10: argmax of naswot/, /tensors alive at the end: 0/, /NASWOT N=100: CIFAR-10 test \d+\.\d\d % vs the paper's 92\.81 %/,
  ],
  '02-das': [
    /max identity error: \d\.\d\de-1\d/, /distinct N_A values among \d+ NB201 architectures: \d+/,
    /NB201 best rule: \S+ +τ = 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\], ratio to WOT \d\.\d{3} \[/, /NB201 split: chose \S+ on half A/,
    /NB101 best rule: \S+ +τ = 0\.\d{3}/,
    /training bench nb201-c8n1-e3: \d+ of 60 architectures complete \(data\/train-bench\/nb201-c8n1-e3\.csv\); regenerate or extend it with:\n  node dist\/cli\.js train-bench --space nb201 --archs sample:60 --epochs 3 --channels 8 --out data\/train-bench\/nb201-c8n1-e3\.csv/,
    /\d+ SGD steps per epoch \(\d+ training images, batch 64/, /DAS rule: \S+ = .* \(untrained NB201 τ 0\.\d{3}; WOT 0\.\d{3}\)/,
    /Kendall τ with NB201 CIFAR-10 test accuracy after k SGD steps/,
    /epoch 0 \(k = 0 steps, 0\.0 s\/arch\): τ vs NB201 — WOT (-?\d\.\d{3}|—).*; bench test acc —/,
    /epoch 3 \(k = \d+ steps, \d+\.\d s\/arch\): τ vs NB201 — WOT (-?\d\.\d{3}|—).*; N_A .*; log\|S\| .*; bench test acc (-?\d\.\d{3}|—)/,
    /- naswot: τ (-?\d\.\d{3}|NaN) untrained → (-?\d\.\d{3}|NaN) after 3 epochs \(\d+ steps, \d+ s\); Δτ/,
    /fast training: (On \d+ architectures after 3 epochs: training before scoring|only \d+ architectures)/,
    /Live demo: Kendall τ with CIFAR-10 test accuracy after k training steps/, /tensors alive at the end: 0/,
    /- NB101: best rule .* — (a significant|not significantly)/, /- On held-out halves \(NB201\) the selected rule \S+ has ratio/,
    /- Fast training \(\d+ of 60 bench architectures/,
  ],
  '03-fusion-indicator': [
    /fusion score table: \d+ NB201 architectures/, /re-scored 2 architectures \(jacov, os_perturbation\) vs the table: max \|Δ\| = \S+, max relative \|Δ\| = \S+ over 4 values: reproduced/,
    /5-fold held-out predictions/, /FI fitted on all \d+ rows/, /FI over 15 indicators: held-out SROCC/, /Fitted on CIFAR-10, evaluated on CIFAR-100/,
    /- NB201 CIFAR-10, KROCC: FI -?\d\.\d{3} \[.*\] vs the best single indicator \w+ -?\d\.\d{3} \[.*\]: FI (beats it clearly|is higher, but the CIs overlap|does NOT beat it)/,
    /Kendall τ-b of each raw indicator with NB201 CIFAR-10 test accuracy/, /CJ random-N, N=10/,
    /NB101 table: \d+ of 500 NASLib cells/, /FI over NASLib's own 10 proxy scores \(all 500 cells\): held-out KROCC 0\.\d{3}/,
    /- NB101 \(\d+ cells\), KROCC: FI -?\d\.\d{3}/, /- Fitted on CIFAR-10, judged on CIFAR-100 \(KROCC\): FI/,
    /CIFAR-100 fusion table: \d+ NB201 architectures/, /- NB201 CIFAR-100, scored on CIFAR-100 \(\d+ archs\), KROCC: FI/,
  ],
  '04-zero-cost-pt': [
    /setting: supernet C=\d+, N=\d+; proxy naswot/, /Zero-Cost-PT results: \d+ seeds/, /op whose removal hurts the score most on average: \w+/,
    /Zero-Cost-PT \(\d+ seeds\) (beats|does not beat|is not significantly different from) NASWOT N=100 \(500 runs\) on cifar10 test accuracy/,
    /DARTS chosen genotype: Genotype\(normal=\[/, /- Post-validation (improves|does not improve) on a single proposal/, /tensors alive at the end: 0/,
  ],
  '00-quickstart': [/tfjs backend: (wasm|tensorflow|cpu)/, /Kendall τ \(paper, NB201 CIFAR-10, Fig\. 3\)/, /16 architectures scored/, /tensors alive at the end: 0/],
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
      const html = fs.readFileSync(r.html!, 'utf8');
      assert.ok(html.includes('Plotly.newPlot'), 'plots in the HTML write-up');
      if (name === '02-das' || name === '03-fusion-indicator') assert.ok(html.includes('class="zx-root"') && html.includes('id="zx-bundle"'), 'the explorer is embedded');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
}
