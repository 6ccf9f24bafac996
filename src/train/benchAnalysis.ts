/**
 * Fast-training curves from a training bench (DAS "fast training", docs/papers.md §3): does
 * scoring after a little SGD rank architectures better than scoring the untrained network, and
 * better than simply reading the short-trained network's test accuracy for the same seconds?
 *
 * For each epoch e = 0..E of a bench (trainBenchFile.ts): k = e·(steps per epoch) SGD steps, the
 * mean over architectures of the cumulative training seconds, and the Kendall τ-b (percentile
 * bootstrap CI, fixed seed) of every score at that epoch — NASWOT, the DAS atoms N_A and log|S|,
 * and any rule of fusion/rules.ts over them — against
 *   (a) a ground truth supplied by the caller per architecture index (e.g. NB201 200-epoch test
 *       accuracy), and
 *   (b) the bench's own test accuracy after its last epoch.
 * The bench's own test accuracy at epoch e is judged the same way: it is the baseline a
 * fast-training score has to beat per second spent. Non-finite values (a singular kernel, a
 * diverged network, a missing ground truth) are dropped pairwise and counted, never ranked.
 * Differences between two scores (or epochs) use a *paired* bootstrap: the same resampled
 * architectures for both τ.
 */
import { bootstrapCI } from '../stats/bootstrap';
import { kendallTauB } from '../stats/correlation';
import { compileRule, evaluateRule, type Estimate, type RuleColumns, type RuleEntry, type RuleReport, type RuleScore, type RuleSpec } from '../fusion/rules';
import type { TrainBench } from './trainBenchFile';
import type { TrainBenchSettings } from './trainBenchSettings';

/** A rule to score with: a rule string, a rule spec (its default parameters), or an entry of a rule report (label + parameters). */
export type BenchRuleInput = string | RuleSpec | RuleEntry;

/** The atom columns every analysis scores, in table order, by the bench file's column names. */
export const BENCH_ATOM_SCORES = ['naswot', 'das_na', 'das_logdet_s'] as const;
export type BenchAtomScore = (typeof BENCH_ATOM_SCORES)[number];

/** Label of the bench's own test accuracy in an analysis. */
export const BENCH_TEST_ACC = 'test_acc';

export interface BenchAnalysisOptions {
  /** Images in the training split the bench trained on (before `trainLimit`), e.g. `loadCifar(dataset, 'train').n`. */
  readonly trainImages: number;
  /** Ground truth per architecture index: an array indexed by index, or a function. Non-finite or absent: dropped and counted. */
  readonly truth: ArrayLike<number> | ((index: number) => number);
  /** Rules over the epoch's columns (see `benchEpochColumns`). */
  readonly rules?: readonly BenchRuleInput[];
  /** Bootstrap resamples (default 1000; 0 = estimates only). */
  readonly bootstrap?: number;
  /** Bootstrap seed (default 1); every interval of an analysis uses the same resampled positions per row set. */
  readonly seed?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
}

/** Kendall τ-b with its CI over the `n` architectures where both sides are finite. */
export interface Tau extends Estimate {
  readonly n: number;
}

/** One score at one epoch. */
export interface ScoreTau {
  readonly label: string;
  readonly kind: 'atom' | 'rule' | 'accuracy';
  /** The rule expression (rules only). */
  readonly expr?: string;
  /** Architectures whose score is non-finite at this epoch (dropped from both τ). */
  readonly nonFinite: number;
  /** τ against the caller's ground truth. */
  readonly vsTruth: Tau;
  /** τ against the bench's own test accuracy after the last epoch. */
  readonly vsFinal: Tau;
}

export interface EpochAnalysis {
  readonly epoch: number;
  /** SGD steps taken: epoch · steps per epoch. */
  readonly steps: number;
  /** Mean over architectures (finite times only) of the cumulative training seconds to the end of this epoch (0 at epoch 0). */
  readonly seconds: number;
  /** Architectures that entered `seconds`. */
  readonly secondsN: number;
  /** The atoms (BENCH_ATOM_SCORES order), then the rules in the order given. */
  readonly scores: readonly ScoreTau[];
  /** The bench's own test accuracy at this epoch (all dropped at epoch 0, where it is not measured). */
  readonly testAcc: ScoreTau;
  /** Per-architecture values (bench order) of every score and of `test_acc` at this epoch, by label. */
  readonly values: Readonly<Record<string, Float64Array>>;
}

