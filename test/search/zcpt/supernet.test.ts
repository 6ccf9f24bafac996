/**
 * Zero-Cost-PT NB201 supernet: one-hot mixing equals the standalone network (values, kernels),
 * a masked op's contribution disappears, zero-weight conv ops emit the reference taps, the lean
 * tap pass leaves nothing behind. Tiny networks (C=4, N=1) on random inputs.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { Rng } from '../../../src/engine/rng';
import type { BnMode } from '../../../src/engine/layers';
import type { ParamMap } from '../../../src/engine/params';
import { NB201_OPS, parseNb201, type Nb201Arch } from '../../../src/spaces/nb201/arch';
import { Nb201Network } from '../../../src/spaces/nb201/network';
import { naswotKernel } from '../../../src/proxies/naswot';
import {
  archMixing,
  checkMixing,
  mixingArgmax,
  Nb201Supernet,
  randomAlpha,
  softmaxRows,
  supernetConvName,
  zcptKernel,
  zcptTapMultiplicity,
  type ZcptTap,
} from '../../../src/search/zcpt';

before(async () => {
  await initBackend({ quiet: true });
});

const CFG = { C: 4, N: 1, numClasses: 3 } as const;
const ARCHS = [
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|',
  '|skip_connect~0|+|none~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|skip_connect~2|',
  '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
].map(parseNb201);

function randInput(seed: number, n: number, side = 8): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, () => r.normal()), [n, side, side, 3]);
}

/** The standalone network's parameters taken from the supernet (edge BN γ=1, β=0 kept from the standalone). */
function standaloneParams(sup: Nb201Supernet, std: Nb201Network, arch: Nb201Arch): ParamMap {
  const p: ParamMap = new Map();
  for (const [name, t] of std.params) {
    const m = /^(cells\.\d+)\.edges\.(\d)\.conv\.weight$/.exec(name);
    const supName = m ? supernetConvName(m[1]!, Number(m[2]), arch[Number(m[2])] as 'nor_conv_1x1' | 'nor_conv_3x3') : name;
    p.set(name, sup.params.get(supName) ?? t);
  }
  return p;
}

const data = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

test('parameters: every edge holds a 1×1 and a 3×3 conv, no cell BN parameters (affine=False)', () => {
  const sup = new Nb201Supernet({ ...CFG, N: 2 }, 1);
  try {
    const convs = [...sup.params.keys()].filter((n) => n.includes('.edges.'));
    assert.equal(convs.length, 3 * 2 * 6 * 2);
    assert.ok(convs.every((n) => /nor_conv_(1x1|3x3)\.conv\.weight$/.test(n)));
    assert.equal(sup.cellNames.length, 6);
    assert.deepEqual(sup.params.get(supernetConvName('cells.0', 0, 'nor_conv_3x3'))!.shape, [3, 3, 4, 4]);
    assert.deepEqual(sup.params.get(supernetConvName('cells.7', 5, 'nor_conv_1x1'))!.shape, [1, 1, 16, 16]);
    // default mixing: softmax of α ~ 1e-3·N(0,1) ≈ 0.2 each
    for (const row of sup.mixing) {
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      for (const v of row) assert.ok(Math.abs(v - 0.2) < 0.01);
    }
  } finally {
    sup.dispose();
  }
});

test('one-hot mixing reproduces the standalone NB201 network on the same weights (eval and train BN)', () => {
  const x = randInput(3, 4);
  const sup = new Nb201Supernet(CFG, 7);
  try {
    for (const arch of ARCHS) {
      const std = new Nb201Network(arch, CFG, 99);
      const p = standaloneParams(sup, std, arch);
      for (const bn of ['eval', 'train'] as BnMode[]) {
        const [a, b] = tf.tidy(() => [
          data(std.forward(x, { bn, params: p }).logits),
          data(sup.withMixing(archMixing(arch)).forward(x, { bn }).logits),
        ]);
        assert.deepEqual(Array.from(b), Array.from(a), `${bn} ${arch.join(',')}`);
      }
      std.dispose();
    }
  } finally {
    sup.dispose();
    x.dispose();
  }
});

