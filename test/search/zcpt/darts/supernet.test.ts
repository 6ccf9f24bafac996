/**
 * Zero-Cost-PT DARTS supernet: one-hot genotype mixing equals the standalone NetworkCIFAR (values
 * in eval and train BN, NASWOT kernels), removed ops change the output and are not computed,
 * 'zero-input' taps, mixing validation, the strided-dilated depthwise shortcut, no leaks. Tiny
 * networks (C=4, 3 layers: cells 1 and 2 reduce) on random 8×8 inputs.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../../src/engine/backend';
import { depthwiseConv2d } from '../../../../src/engine/depthwise';
import type { BnMode } from '../../../../src/engine/layers';
import type { Network } from '../../../../src/engine/network';
import type { ParamMap } from '../../../../src/engine/params';
import { Rng } from '../../../../src/engine/rng';
import { parseGenotype, type Genotype } from '../../../../src/spaces/darts/genotype';
import { DartsNetwork } from '../../../../src/spaces/darts/network';
import { naswotFromKernel } from '../../../../src/proxies/naswot';
import { zcptKernel, zcptTapMultiplicity, type ZcptTap } from '../../../../src/search/zcpt';
import {
  checkDartsMixing,
  DARTS_NUM_SUPERNET_EDGES,
  DartsSupernet,
  depthwiseStrided,
  genotypeMixing,
  nodeEdges,
  supernetEdgeIndex,
  supernetParamName,
  ZCPT_DARTS_OPS,
  type DartsMixing,
} from '../../../../src/search/zcpt/darts';

before(async () => {
  await initBackend({ quiet: true });
});

const CFG = { C: 4, layers: 3, numClasses: 5 } as const;
// every op in both cells; both cell inputs read (all taps on the output path)
const G1 = parseGenotype(
  "Genotype(normal=[('sep_conv_3x3', 0), ('dil_conv_5x5', 1), ('skip_connect', 0), ('max_pool_3x3', 2), ('avg_pool_3x3', 1), ('sep_conv_5x5', 3), ('dil_conv_3x3', 4), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], " +
    "reduce=[('skip_connect', 0), ('dil_conv_3x3', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 2), ('avg_pool_3x3', 1), ('dil_conv_5x5', 3), ('sep_conv_3x3', 0), ('skip_connect', 4)], reduce_concat=[2, 3, 4, 5])",
);
const G2 = parseGenotype(
  "Genotype(normal=[('skip_connect', 1), ('skip_connect', 0), ('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('max_pool_3x3', 3), ('dil_conv_3x3', 0), ('sep_conv_5x5', 4), ('dil_conv_5x5', 1)], normal_concat=[2, 3, 4, 5], " +
    "reduce=[('sep_conv_5x5', 1), ('avg_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('dil_conv_5x5', 0), ('sep_conv_3x3', 2), ('dil_conv_3x3', 1), ('max_pool_3x3', 3)], reduce_concat=[2, 3, 4, 5])",
);

function randInput(seed: number, n: number, side = 8): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, () => r.normal()), [n, side, side, 3]);
}

/** The standalone network (search-cell BNs: affine=False, BN after pools) with the supernet's weights. */
function standalone(sup: DartsSupernet, g: Genotype): { net: DartsNetwork; params: ParamMap } {
  const net = new DartsNetwork(g, { ...CFG, cellAffine: false, poolBn: true }, 99);
  const params: ParamMap = new Map();
  for (const [name, t] of net.params) {
    const s = supernetParamName(name, g, sup);
    params.set(name, s ? sup.params.get(s)! : t);
  }
  return { net, params };
}

