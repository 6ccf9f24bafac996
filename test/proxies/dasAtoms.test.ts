/**
 * DAS atoms (src/proxies/dasAtoms.ts): the PAPERS.md §3 test vector, per-layer atoms summing to
 * the global kernel, singular layers, the identity log|K_H| = N·log N_A + log|S| checked with
 * independent log-determinants, and tappedLayers on a small NB201 network against taps collected
 * and counted by brute force. The real-network check (C=16, N=5, CIFAR batch) is in
 * dasAtomsNetwork.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
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
  type LayerAtoms,
  type TappedLayer,
} from '../../src/proxies/dasAtoms';
import { Rng } from '../../src/engine/rng';
import { logAbsDet } from '../../src/linalg/logdet';
import { tapStandInNetwork } from '../support/tapNetwork';

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
  assert.throws(() => checkDasIdentity(Float64Array.from([1, 0, 0]), 2, 1), (e: Error) => e.message === 'checkDasIdentity: kernel has 3 entries, expected 2×2');
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

test('global atoms of the test vector: log N_A = ln 3', () => {
  close(dasAtomsFromLayers([layer('only', [1, 0, 1, 1, 1, 0], 2)]).global.logNA, Math.log(3));
});

test('checkDasIdentity: exactly one singular side is an infinite error; N_A must be positive', () => {
  // K = diag(5e-324, 5e-324) (the smallest subnormal) is regular, but K / 2 rounds every entry to 0
  const c = checkDasIdentity(Float64Array.from([5e-324, 0, 0, 5e-324]), 2, 2);
  assert.deepEqual([c.statusK, c.statusS, c.logDetS, c.error], ['ok', 'singular', -Infinity, Infinity]);
  close(c.logDetK, 2 * Math.log(5e-324), 1e-9);
  close(c.nLogNA, 2 * Math.log(2));
  // K regular, S = K / 1e-10 overflows to ∞: NaN (not ∞) as for any non-finite S
  const overflow = checkDasIdentity(Float64Array.from([1e300, 0, 0, 1e300]), 2, 1e-10);
  assert.deepEqual([overflow.statusK, overflow.statusS], ['ok', 'nan']);
  assert.ok(Number.isNaN(overflow.error));
  // K = [[1, 1], [7, 7]] is exactly singular, but K / 11 is not (7/11 and 1/11 round apart): ∞
  const split = checkDasIdentity(Float64Array.from([1, 1, 7, 7]), 2, 11);
  assert.deepEqual([split.statusK, split.statusS, split.error], ['singular', 'ok', Infinity]);
  for (const na of [0, -3, NaN]) {
    assert.throws(() => checkDasIdentity(Float64Array.from([1, 0, 0, 1]), 2, na), (e: Error) => e.message === `checkDasIdentity: N_A must be positive, got ${na}`);
  }
});

test('dasIdentityError: 0 for a singular score of a singular kernel, ∞ when score and kernel disagree on singularity, NaN for a NaN kernel', () => {
  const singularKernel = Float64Array.from([3, 3, 3, 3]); // identical codes: K = 3·11ᵀ
  const base = { numUnits: 3, logDetS: NaN, batchSize: 2 };
  assert.equal(dasIdentityError({ ...base, score: -Infinity, status: 'singular', kernel: singularKernel }), 0);
  assert.equal(dasIdentityError({ ...base, score: Math.log(8), status: 'ok', kernel: singularKernel }), Infinity);
  assert.equal(dasIdentityError({ ...base, score: -Infinity, status: 'singular', kernel: Float64Array.from([3, 1, 1, 3]) }), Infinity);
  assert.ok(Number.isNaN(dasIdentityError({ ...base, score: NaN, status: 'nan', kernel: Float64Array.from([3, NaN, NaN, 3]) })));
  // the test vector's own score: |ln 8 − 2 ln 3 − ln(8/9)| is round-off only
  assert.ok(dasIdentityError({ ...base, score: Math.log(8), status: 'ok', kernel: Float64Array.from([3, 1, 1, 3]) }) < 1e-15);
});

test('summarizeLayerAtoms: counts, plain and unit-weighted means over the finite layers, and the minimum', () => {
  const at = (logDetS: number, status: LayerAtoms['status'], numUnits = 1): LayerAtoms => ({ name: 'l', units: numUnits, weight: 1, numUnits, logDetS, status });
  const mixed = summarizeLayerAtoms([at(-1, 'ok', 2), at(-4, 'ok', 6), at(-Infinity, 'singular'), at(NaN, 'nan')]);
  assert.deepEqual([mixed.okLayers, mixed.singularLayers, mixed.nanLayers, mixed.minLogDetS], [2, 1, 1, -Infinity]);
  assert.equal(mixed.meanLogDetS, -2.5); // (−1 − 4)/2
  assert.equal(mixed.unitWeightedLogDetS, -3.25); // (2·(−1) + 6·(−4))/8
  const finite = summarizeLayerAtoms([at(-1, 'ok', 2), at(-4, 'ok', 6)]);
  assert.deepEqual([finite.okLayers, finite.singularLayers, finite.nanLayers, finite.minLogDetS], [2, 0, 0, -4]);
  const none = summarizeLayerAtoms([]);
  assert.deepEqual([none.okLayers, none.singularLayers, none.nanLayers], [0, 0, 0]);
  assert.ok(Number.isNaN(none.meanLogDetS) && Number.isNaN(none.unitWeightedLogDetS) && Number.isNaN(none.minLogDetS));
  const nanOnly = summarizeLayerAtoms([at(NaN, 'nan')]);
  assert.ok(Number.isNaN(nanOnly.minLogDetS) && Number.isNaN(nanOnly.meanLogDetS));
  const singularOnly = summarizeLayerAtoms([at(-Infinity, 'singular')]);
  assert.equal(singularOnly.minLogDetS, -Infinity);
  assert.ok(Number.isNaN(singularOnly.meanLogDetS) && Number.isNaN(singularOnly.unitWeightedLogDetS));
});

test('tappedLayers leaves out taps off the output path and shares the distances of a tensor read twice (a stand-in network)', async () => {
  await initBackend({ quiet: true });
  // A: codes (1,0,1), (1,1,0), read inside a ReLUConvBN and then outside; B: codes (1), (0), off the output path
  const { net } = tapStandInNetwork();
  const x = tf.zeros([2, 1, 1, 1]) as tf.Tensor4D;
  const layers = tappedLayers(net, x);
  assert.deepEqual(layers.map((l) => [l.name, l.weight, l.sameInputAs, l.distances.units]), [['a.inner', 2, 0, 3], ['a.outer', 1, 0, 3]]);
  assert.equal(layers[1].distances, layers[0].distances);
  // same-code counts [[3, 1], [1, 3]] with weights 2 + 1
  assert.deepEqual(Array.from(dasAtomsFromLayers(layers).kernel), [9, 3, 3, 9]);
  x.dispose();
});

test('tappedLayers on a small NB201 network equals the taps collected and counted by brute force (both countings, both BN modes)', async () => {
  await initBackend({ quiet: true });
  const r = new Rng(11);
  const n = 5;
  const xs = tf.tensor4d(new Float32Array(n * 8 * 8 * 3).map(() => r.normal()), [n, 8, 8, 3]);
  // node 1 feeds two conv ops (edges 1→2 and 1→3): two taps reading one tensor
  const net = new Nb201Network(parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|'), { C: 4, N: 2, numClasses: 3 }, 9);
  try {
    const tensorsBefore = tf.memory().numTensors;
    for (const bn of ['train', 'eval'] as const) {
      const taps: { name: string; inWrapper: boolean; id: number; codes: Uint8Array; f: number }[] = [];
      tf.tidy(() => {
        net.forward(xs, {
          bn,
          taps: (tap) => {
            const v = tap.input.dataSync();
            if (tap.onOutputPath) taps.push({ name: tap.name, inWrapper: tap.inWrapper, id: tap.input.id, codes: Uint8Array.from(v, (u) => (u > 0 ? 1 : 0)), f: v.length / n });
          },
        });
      });
      // 2 resblocks × 2 + head + 4 conv ops × 6 cells
      assert.equal(taps.length, 2 * 2 + 1 + 4 * 6);
      const shared = taps.filter((t, k) => taps.findIndex((u) => u.id === t.id) !== k).length;
      assert.ok(shared > 0, 'some taps read the same tensor');
      for (const counting of ['official', 'naslib'] as const) {
        const layers = tappedLayers(net, xs, counting, bn);
        assert.deepEqual(layers.map((l) => l.name), taps.map((t) => t.name));
        assert.deepEqual(layers.map((l) => l.inWrapper), taps.map((t) => t.inWrapper));
        // official: a ReLU inside ReLUConvBN counts twice; naslib: every ReLU once
        assert.deepEqual(layers.map((l) => l.weight), taps.map((t) => (counting === 'official' && t.inWrapper ? 2 : 1)));
        assert.deepEqual(layers.map((l) => l.sameInputAs), taps.map((t) => taps.findIndex((u) => u.id === t.id)));
        const total = new Float64Array(n * n);
        let units = 0;
        layers.forEach((l, k) => {
          const t = taps[k]!;
          assert.equal(l.distances.units, t.f);
          const w = counting === 'official' && t.inWrapper ? 2 : 1;
          const own = new Float64Array(n * n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              let same = 0;
              for (let u = 0; u < t.f; u++) same += t.codes[i * t.f + u] === t.codes[j * t.f + u] ? 1 : 0;
              own[i * n + j] = w * same;
            }
          }
          assert.deepEqual(Array.from(layerKernel(l)), Array.from(own), `${counting}/${bn} ${l.name}`);
          own.forEach((v, i) => (total[i] += v));
          units += w * t.f;
        });
        const atoms = dasAtoms(net, xs, { counting, bn });
        assert.deepEqual(Array.from(atoms.kernel), Array.from(total));
        assert.equal(atoms.global.numUnits, units);
        assert.equal(atoms.global.logDetK, logAbsDet(total, n).value);
        assert.equal(atoms.global.logDetS, logAbsDet(total.map((v) => v / units), n).value);
      }
      const official = tappedLayers(net, xs, 'official', bn);
      assert.deepEqual(withCounting(official, 'naslib').map((l) => l.weight), taps.map(() => 1));
      assert.deepEqual(withCounting(withCounting(official, 'naslib'), 'official').map((l) => l.weight), official.map((l) => l.weight));
    }
    // defaults: official counting, train-mode BN
    assert.deepEqual(Array.from(dasAtoms(net, xs).kernel), Array.from(dasAtoms(net, xs, { counting: 'official', bn: 'train' }).kernel));
    assert.deepEqual(tappedLayers(net, xs).map((l) => l.weight), tappedLayers(net, xs, 'official', 'train').map((l) => l.weight));
    assert.deepEqual(Array.from(layersKernel(tappedLayers(net, xs)).kernel()), Array.from(layersKernel(tappedLayers(net, xs, 'official', 'train')).kernel()));
    assert.notDeepEqual(Array.from(dasAtoms(net, xs).kernel), Array.from(dasAtoms(net, xs, { bn: 'eval' }).kernel));
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors outlive tappedLayers');
  } finally {
    net.dispose();
    xs.dispose();
  }
});