export interface BenchAnalysis {
  readonly settings: TrainBenchSettings;
  readonly archs: number;
  /** Architecture indices in bench order. */
  readonly indices: readonly number[];
  /** Ground truth per architecture, bench order (NaN where missing). */
  readonly truth: Float64Array;
  readonly trainImages: number;
  readonly stepsPerEpoch: number;
  /** Architectures whose ground truth is non-finite or absent. */
  readonly truthMissing: number;
  /** Architectures whose final test accuracy is non-finite (e.g. diverged). */
  readonly finalMissing: number;
  readonly bootstrap: number;
  readonly seed: number;
  readonly level: number;
  /** Score labels (atoms, then rules), as in `EpochAnalysis.scores`. */
  readonly labels: readonly string[];
  readonly epochs: readonly EpochAnalysis[];
}

function fail(msg: string): never {
  throw new Error(`train bench analysis: ${msg}`);
}

/**
 * SGD steps per epoch of a bench: ⌊images / batch⌋, images = `trainLimit` or the whole split.
 * The trainer drops each epoch's last partial batch (train/data.ts, `dropLast` default true, which
 * the bench does not change), hence the floor.
 */
export function trainBenchStepsPerEpoch(settings: TrainBenchSettings, trainImages: number): number {
  if (!(Number.isInteger(trainImages) && trainImages >= 1)) fail(`trainImages must be a positive integer, got ${trainImages}`);
  const images = settings.trainLimit ?? trainImages;
  if (images > trainImages) fail(`the bench's trainLimit ${images} exceeds the ${trainImages} training images given`);
  if (settings.batchSize > images) fail(`batch size ${settings.batchSize} exceeds the ${images} training images`);
  return Math.floor(images / settings.batchSize);
}

function checkBench(bench: TrainBench): void {
  if (bench.archs.length === 0) fail('the bench holds no complete architectures (nothing to rank); let `zeronas train-bench` finish at least two');
  const E = bench.settings.epochs;
  for (const a of bench.archs) {
    if (a.rows.length !== E + 1 || a.rows.some((r, e) => r.epoch !== e)) {
      fail(`architecture ${a.index} has epochs ${a.rows.map((r) => r.epoch).join(',')}, expected 0..${E}`);
    }
  }
}

function checkEpoch(bench: TrainBench, epoch: number): void {
  if (!(Number.isInteger(epoch) && epoch >= 0 && epoch <= bench.settings.epochs)) fail(`epoch ${epoch} is outside 0..${bench.settings.epochs}`);
}

/**
 * Columns of one epoch for rules, one value per architecture in bench order: `index`, the file's
 * columns (`naswot`, `das_na`, `das_logdet_s`, `train_loss`, `train_acc`, `test_loss`, `test_acc`),
 * and the aliases of `dasColumns` (rules.ts): `NA`, `logNA` = log N_A, `logdetS`, and `N` = the
 * scoring batch size.
 */
export function benchEpochColumns(bench: TrainBench, epoch: number): Record<string, Float64Array> {
  checkBench(bench);
  checkEpoch(bench, epoch);
  const rows = bench.archs.map((a) => a.rows[epoch]!);
  const col = (f: (r: (typeof rows)[number]) => number): Float64Array => Float64Array.from(rows, f);
  const das_na = col((r) => r.dasNa);
  const das_logdet_s = col((r) => r.dasLogDetS);
  return {
    index: col((r) => r.index),
    naswot: col((r) => r.naswot),
    das_na,
    das_logdet_s,
    train_loss: col((r) => r.trainLoss),
    train_acc: col((r) => r.trainAcc),
    test_loss: col((r) => r.testLoss),
    test_acc: col((r) => r.testAcc),
    NA: das_na,
    logNA: das_na.map(Math.log),
    logdetS: das_logdet_s,
    N: new Float64Array(rows.length).fill(bench.settings.scoreBatchSize),
  };
}

/** A rule input resolved to a label, a spec and parameter values. */
interface ResolvedRule {
  readonly label: string;
  readonly spec: RuleSpec;
  readonly params: Readonly<Record<string, number>>;
}

function resolveRule(r: BenchRuleInput, columnNames: readonly string[]): ResolvedRule {
  const entry = typeof r === 'object' && 'rule' in r && 'label' in r;
  const spec: RuleSpec = typeof r === 'string' ? { name: r, expr: r } : entry ? (r as RuleEntry).rule : (r as RuleSpec);
  const label = entry ? (r as RuleEntry).label : spec.name;
  try {
    compileRule(spec, columnNames);
  } catch (e) {
    fail(`rule '${label}': ${(e as Error).message}`);
  }
  return { label, spec, params: entry ? (r as RuleEntry).params : { ...spec.params } };
}

