/**
 * DAS atoms on a real NB201 network (C=16, N=5) and a CIFAR-10 batch of 16: atoms agree with
 * naswot, Σ_ℓ K^ℓ = K, the identity holds with independent LUs, no tensors leak. The data-free
 * tests (hand-computed atoms, a small network against brute force) are in dasAtoms.test.ts.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { makeBatch } from '../../src/data/batch';
import { convOpCount, parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { naswot, naswotKernel } from '../../src/proxies/naswot';
import {
  dasAtoms,
  dasAtomsFromLayers,
  dasIdentityError,
  layerKernel,
  layersKernel,
  withCounting,
  summarizeLayerAtoms,
  tappedLayers,
} from '../../src/proxies/dasAtoms';
import { needsData, CIFAR10_FILE } from '../support/data';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

const skip = needsData(CIFAR10_FILE);
const ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|';
let x: tf.Tensor4D;

before(async () => {
  await initBackend({ quiet: true });
  if (skip) return;
  const b = makeBatch({ dataset: 'cifar10', batchSize: 16, seed: 2 });
  x = tf.tensor4d(b.x, b.shape as [number, number, number, number]);
});

test('real NB201 network (C=16, N=5, batch 16): atoms agree with naswot, Σ_ℓ K^ℓ = K, identity error tiny, no leaks', { skip }, (t) => {
  const arch = parseNb201(ARCH);
  const net = new Nb201Network(arch, { C: 16, N: 5, numClasses: 1 }, 3);
  try {
    const before = tf.memory().numTensors;
    for (const counting of ['official', 'naslib'] as const) {
      const layers = tappedLayers(net, x, counting);
      // 2 resblocks × 2 ReLUs + head + conv ops × 15 cells
      assert.equal(layers.length, 2 * 2 + 1 + convOpCount(arch) * 15);
      const a = dasAtomsFromLayers(layers);
      const ref = naswot(net, x, { counting });
      assert.deepEqual(Array.from(a.kernel), Array.from(naswotKernel(net, x, { counting }).kernel()), `${counting}: K equals naswot's`);
      assert.equal(a.global.numUnits, ref.numUnits);
      assert.equal(a.global.logDetK, ref.score);
      assert.equal(a.global.statusK, 'ok');
      // Σ_ℓ K^ℓ = K and Σ_ℓ N_A^ℓ = N_A, exactly (integer arithmetic)
      const sum = new Float64Array(16 * 16);
      for (const l of layers) layerKernel(l).forEach((v, i) => (sum[i] += v));
      assert.deepEqual(Array.from(sum), Array.from(a.kernel));
      assert.equal(a.layers.reduce((s, l) => s + l.numUnits, 0), a.global.numUnits);
      // the identity, with independent LUs of K and S
      const rel = a.global.identityError / Math.abs(a.global.logDetK);
      t.diagnostic(
        `${counting}: log|K| ${a.global.logDetK.toFixed(6)}, N·log N_A ${a.global.nLogNA.toFixed(6)}, log|S| ${a.global.logDetS.toFixed(6)}, ` +
          `identity error ${a.global.identityError.toExponential(2)} (rel ${rel.toExponential(2)})`,
      );
      assert.ok(rel < 1e-10, `relative identity error ${rel}`);
      assert.ok(dasIdentityError(ref) < 1e-10 * Math.abs(ref.score));
      close(a.global.logDetS, ref.logDetS, 1e-9 * Math.abs(ref.score));
      assert.ok(a.global.logDetS < 0);
      for (const l of a.layers) {
        assert.ok(l.status === 'ok' || l.status === 'singular', `${l.name}: ${l.status}`);
        if (l.status === 'ok') assert.ok(l.logDetS <= 1e-9, `${l.name}: log|S^ℓ| = ${l.logDetS} > 0`);
        // S^ℓ is independent of the multiplicity, so taps reading the same tensor agree
        assert.equal(l.logDetS, a.layers[layers[a.layers.indexOf(l)].sameInputAs].logDetS);
      }
      const multiplicities = new Set(a.layers.map((l) => l.weight));
      assert.deepEqual([...multiplicities].sort(), counting === 'official' ? [1, 2] : [1]);
      const s = summarizeLayerAtoms(a.layers);
      t.diagnostic(`${counting}: ${s.okLayers} ok / ${s.singularLayers} singular layers, mean log|S^ℓ| ${s.meanLogDetS.toFixed(3)}, min ${s.minLogDetS.toFixed(3)}`);
    }
    // one pass serves both conventions: reweighting the official layers gives naslib's kernel
    const official = tappedLayers(net, x, 'official');
    assert.deepEqual(Array.from(layersKernel(withCounting(official, 'naslib')).kernel()), Array.from(naswotKernel(net, x, { counting: 'naslib' }).kernel()));
    assert.deepEqual(Array.from(layersKernel(official).kernel()), Array.from(naswotKernel(net, x).kernel()));
    // dasAtoms = tappedLayers + dasAtomsFromLayers
    assert.deepEqual(dasAtoms(net, x).global, dasAtomsFromLayers(tappedLayers(net, x)).global);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    net.dispose();
  }
});
