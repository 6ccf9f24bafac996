import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasDataFile } from '../../src/data/root';
import { NB201_TABLE_FILE } from '../../src/benchmarks/nb201';
import { tf } from '../../src/engine/backend';
import { ArchScorer } from '../../src/runner/scorer';
import { drawSeeds, PRESETS, ScoreSettings, settingsKey } from '../../src/runner/settings';

const skip = (!hasDataFile('cifar10/data_batch_1.bin') || !hasDataFile(NB201_TABLE_FILE)) && 'no CIFAR-10 data or NB201 table';
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