function resolveRules(bench: TrainBench, rules: readonly BenchRuleInput[]): ResolvedRule[] {
  const names = Object.keys(benchEpochColumns(bench, 0));
  const out = rules.map((r) => resolveRule(r, names));
  const labels = [...BENCH_ATOM_SCORES, BENCH_TEST_ACC, ...out.map((r) => r.label)];
  const dup = labels.filter((l, i) => labels.indexOf(l) !== i);
  if (dup.length) fail(`duplicate score label(s) ${[...new Set(dup)].join(', ')} (rules may not reuse an atom's name or each other's)`);
  return out;
}

function truthOf(bench: TrainBench, truth: BenchAnalysisOptions['truth']): Float64Array {
  const get = typeof truth === 'function' ? truth : (i: number) => truth[i];
  return Float64Array.from(bench.archs, (a) => {
    const v = get(a.index);
    return typeof v === 'number' ? v : NaN;
  });
}

/**
 * Values of one score at one epoch, per architecture in bench order: an atom or `test_acc` by its
 * label, or a rule (evaluated over this epoch's population, so rank()/z() see the bench's archs).
 * @throws on an unknown label or rule.
 */
export function benchScoreValues(bench: TrainBench, epoch: number, score: BenchAtomScore | typeof BENCH_TEST_ACC | BenchRuleInput): Float64Array {
  const cols = benchEpochColumns(bench, epoch);
  if (typeof score === 'string' && ((BENCH_ATOM_SCORES as readonly string[]).includes(score) || score === BENCH_TEST_ACC)) return cols[score]!;
  const r = resolveRule(score, Object.keys(cols));
  return evaluateRule(r.spec, cols, r.params).values;
}

function finitePairs(x: ArrayLike<number>, y: ArrayLike<number>): [number[], number[]] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      a.push(x[i]!);
      b.push(y[i]!);
    }
  }
  return [a, b];
}

/** Kendall τ-b of the finite pairs, with a percentile-bootstrap CI (NaN with fewer than 2 pairs). */
export function kendallWithCI(x: ArrayLike<number>, y: ArrayLike<number>, opts: { bootstrap?: number; seed?: number; level?: number } = {}): Tau {
  const { bootstrap: b = 1000, seed = 1, level = 0.95 } = opts;
  if (x.length !== y.length) fail(`τ of ${x.length} scores against ${y.length} targets`);
  const [xs, ys] = finitePairs(x, y);
  const n = xs.length;
  if (n < 2) return { estimate: NaN, lo: NaN, hi: NaN, skipped: 0, n };
  if (b === 0) return { estimate: kendallTauB(xs, ys), lo: NaN, hi: NaN, skipped: 0, n };
  const r = bootstrapCI(xs, ys, kendallTauB, { resamples: b, seed, level });
  return { estimate: r.estimate, lo: r.lo, hi: r.hi, skipped: r.skipped, n };
}

/**
 * τ(a, y) − τ(b, y) over the rows finite in a, b and y, with a paired percentile bootstrap (the
 * same resampled rows for both τ; resamples where either τ is undefined are skipped).
 */
export function pairedTauDifference(a: ArrayLike<number>, b: ArrayLike<number>, y: ArrayLike<number>, opts: { bootstrap?: number; seed?: number; level?: number } = {}): Tau {
  const { bootstrap: B = 1000, seed = 1, level = 0.95 } = opts;
  if (a.length !== b.length || a.length !== y.length) fail(`paired τ difference: length mismatch (${a.length}, ${b.length}, ${y.length})`);
  const rows: number[] = [];
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && Number.isFinite(y[i])) rows.push(i);
  const n = rows.length;
  if (n < 2) return { estimate: NaN, lo: NaN, hi: NaN, skipped: 0, n };
  const diff = (pos: readonly number[]): number => {
    const yy = pos.map((p) => y[rows[p]!]!);
    return kendallTauB(pos.map((p) => a[rows[p]!]!), yy) - kendallTauB(pos.map((p) => b[rows[p]!]!), yy);
  };
  const pos = rows.map((_, p) => p);
  if (B === 0) return { estimate: diff(pos), lo: NaN, hi: NaN, skipped: 0, n };
  const r = bootstrapCI(pos, pos, (idx) => diff(idx), { resamples: B, seed, level });
  return { estimate: r.estimate, lo: r.lo, hi: r.hi, skipped: r.skipped, n };
}

