import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executeNotebook, jupyterProblems, listNotebooks } from '../../src/notebooks/run';

// The checks of each committed notebook: no outputs in git, and a headless run at quick scale whose
// outputs hold the expected computed lines. Each notebook has its own test file (nb-<name>.test.ts),
// so the test runner can execute two notebooks, or a notebook and other test files, at once.
const problems = jupyterProblems();
const skip = problems.length > 0 && process.env.CI !== 'true' && `Jupyter not set up (${problems.join('; ')}): run bash scripts/install.sh`;

/** Text that must appear in each notebook's executed outputs (computed, not typed in). */
const EXPECT: Record<string, RegExp[]> = {
  '01-naswot': [
    /score table: \d+ of 15625 architectures/, /re-scored 4 architectures in this run, naswot vs the committed table: max \|Δ\| = \S+, max relative \|Δ\| = \S+ over 4 values: reproduced/,
    /Kendall τ of NASWOT with CIFAR-10 test accuracy over \d+ architectures is 0\.\d{3} \[/, /Table 2\(a\) rebuilt: 500 runs per method/, /NASWOT N=10: argmax of naswot/, /tensors alive at the end: 0/, /NASWOT N=100: CIFAR-10 test \d+\.\d\d % vs the paper's 92\.81 %/,
  ],
  '02-das': [
    /max identity error: \d\.\d\de-1\d/, /distinct N_A values among \d+ NB201 architectures: \d+/,
    /NB201 in-sample best rule: \S+ +τ = 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\], ratio to WOT \d\.\d{3} \[/,
    /NB201 nested selection: held-out τ_rule\/τ_WOT median -?\d\.\d{3} \(range .*\) over 20 splits — (beats|worse than|no held-out difference from) WOT/,
    /nb101-cifar10-naswot: \d+ of 3258 cells/, /re-scored 2 cells of nb101-cifar10-naswot in this run vs the committed table: .*: reproduced/,
    /nb101-cifar10-naswot in-sample best rule: \S+ +τ = 0\.\d{3}/, /nb101-cifar10-naswot nested selection: held-out τ_rule\/τ_WOT median/,
    /nb101-naslib-cifar10-naswot: \d+ of 500 cells/, /re-scored 2 cells of nb101-naslib-cifar10-naswot in this run vs the committed table: .*: reproduced/,
    /nb101-naslib-cifar10-naswot nested selection: held-out τ_rule\/τ_WOT median/,
    /training bench nb201-c8n1-e3: 60 of 60 architectures complete \(data\/train-bench\/nb201-c8n1-e3\.csv\); regenerate or extend it with:\n  node dist\/cli\.js train-bench --space nb201 --archs sample:60 --epochs 3 --channels 8 --out data\/train-bench\/nb201-c8n1-e3\.csv/,
    /re-trained bench architecture #\d+ \(first 1 of its 3 epochs\) in this run: every epoch's row equal to the committed one \(seconds aside; test accuracy max \|Δ\| 0\.00 pp, .*\): reproduced/,
    /\d+ SGD steps per epoch \(\d+ training images, batch 64/, /DAS rule: \S+ = .* \(untrained NB201 τ 0\.\d{3}; WOT 0\.\d{3}\)/,
    /Kendall τ with NB201 CIFAR-10 test accuracy after k SGD steps/,
    // the τ table's rows (epoch, k steps, train s / arch, then τ [CI] of WOT, the DAS rule, N_A, log|S| and the bench's test accuracy)
    /<tr><td[^>]*>0<\/td><td[^>]*>0<\/td><td[^>]*>0<\/td>(<td[^>]*>(-?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]|—)<\/td>){4}<td[^>]*>—<\/td><\/tr>/,
    /<tr><td[^>]*>3<\/td><td[^>]*>\d+<\/td><td[^>]*>\d+(\.\d)?<\/td>(<td[^>]*>(-?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]|—)<\/td>){5}<\/tr>/,
    /- naswot: τ (-?\d\.\d{3}|NaN) untrained → (-?\d\.\d{3}|NaN) after 3 epochs \(\d+ steps, \d+ s\); Δτ/,
    /fast training: (On \d+ architectures after 3 epochs: training before scoring|only \d+ architectures)/,
    /Live demo: Kendall τ with CIFAR-10 test accuracy after k training steps/, /tensors alive at the end: 0/,
    /NB201 bench epoch 3: (held-out τ_rule\/τ_WOT median|\d+ architectures with a ground truth)/,
    /DARTS training bench darts-c4n5-e4-b32-t1024: 48 of 48 architectures complete \(data\/train-bench\/darts-c4n5-e4-b32-t1024\.csv\); regenerate or extend it with:\n  node dist\/cli\.js train-bench --space darts --archs sample:48 --epochs 4 --channels 4 --cells 5/,
    /re-checked DARTS bench architecture #\d+ at epoch 0 in this run: .*: reproduced\)/, /DARTS fast training: On 48 architectures after 4 epochs: /,
    /NB201 search: WOT random-N N=10 \d+\.\d\d %, N=100 \d+\.\d\d % \(NASWOT Table 2\(a\): 92\.44±1\.13, 92\.81±0\.99/,
    /NDS: NOT EVALUATED — the workbench has no NDS reader/,
    /- NB201 CIFAR-10 \(\d+ archs\): held-out τ_rule\/τ_WOT median .* (inside|outside) the paper's 1\.04–1\.56×\. In-sample best/,
    /- nb101-naslib-cifar10-naswot \(\d+ archs\): held-out/,
    /- Fast training on NB201 \(60 of 60 bench architectures\): On 60 architectures after 3 epochs/, /- DARTS mini-DTB \(48 of 48 architectures\): untrained, the held-out ratio median is/, /- NDS: not evaluated/,
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
    /setting: supernet C=\d+, N=\d+; proxy naswot/, /Zero-Cost-PT results: \d+ seeds/,
    /re-ran proposal 0 of seed \d+ \(its first \d of 6 decisions\) in \d+ s: same decisions, removal scores max relative difference \S+ \(tolerance \S+\) — reproduced/, /op whose removal hurts the score most on average: \w+/,
    /Zero-Cost-PT \(\d+ seeds\) (beats|is beaten by|is not distinguishable from) NASWOT N=100 \(500 runs\) on cifar10 test accuracy/,
    /DARTS chosen genotype: Genotype\(normal=\[/, /- Post-validation (improves|does not improve) on a single proposal/, /tensors alive at the end: 0/,
    /Macro setting: stem \d+, head \d+; proxy naswot/, /NASWOT's Kendall τ with the mean test accuracy on the Macro table: -?\d\.\d{3} over \d+ architectures/,
    /- (Zero-Cost-PT on Macro, \d+ seeds|No committed Zero-Cost-PT Macro searches yet)/,
    /1Shot1 setting: C \d+, \d+ cells; proxy naswot/, /reachable distinct cells: \d+; in the table: \d+ \(\d+\.\d %\); table cells: 3258/,
    /NASWOT's Kendall τ with the mean test accuracy on the 1Shot1 table: -?\d\.\d{3} over \d+ cells/,
    /- (Zero-Cost-PT on 1Shot1 space 2, \d+ seeds|No committed Zero-Cost-PT 1Shot1 searches yet|None of the \d+ chosen cells)/,
  ],
  '00-quickstart': [/tfjs backend: (wasm|tensorflow|cpu)/, /Kendall τ \(paper, NB201 CIFAR-10, Fig\. 3\)/, /16 architectures scored/, /tensors alive at the end: 0/],
};

const NUM = '(-?\\d+\\.\\d+)';
/** Every match of `re` (global) in `text`, at least one. */
function all(text: string, re: RegExp, what: string): RegExpMatchArray[] {
  const m = [...text.matchAll(new RegExp(re.source, 'g'))];
  assert.ok(m.length > 0, `${what}: no line matches ${re}`);
  return m;
}
const num = (m: RegExpMatchArray, i: number): number => Number(m[i]);
/** lo ≤ v ≤ hi for a printed estimate and its interval (3 decimals). */
function inside(v: number, lo: number, hi: number, what: string): void {
  assert.ok(lo <= v + 5e-4 && v <= hi + 5e-4 && lo <= hi, `${what}: ${v} outside [${lo}, ${hi}]`);
}

/**
 * Values, not just wording: τ in stated ranges, Table 2(a) within a stated distance of the paper,
 * and every printed verdict consistent with the numbers printed with it.
 */
const CHECK: Record<string, (text: string) => void> = {
  '01-naswot': (text) => {
    // NASWOT paper, NB201 CIFAR-10: τ 0.574 over ≈1,000 archs; the committed table is a larger sample
    for (const m of all(text, new RegExp(`- (NASWOT N=10+): CIFAR-10 test ${NUM} % vs the paper's ${NUM} % — (within|NOT within) 1 pp`), 'Table 2(a)')) {
      const d = Math.abs(num(m, 2) - num(m, 3));
      assert.ok(d <= 1.5, `${m[1]}: ${m[2]} % is ${d.toFixed(2)} pp from the paper's ${m[3]} % (allowed 1.5)`);
      assert.equal(m[4], d <= 1 + 0.005 ? 'within' : 'NOT within', `${m[1]}: verdict vs |Δ| ${d}`);
    }
    const [k] = all(text, new RegExp(`- Kendall τ of NASWOT with CIFAR-10 test accuracy over \\d+ architectures is ${NUM} \\[${NUM}, ${NUM}\\]`), 'τ with CI');
    inside(num(k, 1), num(k, 2), num(k, 3), 'τ CI');
    assert.ok(num(k, 1) >= 0.52 && num(k, 1) <= 0.63, `τ ${k[1]} outside [0.52, 0.63] (paper 0.574)`);
    // the conclusion's verdict on the paper's τ matches the interval printed with it
    const v = /the paper reports (0\.\d+) over about 1,000: our interval (excludes|contains) it/.exec(text);
    assert.ok(v, 'verdict on the paper τ');
    const p = Number(v[1]);
    assert.equal(v[2], p < num(k, 2) || p > num(k, 3) ? 'excludes' : 'contains', 'verdict vs the printed interval');
  },
  '02-das': (text) => {
    for (const m of all(text, new RegExp(`(NB201|nb101-cifar10-naswot|nb101-naslib-cifar10-naswot) in-sample best rule: \\S+ +τ = ${NUM} \\[${NUM}, ${NUM}\\], ratio to WOT ${NUM} \\[${NUM}, ${NUM}\\]`), 'in-sample best rule')) {
      inside(num(m, 2), num(m, 3), num(m, 4), `${m[1]} τ`);
      inside(num(m, 5), num(m, 6), num(m, 7), `${m[1]} ratio`);
      // NASWOT/DAS on NB201 CIFAR-10 rank at τ ≈ 0.5–0.6; NB101: the NASWOT paper reports 0.285 on all of NB101
      const [lo, hi] = m[1] === 'NB201' ? [0.45, 0.7] : [0.15, 0.7];
      assert.ok(num(m, 2) >= lo && num(m, 2) <= hi, `${m[1]} best τ ${m[2]} outside [${lo}, ${hi}]`);
    }
    // every held-out verdict follows from the split counts and the median printed with it
    const re = new RegExp(`- (.+?) \\((\\d+) archs\\): held-out τ_rule/τ_WOT median ${NUM} \\(range ${NUM}–${NUM}, (\\d+) splits\\) — (beats WOT held out \\(paired 95 % CI above 1 in (\\d+) of \\d+ splits\\)|worse than WOT held out \\(CI below 1 in (\\d+) of \\d+ splits\\)|no held-out difference from WOT \\(CI above 1 in (\\d+), below 1 in (\\d+) of \\d+ splits\\))`);
    const lines = all(text, re, 'held-out verdict');
    assert.ok(lines.length >= 3, `expected NB201 and both NB101 verdicts, got ${lines.length}`);
    for (const m of lines) {
      const [med, lo, hi, S] = [num(m, 3), num(m, 4), num(m, 5), Number(m[6])];
      assert.ok(lo <= med + 5e-4 && med <= hi + 5e-4, `${m[1]}: median inside its range`);
      assert.ok(S >= 20, `${m[1]}: ${S} splits`);
      if (m[7].startsWith('beats')) assert.ok(Number(m[8]) > S / 2 && med > 1, m[0]);
      else if (m[7].startsWith('worse')) assert.ok(Number(m[9]) > S / 2 && med < 1, m[0]);
      else assert.ok(!(Number(m[10]) > S / 2 && med > 1) && !(Number(m[11]) > S / 2 && med < 1), m[0]);
    }
    // the DARTS mini-DTB: τ with the surrogate after the last epoch, in range and inside its CI, and the
    // fast-training claim's verdict following from the two held-out medians and the verdict printed with it
    const dtbLast = new RegExp(`DARTS bench epoch 4 \\(k = 128 steps\\): τ vs surrogate — WOT ${NUM} \\[${NUM}, ${NUM}\\]; N_A ${NUM} \\[${NUM}, ${NUM}\\]; log\\|S\\| ${NUM} \\[${NUM}, ${NUM}\\]; short-trained test acc ${NUM} \\[${NUM}, ${NUM}\\]`).exec(text);
    assert.ok(dtbLast, 'the DARTS bench τ line after epoch 4 (128 steps)');
    for (let i = 1; i <= 10; i += 3) {
      inside(num(dtbLast, i), num(dtbLast, i + 1), num(dtbLast, i + 2), `DARTS bench τ #${(i + 2) / 3}`);
      assert.ok(Math.abs(num(dtbLast, i)) < 0.8, `DARTS bench τ ${dtbLast[i]} is a rank correlation of 48 architectures with a narrow surrogate range`);
    }
    const claim = new RegExp(`DARTS bench, "DAS with fast training yields more improvement": (supported|not supported): held-out median τ_rule/τ_WOT ${NUM} untrained → ${NUM} after 4 epochs, where the rules are (better than|worse than|not distinguishable from) WOT held out`).exec(text);
    assert.ok(claim, 'the DARTS fast-training claim line');
    const holds = claim[4] === 'better than' && num(claim, 3) > num(claim, 2);
    if (Math.abs(num(claim, 3) - num(claim, 2)) > 5e-4 || claim[4] !== 'better than') assert.equal(claim[1], holds ? 'supported' : 'not supported', claim[0]);
    const lastNested = new RegExp(`DARTS bench epoch 4: held-out τ_rule/τ_WOT median ${NUM} \\(range ${NUM}–${NUM}\\) — (inside|outside) the paper's 1\\.04–1\\.56×`).exec(text);
    assert.ok(lastNested, 'the DARTS nested-selection line of epoch 4');
    const med = num(lastNested, 1);
    assert.equal(lastNested[4], med >= 1.04 && med <= 1.56 ? 'inside' : 'outside', lastNested[0]);
    assert.ok(Math.abs(med - num(claim, 3)) <= 5e-4, 'the claim quotes the epoch-4 median');
  },
  '03-fusion-indicator': (text) => {
    const re = new RegExp(`: FI ${NUM} \\[${NUM}, ${NUM}\\] vs the best single indicator (\\w+) ${NUM} \\[${NUM}, ${NUM}\\]: FI (beats it clearly|is higher, but the CIs overlap|does NOT beat it)`);
    const lines = all(text, re, 'FI verdict');
    assert.ok(lines.length >= 7, `expected the 7 verdict lines, got ${lines.length}`);
    for (const m of lines) {
      const [fi, fiLo, fiHi, b, bLo, bHi] = [1, 2, 3, 5, 6, 7].map((i) => num(m, i));
      inside(fi, fiLo, fiHi, 'FI');
      inside(b, bLo, bHi, m[4]!);
      // printed to 3 decimals: only a strict order of the printed values decides the verdict
      if (fi < b) assert.equal(m[8], 'does NOT beat it', m[0]);
      if (fi > b) assert.notEqual(m[8], 'does NOT beat it', m[0]);
      if (fiLo > bHi + 5e-4) assert.equal(m[8], 'beats it clearly', m[0]);
      if (m[8] === 'beats it clearly') assert.ok(fiLo >= bHi - 5e-4, `${m[0]}: CIs overlap`);
      if (m[8] === 'is higher, but the CIs overlap') assert.ok(fiLo <= bHi + 5e-4, `${m[0]}: CIs do not overlap`);
      assert.ok(fi > 0.2 && fi < 0.9 && b > 0.2 && b < 0.9, `rank correlations in (0.2, 0.9): ${m[0]}`);
    }
  },
  '04-zero-cost-pt': (text) => {
    const re = new RegExp(`Zero-Cost-PT \\((\\d+) seeds\\) (beats|is beaten by|is not distinguishable from) NASWOT N=100 \\(500 runs\\) on cifar10 test accuracy: ${NUM} vs ${NUM} % \\(difference ([+-]\\d+\\.\\d+) pp, 95 % CI \\[${NUM}, ${NUM}\\] pp, Welch`);
    for (const m of all(text, re, 'Zero-Cost-PT verdict')) {
      const [a, b, d, lo, hi] = [3, 4, 5, 6, 7].map((i) => num(m, i));
      assert.ok(Number(m[1]) >= 4, `seeds ${m[1]}`);
      assert.ok(Math.abs(a - b - d) <= 0.011, `difference ${d} ≠ ${a} − ${b}`);
      inside(d, lo, hi, 'difference within its CI');
      assert.ok(a > 80 && a < 95 && b > 85 && b < 95, `NB201 CIFAR-10 test accuracies: ${a}, ${b}`);
      assert.equal(m[2], lo > 0 ? 'beats' : hi < 0 ? 'is beaten by' : 'is not distinguishable from', m[0]);
    }
    // 1Shot1 conclusions: each verdict and gap follows from the printed means
    const s1 = new RegExp(`- Zero-Cost-PT on 1Shot1 space 2, \\d+ seeds at [^:]*: ${NUM} ± ${NUM} %`).exec(text);
    if (s1) {
      const zc = num(s1, 1);
      const rest = text.slice(s1.index, text.indexOf("NASWOT ranks the table's cells", s1.index));
      const vs = all(rest, new RegExp(`- Against (.+?) \\(${NUM} ± ${NUM} % \\(percentile [^)]*\\)\\): Zero-Cost-PT (is higher|does not win) by ${NUM} pp\\.`), '1Shot1 comparisons');
      for (const m of vs) {
        const d = zc - num(m, 2);
        if (Math.abs(d) > 0.011) assert.equal(m[4], d > 0 ? 'is higher' : 'does not win', m[0]);
        assert.ok(Math.abs(Math.abs(d) - num(m, 5)) <= 0.011, `${m[0]}: gap ${m[5]} vs ${d.toFixed(2)}`);
      }
    }
  },
};

/** Names of the notebooks that have checks here (and so need a test file). */
export const CHECKED_NOTEBOOKS: readonly string[] = Object.keys(EXPECT).sort();

/** Define the two tests of notebook `name` (file name without `.ipynb`). */
export function notebookTests(name: string): void {
  const file = listNotebooks().find((f) => path.basename(f, '.ipynb') === name);
  if (!file) throw new Error(`no notebook '${name}.ipynb' in notebooks/`);
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
      CHECK[name]?.(text);
      const html = fs.readFileSync(r.html!, 'utf8');
      assert.ok(html.includes('Plotly.newPlot'), 'plots in the HTML write-up');
      if (name === '02-das' || name === '03-fusion-indicator') assert.ok(html.includes('class="zx-root"') && html.includes('id="zx-bundle"'), 'the explorer is embedded');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
}
