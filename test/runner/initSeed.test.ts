import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { initDrawSeed, PRESETS, settingsKey, type ScoreSettings } from '../../src/runner/settings';
import { readScoreSettings } from '../../src/runner/results';
import * as path from 'node:path';

test('initSeed: weights seed of draw r, left out of the settings when equal to seed', () => {
  assert.equal(initDrawSeed({ seed: 3 }, 0), 3);
  assert.equal(initDrawSeed({ seed: 3 }, 2), 5);
  assert.equal(initDrawSeed({ seed: 3, initSeed: 1 }, 0), 1);
  assert.equal(initDrawSeed({ seed: 3, initSeed: 1 }, 1), 2);
  const committed = readScoreSettings(path.resolve(__dirname, '../../data/scores/nb201-cifar10-naswot.csv'));
  assert.equal(committed.initSeed, undefined);
  const s: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot'] };
  assert.notEqual(settingsKey({ ...s, initSeed: 2 }), settingsKey(s));
});