test("one-hot mixing with zeroOpTaps 'skip' gives the standalone network's NASWOT kernel (both conventions, both passes)", () => {
  const x = randInput(5, 6);
  const sup = new Nb201Supernet({ ...CFG, zeroOpTaps: 'skip' }, 11);
  try {
    for (const arch of ARCHS.slice(0, 2)) {
      const std = new Nb201Network(arch, CFG, 1);
      const p = standaloneParams(sup, std, arch);
      const stdNet = { ...std, params: p, paramKinds: std.paramKinds, numParams: std.numParams, forward: (xx: tf.Tensor4D, o: Parameters<Nb201Network['forward']>[1]) => std.forward(xx, { ...o, params: p }), dispose: () => undefined };
      for (const counting of ['official', 'naslib'] as const) {
        const want = naswotKernel(stdNet, x, { counting, bn: 'eval' }).kernel();
        const view = sup.withMixing(archMixing(arch));
        const lean = zcptKernel(view, x, counting, 'eval').kernel(); // lean pass
        const plain = zcptKernel({ ...view, forwardTaps: undefined } as unknown as typeof view, x, counting, 'eval').kernel(); // plain forward
        assert.deepEqual(Array.from(lean), Array.from(want), `lean ${counting}`);
        assert.deepEqual(Array.from(plain), Array.from(want), `plain ${counting}`);
      }
      std.dispose();
    }
  } finally {
    sup.dispose();
    x.dispose();
  }
});

test('zcptKernel on a standalone network equals naswotKernel', () => {
  const x = randInput(8, 5);
  const std = new Nb201Network(ARCHS[0]!, CFG, 4);
  try {
    for (const counting of ['official', 'naslib'] as const) {
      for (const bn of ['eval', 'train'] as BnMode[]) {
        assert.deepEqual(Array.from(zcptKernel(std, x, counting, bn).kernel()), Array.from(naswotKernel(std, x, { counting, bn }).kernel()));
      }
    }
  } finally {
    std.dispose();
    x.dispose();
  }
});

test('a zero-weight conv op emits the reference taps: node input on the wrapper only, an all-zero inner code', () => {
  const x = randInput(2, 3);
  const arch = ARCHS[1]!; // conv 1x1 on edge 3 only
  for (const zeroOpTaps of ['reference', 'skip'] as const) {
    const sup = new Nb201Supernet({ ...CFG, zeroOpTaps }, 5);
    const taps: ZcptTap[] = [];
    tf.tidy(() => {
      sup.withMixing(archMixing(arch)).forward(x, { bn: 'eval', taps: (t: ZcptTap) => taps.push(t) });
      const cellTaps = taps.filter((t) => t.name.startsWith('cells.0.edges.'));
      if (zeroOpTaps === 'skip') {
        assert.deepEqual(cellTaps.map((t) => t.name), ['cells.0.edges.3.nor_conv_1x1.relu']);
        return;
      }
      // 6 edges × 2 conv ops, one of which is live: 11 zero-weight conv ops → 22 taps, plus the live one
      assert.equal(cellTaps.length, 23);
      const wrappers = cellTaps.filter((t) => t.wrapperOnly);
      const zeros = cellTaps.filter((t) => t.allZero);
      assert.equal(wrappers.length, 11);
      assert.equal(zeros.length, 11);
      for (const t of zeros) assert.equal(tf.max(tf.abs(t.input)).dataSync()[0], 0);
      assert.equal(new Set(zeros.map((t) => t.input.id)).size, 1, 'one shared all-zero code');
      const live = cellTaps.find((t) => t.name === 'cells.0.edges.3.nor_conv_1x1.relu')!;
      assert.equal(live.inWrapper, true);
      // edge 0 (0→1) reads the cell input, which the wrapper taps of edges 0, 1, 3 share
      const w0 = wrappers.find((t) => t.name === 'cells.0.edges.0.nor_conv_3x3.wrapper')!;
      assert.equal(w0.input.id, live.input.id);
    });
    sup.dispose();
  }
  x.dispose();
  assert.equal(zcptTapMultiplicity({ name: 'a', input: null as unknown as tf.Tensor, inWrapper: false, onOutputPath: true, wrapperOnly: true }, 'official'), 1);
  assert.equal(zcptTapMultiplicity({ name: 'a', input: null as unknown as tf.Tensor, inWrapper: false, onOutputPath: true, wrapperOnly: true }, 'naslib'), 0);
  assert.equal(zcptTapMultiplicity({ name: 'a', input: null as unknown as tf.Tensor, inWrapper: true, onOutputPath: true }, 'official'), 2);
  assert.equal(zcptTapMultiplicity({ name: 'a', input: null as unknown as tf.Tensor, inWrapper: true, onOutputPath: true }, 'naslib'), 1);
});

