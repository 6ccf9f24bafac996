/**
 * DARTS NetworkCIFAR: parameter counts (DARTS's published 3.3M, plan = built network), shapes,
 * forward options (BN modes, params override, hooks, taps), liveness, FactorizedReduce alignment,
 * gradients and tensor hygiene. Small configs keep it fast on wasm.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import type { ReluTap } from '../../../src/engine/taps';
import { Rng } from '../../../src/engine/rng';
import { DARTS_V1, DARTS_V2, dartsGenotype, type Genotype } from '../../../src/spaces/darts/genotype';
import { parseNaslibCompact } from '../../../src/spaces/darts/naslib';
import { DartsNetwork } from '../../../src/spaces/darts/network';
import { DARTS_CIFAR_CONFIG, DARTS_SMALL_CONFIG, dartsParamCount, dartsPlan, NASLIB_NB301_CONFIG, reductionCells, type DartsNetConfig } from '../../../src/spaces/darts/plan';
import { sampleGenotypes } from '../../../src/spaces/darts/sample';

before(async () => {
  await initBackend({ quiet: true });
});

const TINY: DartsNetConfig = { C: 4, layers: 5, numClasses: 3 };
const NB301_KEY = '[[(0, 0), (1, 5), (1, 1), (0, 1), (1, 3), (0, 3), (1, 3), (3, 2)], [(1, 0), (0, 2), (1, 3), (0, 3), (3, 0), (0, 1), (2, 0), (3, 6)]]';

function batch(seed: number, n: number, side: number): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, () => r.normal()), [n, side, side, 3]);
}

test('DARTS_V2 at 36 channels / 20 layers has DARTS\'s published 3,349,342 parameters (3.3M); auxiliary head adds its own', () => {
  assert.equal(dartsParamCount(DARTS_V2, DARTS_CIFAR_CONFIG), 3_349_342);
  const aux = 576 * 128 + 2 * 128 + 128 * 768 * 4 + 2 * 768 + 768 * 10 + 10; // C_aux = 4·144 after cell 13
  assert.equal(dartsParamCount(DARTS_V2, { ...DARTS_CIFAR_CONFIG, auxiliary: true }), 3_349_342 + aux);
  assert.equal(dartsPlan(DARTS_V2, { ...DARTS_CIFAR_CONFIG, auxiliary: true }).auxChannels, 576);
});

test('reduction cells sit at ⌊L/3⌋ and ⌊2L/3⌋; channels double there; FactorizedReduce follows a reduction', () => {
  assert.deepEqual(reductionCells(20), [6, 13]);
  assert.deepEqual(reductionCells(8), [2, 5]);
  assert.deepEqual(reductionCells(2), [0, 1]);
  assert.deepEqual(reductionCells(1), [0]);
  const plan = dartsPlan(DARTS_V2, NASLIB_NB301_CONFIG);
  assert.equal(plan.stemChannels, 96);
  assert.deepEqual(plan.cells.map((c) => c.C), [32, 32, 64, 64, 64, 128, 128, 128]);
  assert.deepEqual(plan.cells.map((c) => c.pre0.kind === 'factorized-reduce'), [false, false, false, true, false, false, true, false]);
  assert.deepEqual(plan.cells.map((c) => [c.pre0.cin, c.pre1.cin]), [[96, 96], [96, 128], [128, 128], [128, 256], [256, 256], [256, 256], [256, 512], [512, 512]]);
  assert.equal(plan.classifierIn, 512);
  const red = plan.cells[2]!;
  assert.deepEqual(red.edges.map((e) => e.stride), DARTS_V2.reduce.map((e) => (e.input < 2 ? 2 : 1)));
});

test('dartsParamCount equals the built network\'s numParams (several genotypes and configs)', () => {
  const gs = [DARTS_V1, DARTS_V2, parseNaslibCompact(NB301_KEY), ...sampleGenotypes(new Rng(4), 3)];
  const configs: DartsNetConfig[] = [NASLIB_NB301_CONFIG, DARTS_SMALL_CONFIG, { ...TINY, auxiliary: true }, { C: 6, layers: 4, numClasses: 7, poolBn: true, cellAffine: false }];
  for (const g of gs) {
    for (const cfg of configs) {
      const net = new DartsNetwork(g, cfg, 1);
      try {
        assert.equal(net.numParams, dartsParamCount(g, cfg));
        assert.equal(net.paramKinds.size, net.params.size);
      } finally {
        net.dispose();
      }
    }
  }
  assert.equal(dartsParamCount(parseNaslibCompact(NB301_KEY), NASLIB_NB301_CONFIG), 856_298); // NASLib params 0.856298 M
});

test('config errors are named', () => {
  assert.throws(() => dartsPlan(DARTS_V2, { C: 5, layers: 8, numClasses: 10 }), /C must be even/);
  assert.throws(() => dartsPlan(DARTS_V2, { C: 16, layers: 0, numClasses: 10 }), /layers must be a positive integer/);
  assert.throws(() => dartsPlan(DARTS_V2, { C: 16, layers: 8, numClasses: 1.5 }), /numClasses must be a positive integer/);
});

test('forward shapes; deterministic per seed; BN train/eval/off differ; no tensor leaks', () => {
  const net = new DartsNetwork(DARTS_V2, TINY, 7);
  const twin = new DartsNetwork(DARTS_V2, TINY, 7);
  const other = new DartsNetwork(DARTS_V2, TINY, 8);
  const x = batch(1, 3, 16);
  const before = tf.memory().numTensors;
  const run = (n: DartsNetwork, bn: 'train' | 'eval' | 'off') =>
    tf.tidy(() => {
      const out = n.forward(x, { bn });
      assert.deepEqual(out.logits.shape, [3, 3]);
      assert.deepEqual(out.features.shape, [3, 4 * 16]);
      assert.equal(out.auxLogits, undefined);
      return Array.from(out.logits.dataSync());
    });
  const a = run(net, 'train');
  assert.deepEqual(run(twin, 'train'), a);
  assert.notDeepEqual(run(other, 'train'), a);
  const e = run(net, 'eval');
  const o = run(net, 'off');
  assert.notDeepEqual(e, a);
  assert.ok(a.every(Number.isFinite) && e.every(Number.isFinite) && o.every(Number.isFinite));
  // eval at init statistics = off up to the 1/√(1+ε) factor per BN (same signs, nearly same values)
  e.forEach((v, i) => assert.ok(Math.abs(v - o[i]!) < 1e-2 * Math.max(1, Math.abs(o[i]!)), `eval ${v} vs off ${o[i]}`));
  assert.equal(tf.memory().numTensors, before);
  for (const n of [net, twin, other]) n.dispose();
  x.dispose();
});

test('params override replaces the weights (classifier weight 0 → logits = bias)', () => {
  const net = new DartsNetwork(DARTS_V1, TINY, 3);
  const x = batch(2, 2, 16);
  tf.tidy(() => {
    const P = new Map(net.params);
    P.set('classifier.weight', tf.zerosLike(net.params.get('classifier.weight')!));
    const logits = net.forward(x, { bn: 'train', params: P }).logits.arraySync();
    const b = Array.from(net.params.get('classifier.bias')!.dataSync());
    for (const row of logits) row.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-6));
  });
  net.dispose();
  x.dispose();
});

test('taps: one per nn.ReLU, inWrapper exactly for ReLUConvBN preprocessing, all on the output path for NB301 genotypes', () => {
  const g = parseNaslibCompact(NB301_KEY);
  const cfg: DartsNetConfig = { ...TINY, cellAffine: false, poolBn: true };
  const net = new DartsNetwork(g, cfg, 1);
  const x = batch(3, 2, 16);
  const taps: ReluTap[] = [];
  tf.tidy(() => {
    net.forward(x, { bn: 'train', taps: (t) => taps.push(t) });
    // the tapped tensors outlive the forward call (kept from the per-cell scopes) until the caller's scope ends
    for (const t of taps) assert.ok(!t.input.isDisposed && t.input.dataSync().length > 0);
  });
  for (const t of taps) assert.ok(t.input.isDisposed, `${t.name} leaked`);
  const plan = dartsPlan(g, cfg);
  let expected = 0;
  for (const c of plan.cells) {
    expected += 2; // preprocess0 / preprocess1 (ReLUConvBN or FactorizedReduce: one ReLU each)
    for (const e of c.edges) {
      if (e.op.startsWith('sep_conv')) expected += 2;
      else if (e.op.startsWith('dil_conv') || (e.op === 'skip_connect' && e.stride === 2)) expected += 1;
    }
  }
  assert.equal(taps.length, expected);
  assert.equal(new Set(taps.map((t) => t.name)).size, taps.length, 'tap names are unique');
  assert.ok(taps.every((t) => t.onOutputPath));
  for (const t of taps) assert.equal(t.inWrapper, /preprocess\d\.relu$/.test(t.name) && !plan.cells.some((c) => t.name === `${c.pre0.name}.relu` && c.pre0.kind === 'factorized-reduce'), t.name);
  const relConvBn = plan.cells.reduce((a, c) => a + (c.pre0.kind === 'relu-conv-bn' ? 1 : 0) + 1, 0);
  assert.equal(taps.filter((t) => t.inWrapper).length, relConvBn); // 2 per cell but the FactorizedReduce after each reduction
  assert.equal(relConvBn, 2 * TINY.layers - 2);
  net.dispose();
  x.dispose();
});

test('liveness: ops feeding a state outside concat that nothing reads, and unused inputs, are off the output path', () => {
  // normal cell: concat [5]; node 5 ← node 4, input 1; node 4 ← node 3, input 1; node 3 ← input 1 twice;
  // node 2 is read by nobody and input 0 by nobody → their ops and preprocess0 are dead
  const normal: [string, number][] = [
    ['sep_conv_3x3', 0], ['max_pool_3x3', 1], // node 2 (dead)
    ['sep_conv_3x3', 1], ['none', 1], // node 3
    ['dil_conv_3x3', 3], ['skip_connect', 1], // node 4
    ['sep_conv_5x5', 4], ['avg_pool_3x3', 1], // node 5
  ];
  const g = dartsGenotype({ normal, normalConcat: [5], reduce: DARTS_V2.reduce.map((e) => [e.op, e.input]) });
  const cfg: DartsNetConfig = { C: 4, layers: 4, numClasses: 2 }; // reductions at 1 and 2
  const plan = dartsPlan(g, cfg);
  const net = new DartsNetwork(g, cfg, 2);
  const taps = new Map<string, boolean>();
  const x = batch(4, 2, 16);
  tf.tidy(() => {
    const out = net.forward(x, { bn: 'train', taps: (t) => taps.set(t.name, t.onOutputPath) });
    assert.deepEqual(out.features.shape, [2, 16]); // last cell normal, C = 16 after two reductions, concat of 1 state
  });
  for (const c of plan.cells.filter((c) => c.type === 'normal')) {
    assert.equal(taps.get(`${c.name}.preprocess0.relu`), false, `${c.name} preprocess0`);
    assert.equal(taps.get(`${c.name}.preprocess1.relu`), true);
    assert.equal(taps.get(`${c.name}.ops.0.relu1`), false, 'op into dead node 2');
    assert.equal(taps.get(`${c.name}.ops.2.relu1`), true, 'op into node 3, read by node 4');
    assert.equal(taps.get(`${c.name}.ops.4.relu`), true);
    assert.equal(taps.get(`${c.name}.ops.6.relu2`), true);
  }
  assert.ok(plan.cells.every((c) => c.live)); // every cell still reads its s1
  net.dispose();
  x.dispose();
});

test('liveness across cells: when no cell reads its input 1, cell i is dead unless cell i+2 reads it', () => {
  const only0: [string, number][] = [
    ['sep_conv_3x3', 0], ['skip_connect', 0],
    ['dil_conv_3x3', 2], ['max_pool_3x3', 0],
    ['sep_conv_3x3', 3], ['avg_pool_3x3', 2],
    ['skip_connect', 4], ['sep_conv_5x5', 0],
  ];
  const g = dartsGenotype({ normal: only0, reduce: only0 });
  const cfg: DartsNetConfig = { C: 4, layers: 5, numClasses: 2 };
  const plan = dartsPlan(g, cfg);
  assert.deepEqual(plan.cells.map((c) => c.live), [true, false, true, false, true]);
  const net = new DartsNetwork(g, cfg, 3);
  const x = batch(10, 2, 16);
  const onPath = new Map<string, boolean>();
  tf.tidy(() => {
    net.forward(x, { bn: 'train', taps: (t) => onPath.set(t.name, t.onOutputPath) });
  });
  for (const [name, live] of onPath) {
    const cell = Number(/^cells\.(\d+)\./.exec(name)![1]);
    const expect = plan.cells[cell]!.live && !name.includes('preprocess1');
    assert.equal(live, expect, name);
  }
  net.dispose();
  x.dispose();
});

test('layerOutputHook sees every conv/linear weight; FactorizedReduce halves are conv1×1/2 of relu(x) and relu(x)[:, 1:, 1:]', () => {
  const g = DARTS_V2; // reduction cell has skip_connect from input 2 and max pools from inputs 0/1
  const net = new DartsNetwork(g, TINY, 5);
  const x = batch(5, 2, 16);
  const names = new Set<string>();
  tf.tidy(() => {
    const outs = new Map<string, tf.Tensor>();
    const tapsIn = new Map<string, tf.Tensor>();
    net.forward(x, {
      bn: 'train',
      layerOutputHook: (o, w) => {
        names.add(w);
        outs.set(w, o);
        return o;
      },
      taps: (t) => tapsIn.set(t.name, t.input),
    });
    const convLinear = [...net.paramKinds].filter(([, k]) => k === 'conv' || k === 'linear').map(([n]) => n);
    assert.deepEqual([...names].sort(), convLinear.sort());
    // cell 2 follows the reduction at 1: its preprocess0 is a FactorizedReduce
    const fr = 'cells.2.preprocess0';
    const r = tf.relu(tapsIn.get(`${fr}.relu`)!) as tf.Tensor4D;
    const [n, h, w, c] = r.shape;
    const a = tf.conv2d(r, net.params.get(`${fr}.conv_1.weight`) as tf.Tensor4D, 2, 'valid');
    const b = tf.conv2d(tf.slice(r, [0, 1, 1, 0], [n, h - 1, w - 1, c]), net.params.get(`${fr}.conv_2.weight`) as tf.Tensor4D, 2, 'valid');
    assert.ok(tf.max(tf.abs(tf.sub(a, outs.get(`${fr}.conv_1.weight`)!))).dataSync()[0]! < 1e-6);
    assert.ok(tf.max(tf.abs(tf.sub(b, outs.get(`${fr}.conv_2.weight`)!))).dataSync()[0]! < 1e-6);
    assert.deepEqual(a.shape, [n, h / 2, w / 2, 4]);
  });
  net.dispose();
  x.dispose();
});

test('reluHook replaces every ReLU (names unique per application); blockHook sees each cell', () => {
  const net = new DartsNetwork(DARTS_V2, TINY, 6);
  const x = batch(6, 2, 16);
  const reluNames: string[] = [];
  const blocks: string[] = [];
  tf.tidy(() => {
    const plain = net.forward(x, { bn: 'train' }).logits;
    const same = net.forward(x, {
      bn: 'train',
      reluHook: (h, name) => {
        reluNames.push(name);
        return tf.relu(h);
      },
      blockHook: (h, name) => {
        blocks.push(name);
        return h;
      },
    }).logits;
    assert.ok(tf.max(tf.abs(tf.sub(plain, same))).dataSync()[0]! < 1e-6);
    const linearNet = net.forward(x, { bn: 'train', reluHook: (h) => h }).logits;
    assert.ok(tf.max(tf.abs(tf.sub(plain, linearNet))).dataSync()[0]! > 1e-4);
  });
  assert.equal(new Set(reluNames).size, reluNames.length);
  assert.ok(reluNames.length > 10);
  assert.deepEqual(blocks, ['cells.0', 'cells.1', 'cells.2', 'cells.3', 'cells.4']);
  net.dispose();
  x.dispose();
});

test('gradients of a CE-like loss reach every conv/linear weight (NB301-style net, all ops incl. stride-2 dil conv), finite, no leaks', () => {
  // reduction cell with every op kind reading inputs 0/1 (stride 2) — dil_conv at stride 2 and dilation 2 included
  const cell: [string, number][] = [
    ['sep_conv_3x3', 0], ['dil_conv_3x3', 1],
    ['sep_conv_5x5', 1], ['dil_conv_5x5', 0],
    ['skip_connect', 0], ['max_pool_3x3', 1],
    ['avg_pool_3x3', 0], ['none', 1],
  ];
  const g: Genotype = dartsGenotype({ normal: cell, reduce: cell });
  const net = new DartsNetwork(g, { C: 4, layers: 3, numClasses: 3, cellAffine: false, poolBn: true }, 9);
  const x = batch(7, 2, 16);
  const names = [...net.params.keys()];
  const before = tf.memory().numTensors;
  const norms = tf.tidy(() => {
    const f = (...ps: tf.Tensor[]) => {
      const P = new Map(names.map((n, i) => [n, ps[i]!]));
      const logits = net.forward(x, { bn: 'train', params: P }).logits;
      return tf.sum(tf.square(tf.sub(logits, tf.oneHot([0, 2], 3))));
    };
    const gs = tf.grads(f)(names.map((n) => net.params.get(n)!));
    return gs.map((t) => tf.sum(tf.abs(t)).dataSync()[0]!);
  });
  assert.equal(tf.memory().numTensors, before);
  names.forEach((n, i) => {
    assert.ok(Number.isFinite(norms[i]!), `${n}: non-finite gradient`);
    if (net.paramKinds.get(n) === 'conv' || net.paramKinds.get(n) === 'linear') assert.ok(norms[i]! > 0, `${n}: zero gradient`);
  });
  net.dispose();
  x.dispose();
});

test('auxiliary head: logits of shape [N, classes] on 32×32 inputs, aux ReLUs off the output path; clear error otherwise', () => {
  const cfg: DartsNetConfig = { C: 4, layers: 5, numClasses: 3, auxiliary: true };
  const net = new DartsNetwork(DARTS_V2, cfg, 1);
  const x = batch(8, 2, 32);
  tf.tidy(() => {
    const taps: ReluTap[] = [];
    const out = net.forward(x, { bn: 'train', taps: (t) => taps.push(t) });
    assert.deepEqual(out.auxLogits?.shape, [2, 3]);
    assert.deepEqual(out.logits.shape, [2, 3]);
    const aux = taps.filter((t) => t.name.startsWith('auxiliary.'));
    assert.equal(aux.length, 3);
    assert.ok(aux.every((t) => !t.onOutputPath));
    // the in-place aux ReLU leaves the main logits unchanged (every consumer starts with a ReLU)
    const noAux = new DartsNetwork(DARTS_V2, { ...cfg, auxiliary: false }, 1);
    const P = new Map([...net.params].filter(([n]) => !n.startsWith('auxiliary.')));
    const plain = noAux.forward(x, { bn: 'train', params: P }).logits;
    assert.ok(tf.max(tf.abs(tf.sub(plain, out.logits))).dataSync()[0]! < 1e-5);
    noAux.dispose();
  });
  assert.throws(() => tf.tidy(() => { net.forward(batch(9, 2, 16), { bn: 'train' }); }), /auxiliary head expects 8×8 maps after cell 3 \(32×32 images\), got 4×4/);
  net.dispose();
  x.dispose();
});
