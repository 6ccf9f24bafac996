import test from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { makeBatch } from '../../src/data/batch';
import { NASWOT_NORM } from '../../src/data/normalize';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { naswot } from '../../src/proxies/naswot';
import { fastTrainingScores, summarizeFastTraining } from '../../src/train/fastTraining';

test('fast training: k = 0 is the untrained score, training changes it, atoms obey the identity, no leaks', async () => {
  await initBackend({ quiet: true });
  const b = makeBatch({ dataset: 'cifar10', split: 'train', batchSize: 16, seed: 2, norm: NASWOT_NORM.cifar10 });
  const x = tf.tensor4d(b.x, [...b.shape]);
  const arch = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_3x3~0|skip_connect~1|nor_conv_1x1~2|');
  const fresh = new Nb201Network(arch, { C: 4, N: 1, numClasses: 10 }, 7);
  const untrained = naswot(fresh, x).score;
  fresh.dispose();
  const before = tf.memory().numTensors;
  const net = new Nb201Network(arch, { C: 4, N: 1, numClasses: 10 }, 7);
  const pts = fastTrainingScores(net, 42, { ks: [0, 3, 6], x, train: { batchSize: 16, lr: 0.1, trainLimit: 64, seed: 1 } });
  net.dispose();
  assert.equal(tf.memory().numTensors, before - 0, 'no tensors left behind');
  assert.deepEqual(pts.map((p) => p.k), [0, 3, 6]);
  assert.equal(pts[0].naswot, untrained);
  assert.notEqual(pts[2].naswot, pts[0].naswot, 'training moves the score');
  assert.ok(pts[2].trainSeconds >= pts[1].trainSeconds && pts[1].trainSeconds > 0);
  for (const p of pts) assert.ok(Math.abs(16 * Math.log(p.numUnits) + p.logDetS - p.naswot) < 1e-9 * Math.abs(p.naswot));
  assert.throws(() => fastTrainingScores(net, 1, { ks: [3, 3], x }), /strictly increasing/);
  x.dispose();
});

test('summarizeFastTraining: τ per k over architectures', () => {
  const mk = (index: number, k: number, s: number) => ({ index, k, trainSeconds: k, naswot: s, numUnits: s, logDetS: -s });
  const pts = [mk(0, 0, 1), mk(1, 0, 2), mk(2, 0, 3), mk(0, 5, 3), mk(1, 5, 2), mk(2, 5, NaN)];
  const s = summarizeFastTraining(pts, (i) => i);
  assert.deepEqual(s.map((r) => [r.k, r.n, r.tauNaswot, r.tauLogDetS]), [[0, 3, 1, -1], [5, 3, -1, 1]]);
});
