/**
 * Fast-training curves from a training bench (benchAnalysis.ts): a synthetic bench with known
 * orderings gives exact Kendall τ per epoch and score, steps and seconds per epoch, non-finite
 * values dropped and counted, rules over the epoch columns, paired τ differences, verdicts,
 * errors that name the problem; the project-bench loader and the τ figure.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  analyzeTrainBench, bestDistinctRule, benchCumulativeSeconds, benchEpochColumns, benchScoreValues, fastTrainingSummary, fastTrainingVerdicts,
  formatTau, kendallWithCI, pairedTauDifference, scoreAt, scoreCurve, trainBenchStepsPerEpoch,
} from '../../src/train/benchAnalysis';
import { benchTauFigure } from '../../src/train/benchPlots';
import { openTrainBenchFile, type TrainBench, type TrainBenchRow } from '../../src/train/trainBenchFile';
import { defaultTrainBenchSettings, type TrainBenchSettings } from '../../src/train/trainBenchSettings';
import { hasProjectTrainBench, loadProjectTrainBench, PROJECT_TRAIN_BENCHES } from '../../src/runner/projectTables';
import { DAS_RULES, ruleReport } from '../../src/fusion/rules';

const S: TrainBenchSettings = { ...defaultTrainBenchSettings('nb201'), C: 4, epochs: 2, batchSize: 16, scoreBatchSize: 8 };
const INDICES = [10, 11, 12, 13, 14];
/** Ground truth by index: 10 → 1 … 14 → 5. */
const TRUTH = (i: number): number => i - 9;

/** Per epoch and arch (bench order): naswot, das_na, das_logdet_s, test_acc, seconds. */
interface Col { naswot: number[]; na: number[]; logdet: number[]; acc: number[]; sec: number[] }
const EPOCHS: Col[] = [
  // epoch 0: naswot concordant with the truth (τ 1), N_A reversed (τ −1), log|S| one adjacent swap (τ 0.8)
  { naswot: [1, 2, 3, 4, 5], na: [50, 40, 30, 20, 10], logdet: [-5, -3, -4, -2, -1], acc: [NaN, NaN, NaN, NaN, NaN], sec: [0, 0, 0, 0, 0] },
  // epoch 1: naswot one swap (0.8); the fourth arch's kernel is singular (−∞); accuracy concordant
  { naswot: [2, 1, 3, 4, 5], na: [50, 40, 30, 20, 10], logdet: [-5, -4, -3, -Infinity, -1], acc: [0.1, 0.2, 0.3, 0.4, 0.5], sec: [10, 12, 14, 16, 18] },
  // epoch 2: accuracy with the last two swapped (τ 0.8 with the truth)
  { naswot: [1, 2, 3, 4, 5], na: [50, 40, 30, 20, 10], logdet: [-1, -2, -3, -4, -5], acc: [0.1, 0.2, 0.3, 0.5, 0.4], sec: [11, 13, 15, 17, 19] },
];