test("reference zero-op taps under NASLib counting shift every kernel entry by the zero codes' unit count", () => {
  const x = randInput(4, 5);
  const arch = ARCHS[0]!; // 3 conv ops → 12 − 3 = 9 zero-weight conv ops per cell
  const ref = new Nb201Supernet({ ...CFG, zeroOpTaps: 'reference' }, 3);
  const skip = new Nb201Supernet({ ...CFG, zeroOpTaps: 'skip' }, 3);
  try {
    const a = zcptKernel(ref.withMixing(archMixing(arch)), x, 'naslib', 'eval');
    const b = zcptKernel(skip.withMixing(archMixing(arch)), x, 'naslib', 'eval');
    // 9 zero codes per cell; N=1: one cell per stage, C·H·W = 4·8·8, 8·4·4, 16·2·2 units
    const units = 9 * (4 * 8 * 8 + 8 * 4 * 4 + 16 * 2 * 2);
    assert.equal(a.numUnits - b.numUnits, units);
    const ka = a.kernel();
    const kb = b.kernel();
    for (let i = 0; i < ka.length; i++) assert.equal(ka[i]! - kb[i]!, units);
  } finally {
    ref.dispose();
    skip.dispose();
    x.dispose();
  }
});

test('masking an op removes exactly its weighted contribution to the edge', () => {
  // All edges one-hot except the last one into the output node (2→3): the cell output is then
  // base + Σ_o w_o·op_o(node 2), so f(all) − f(all − o) = f(only o) − f(none) = w_o·op_o(node 2).
  const x = randInput(6, 3);
  const sup = new Nb201Supernet(CFG, 21);
  const base = archMixing(parseNb201('|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|'));
  const mixed = [0.1, 0.3, 0.2, 0.25, 0.15];
  const cellOut = (row: number[]): Float32Array => {
    let out: Float32Array | undefined;
    const w = base.map((r, e) => (e === 5 ? row : r));
    tf.tidy(() => {
      sup.forwardMixed(x, w, {
        bn: 'eval',
        blockHook: (h, name) => {
          if (name === 'cells.0') out = data(h).slice();
          return h;
        },
      });
    });
    return out!;
  };
  try {
    const full = cellOut(mixed);
    const none = cellOut([0, 0, 0, 0, 0]);
    NB201_OPS.forEach((op, o) => {
      const without = cellOut(mixed.map((v, k) => (k === o ? 0 : v)));
      const only = cellOut(mixed.map((v, k) => (k === o ? v : 0)));
      let maxContribution = 0;
      for (let i = 0; i < full.length; i++) {
        const removed = full[i]! - without[i]!;
        const alone = only[i]! - none[i]!;
        assert.ok(Math.abs(removed - alone) < 1e-5, `${op}: ${removed} vs ${alone}`);
        maxContribution = Math.max(maxContribution, Math.abs(alone));
      }
      if (op === 'none') assert.equal(maxContribution, 0);
      else assert.ok(maxContribution > 1e-3, `${op} contributes`);
    });
  } finally {
    sup.dispose();
    x.dispose();
  }
});

test('mixing helpers: validation, softmax, argmax, setMixing', () => {
  assert.throws(() => checkMixing([[1, 0, 0, 0, 0]]), /6 edges/);
  assert.throws(() => checkMixing(Array.from({ length: 6 }, () => [1, 0, 0, 0])), /5 ops/);
  assert.throws(() => checkMixing(Array.from({ length: 6 }, (_, e) => (e === 2 ? [1, -1, 0, 0, 0] : [1, 0, 0, 0, 0]))), /edge 2 op skip_connect/);
  const alpha = randomAlpha(new Rng(1));
  assert.equal(alpha.length, 6);
  for (const r of alpha) for (const a of r) assert.ok(Math.abs(a) < 0.01);
  const sm = softmaxRows([[0, Math.log(2), 0, 0, 0]]);
  assert.ok(Math.abs(sm[0]![1]! - 2 / 6) < 1e-12);
  assert.deepEqual([...mixingArgmax(archMixing(ARCHS[0]!))], [...ARCHS[0]!]);
  const sup = new Nb201Supernet(CFG, 1);
  try {
    sup.setMixing(archMixing(ARCHS[1]!));
    assert.deepEqual(sup.mixing, archMixing(ARCHS[1]!));
    assert.throws(() => sup.setMixing([]), /6 edges/);
    assert.throws(() => new Nb201Supernet({ C: 0, N: 1, numClasses: 1 }), /invalid/);
  } finally {
    sup.dispose();
  }
});

test('no tensor leaks: forward in tidy, lean tap pass, kernels', () => {
  const x = randInput(9, 4);
  const sup = new Nb201Supernet(CFG, 2);
  try {
    const w = sup.mixing;
    zcptKernel(sup.withMixing(w), x, 'official', 'eval'); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => void sup.forward(x, { bn: 'train' }));
      sup.forwardTaps(x, w, 'eval', () => undefined);
      zcptKernel(sup.withMixing(w), x, 'official', 'eval');
      zcptKernel(sup.withMixing(archMixing(ARCHS[0]!)), x, 'naslib', 'train');
    }
    assert.equal(tf.memory().numTensors, before);
  } finally {
    sup.dispose();
    x.dispose();
  }
});