function countNonFinite(v: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) k++;
  return k;
}

/** Mean over architectures of the cumulative training seconds after each epoch 0..E (finite totals only). */
export function benchCumulativeSeconds(bench: TrainBench): { readonly seconds: number; readonly n: number }[] {
  checkBench(bench);
  return Array.from({ length: bench.settings.epochs + 1 }, (_, e) => {
    const totals = bench.archs.map((a) => a.rows.slice(1, e + 1).reduce((s, r) => s + r.seconds, 0)).filter(Number.isFinite);
    return { seconds: totals.length ? totals.reduce((s, t) => s + t, 0) / totals.length : NaN, n: totals.length };
  });
}

/**
 * The fast-training curves of a bench: per epoch, steps, seconds, and τ of every score against
 * the ground truth and the bench's final test accuracy (see the module comment).
 * @throws on an empty bench, an unknown rule or column, a duplicate label, bad `trainImages`,
 *   or a ground truth with no finite value for any of the bench's architectures.
 */
export function analyzeTrainBench(bench: TrainBench, opts: BenchAnalysisOptions): BenchAnalysis {
  checkBench(bench);
  const { bootstrap = 1000, seed = 1, level = 0.95 } = opts;
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) fail(`bootstrap must be an integer ≥ 0, got ${bootstrap}`);
  const stepsPerEpoch = trainBenchStepsPerEpoch(bench.settings, opts.trainImages);
  const rules = resolveRules(bench, opts.rules ?? []);
  const truth = truthOf(bench, opts.truth);
  const truthMissing = countNonFinite(truth);
  if (truthMissing === truth.length) {
    fail(`the ground truth has no finite value for any of the bench's ${truth.length} architectures (indices ${bench.archs.slice(0, 5).map((a) => a.index).join(', ')}${truth.length > 5 ? ', …' : ''})`);
  }
  const E = bench.settings.epochs;
  const final = benchEpochColumns(bench, E).test_acc!;
  const ci = { bootstrap, seed, level };
  const judge = (label: string, kind: ScoreTau['kind'], v: Float64Array, expr?: string): ScoreTau => ({
    label,
    kind,
    ...(expr !== undefined ? { expr } : {}),
    nonFinite: countNonFinite(v),
    vsTruth: kendallWithCI(v, truth, ci),
    vsFinal: kendallWithCI(v, final, ci),
  });
  const secs = benchCumulativeSeconds(bench);
  const epochs = Array.from({ length: E + 1 }, (_, e): EpochAnalysis => {
    const cols = benchEpochColumns(bench, e);
    const values: Record<string, Float64Array> = {};
    for (const atom of BENCH_ATOM_SCORES) values[atom] = cols[atom]!;
    for (const r of rules) values[r.label] = evaluateRule(r.spec, cols, r.params).values;
    values[BENCH_TEST_ACC] = cols.test_acc!;
    const scores = [
      ...BENCH_ATOM_SCORES.map((atom) => judge(atom, 'atom', values[atom]!)),
      ...rules.map((r) => judge(r.label, 'rule', values[r.label]!, r.spec.expr)),
    ];
    return {
      epoch: e, steps: e * stepsPerEpoch, seconds: secs[e]!.seconds, secondsN: secs[e]!.n, scores,
      testAcc: judge(BENCH_TEST_ACC, 'accuracy', values[BENCH_TEST_ACC]!), values,
    };
  });
  return {
    settings: bench.settings,
    archs: bench.archs.length,
    indices: bench.archs.map((x) => x.index),
    truth,
    trainImages: opts.trainImages,
    stepsPerEpoch,
    truthMissing,
    finalMissing: countNonFinite(final),
    bootstrap,
    seed,
    level,
    labels: [...BENCH_ATOM_SCORES, ...rules.map((r) => r.label)],
    epochs,
  };
}

/** A score's entry at one epoch of an analysis (`test_acc` for the bench's accuracy). @throws naming the known labels. */
export function scoreAt(a: BenchAnalysis, epoch: number, label: string): ScoreTau {
  const ep = a.epochs[epoch];
  if (!ep) fail(`epoch ${epoch} is outside 0..${a.epochs.length - 1}`);
  if (label === BENCH_TEST_ACC) return ep.testAcc;
  const s = ep.scores.find((x) => x.label === label);
  if (!s) fail(`unknown score '${label}' (known: ${[...a.labels, BENCH_TEST_ACC].join(', ')})`);
  return s;
}