const data = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('edge indexing: 14 edges, node 3 = edges 2..4, node 5 = edges 9..13', () => {
  assert.equal(DARTS_NUM_SUPERNET_EDGES, 14);
  assert.deepEqual(nodeEdges(2), [0, 1]);
  assert.deepEqual(nodeEdges(3), [2, 3, 4]);
  assert.deepEqual(nodeEdges(4), [5, 6, 7, 8]);
  assert.deepEqual(nodeEdges(5), [9, 10, 11, 12, 13]);
  assert.throws(() => supernetEdgeIndex(3, 3), /node 3 reads states 0\.\.2/);
  assert.deepEqual([...ZCPT_DARTS_OPS], ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
});

test('one-hot genotype mixing equals the standalone network (eval and train BN, logits and NASWOT kernel)', () => {
  const sup = new DartsSupernet(CFG, 3);
  try {
    for (const g of [G1, G2]) {
      const { net, params } = standalone(sup, g);
      const w = genotypeMixing(g);
      try {
        for (const bn of ['eval', 'train'] as BnMode[]) {
          tf.tidy(() => {
            const x = randInput(7, 3);
            const a = sup.forwardMixed(x, w, { bn }).logits;
            const b = net.forward(x, { bn, params }).logits;
            assert.ok(maxAbsDiff(data(a), data(b)) < 1e-4, `${bn}: ${maxAbsDiff(data(a), data(b))}`);
          });
        }
        // same taps: NASWOT kernels agree (lean supernet pass vs standalone forward)
        const shared: Network = { params, paramKinds: net.paramKinds, numParams: net.numParams, forward: (x, o) => net.forward(x, { ...o, params }), dispose: () => undefined };
        const x = randInput(8, 6);
        for (const counting of ['official', 'naslib'] as const) {
          const ks = zcptKernel(sup.withMixing(w), x, counting, 'eval');
          const kn = zcptKernel(shared, x, counting, 'eval');
          assert.deepEqual([...ks.kernel()], [...kn.kernel()], counting);
        }
        x.dispose();
      } finally {
        net.dispose();
      }
    }
  } finally {
    sup.dispose();
  }
});

test('removing an op changes the output, its weights are not read, zero-weight ops are skipped', () => {
  const sup = new DartsSupernet(CFG, 4);
  try {
    const base = sup.mixing;
    const x = randInput(1, 2);
    const seen = (w: DartsMixing): Set<string> => {
      const names = new Set<string>();
      tf.tidy(() => void sup.forwardMixed(x, w, { bn: 'eval', layerOutputHook: (t, n) => (names.add(n), t) }));
      return names;
    };
    const e = supernetEdgeIndex(4, 1);
    const removed: DartsMixing = { normal: base.normal.map((r, i) => (i === e ? r.map((v, o) => (ZCPT_DARTS_OPS[o] === 'sep_conv_5x5' ? 0 : v)) : r)), reduce: base.reduce };
    const all = seen(base);
    const less = seen(removed);
    assert.ok(all.has(`cells.0.edges.${e}.sep_conv_5x5.dw1.weight`));
    assert.ok(!less.has(`cells.0.edges.${e}.sep_conv_5x5.dw1.weight`));
    assert.ok(!less.has(`cells.0.edges.${e}.sep_conv_5x5.pw2.weight`));
    assert.ok(less.has(`cells.0.edges.${e}.sep_conv_3x3.dw1.weight`));
    const out = (w: DartsMixing): Float32Array => tf.tidy(() => data(sup.forwardMixed(x, w, { bn: 'eval' }).logits));
    assert.ok(maxAbsDiff(out(base), out(removed)) > 1e-6);
    // a zeroed edge: nothing of it runs
    const zeroEdge: DartsMixing = { normal: base.normal, reduce: base.reduce.map((r, i) => (i === 0 ? r.map(() => 0) : r)) };
    const z = seen(zeroEdge);
    for (const cell of [1, 2]) assert.ok(![...z].some((n) => n.startsWith(`cells.${cell}.edges.0.`)), `cell ${cell}`);
    assert.ok(maxAbsDiff(out(base), out(zeroEdge)) > 1e-6);
    x.dispose();
  } finally {
    sup.dispose();
  }
});

test("zeroOpTaps 'zero-input': all-zero codes for the nn.ReLUs of zero-weight ops; 'skip': none", () => {
  const x = randInput(2, 4);
  const w = genotypeMixing(G1);
  const taps = (mode: 'skip' | 'zero-input'): ZcptTap[] => {
    const sup = new DartsSupernet({ ...CFG, zeroOpTaps: mode }, 5);
    const out: ZcptTap[] = [];
    try {
      sup.forwardTaps(x, w, 'eval', (t) => out.push({ ...t, input: tf.keep(t.input.clone()) }));
    } finally {
      sup.dispose();
    }
    return out;
  };
  const skip = taps('skip');
  const zero = taps('zero-input');
  const extra = zero.filter((t) => (t as ZcptTap).allZero);
  assert.equal(zero.length - skip.length, extra.length);
  assert.ok(extra.length > 0 && extra.every((t) => data(t.input).every((v) => v === 0) && zcptTapMultiplicity(t, 'official') === 1));
  // per cell: 14 edges × (2 + 2 sep + 1 + 1 dil ReLUs) minus the ReLUs of the 8 chosen ops; stride-2 skips of a reduction cell add 1 each
  const perCell = (cell: number): number => extra.filter((t) => t.name.startsWith(`cells.${cell}.`)).length;
  const reluCount = (g: readonly { op: string; input: number }[], reduction: boolean): number =>
    g.reduce((a, p) => a + (p.op.startsWith('sep') ? 2 : p.op.startsWith('dil') ? 1 : p.op === 'skip_connect' && reduction && p.input < 2 ? 1 : 0), 0);
  assert.equal(perCell(0), 14 * 6 - reluCount(G1.normal, false));
  assert.equal(perCell(1), 14 * 6 + 8 - reluCount(G1.reduce, true));
  for (const t of [...skip, ...zero]) t.input.dispose();
  // the kernel of 'zero-input' is the 'skip' kernel plus F per all-zero unit, on every entry
  const supS = new DartsSupernet({ ...CFG, zeroOpTaps: 'skip' }, 5);
  const supZ = new DartsSupernet({ ...CFG, zeroOpTaps: 'zero-input' }, 5);
  const ks = zcptKernel(supS.withMixing(w), x, 'official', 'eval').kernel();
  const kz = zcptKernel(supZ.withMixing(w), x, 'official', 'eval').kernel();
  const units = extra.reduce((a, t) => a + t.input.size / 4, 0);
  for (let i = 0; i < ks.length; i++) assert.ok(Math.abs(kz[i]! - ks[i]! - units) < 1e-6 * units);
  supS.dispose();
  supZ.dispose();
  x.dispose();
});

test('lean tap pass: same NASWOT score as a plain forward, no tensor left', () => {
  const sup = new DartsSupernet(CFG, 6);
  try {
    const x = randInput(3, 5);
    const view = sup.withMixing(sup.mixing);
    const plain: Network = { ...view, forward: view.forward };
    delete (plain as Partial<typeof view>).forwardTaps;
    zcptKernel(view, x, 'official', 'eval'); // warm-up
    const before = tf.memory().numTensors;
    const lean = naswotFromKernel(zcptKernel(view, x, 'official', 'eval')).score;
    assert.equal(tf.memory().numTensors, before);
    const full = naswotFromKernel(zcptKernel(plain, x, 'official', 'eval')).score;
    assert.equal(tf.memory().numTensors, before);
    assert.ok(Math.abs(lean - full) < 1e-9, `${lean} vs ${full}`);
    x.dispose();
  } finally {
    sup.dispose();
  }
});

test('mixing validation names the bad entry; genotypeMixing refuses a node reading one state twice', () => {
  const sup = new DartsSupernet(CFG, 0);
  try {
    const ok = sup.mixing;
    const bad = (f: (w: { normal: number[][]; reduce: number[][] }) => void): DartsMixing => {
      const w = { normal: ok.normal.map((r) => [...r]), reduce: ok.reduce.map((r) => [...r]) };
      f(w);
      return w;
    };
    assert.throws(() => checkDartsMixing(bad((w) => (w.normal[3]![4] = -1))), /normal edge 3 op sep_conv_5x5 must be finite and >= 0, got -1/);
    assert.throws(() => checkDartsMixing(bad((w) => (w.reduce[13]![0] = NaN))), /reduce edge 13 op max_pool_3x3 .* got NaN/);
    assert.throws(() => checkDartsMixing(bad((w) => w.reduce.pop())), /reduce cell need 14 edges, got 13/);
    assert.throws(() => checkDartsMixing(bad((w) => w.normal[2]!.push(0))), /normal edge 2 need 7 ops/);
    assert.throws(() => sup.withMixing({ normal: ok.normal } as DartsMixing), /reduce cell need 14 edges/);
    assert.throws(() => new DartsSupernet({ ...CFG, C: 5 }), /C must be even/);
    assert.throws(() => new DartsSupernet({ ...CFG, layers: 0 }), /layers must be a positive integer/);
    const twice = parseGenotype(
      "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_5x5', 0), ('skip_connect', 0), ('max_pool_3x3', 2), ('avg_pool_3x3', 1), ('sep_conv_5x5', 3), ('dil_conv_3x3', 4), ('skip_connect', 2)], reduce=[('skip_connect', 0), ('dil_conv_3x3', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 2), ('avg_pool_3x3', 1), ('dil_conv_5x5', 3), ('sep_conv_3x3', 0), ('skip_connect', 4)], normal_concat=[2, 3, 4, 5], reduce_concat=[2, 3, 4, 5])",
    );
    assert.throws(() => genotypeMixing(twice), /normal cell: node 2 reads state 0 twice/);
    const withNone = parseGenotype(
      "Genotype(normal=[('none', 0), ('sep_conv_5x5', 1), ('skip_connect', 0), ('max_pool_3x3', 2), ('avg_pool_3x3', 1), ('sep_conv_5x5', 3), ('dil_conv_3x3', 4), ('skip_connect', 2)], reduce=[('skip_connect', 0), ('dil_conv_3x3', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 2), ('avg_pool_3x3', 1), ('dil_conv_5x5', 3), ('sep_conv_3x3', 0), ('skip_connect', 4)], normal_concat=[2, 3, 4, 5], reduce_concat=[2, 3, 4, 5])",
    );
    assert.throws(() => genotypeMixing(withNone), /'none' is not an op of the Zero-Cost-PT DARTS space/);
  } finally {
    sup.dispose();
  }
});

test('depthwiseStrided: stride = dilation shortcut equals the engine (values and gradients)', () => {
  const r = new Rng(11);
  for (const [side, k] of [[8, 3], [8, 5], [7, 3], [9, 5]] as const) {
    tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from({ length: 2 * side * side * 3 }, () => r.normal()), [2, side, side, 3]);
      const w = tf.tensor4d(Float32Array.from({ length: k * k * 3 }, () => r.normal()), [k, k, 3, 1]);
      const pad = k - 1;
      const a = depthwiseStrided(x, w, 2, pad, 2);
      const b = depthwiseConv2d(x, w, 2, pad, 2);
      assert.deepEqual(a.shape, b.shape);
      assert.ok(maxAbsDiff(data(a), data(b)) < 1e-5, `side ${side} k ${k}`);
      const ga = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(depthwiseStrided(xi as tf.Tensor4D, wi as tf.Tensor4D, 2, pad, 2))))([x, w]);
      const gb = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(depthwiseConv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 2, pad, 2))))([x, w]);
      for (let i = 0; i < 2; i++) assert.ok(maxAbsDiff(data(ga[i]!), data(gb[i]!)) < 1e-3, `grad ${i} side ${side} k ${k}`);
    });
  }
});
