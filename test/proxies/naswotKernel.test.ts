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
import { naswot, naswotKernel } from '../../src/proxies/naswot';
import { tapMultiplicity, type ReluCounting } from '../../src/engine/taps';
import { logAbsDet } from '../../src/linalg/logdet';
import { Rng } from '../../src/engine/rng';

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