/** One point per epoch of a score's curve, for plots and tables. */
export interface CurvePoint {
  readonly epoch: number;
  readonly steps: number;
  readonly seconds: number;
  readonly tau: Tau;
}

/** A score's τ curve over epochs against the ground truth ('truth') or the final test accuracy ('final'). */
export function scoreCurve(a: BenchAnalysis, label: string, target: 'truth' | 'final' = 'truth'): CurvePoint[] {
  return a.epochs.map((ep) => {
    const s = scoreAt(a, ep.epoch, label);
    return { epoch: ep.epoch, steps: ep.steps, seconds: ep.seconds, tau: target === 'truth' ? s.vsTruth : s.vsFinal };
  });
}

/** Format a τ as `0.512 [0.401, 0.610]` (no interval without bootstrap; `—` when undefined). */
export function formatTau(t: Estimate, digits = 3): string {
  if (!Number.isFinite(t.estimate)) return '—';
  const v = t.estimate.toFixed(digits);
  return Number.isFinite(t.lo) ? `${v} [${t.lo.toFixed(digits)}, ${t.hi.toFixed(digits)}]` : v;
}

/** Fewest architectures on which a verdict calls a τ difference significant (a percentile bootstrap of a handful of rows means little). */
export const MIN_VERDICT_ARCHS = 10;

/** Whether an interval lies entirely above (1), below (−1) zero, or contains it / is undefined / rests on too few rows (0). */
function sign(t: Tau): -1 | 0 | 1 {
  if (t.n < MIN_VERDICT_ARCHS) return 0;
  return t.lo > 0 ? 1 : t.hi < 0 ? -1 : 0;
}

/** The verdict phrase of a τ difference. */
function judgeDiff(t: Tau, above: string, below: string, neither: string): string {
  if (t.n < MIN_VERDICT_ARCHS) return `too few architectures (n=${t.n} < ${MIN_VERDICT_ARCHS}) to judge`;
  const g = sign(t);
  return g > 0 ? above : g < 0 ? below : neither;
}

export interface FastTrainingVerdict {
  /** The score the verdict is about. */
  readonly label: string;
  /** τ_after − τ_untrained of the score at the last epoch vs the ground truth (paired). */
  readonly gainFromTraining: Tau;
  /** τ_score − τ_test_acc at the last epoch, equal training seconds (paired). */
  readonly vsShortTrainedAcc: Tau;
  /** τ of the untrained score − τ of the test accuracy after one epoch (paired): the untrained score costs no training at all. */
  readonly untrainedVsOneEpochAcc: Tau;
  /** Sentences computed from the intervals above. */
  readonly lines: readonly string[];
}

/**
 * Verdicts for the given scores (default: every atom and rule): does training before scoring
 * raise τ with the ground truth (last epoch vs untrained), and does the trained score beat the
 * short-trained network's own test accuracy at equal training time? "Significantly" means the
 * paired bootstrap interval of the τ difference excludes 0.
 */
export function fastTrainingVerdicts(a: BenchAnalysis, labels: readonly string[] = a.labels): FastTrainingVerdict[] {
  const E = a.epochs.length - 1;
  if (E < 1) fail('verdicts need at least one training epoch');
  const truth = a.truth;
  const values = (label: string, epoch: number): Float64Array => {
    scoreAt(a, epoch, label);
    return a.epochs[epoch]!.values[label]!;
  };
  const ci = { bootstrap: a.bootstrap, seed: a.seed, level: a.level };
  const pct = Math.round(a.level * 100);
  const accE = values(BENCH_TEST_ACC, E);
  const acc1 = values(BENCH_TEST_ACC, 1);
  const lastEp = a.epochs[E]!;
  const firstEp = a.epochs[1]!;
  const when = (ep: EpochAnalysis): string => `${ep.epoch} epoch${ep.epoch === 1 ? '' : 's'} (${ep.steps} steps, ${ep.seconds.toFixed(0)} s`;
  return labels.map((label): FastTrainingVerdict => {
    const v0 = values(label, 0);
    const vE = values(label, E);
    const gain = pairedTauDifference(vE, v0, truth, ci);
    const vsAcc = pairedTauDifference(vE, accE, truth, ci);
    const untrained = pairedTauDifference(v0, acc1, truth, ci);
    const t0 = scoreAt(a, 0, label).vsTruth.estimate;
    const tE = scoreAt(a, E, label).vsTruth.estimate;
    const lines = [
      `${label}: τ ${t0.toFixed(3)} untrained → ${tE.toFixed(3)} after ${when(lastEp)}); Δτ ${formatTau(gain)} (paired ${pct} % CI, n=${gain.n}) — ` +
        judgeDiff(gain, 'training before scoring raises τ significantly', 'training before scoring lowers τ significantly', 'no significant change from training'),
      `${label} after ${when(lastEp)}) vs the short-trained test accuracy at the same time (τ ${lastEp.testAcc.vsTruth.estimate.toFixed(3)}): Δτ ${formatTau(vsAcc)} — ` +
        judgeDiff(vsAcc, 'the score ranks significantly better', 'the short-trained accuracy ranks significantly better', 'no significant difference'),
      `${label} untrained (no training) vs the test accuracy after ${when(firstEp)}; τ ${firstEp.testAcc.vsTruth.estimate.toFixed(3)}): Δτ ${formatTau(untrained)} — ` +
        judgeDiff(untrained, 'the free untrained score ranks significantly better', 'one epoch of training ranks significantly better than the untrained score', 'no significant difference'),
    ];
    return { label, gainFromTraining: gain, vsShortTrainedAcc: vsAcc, untrainedVsOneEpochAcc: untrained, lines };
  });
}

