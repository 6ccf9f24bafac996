/**
 * Zero-Cost-PT NAS-Bench-1Shot1 one-shot model: under a cell's decided 0/1 mixing the supernet
 * computes the discrete network of that cell (`Shot1Network`) on the same weights (logits in eval
 * and train BN; NASWOT kernel under zeroOpTaps 'skip'); under 'reference' the same logits but every
 * op's ReLU reports; the downsampling pool has PyTorch's padding-1 sizes; the lean pass leaves no
 * tensors. Tiny width (C = 4, 3 cells) on random 16×16 inputs.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../../src/engine/backend';
import { Rng } from '../../../../src/engine/rng';
import type { BnMode } from '../../../../src/engine/layers';
import { parseShot1 } from '../../../../src/spaces/nb101/shot1';
import { zcptKernel } from '../../../../src/search/zcpt/scorers';
import { checkShot1Mixing, shot1CellMixing, shot1Downsample, Shot1Network, Shot1Supernet, shot1Layout } from '../../../../src/search/zcpt/nb101-1shot1/supernet';

before(async () => {
  await initBackend({ quiet: true });
});

const CFG = { C: 4, layers: 3, numClasses: 3 } as const;
// in→out edge; a loose end (node 4 feeds nothing); every block feeding the output; pool and 1×1 mix
const CELLS = ['c3-c1-mp-c3|2:0|3:0,1|4:1,2|5:0,3,4', 'mp-c3-c1-c1|2:1|3:0,2|4:0,3|5:1,2,3', 'c1-c1-c3-mp|2:1|3:1,2|4:2,3|5:0,1,4', 'c3-c3-c3-c3|2:0|3:0,1|4:0,1|5:0,1,2'].map(parseShot1);

function randInput(seed: number, n: number, side = 16): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, () => r.normal()), [n, side, side, 3]);
}

const data = (t: tf.Tensor): number[] => Array.from(t.dataSync());

function close(a: number[], b: number[], tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol * (1 + Math.abs(v)), `${what}[${i}]: ${v} vs ${b[i]}`));
}

test('every choice decided: the supernet computes the cell\'s discrete network (eval and train BN)', () => {
  const x = randInput(3, 4);
  for (const zeroOpTaps of ['skip', 'reference'] as const) {
    const sup = new Shot1Supernet({ ...CFG, zeroOpTaps }, 7);
    try {
      for (const cell of CELLS) {
        const net = new Shot1Network(cell, CFG, 99);
        for (const [name, t] of net.params) assert.deepEqual(sup.params.get(name)?.shape, t.shape, `supernet has ${name}`);
        assert.ok(net.numParams < sup.numParams);
        for (const bn of ['eval', 'train'] as BnMode[]) {
          const [a, b] = tf.tidy(() => [data(net.forward(x, { bn, params: sup.params }).logits), data(sup.withMixing(shot1CellMixing(cell)).forward(x, { bn }).logits)]);
          close(b, a, 1e-5, `${zeroOpTaps} ${bn}`);
        }
        net.dispose();
      }
    } finally {
      sup.dispose();
    }
  }
});

test("zeroOpTaps 'skip' reports the discrete network's ReLU codes; 'reference' reports every op's", () => {
  const x = randInput(5, 6);
  const skip = new Shot1Supernet({ ...CFG, zeroOpTaps: 'skip' }, 11);
  const ref = new Shot1Supernet({ ...CFG, zeroOpTaps: 'reference' }, 11);
  try {
    for (const cell of CELLS) {
      const net = new Shot1Network(cell, CFG, 0);
      const count = (run: (sink: (t: { name: string }) => void) => void): string[] => {
        const names: string[] = [];
        run((t) => names.push(t.name));
        return names;
      };
      const m = shot1CellMixing(cell);
      const std = count((sink) => tf.tidy(() => void net.forward(x, { bn: 'eval', params: skip.params, taps: sink as never })));
      const sk = count((sink) => skip.forwardTaps(x, m, 'eval', sink as never));
      const rf = count((sink) => ref.forwardTaps(x, m, 'eval', sink as never));
      assert.deepEqual(sk, std);
      // reference: stem + per cell 5 projections and 4 blocks × 2 conv ReLUs + postprocess
      assert.equal(rf.length, 1 + CFG.layers * (5 + 8) + 1);
      for (const [name, t] of net.params) {
        t.dispose();
        net.params.set(name, skip.params.get(name)!.clone());
      }
      const k1 = zcptKernel(skip.withMixing(m), x, 'official', 'eval');
      const k2 = zcptKernel(net, x, 'official', 'eval');
      assert.deepEqual(Array.from(k1.kernel()), Array.from(k2.kernel()));
      net.dispose();
    }
  } finally {
    skip.dispose();
    ref.dispose();
  }
});

test('downsampling: 2×2/2 max pool with padding 1 (32 → 17 → 9), pads never win', () => {
  const x = tf.tensor4d([-1, -2, -3, -4, -5, -6, -7, -8, -9], [1, 3, 3, 1]);
  assert.deepEqual(data(shot1Downsample(x)), [-1, -2, -4, -5]);
  assert.deepEqual(shot1Downsample(tf.zeros([1, 32, 32, 1]) as tf.Tensor4D).shape, [1, 17, 17, 1]);
  assert.deepEqual(shot1Downsample(tf.zeros([1, 17, 17, 1]) as tf.Tensor4D).shape, [1, 9, 9, 1]);
  assert.deepEqual(
    shot1Layout({ C: 16, layers: 9, numClasses: 10 }).map((l) => [l.c, l.cin, l.pool]),
    [[16, 16, false], [16, 64, false], [16, 64, false], [32, 64, true], [32, 128, false], [32, 128, false], [64, 128, true], [64, 256, false], [64, 256, false]],
  );
});

test('the lean pass leaves no tensors; bad mixings are refused', () => {
  const sup = new Shot1Supernet(CFG, 1);
  const x = randInput(1, 2);
  const m = shot1CellMixing(CELLS[0]!);
  sup.forwardTaps(x, m, 'eval', () => {});
  const before = tf.memory().numTensors;
  sup.forwardTaps(x, m, 'eval', () => {});
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => checkShot1Mixing({ ...m, output: [1, 0, 0] }), /output needs 5 weights/);
  assert.throws(() => checkShot1Mixing({ ...m, inputs: [[1, -1], [0, 0, 1], [1, 0, 0, 0]] }), /inputs of node 2 entry 1 must be finite and >= 0/);
  sup.dispose();
});
