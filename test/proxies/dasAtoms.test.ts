/**
 * DAS atoms (src/proxies/dasAtoms.ts): the PAPERS.md §3 test vector, per-layer atoms summing to
 * the global kernel, singular layers, the identity log|K_H| = N·log N_A + log|S| checked with
 * independent log-determinants, and the same on a real NB201 network (C=16, N=5, batch 16).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { makeBatch } from '../../src/data/batch';
import { convOpCount, parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { naswot, naswotKernel } from '../../src/proxies/naswot';
import { layerDistances } from '../../src/proxies/hamming';
import {
  checkDasIdentity,
  dasAtoms,
  dasAtomsFromLayers,
  dasIdentityError,
  layerKernel,
  layersKernel,
  withCounting,
  summarizeLayerAtoms,
  tappedLayers,
  type TappedLayer,
} from '../../src/proxies/dasAtoms';
import { Rng } from '../../src/engine/rng';
import { needsData, CIFAR10_FILE } from '../support/data';

/** A layer from explicit 0/1 codes (n samples × F, sample-major). */
function layer(name: string, codes: number[], n: number, weight = 1): TappedLayer {
  return { name, weight, inWrapper: false, distances: layerDistances(Float64Array.from(codes), n), sameInputAs: 0 };
}

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('PAPERS.md §3 test vector: codes (1,0,1),(1,1,0): N·log N_A = 2 ln 3, log|S| = ln(8/9), log|K_H| = ln 8', () => {
  const a = dasAtomsFromLayers([layer('only', [1, 0, 1, 1, 1, 0], 2)]);
  assert.deepEqual(Array.from(a.kernel), [3, 1, 1, 3]);
  const g = a.global;
  assert.equal(g.batchSize, 2);
  assert.equal(g.numUnits, 3);
  close(g.nLogNA, 2 * Math.log(3));
  close(g.nLogNA, 2.19722, 1e-5);
  close(g.logDetS, Math.log(8 / 9));
  close(g.logDetS, -0.11778, 1e-5);
  close(g.logDetK, Math.log(8));
  close(g.logDetK, 2.07944, 1e-5);
  assert.equal(g.statusK, 'ok');
  assert.equal(g.statusS, 'ok');
  assert.ok(g.identityError <= 1e-15, `identity error ${g.identityError}`);
  assert.equal(a.layers.length, 1);
  close(a.layers[0].logDetS, Math.log(8 / 9));
});

test('per-layer atoms: K^ℓ, N_A^ℓ, log|S^ℓ| by hand; Σ_ℓ K^ℓ = K; weights scale K^ℓ and N_A^ℓ but not S^ℓ', () => {
  // the test-vector codes split into layer A = first two units, layer B = third unit
  const A = layer('A', [1, 0, 1, 1], 2);
  const B = layer('B', [1, 0], 2);
  assert.deepEqual(Array.from(layerKernel(A)), [2, 1, 1, 2]);
  assert.deepEqual(Array.from(layerKernel(B)), [1, 0, 0, 1]);
  const a = dasAtomsFromLayers([A, B]);
  assert.deepEqual(Array.from(a.kernel), [3, 1, 1, 3]);
  assert.deepEqual(a.layers.map((l) => [l.name, l.units, l.weight, l.numUnits]), [['A', 2, 1, 2], ['B', 1, 1, 1]]);
  close(a.layers[0].logDetS, Math.log(3 / 4)); // S^A = [[1, ½], [½, 1]]
  close(a.layers[1].logDetS, 0); // S^B = I
  close(a.global.logDetS, Math.log(8 / 9));
  // multiplicity 2 on A (official counting inside ReLUConvBN): K = 2K^A + K^B
  const w = dasAtomsFromLayers([{ ...A, weight: 2 }, B]);
  assert.deepEqual(Array.from(w.kernel), [5, 2, 2, 5]);
  assert.equal(w.global.numUnits, 5);
  assert.equal(w.layers[0].numUnits, 4);
  close(w.layers[0].logDetS, Math.log(3 / 4));
  close(w.global.logDetK, Math.log(21));
  close(w.global.logDetS, Math.log(21 / 25));
  assert.ok(w.global.identityError < 1e-14);
});

test('singular layers and kernels are reported, not hidden; identity holds as −∞ = −∞', () => {
  const same = layer('same', [1, 0, 1, 1, 0, 1], 2); // identical codes → K = 3·11ᵀ
  const a = dasAtomsFromLayers([same, layer('B', [1, 0], 2)]);
  assert.equal(a.layers[0].status, 'singular');
  assert.equal(a.layers[0].logDetS, -Infinity);
  assert.equal(a.layers[1].status, 'ok');
  assert.equal(a.global.statusK, 'ok'); // the other layer separates the two samples
  const s = dasAtomsFromLayers([same]);
  assert.equal(s.global.statusK, 'singular');
  assert.equal(s.global.statusS, 'singular');
  assert.equal(s.global.identityError, 0);
  const summary = summarizeLayerAtoms(a.layers);
  assert.deepEqual([summary.okLayers, summary.singularLayers, summary.nanLayers, summary.minLogDetS], [1, 1, 0, -Infinity]);
  close(summary.meanLogDetS, 0);
  // a non-finite kernel entry → NaN error
  assert.ok(Number.isNaN(checkDasIdentity(Float64Array.from([1, NaN, NaN, 1]), 2, 1).error));
  assert.throws(() => checkDasIdentity(Float64Array.from([1, 0, 0]), 2, 1), /expected 2×2/);
  assert.throws(() => dasAtomsFromLayers([]), /no tapped layers/);
  assert.throws(() => layersKernel([]), /no tapped layers/);
});

test('identity check uses independent LUs of K and S; it flags a score that disagrees with its kernel', () => {
  const rng = new Rng(1);
  const n = 12;
  const k = dasAtomsFromLayers([
    { name: 'x', weight: 1, inWrapper: false, distances: layerDistances(Float64Array.from({ length: n * 300 }, () => rng.normal()), n), sameInputAs: 0 },
  ]);
  const c = checkDasIdentity(k.kernel, n, k.global.numUnits);
  assert.ok(c.error < 1e-10 * Math.abs(c.logDetK), `error ${c.error}`);
  assert.ok(c.logDetS < 0);
  // a NaswotResult whose score disagrees with its kernel is flagged
  const r = { score: c.logDetK + 1e-3, status: 'ok' as const, numUnits: k.global.numUnits, logDetS: NaN, batchSize: n, kernel: k.kernel };
  close(dasIdentityError(r), 1e-3, 1e-9);
});

// --- a real NB201 network -------------------------------------------------------------------

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
