/**
 * End-to-end Zero-Cost-PT search on a tiny NB201 supernet (C=4, N=1) with real CIFAR-10 batches:
 * result structure, determinism by seed, no leaks, registry proxies through the supernet, option
 * checks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { loadNb201Table, NB201_TABLE_FILE } from '../../../src/benchmarks/nb201';
import { formatNb201, parseNb201 } from '../../../src/spaces/nb201/arch';
import { proxyValue, registerProxy } from '../../../src/proxies/registry';
import { archMixing, makeScorer, Nb201Supernet, zcptBatch, zcptSearchNb201, zcptSettings, type ZcptSearchOptions } from '../../../src/search/zcpt';
import { needsData, CIFAR10_FILE } from '../../support/data';

const skip = needsData(CIFAR10_FILE);
const TINY: ZcptSearchOptions = { C: 2, N: 1, batchSize: 6, proposals: 2, valBatches: 2, seed: 1 };

before(async () => {
  await initBackend({ quiet: true });
});

test('tiny search: structure, timings, accuracies; deterministic by seed; no tensor left', { skip: skip || needsData(NB201_TABLE_FILE) }, async () => {
  const progress: string[] = [];
  await zcptSearchNb201({ ...TINY, proposals: 1, valBatches: 1 }); // warm-up (kernels, data)
  const before = tf.memory().numTensors;
  const r = await zcptSearchNb201({ ...TINY, onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`) });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(r.settings.proxy, 'naswot');
  assert.equal(r.settings.edgeOrder, 'random');
  assert.equal(r.proposals.length, 2);
  for (const p of r.proposals) {
    assert.equal(p.steps.length, 6);
    assert.deepEqual([...p.edgeOrder].sort(), [0, 1, 2, 3, 4, 5]);
    for (const s of p.steps) {
      assert.equal(s.removals.length, 5);
      assert.ok(s.removals.every((x) => Number.isFinite(x.score) || x.score === -Infinity));
    }
  }
  const unique = new Set(r.proposals.map((p) => formatNb201(p.arch)));
  assert.equal(r.validation.candidates.length, unique.size);
  for (const c of r.validation.candidates) assert.equal(c.batchScores.length, 2);
  assert.equal(r.archString, r.validation.candidates[r.validation.chosen]!.archString);
  assert.equal(r.timing.supernetScorings, 60);
  assert.equal(r.timing.validationScorings, 2 * unique.size);
  assert.ok(r.timing.totalSeconds >= r.timing.proposalSeconds);
  assert.equal(progress.filter((p) => p.startsWith('proposals')).length, 60);
  assert.equal(progress.at(-1), `validation:${2 * unique.size}/${2 * unique.size}`);
  // the chosen architecture's 200-epoch test accuracies, looked up in the table here
  const table = loadNb201Table();
  const index = table.indexOf(parseNb201(r.archString));
  assert.deepEqual(r.accuracies, {
    index,
    cifar10: table.accuracy(index, 'cifar10-test'),
    cifar100: table.accuracy(index, 'cifar100-test'),
    imagenet16: table.accuracy(index, 'imagenet16-test'),
  });

  const again = await zcptSearchNb201(TINY);
  assert.equal(again.archString, r.archString);
  assert.deepEqual(
    again.proposals.map((p) => p.steps.map((s) => s.removals.map((x) => x.score))),
    r.proposals.map((p) => p.steps.map((s) => s.removals.map((x) => x.score))),
  );
  assert.deepEqual(again.validation.candidates.map((c) => c.score), r.validation.candidates.map((c) => c.score));
  const other = await zcptSearchNb201({ ...TINY, seed: 2 });
  assert.notDeepEqual(
    other.proposals.map((p) => p.steps.map((s) => s.removals.map((x) => x.score))),
    r.proposals.map((p) => p.steps.map((s) => s.removals.map((x) => x.score))),
  );
});

test('two worker threads give the in-process result (proposals, validation scores, choice)', { skip }, async () => {
  const opts = { ...TINY, proposals: 2, valBatches: 2, seed: 4 };
  const here = await zcptSearchNb201(opts);
  let progress = 0;
  const there = await zcptSearchNb201({ ...opts, workers: 2, onProgress: () => progress++ });
  assert.equal(there.archString, here.archString);
  assert.deepEqual(there.proposals.map((p) => formatNb201(p.arch)), here.proposals.map((p) => formatNb201(p.arch)));
  assert.deepEqual(
    there.proposals.map((p) => p.steps.map((s) => s.removals.map((x) => x.score))),
    here.proposals.map((p) => p.steps.map((s) => s.removals.map((x) => x.score))),
  );
  assert.deepEqual(there.validation.candidates.map((c) => c.batchScores), here.validation.candidates.map((c) => c.batchScores));
  assert.equal(there.timing.supernetScorings, 60);
  assert.equal(progress, 60 + 2);
});

test('nwot and a gradient proxy (grad_norm) through the registry run end to end', { skip }, async () => {
  for (const proxy of ['nwot', 'grad_norm']) {
    const r = await zcptSearchNb201({ ...TINY, proxy, proposals: 1, valBatches: 1, edgeOrder: 'fixed' });
    assert.deepEqual(r.proposals[0]!.edgeOrder, [0, 1, 2, 3, 4, 5]);
    const scores = r.proposals[0]!.steps.flatMap((s) => s.removals.map((x) => x.score));
    assert.ok(scores.every(Number.isFinite), `${proxy}: ${scores.join(',')}`);
    assert.ok(new Set(scores).size > 1, `${proxy}: removal changes the score`);
  }
});

test('registry scorers on the supernet: lower-is-better negated; arch-bound proxies refused', { skip }, () => {
  const sup = new Nb201Supernet({ C: 4, N: 1, numClasses: 10 }, 1);
  const b = zcptBatch('cifar10', 4, 1);
  try {
    const view = sup.withMixing(sup.mixing);
    const target = { net: view, mixing: view.mixing };
    assert.throws(() => makeScorer('flops').score(target, b), /needs a discrete architecture/);
    const params = makeScorer('params').score(target, b);
    assert.ok(Math.abs(params - sup.numParams / 1e6) < 1e-12);
    registerProxy({ name: 'zcpt_test_lower', description: 'test only', needs: 'none', higherIsBetter: false, compute: ({ net }) => proxyValue(net.numParams) });
    assert.equal(makeScorer('zcpt_test_lower').score(target, b), -sup.numParams);
    // synflow on the supernet and on a one-hot view differ (the mixture has more paths)
    const s1 = makeScorer('synflow').score(target, b);
    const arch = ['nor_conv_3x3', 'skip_connect', 'none', 'none', 'none', 'none'] as const;
    const v2 = sup.withMixing(archMixing(arch as unknown as Parameters<typeof archMixing>[0]));
    const s2 = makeScorer('synflow').score({ net: v2, mixing: v2.mixing }, b);
    assert.ok(Number.isFinite(s1) && Number.isFinite(s2) && s1 !== s2);
  } finally {
    sup.dispose();
    b.x.dispose();
    b.labels.dispose();
  }
});

test('zcptSettings: defaults are the paper setting; bad options are named', () => {
  const s = zcptSettings();
  assert.deepEqual(
    { proxy: s.proxy, proposals: s.proposals, valBatches: s.valBatches, batchSize: s.batchSize, bn: s.bn, counting: s.counting, C: s.C, N: s.N },
    { proxy: 'naswot', proposals: 10, valBatches: 100, batchSize: 256, bn: 'eval', counting: 'official', C: 16, N: 5 },
  );
  assert.equal(zcptSettings({ batchSize: 64 }).valBatchSize, 64);
  assert.throws(() => zcptSettings({ proposals: 0 }), /proposals must be a positive integer/);
  assert.throws(() => zcptSettings({ edgeOrder: 'sideways' as never }), /unknown edge order 'sideways'/);
  assert.throws(() => zcptSettings({ dataset: 'imagenet' as never }), /dataset must be cifar10 or cifar100/);
  assert.throws(() => zcptSettings({ batchSize: 1 }), /at least 2/);
  assert.throws(() => zcptSettings({ bn: 'running' as never }), /zc-pt: bn must be eval or train, got 'running'/);
  assert.equal(zcptSettings({ valBatchSize: 32 }).batchSize, 256, 'the validation batch alone leaves the scoring batch at its default');
  assert.throws(() => makeScorer('nope'), /unknown proxy 'nope'/);
});
