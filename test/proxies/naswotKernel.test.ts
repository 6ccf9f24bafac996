/**
 * NASWOT kernels on small NB201 networks and random inputs (no data files): the kernel equals the
 * brute-force Σ multiplicity·(XXᵀ + (1−X)(1−X)ᵀ) over the taps collected independently, and the
 * unit counts N_A of the closed forms in naswot.test.ts scale with the input resolution. Kept apart
 * from the real-network tests so that the mutation run (stryker.config.mjs) can run these alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { naswot, naswotFromKernel, naswotKernel, naswotKernels } from '../../src/proxies/naswot';
import { tapMultiplicity, type ReluCounting } from '../../src/engine/taps';
import { logAbsDet } from '../../src/linalg/logdet';
import { Rng } from '../../src/engine/rng';
import { tapStandInNetwork } from '../support/tapNetwork';

const CFG = { C: 16, N: 5, numClasses: 1 };
/** k = 1 conv op per cell (naswot.test.ts: ARCHS.k1). */
const K1 = '|nor_conv_1x1~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|';

test('naswot kernel equals the brute-force Σ multiplicity·(XXᵀ + (1−X)(1−X)ᵀ) over the network taps', async () => {
  await initBackend({ quiet: true });
  // small network and random input so that this test needs no data files
  const r = new Rng(5);
  const n = 6;
  const xa = new Float32Array(n * 8 * 8 * 3).map(() => r.normal());
  const xs = tf.tensor4d(xa, [n, 8, 8, 3]);
  const arch = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|skip_connect~2|');
  const net = new Nb201Network(arch, { C: 4, N: 2, numClasses: 3 }, 7);
  try {
    for (const bn of ['train', 'eval'] as const) {
      // collect the taps ourselves
      const taps: { codes: Uint8Array; inWrapper: boolean; f: number }[] = [];
      tf.tidy(() => {
        net.forward(xs, {
          bn,
          taps: (tap) => {
            assert.ok(tap.onOutputPath);
            const v = tap.input.dataSync();
            taps.push({ codes: Uint8Array.from(v, (u) => (u > 0 ? 1 : 0)), inWrapper: tap.inWrapper, f: v.length / n });
          },
        });
      });
      // 2 resblocks × 2 + head + 3 conv ops × 6 cells
      assert.equal(taps.length, 2 * 2 + 1 + 3 * 6);
      for (const counting of ['official', 'naslib'] as ReluCounting[]) {
        const k = new Float64Array(n * n);
        let units = 0;
        for (const tp of taps) {
          const w = tapMultiplicity(tp, counting);
          units += w * tp.f;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let u = 0; u < tp.f; u++) s += tp.codes[i * tp.f + u] === tp.codes[j * tp.f + u] ? 1 : 0;
              k[i * n + j] += w * s;
            }
          }
        }
        const res = naswot(net, xs, { counting, bn });
        assert.deepEqual(Array.from(res.kernel), Array.from(k), `${bn}/${counting}`);
        assert.equal(res.numUnits, units);
        const acc = naswotKernel(net, xs, { counting, bn });
        assert.equal(acc.numUnits, units);
        assert.deepEqual(Array.from(acc.kernel()), Array.from(k));
        const ld = logAbsDet(k, n);
        assert.equal(res.status, ld.status);
        assert.equal(res.score, ld.value);
        // log|S| with S = K/N_A factorised on its own
        const s = logAbsDet(k.map((v) => v / units), n).value;
        assert.ok(Math.abs(res.logDetS - s) <= 1e-9 * Math.abs(ld.value), `${bn}/${counting}: logDetS ${res.logDetS} vs ${s}`);
      }
    }
  } finally {
    net.dispose();
    xs.dispose();
  }
});

test('NB201 unit counts hold for a different input size: per sample, resolution-proportional (16×16 input = ¼)', async () => {
  await initBackend({ quiet: true });
  const r = new Rng(6);
  const xs = tf.tensor4d(new Float32Array(4 * 16 * 16 * 3).map(() => r.normal()), [4, 16, 16, 3]);
  const arch = parseNb201(K1);
  const net = new Nb201Network(arch, CFG);
  try {
    assert.equal(naswotKernel(net, xs).numUnits, (286720 + 77824) / 4);
    assert.equal(naswotKernel(net, xs, { counting: 'naslib' }).numUnits, (143360 + 40960) / 4);
  } finally {
    net.dispose();
    xs.dispose();
  }
});

test('taps off the output path are left out; a tensor read twice counts with both multiplicities; defaults are official counting and train-mode BN', async () => {
  await initBackend({ quiet: true });
  const x = tf.zeros([2, 1, 1, 1]) as tf.Tensor4D;
  const { net, bns } = tapStandInNetwork();
  // A alone: same-code counts [[3,1],[1,3]]; official weights 2 + 1, naslib 1 + 1
  const [official, naslib] = naswotKernels(net, x, ['official', 'naslib']);
  assert.deepEqual(Array.from(official!.kernel()), [9, 3, 3, 9]);
  assert.equal(official!.numUnits, 9);
  assert.deepEqual(Array.from(naslib!.kernel()), [6, 2, 2, 6]);
  assert.equal(naslib!.numUnits, 6);
  assert.deepEqual(bns, ['train']);
  assert.deepEqual(Array.from(naswotKernel(net, x).kernel()), [9, 3, 3, 9]);
  naswotKernel(net, x, { bn: 'eval' });
  assert.deepEqual(bns, ['train', 'train', 'eval']);
  // log|K| = ln 72; S = K/9 = [[1, ⅓], [⅓, 1]], log|S| = ln(8/9)
  const r = naswotFromKernel(official!);
  assert.ok(Math.abs(r.score - Math.log(72)) < 1e-12, `${r.score}`);
  assert.ok(Math.abs(r.logDetS - Math.log(8 / 9)) < 1e-12, `${r.logDetS}`);
  assert.equal(r.numUnits, 9);
  assert.equal(r.batchSize, 2);
  assert.equal(r.status, 'ok');
  const viaNaswot = naswot(net, x);
  assert.deepEqual([viaNaswot.score, viaNaswot.numUnits], [r.score, 9]);
  x.dispose();
});