function bench(cols: Col[] = EPOCHS, indices = INDICES, settings = S): TrainBench {
  return {
    settings,
    archs: indices.map((index, j) => ({
      index,
      arch: `arch${index}`,
      rows: cols.map((c, epoch): TrainBenchRow => ({
        index, arch: `arch${index}`, epoch, trainLoss: epoch ? 1 / epoch : NaN, trainAcc: c.acc[j]!, testLoss: epoch ? 1 : NaN,
        testAcc: c.acc[j]!, seconds: c.sec[j]!, naswot: c.naswot[j]!, dasNa: c.na[j]!, dasLogDetS: c.logdet[j]!,
      })),
    })),
  };
}

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ''} ${a} ≠ ${b}`);

test('steps per epoch: ⌊images / batch⌋ (the trainer drops the last partial batch), trainLimit honoured', () => {
  assert.equal(trainBenchStepsPerEpoch({ ...S, batchSize: 64 }, 5085), 79);
  assert.equal(trainBenchStepsPerEpoch({ ...S, batchSize: 16, trainLimit: 40 }, 5085), 2);
  assert.throws(() => trainBenchStepsPerEpoch(S, 0), /trainImages must be a positive integer, got 0/);
  assert.throws(() => trainBenchStepsPerEpoch({ ...S, trainLimit: 100 }, 50), /trainLimit 100 exceeds the 50 training images/);
});

test('exact τ per epoch and score against the ground truth and the final test accuracy', () => {
  const a = analyzeTrainBench(bench(), { trainImages: 100, truth: TRUTH, bootstrap: 0 });
  assert.equal(a.archs, 5);
  assert.deepEqual(a.indices, INDICES);
  assert.equal(a.stepsPerEpoch, 6);
  assert.deepEqual(a.epochs.map((e) => e.steps), [0, 6, 12]);
  assert.deepEqual(a.labels, ['naswot', 'das_na', 'das_logdet_s']);
  const t = (e: number, l: string) => scoreAt(a, e, l).vsTruth;
  close(t(0, 'naswot').estimate, 1);
  close(t(0, 'das_na').estimate, -1);
  close(t(0, 'das_logdet_s').estimate, 0.8);
  close(t(1, 'naswot').estimate, 0.8);
  close(t(2, 'das_logdet_s').estimate, -1);
  assert.ok(Number.isNaN(t(1, 'naswot').lo), 'no interval without bootstrap');
  // the bench's own accuracy: undefined at epoch 0, then 1, then 0.8
  assert.equal(t(0, 'test_acc').n, 0);
  assert.ok(Number.isNaN(t(0, 'test_acc').estimate));
  close(t(1, 'test_acc').estimate, 1);
  close(t(2, 'test_acc').estimate, 0.8);
  // against the final accuracy (0.1, 0.2, 0.3, 0.5, 0.4): naswot at epoch 0 has one discordant pair
  close(scoreAt(a, 0, 'naswot').vsFinal.estimate, 0.8);
  close(scoreAt(a, 2, 'test_acc').vsFinal.estimate, 1);
  assert.equal(a.truthMissing, 0);
  assert.equal(a.finalMissing, 0);
});

test('non-finite scores are dropped and counted, never ranked; missing truth is counted', () => {
  const a = analyzeTrainBench(bench(), { trainImages: 100, truth: TRUTH, bootstrap: 0 });
  const s = scoreAt(a, 1, 'das_logdet_s');
  assert.equal(s.nonFinite, 1);
  assert.equal(s.vsTruth.n, 4);
  close(s.vsTruth.estimate, 1, 'the −∞ arch is dropped, not ranked last (which would give 0.6)');
  // truth as an array indexed by architecture index, with index 12 missing
  const arr: number[] = [];
  for (const i of INDICES) arr[i] = TRUTH(i);
  arr[12] = NaN;
  const b = analyzeTrainBench(bench(), { trainImages: 100, truth: arr, bootstrap: 0 });
  assert.equal(b.truthMissing, 1);
  assert.equal(scoreAt(b, 0, 'naswot').vsTruth.n, 4);
  close(scoreAt(b, 0, 'naswot').vsTruth.estimate, 1);
  // a diverged architecture: NaN everywhere after epoch 0
  const cols = EPOCHS.map((c, e) => (e === 0 ? c : { naswot: [...c.naswot.slice(0, 4), NaN], na: [...c.na.slice(0, 4), NaN], logdet: [...c.logdet.slice(0, 4), NaN], acc: [...c.acc.slice(0, 4), NaN], sec: [...c.sec.slice(0, 4), NaN] }));
  const d = analyzeTrainBench(bench(cols), { trainImages: 100, truth: TRUTH, bootstrap: 0 });
  assert.equal(d.finalMissing, 1);
  assert.equal(scoreAt(d, 0, 'naswot').vsFinal.n, 4);
  assert.equal(scoreAt(d, 2, 'naswot').nonFinite, 1);
  assert.equal(d.epochs[2]!.secondsN, 4);
  close(d.epochs[2]!.seconds, ((10 + 11) + (12 + 13) + (14 + 15) + (16 + 17)) / 4);
});

test('cumulative training seconds, mean over architectures', () => {
  const s = benchCumulativeSeconds(bench());
  assert.deepEqual(s.map((x) => x.n), [5, 5, 5]);
  close(s[0]!.seconds, 0);
  close(s[1]!.seconds, 14);
  close(s[2]!.seconds, 14 + 15);
});

test('rules over the epoch columns: strings, specs with parameters, rule-report entries', () => {
  const cols = benchEpochColumns(bench(), 0);
  assert.deepEqual(Array.from(cols.N!), [8, 8, 8, 8, 8]);
  assert.deepEqual(Array.from(cols.logNA!), EPOCHS[0]!.na.map(Math.log));
  const wot = DAS_RULES.find((r) => r.name === 'WOT')!;
  const a = analyzeTrainBench(bench(), {
    trainImages: 100, truth: TRUTH, bootstrap: 0,
    rules: ['-NA', wot, { label: 'S+aWOT[a=0]', rule: DAS_RULES.find((r) => r.name === 'S+aWOT')!, params: { a: 0 } }, 'rank(logdetS) + test_acc'],
  });
  assert.deepEqual(a.labels, ['naswot', 'das_na', 'das_logdet_s', '-NA', 'WOT', 'S+aWOT[a=0]', 'rank(logdetS) + test_acc']);
  close(scoreAt(a, 0, '-NA').vsTruth.estimate, 1);
  assert.equal(scoreAt(a, 0, '-NA').kind, 'rule');
  assert.equal(scoreAt(a, 0, '-NA').expr, '-NA');
  // a = 0: log|S| alone
  close(scoreAt(a, 0, 'S+aWOT[a=0]').vsTruth.estimate, 0.8);
  // WOT = 8·log N_A + log|S| is dominated by N_A here
  assert.deepEqual(Array.from(benchScoreValues(bench(), 0, wot)), EPOCHS[0]!.na.map((v, j) => 8 * Math.log(v) + EPOCHS[0]!.logdet[j]!));
  // rank() over the finite entries: the −∞ arch of epoch 1 stays non-finite and is dropped
  const r = scoreAt(a, 1, 'rank(logdetS) + test_acc');
  assert.equal(r.nonFinite, 1);
  close(r.vsTruth.estimate, 1);
  // undefined at epoch 0 (test_acc is NaN there)
  assert.equal(scoreAt(a, 0, 'rank(logdetS) + test_acc').nonFinite, 5);
});

test('bootstrap intervals: deterministic for a seed, bracket the estimate', () => {
  const opts = { trainImages: 100, truth: TRUTH, bootstrap: 200, seed: 7 };
  const a = analyzeTrainBench(bench(), opts);
  const b = analyzeTrainBench(bench(), opts);
  assert.deepEqual(scoreAt(a, 1, 'naswot').vsTruth, scoreAt(b, 1, 'naswot').vsTruth);
  const t = scoreAt(a, 1, 'naswot').vsTruth;
  assert.ok(t.lo <= t.estimate && t.estimate <= t.hi, formatTau(t));
  assert.match(formatTau(t), /^0\.800 \[-?\d\.\d{3}, \d\.\d{3}\]$/);
  assert.equal(formatTau({ estimate: NaN, lo: NaN, hi: NaN, skipped: 0 }), '—');
  const k = kendallWithCI([1, 2, NaN, 4], [1, 2, 3, 4], { bootstrap: 0 });
  assert.equal(k.n, 3);
  close(k.estimate, 1);
});

test('paired τ difference: exact estimate, identical vectors give exactly 0', () => {
  const y = [1, 2, 3, 4, 5];
  const d = pairedTauDifference([1, 2, 3, 4, 5], [2, 1, 3, 4, 5], y, { bootstrap: 0 });
  close(d.estimate, 1 - 0.8);
  assert.equal(d.n, 5);
  const same = pairedTauDifference([1, 3, 2, 5, 4, 6], [1, 3, 2, 5, 4, 6], [1, 2, 3, 4, 5, 6], { bootstrap: 100 });
  assert.deepEqual([same.estimate, same.lo, same.hi], [0, 0, 0]);
  const dropped = pairedTauDifference([1, 2, NaN, 4, 5], [2, 1, 3, 4, 5], y, { bootstrap: 0 });
  assert.equal(dropped.n, 4);
  assert.throws(() => pairedTauDifference([1, 2], [1], [1, 2]), /length mismatch \(2, 1, 2\)/);
});

test('verdicts and summary are computed from the paired intervals', () => {
  const a = analyzeTrainBench(bench(), { trainImages: 100, truth: TRUTH, bootstrap: 0 });
  const v = fastTrainingVerdicts(a, ['naswot', 'das_logdet_s']);
  assert.equal(v.length, 2);
  // naswot: τ 1 untrained, 1 after 2 epochs (12 steps, 29 s)
  close(v[0]!.gainFromTraining.estimate, 0);
  assert.match(v[0]!.lines[0]!, /^naswot: τ 1\.000 untrained → 1\.000 after 2 epochs \(12 steps, 29 s\); Δτ 0\.000 .* — too few architectures \(n=5 < 10\) to judge$/);
  // das_logdet_s: 0.8 → −1
  close(v[1]!.gainFromTraining.estimate, -1.8);
  close(v[1]!.vsShortTrainedAcc.estimate, -1 - 0.8);
  close(v[1]!.untrainedVsOneEpochAcc.estimate, 0.8 - 1);
  assert.match(fastTrainingSummary(a, v), /^only 5 architectures with every value finite \(fewer than 10\): too few to judge fast training yet\.$/);
  // with a bootstrap on a larger bench with a clear effect
  const n = 40;
  const idx = Array.from({ length: n }, (_, i) => 100 + i);
  const noise = (i: number) => ((i * 7919) % n) / n; // a fixed scramble
  const big: Col[] = [
    { naswot: idx.map((_, i) => noise(i)), na: idx.map(() => 5), logdet: idx.map((_, i) => -noise(i)), acc: idx.map(() => NaN), sec: idx.map(() => 0) },
    { naswot: idx.map((_, i) => i), na: idx.map(() => 5), logdet: idx.map((_, i) => -i), acc: idx.map((_, i) => noise(i)), sec: idx.map(() => 3) },
  ];
  const ab = analyzeTrainBench(bench(big, idx, { ...S, epochs: 1 }), { trainImages: 100, truth: (i) => i, bootstrap: 200 });
  const vb = fastTrainingVerdicts(ab, ['naswot']);
  assert.match(vb[0]!.lines[0]!, /training before scoring raises τ significantly$/);
  assert.match(vb[0]!.lines[1]!, /the score ranks significantly better$/);
  assert.match(fastTrainingSummary(ab, vb), /^On 40 architectures after 1 epoch: training before scoring significantly raises τ for naswot; naswot ranks significantly better than the short-trained test accuracy/);
  // without bootstrap no interval excludes 0, so nothing is called significant
  const a0 = analyzeTrainBench(bench(big, idx, { ...S, epochs: 1 }), { trainImages: 100, truth: (i) => i, bootstrap: 0 });
  assert.match(fastTrainingSummary(a0, fastTrainingVerdicts(a0, ['naswot'])), /raises τ significantly for none of the scores; no trained score ranks significantly better than the short-trained test accuracy at equal training time\.$/);
});

test('errors name the problem', () => {
  assert.throws(() => analyzeTrainBench({ settings: S, archs: [] }, { trainImages: 100, truth: TRUTH }), /the bench holds no complete architectures/);
  assert.throws(
    () => analyzeTrainBench(bench(), { trainImages: 100, truth: TRUTH, rules: ['logdetS + foo'] }),
    (e: Error) => /rule 'logdetS \+ foo'/.test(e.message) && /foo/.test(e.message) && /naswot/.test(e.message),
  );
  assert.throws(() => analyzeTrainBench(bench(), { trainImages: 100, truth: TRUTH, rules: [{ name: 'naswot', expr: 'NA' }] }), /duplicate score label\(s\) naswot/);
  assert.throws(() => analyzeTrainBench(bench(), { trainImages: 100, truth: [] }), /ground truth has no finite value for any of the bench's 5 architectures \(indices 10, 11, 12, 13, 14\)/);
  const a = analyzeTrainBench(bench(), { trainImages: 100, truth: TRUTH, bootstrap: 0 });
  assert.throws(() => scoreAt(a, 0, 'zen'), /unknown score 'zen' \(known: naswot, das_na, das_logdet_s, test_acc\)/);
  assert.throws(() => scoreAt(a, 3, 'naswot'), /epoch 3 is outside 0\.\.2/);
  assert.throws(() => benchEpochColumns(bench(), -1), /epoch -1 is outside 0\.\.2/);
  const bad = bench();
  const broken: TrainBench = { settings: S, archs: [{ ...bad.archs[0]!, rows: bad.archs[0]!.rows.slice(0, 2) }] };
  assert.throws(() => analyzeTrainBench(broken, { trainImages: 100, truth: TRUTH }), /architecture 10 has epochs 0,1, expected 0\.\.2/);
});

test('τ figure: one trace per score, asymmetric error bars, undefined points left out', () => {
  const a = analyzeTrainBench(bench(), { trainImages: 100, truth: TRUTH, bootstrap: 50 });
  const f = benchTauFigure(a, { x: 'seconds', names: { naswot: 'NASWOT' } });
  assert.deepEqual(f.data.map((d) => d.name), ['NASWOT', 'das_na', 'das_logdet_s', 'test_acc']);
  assert.deepEqual(f.data[0].x, [0, 14, 29]);
  assert.deepEqual(f.data[3].x, [14, 29], 'test_acc has no τ at epoch 0');
  assert.equal(f.data[0].error_y.array.length, 3);
  assert.deepEqual(benchTauFigure(a, { labels: ['naswot'] }).data[0].x, [0, 6, 12]);
  assert.deepEqual(scoreCurve(a, 'naswot', 'final').map((p) => p.epoch), [0, 1, 2]);
});

test('project training bench: missing file named with its command; settings checked; complete architectures loaded', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-ptb-'));
  try {
    const info = PROJECT_TRAIN_BENCHES['nb201-c8n1-e3'];
    assert.equal(hasProjectTrainBench('nb201-c8n1-e3', root), false);
    assert.throws(() => loadProjectTrainBench('nb201-c8n1-e3', root), /'nb201-c8n1-e3' is missing .*nb201-c8n1-e3\.csv\); regenerate it with:\n  node dist\/cli\.js train-bench --space nb201 --archs sample:60 --epochs 3 --channels 8/);
    const file = path.join(root, info.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const settings: TrainBenchSettings = { ...defaultTrainBenchSettings('nb201'), C: 8, N: 1, epochs: 3 };
    const rows = bench([...EPOCHS, EPOCHS[2]!]).archs[0]!.rows.map((r, epoch) => ({ ...r, epoch }));
    openTrainBenchFile(file, settings).append(rows);
    const b = loadProjectTrainBench('nb201-c8n1-e3', root);
    assert.equal(b.archs.length, 1);
    assert.equal(b.info.plannedArchs, 60);
    assert.equal(b.path, file);
    fs.rmSync(file);
    fs.rmSync(`${file}.meta.json`);
    openTrainBenchFile(file, { ...settings, C: 16 }).append(rows);
    assert.throws(() => loadProjectTrainBench('nb201-c8n1-e3', root), /written with other settings: C 16 in the file, 8 expected; regenerate it with/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('bestDistinctRule skips entries that rank exactly as the baseline (S+aWOT[a=1] ≡ WOT)', () => {
  // WOT = N·log NA + logdetS ranks perfectly; log|S| alone a little worse; NA alone worse still
  const n = 12;
  const NA = Float64Array.from({ length: n }, (_, i) => 100 * 2 ** Math.floor(i / 3));
  const logdetS = Float64Array.from({ length: n }, (_, i) => -50 + (i % 3) * 2);
  const cols = { NA, logNA: NA.map(Math.log), logdetS, N: new Float64Array(n).fill(8) };
  const acc = Array.from({ length: n }, (_, i) => i);
  const rules = DAS_RULES.filter((r) => ['WOT', 'S', 'NA', 'S+aWOT'].includes(r.name));
  const rep = ruleReport(rules, cols, acc, { sweeps: { 'S+aWOT': { a: [0, 1] } }, bootstrap: 0 });
  assert.equal(rep.best.label, 'WOT');
  close(rep.best.kendall.estimate, 1);
  const wot = rep.entries.find((e) => e.label === 'WOT')!.kendall.estimate;
  close(rep.entries.find((e) => e.label === 'S+aWOT[a=1]')!.kendall.estimate, wot, 'a = 1 ties WOT');
  const alt = bestDistinctRule(rep, cols)!;
  assert.notEqual(alt.label, 'S+aWOT[a=1]');
  const others = rep.entries.filter((e) => !['WOT', 'S+aWOT[a=1]'].includes(e.label)).map((e) => e.kendall.estimate);
  close(alt.kendall.estimate, Math.max(...others));
  const only = ruleReport(rules.filter((r) => r.name === 'WOT' || r.name === 'S+aWOT'), cols, acc, { sweeps: { 'S+aWOT': { a: [1] } }, bootstrap: 0 });
  assert.equal(bestDistinctRule(only, cols), undefined);
});
