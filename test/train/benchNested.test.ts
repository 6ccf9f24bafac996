/**
 * Nested rule selection per epoch of a training bench (src/train/benchNested.ts), on a synthetic
 * bench: log|S| tracks the ground truth after training only, so held-out selection finds it at
 * epoch 1 and not at epoch 0; architectures without ground truth are left out; too few archs are
 * reported, not judged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { DAS_RULES } from '../../src/fusion/rules';
import { benchNestedSelection, fastTrainingRuleClaim } from '../../src/train/benchNested';
import { defaultTrainBenchSettings } from '../../src/train/trainBenchSettings';
import type { TrainBench, TrainBenchRow } from '../../src/train/trainBenchFile';

function syntheticBench(n: number, tracked: 0 | 1 = 1): { bench: TrainBench; truth: Float64Array } {
  const rng = new Rng(9);
  const truth = new Float64Array(n + 5).fill(NaN);
  const archs = Array.from({ length: n }, (_, index) => {
    const t = rng.normal();
    truth[index] = t;
    const na = 1000 + Math.floor(100 * rng.next()); // unrelated to the truth: WOT = S + noise
    const row = (epoch: number, logdetS: number): TrainBenchRow => ({
      index, arch: `a${index}`, epoch, trainLoss: NaN, trainAcc: NaN, testLoss: NaN, testAcc: NaN, seconds: 0,
      naswot: 16 * Math.log(na) + logdetS, dasNa: na, dasLogDetS: logdetS,
    });
    const noise = -50 + rng.normal();
    const signal = -50 + t + 0.1 * rng.normal();
    return { index, arch: `a${index}`, rows: tracked === 1 ? [row(0, noise), row(1, signal)] : [row(0, signal), row(1, noise)] };
  });
  return { bench: { settings: { ...defaultTrainBenchSettings('nb201'), epochs: 1, scoreBatchSize: 16 }, archs }, truth };
}

test('held-out selection finds log|S| once it tracks the truth (epoch 1), not before (epoch 0)', () => {
  const { bench, truth } = syntheticBench(60);
  const out = benchNestedSelection(bench, truth, DAS_RULES, { splits: 20, bootstrap: 100 });
  assert.deepEqual(out.map((e) => e.epoch), [0, 1]);
  const [e0, e1] = out;
  assert.ok(e0!.nested && e1!.nested);
  assert.equal(e1!.archs, 60);
  assert.ok(e1!.nested.medianTestTau > 0.6, `held-out τ at epoch 1: ${e1!.nested.medianTestTau}`);
  assert.ok(Math.abs(e0!.nested.medianTestTau) < 0.25, `held-out τ at epoch 0: ${e0!.nested.medianTestTau}`);
  assert.equal(e1!.nested.verdict, 'beats');
  assert.notEqual(e0!.nested.verdict, 'beats');
});

test('architectures without a ground truth are left out; too few are reported, not judged', () => {
  const { bench, truth } = syntheticBench(12);
  truth[0] = NaN;
  truth[1] = NaN;
  truth[2] = NaN;
  const out = benchNestedSelection(bench, truth, DAS_RULES, { splits: 2, bootstrap: 0 });
  assert.equal(out[0]!.archs, 9);
  assert.equal(out[0]!.nested, undefined);
  assert.match((out[0] as { tooFew: string }).tooFew, /9 architectures with a ground truth \(fewer than 10\)/);
  const ok = benchNestedSelection(bench, (i) => truth[i]!, DAS_RULES, { splits: 2, bootstrap: 0, minArchs: 8 });
  assert.equal(ok[1]!.nested!.rows, 9);
  assert.throws(() => benchNestedSelection(bench, truth, DAS_RULES, { minArchs: 2 }), /minArchs/);
});

test('fast-training claim: supported when the rules beat WOT held out after training and more than untrained; not when only the untrained atoms track the truth', () => {
  const { bench, truth } = syntheticBench(60);
  const yes = fastTrainingRuleClaim(benchNestedSelection(bench, truth, DAS_RULES, { splits: 20, bootstrap: 100 }));
  assert.equal(yes.holds, true);
  assert.match(yes.text, /^supported: held-out median τ_rule\/τ_WOT -?\d\.\d{3} untrained → \d\.\d{3} after 1 epoch, where the rules are better than WOT held out$/);
  const rev = syntheticBench(60, 0);
  const no = fastTrainingRuleClaim(benchNestedSelection(rev.bench, rev.truth, DAS_RULES, { splits: 20, bootstrap: 100 }));
  assert.equal(no.holds, false);
  assert.match(no.text, /^not supported: .* after 1 epoch, where the rules are (worse than|not distinguishable from) WOT held out$/);
  const few = syntheticBench(12);
  const none = fastTrainingRuleClaim(benchNestedSelection(few.bench, few.truth, DAS_RULES, { splits: 2, bootstrap: 0, minArchs: 20 }));
  assert.equal(none.holds, undefined);
  assert.match(none.text, /too few architectures .*12 architectures with a ground truth/);
  assert.equal(fastTrainingRuleClaim([]).holds, undefined);
});
