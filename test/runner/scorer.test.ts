import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NB201_TABLE_FILE } from '../../src/benchmarks/nb201';
import { tf } from '../../src/engine/backend';
import { ArchScorer } from '../../src/runner/scorer';
import { drawSeeds, PRESETS, ScoreSettings, settingsKey } from '../../src/runner/settings';
import { needsData, CIFAR10_FILE } from '../support/data';

const skip = needsData(CIFAR10_FILE, NB201_TABLE_FILE);
const base: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', batchSize: 8, C: 4, N: 1, proxies: ['jacov', 'params', 'grasp'] };

test('drawSeeds: one draw by default, seed + r for draw r; repeats 0 is refused', () => {
  assert.deepEqual(drawSeeds({ seed: 5 }), [5]);
  assert.deepEqual(drawSeeds({ seed: 5, repeats: 3 }), [5, 6, 7]);
  assert.throws(() => drawSeeds({ seed: 5, repeats: 0 }), /repeats must be a positive integer, got 0/);
  // single-draw settings keep their key (committed score files resume)
  assert.equal(settingsKey(base).includes('repeats'), false);
});

test('ArchScorer with repeats: each proxy is the mean of the single-draw scores of seeds s and s+1', { skip }, async () => {
  const before = tf.memory().numTensors;
  const two = await ArchScorer.create({ ...base, repeats: 2 }, { quiet: true });
  const s1 = await ArchScorer.create({ ...base, seed: 1 }, { quiet: true });
  const s2 = await ArchScorer.create({ ...base, seed: 2 }, { quiet: true });
  const [r, a, b] = [two.score(777), s1.score(777), s2.score(777)];
  for (const p of base.proxies) {
    assert.equal(r.values[p]!.status, 'ok', p);
    const mean = (a.values[p]!.value + b.values[p]!.value) / 2;
    assert.ok(Math.abs(r.values[p]!.value - mean) <= 1e-9 * Math.max(1, Math.abs(mean)), `${p}: ${r.values[p]!.value} vs ${mean}`);
  }
  assert.notEqual(a.values.jacov!.value, b.values.jacov!.value, 'the draws differ');
  [two, s1, s2].forEach((s) => s.dispose());
  assert.equal(tf.memory().numTensors, before);
});

test('NASLib preset per dataset: CIFAR-100 networks get 100 logits (NASLib params column exactly); a 10-class network refuses CIFAR-100 labels', { skip }, async () => {
  const { presetFor } = await import('../../src/runner/settings');
  const { naslibNb201Reference } = await import('../../src/benchmarks/naslib');
  const { checkLabels } = await import('../../src/runner/scorer');
  assert.equal(presetFor('naslib', 'cifar10').numClasses, 10);
  assert.equal(presetFor('naslib', 'cifar100').numClasses, 100);
  assert.equal(presetFor('naswot', 'cifar100').numClasses, 1, 'NASWOT scores a 1-output network');
  const settings: ScoreSettings = { ...presetFor('naslib', 'cifar100'), dataset: 'cifar100', proxies: ['params'] };
  const scorer = await ArchScorer.create(settings, { quiet: true });
  try {
    for (const r of naslibNb201Reference('cifar100').slice(0, 3)) {
      assert.equal(scorer.score(r.nb201Index).values.params!.value, r.proxies.params, `NB201 #${r.nb201Index}`);
    }
  } finally {
    scorer.dispose();
  }
  await assert.rejects(ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar100', proxies: ['params'] }, { quiet: true }), /numClasses 10 but the cifar100 batch has label \d+/);
  assert.doesNotThrow(() => checkLabels({ numClasses: 1, dataset: 'cifar100' }, [99]));
  assert.doesNotThrow(() => checkLabels({ numClasses: 10, dataset: 'cifar10' }, [0, 9]));
});
