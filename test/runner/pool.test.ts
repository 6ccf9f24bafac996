import test from 'node:test';
import assert from 'node:assert/strict';
import { scoreIndices } from '../../src/runner/pool';
import { PRESETS, ScoreSettings } from '../../src/runner/settings';

const settings: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', batchSize: 16, proxies: ['naswot', 'params'] };

test('worker threads give the same scores as in-process scoring', async () => {
  const indices = [0, 1, 2, 3];
  const inproc = await scoreIndices(settings, indices, { workers: 0 });
  const pooled = await scoreIndices(settings, indices, { workers: 2 });
  const byIndex = new Map(pooled.map((r) => [r.index, r]));
  assert.equal(pooled.length, 4);
  for (const r of inproc) {
    const p = byIndex.get(r.index)!;
    assert.equal(p.values.naswot.value, r.values.naswot.value);
    assert.equal(p.values.params.value, r.values.params.value);
    assert.equal(r.values.naswot.status, 'ok');
  }
});

test('an unknown proxy fails with its name', async () => {
  await assert.rejects(scoreIndices({ ...settings, proxies: ['nope'] }, [0], { workers: 0 }), /unknown proxy 'nope'/);
});