/**
 * One-sentence summary of verdicts: which scores training helps significantly, and whether any
 * trained score beats the short-trained accuracy at equal training time.
 */
export function fastTrainingSummary(a: BenchAnalysis, verdicts: readonly FastTrainingVerdict[]): string {
  if (verdicts.length === 0) fail('no verdicts to summarise');
  const helped = verdicts.filter((v) => sign(v.gainFromTraining) > 0).map((v) => v.label);
  const hurt = verdicts.filter((v) => sign(v.gainFromTraining) < 0).map((v) => v.label);
  const beatAcc = verdicts.filter((v) => sign(v.vsShortTrainedAcc) > 0).map((v) => v.label);
  const lostAcc = verdicts.filter((v) => sign(v.vsShortTrainedAcc) < 0).map((v) => v.label);
  const E = a.epochs.length - 1;
  const list = (xs: string[]): string => xs.join(', ');
  const n = Math.min(...verdicts.map((v) => Math.min(v.gainFromTraining.n, v.vsShortTrainedAcc.n)));
  if (n < MIN_VERDICT_ARCHS) return `only ${n} architectures with every value finite (fewer than ${MIN_VERDICT_ARCHS}): too few to judge fast training yet.`;
  return [
    `On ${a.archs} architectures after ${E} epoch${E === 1 ? '' : 's'}: ` +
      (helped.length ? `training before scoring significantly raises τ for ${list(helped)}` : 'training before scoring raises τ significantly for none of the scores') +
      (hurt.length ? ` and lowers it for ${list(hurt)}` : '') + '; ',
    beatAcc.length
      ? `${list(beatAcc)} rank${beatAcc.length === 1 ? 's' : ''} significantly better than the short-trained test accuracy at equal training time`
      : lostAcc.length === verdicts.length
        ? 'the short-trained test accuracy ranks significantly better than every trained score at equal training time'
        : `no trained score ranks significantly better than the short-trained test accuracy at equal training time${lostAcc.length ? ` (it beats ${list(lostAcc)})` : ''}`,
    '.',
  ].join('');
}

/**
 * The best entry of a rule report that is not a re-statement of its baseline: the highest Kendall
 * τ among entries whose values do not rank the report's population exactly as the baseline's do
 * (τ-b between the two < 1 on their common finite rows; e.g. `S+aWOT[a=1]` ≡ WOT is skipped), so
 * a fast-training table can show a DAS rule next to WOT even when WOT wins. `columns` are the
 * report's columns. Undefined when every entry ranks as the baseline does.
 */
export function bestDistinctRule(report: RuleReport, columns: RuleColumns): RuleScore | undefined {
  const names = Object.keys(columns);
  const vals = (e: RuleEntry): Float64Array => evaluateRule(compileRule(e.rule, names), columns, e.params).values;
  const base = vals(report.baseline);
  let best: RuleScore | undefined;
  for (const e of report.entries) {
    if (e.label === report.baseline.label || !(e.kendall.estimate > (best?.kendall.estimate ?? -Infinity))) continue;
    const [x, y] = finitePairs(vals(e), base);
    if (x.length >= 2 && kendallTauB(x, y) >= 1 - 1e-12) continue;
    best = e;
  }
  return best;
}
