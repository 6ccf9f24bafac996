import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { Rng } from '../../../src/engine/rng';
import type { ReluTap } from '../../../src/engine/taps';
import type { NetBnMode } from '../../../src/engine/network';
import { computeVertexChannels, nb101Modules } from '../../../src/spaces/nb101/channels';
import { maxPool2x2Backward, Nb101Network, nb101NumParams, NB101_BENCHMARK_CONFIG, NB101_NASWOT_CONFIG, type Nb101NetConfig } from '../../../src/spaces/nb101/network';
import { sampleNb101Many } from '../../../src/spaces/nb101/sample';
import { nb101Spec, parseNb101, type Nb101Spec } from '../../../src/spaces/nb101/spec';
import { naswotFromKernel, naswotKernel } from '../../../src/proxies/naswot';

before(async () => {
  await initBackend({ quiet: true });
});

const C3 = 'conv3x3-bn-relu';
const C1 = 'conv1x1-bn-relu';
const MP = 'maxpool3x3';

/** NB101 README example; the benchmark reports trainable_parameters 2694282 for it. */
const QUERY = nb101Spec(
  [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
  ['input', C1, C3, C3, C3, MP, 'output'],
);
const STORED = nb101Spec(
  [[0, 1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
  ['input', C3, C1, MP, C3, C3, 'output'],
);
/** Input→output edge plus a concatenation (projection added to the concat). */
const WITH_SKIP = parseNb101('01101.00011.00001.00001.00000:in-c3-mp-c1-out');
/** Only input → output (the module is one projection). */
const IO_ONLY = parseNb101('01.00:in-out');
/** Truncation: vertex 1 (8 ch) feeds vertex 2 (7 ch) when the module has 15 output channels. */
const TRUNC = nb101Spec([[0, 1, 0, 1, 0], [0, 0, 1, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]], ['input', C3, C1, MP, 'output']);

const SMALL: Nb101NetConfig = { stemChannels: 8, numStacks: 3, modulesPerStack: 3, numClasses: 10 };

function randInput(seed: number, n: number, side = 32): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(new Float32Array(n * side * side * 3).map(() => r.normal()), [n, side, side, 3]);
}

/** ReLUs of a spec: conv vertices and input edges per module, plus the stem. */
function reluCount(spec: Nb101Spec, modules: number): number {
  const n = spec.ops.length;
  const conv = spec.ops.filter((o) => o === C3 || o === C1).length;
  let proj = 0;
  for (let t = 1; t < n; t++) proj += spec.matrix[0]![t]!;
  return 1 + modules * (conv + proj);
}

test('computeVertexChannels reproduces NB101 model_builder_test', () => {
  const lin = [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]];
  assert.deepEqual(computeVertexChannels(8, 8, lin), [8, 8, 8, 8]);
  assert.deepEqual(computeVertexChannels(8, 16, lin), [8, 16, 16, 16]);
  assert.deepEqual(computeVertexChannels(16, 8, lin), [16, 8, 8, 8]);
  assert.deepEqual(computeVertexChannels(1, 5, [[0, 1], [0, 0]]), [1, 5]);
  assert.deepEqual(computeVertexChannels(5, 1, [[0, 1], [0, 0]]), [5, 1]);
  const noOutBranch = [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  assert.deepEqual(computeVertexChannels(8, 16, noOutBranch), [8, 16, 16, 16, 16]);
  assert.deepEqual(computeVertexChannels(16, 8, noOutBranch), [16, 8, 8, 8, 8]);
  const outBranch = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]];
  assert.deepEqual(computeVertexChannels(8, 8, outBranch), [8, 4, 4, 8]);
  assert.deepEqual(computeVertexChannels(8, 16, outBranch), [8, 8, 8, 16]);
  assert.deepEqual(computeVertexChannels(16, 8, outBranch), [16, 4, 4, 8]);
  assert.deepEqual(computeVertexChannels(8, 15, outBranch), [8, 8, 7, 15]);
  const three = [[0, 1, 1, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  assert.deepEqual(computeVertexChannels(8, 8, three), [8, 3, 3, 2, 8]);
  assert.deepEqual(computeVertexChannels(8, 15, three), [8, 5, 5, 5, 15]);
  const max1 = [[0, 1, 0, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  assert.deepEqual(computeVertexChannels(8, 8, max1), [8, 4, 4, 4, 8]);
  assert.deepEqual(computeVertexChannels(8, 9, max1), [8, 5, 5, 4, 9]);
  assert.deepEqual(computeVertexChannels(8, 8, TRUNC.matrix), [8, 4, 4, 4, 8]);
  assert.deepEqual(computeVertexChannels(8, 15, TRUNC.matrix), [8, 8, 7, 7, 15]);
});

test('parameter count: the README cell has 2,694,282 (NB101 trainable_parameters) in both encodings', () => {
  assert.equal(nb101NumParams(QUERY, NB101_BENCHMARK_CONFIG), 2694282);
  assert.equal(nb101NumParams(STORED, NB101_BENCHMARK_CONFIG), 2694282);
});

test('numParams of built networks equals the counting function (special and sampled cells, both configs)', () => {
  const specs = [QUERY, WITH_SKIP, IO_ONLY, TRUNC, ...sampleNb101Many(new Rng(5), 6)];
  for (const spec of specs) {
    for (const config of [NB101_NASWOT_CONFIG, SMALL, { ...SMALL, stemChannels: 15, numClasses: 3, init: 'pytorch' as const }]) {
      const net = new Nb101Network(spec, config, 1);
      try {
        assert.equal(net.numParams, nb101NumParams(spec, config));
        for (const [name, kind] of net.paramKinds) assert.ok(net.params.has(name), `${name} (${kind}) registered`);
        assert.equal(net.paramKinds.size, net.params.size);
      } finally {
        net.dispose();
      }
    }
  }
  // by hand: IO_ONLY with stem 8: stem 27·8+16, 9 projections cin·cout + 2·cout, classifier 32·10+10
  const byHand = 27 * 8 + 16 + 3 * (8 * 8 + 16) + (8 * 16 + 32) + 2 * (16 * 16 + 32) + (16 * 32 + 64) + 2 * (32 * 32 + 64) + 32 * 10 + 10;
  assert.equal(nb101NumParams(IO_ONLY, SMALL), byHand);
  // the benchmark config built for real (stem 128) matches too
  const big = new Nb101Network(QUERY, NB101_BENCHMARK_CONFIG, 0);
  assert.equal(big.numParams, 2694282);
  big.dispose();
});

test('macro structure: modules, channel doubling, invalid configs', () => {
  const { modules, outChannels } = nb101Modules(NB101_NASWOT_CONFIG);
  assert.deepEqual(modules.map((m) => [m.cin, m.cout, m.afterPool]), [
    [16, 16, false], [16, 16, false], [16, 16, false],
    [16, 32, true], [32, 32, false], [32, 32, false],
    [32, 64, true], [64, 64, false], [64, 64, false],
  ]);
  assert.equal(outChannels, 64);
  assert.throws(() => nb101Modules({ stemChannels: 0, numStacks: 3, modulesPerStack: 3 }), /stemChannels must be a positive integer/);
  assert.throws(() => new Nb101Network(QUERY, { ...SMALL, numClasses: 0 }), /numClasses must be a positive integer/);
  assert.throws(() => new Nb101Network(QUERY, { ...SMALL, init: 'xavier' as never }), /unknown init 'xavier'/);
});

test('initialisation: naswot = conv N(0, 2/(k²·C_out)), BN 1/0, linear N(0, 0.01²), biases 0; pytorch = uniform bounds', () => {
  const std = (t: tf.Tensor): number => {
    const d = t.dataSync() as Float32Array;
    const m = d.reduce((s, v) => s + v, 0) / d.length;
    return Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / d.length);
  };
  const net = new Nb101Network(QUERY, NB101_BENCHMARK_CONFIG, 3);
  try {
    const w = net.params.get('cells.8.vertex_op.2.conv.weight')!; // 3×3, 128 → 128 at stack 2
    assert.deepEqual(w.shape, [3, 3, 128, 128]);
    const rel = std(w) / Math.sqrt(2 / (9 * 128));
    assert.ok(Math.abs(rel - 1) < 0.02, `conv std ratio ${rel}`);
    const p = net.params.get('cells.0.input_op.1.conv.weight')!; // 1×1 projection 128 → 32
    assert.deepEqual(p.shape, [1, 1, 128, 32]);
    assert.ok(Math.abs(std(p) / Math.sqrt(2 / 32) - 1) < 0.05);
    const lw = net.params.get('classifier.weight')!;
    assert.deepEqual(lw.shape, [512, 10]);
    assert.ok(Math.abs(std(lw) / 0.01 - 1) < 0.1);
    assert.ok(net.params.get('classifier.bias')!.dataSync().every((v) => v === 0));
    assert.ok(net.params.get('stem.bn.weight')!.dataSync().every((v) => v === 1));
    assert.ok(net.params.get('cells.4.vertex_op.4.bn.bias')!.dataSync().every((v) => v === 0));
    assert.equal(net.params.get('cells.0.vertex_op.5.conv.weight'), undefined); // max-pool vertex: no params
    assert.equal(net.params.get('cells.0.input_op.4.conv.weight'), undefined); // no input→4 edge
  } finally {
    net.dispose();
  }
  const pt = new Nb101Network(QUERY, { ...SMALL, init: 'pytorch' }, 3);
  try {
    const maxAbs = (name: string): number => (pt.params.get(name)!.dataSync() as Float32Array).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const b = 1 / Math.sqrt(27);
    assert.ok(maxAbs('stem.conv.weight') <= Math.fround(b) && maxAbs('stem.conv.weight') > 0.8 * b);
    assert.ok(maxAbs('classifier.bias') > 0 && maxAbs('classifier.bias') <= 1 / Math.sqrt(32));
  } finally {
    pt.dispose();
  }
});

function collect(net: Nb101Network, x: tf.Tensor4D, bn: NetBnMode): { taps: Omit<ReluTap, 'input'>[]; channels: number[]; logits: tf.Tensor2D; features: tf.Tensor2D } {
  const taps: Omit<ReluTap, 'input'>[] = [];
  const channels: number[] = [];
  const out = net.forward(x, {
    bn,
    taps: (tp) => {
      taps.push({ name: tp.name, inWrapper: tp.inWrapper, onOutputPath: tp.onOutputPath });
      channels.push(tp.input.shape[3]!);
    },
  });
  return { taps, channels, ...out };
}

test('forward: shapes, one tap per ReLU (never in a wrapper, always on the output path), BN modes, no leaks', () => {
  const x = randInput(1, 4);
  for (const spec of [QUERY, WITH_SKIP, IO_ONLY]) {
    const net = new Nb101Network(spec, SMALL, 2);
    try {
      for (const bn of ['train', 'eval', 'off'] as const) {
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          const r = collect(net, x, bn);
          assert.deepEqual(r.logits.shape, [4, 10]);
          assert.deepEqual(r.features.shape, [4, 32]);
          assert.ok(r.logits.dataSync().every(Number.isFinite));
          assert.equal(r.taps.length, reluCount(spec, 9));
          assert.equal(new Set(r.taps.map((t) => t.name)).size, r.taps.length);
          assert.ok(r.taps.every((t) => !t.inWrapper && t.onOutputPath));
          assert.equal(r.taps[0]!.name, 'stem.relu');
        });
        assert.equal(tf.memory().numTensors, before, `${bn}: tensors leaked`);
      }
    } finally {
      net.dispose();
    }
  }
  x.dispose();
});

test('forward: truncation (odd channels) and tap channels follow computeVertexChannels', () => {
  const x = randInput(2, 2);
  const net = new Nb101Network(TRUNC, { ...SMALL, stemChannels: 15 }, 4);
  try {
    assert.deepEqual(net.vertexChannels(0), [15, 8, 7, 7, 15]);
    assert.deepEqual(net.vertexChannels(3), [15, 15, 15, 15, 30]);
    tf.tidy(() => {
      const r = collect(net, x, 'train');
      assert.deepEqual(r.features.shape, [2, 60]);
      // module 0: input_op.1 (8), vertex_op.1 (8), vertex_op.2 (7); no max-pool ReLU
      assert.deepEqual(r.channels.slice(0, 4), [15, 8, 8, 7]);
      assert.deepEqual(r.taps.slice(1, 4).map((t) => t.name), ['cells.0.input_op.1.relu', 'cells.0.vertex_op.1.relu', 'cells.0.vertex_op.2.relu']);
    });
  } finally {
    net.dispose();
    x.dispose();
  }
});

test('forward options: params override, layerOutputHook, reluHook and blockHook', () => {
  const x = randInput(3, 3);
  const net = new Nb101Network(WITH_SKIP, SMALL, 5);
  try {
    tf.tidy(() => {
      const base = net.forward(x, { bn: 'train' }).logits;
      // params override: doubling the classifier weight and bias doubles the logits
      const P = new Map(net.params);
      P.set('classifier.weight', tf.mul(net.params.get('classifier.weight')!, 2));
      P.set('classifier.bias', tf.add(tf.mul(net.params.get('classifier.bias')!, 2), 0));
      const doubled = net.forward(x, { bn: 'train', params: P }).logits;
      const d = tf.sub(doubled, tf.mul(base, 2)).abs().max().dataSync()[0]!;
      assert.ok(d < 1e-5, `override: max diff ${d}`);
      // hooks
      const seenWeights: string[] = [];
      const relus: string[] = [];
      const blocks: string[] = [];
      const taps: string[] = [];
      const out = net.forward(x, {
        bn: 'train',
        taps: (t) => taps.push(t.name),
        layerOutputHook: (t, w) => (seenWeights.push(w), t),
        reluHook: (h, name) => (relus.push(name), tf.relu(h)),
        blockHook: (h, name) => (blocks.push(name), h),
      }).logits;
      assert.ok(tf.sub(out, base).abs().max().dataSync()[0]! < 1e-6);
      const weights = [...net.paramKinds].filter(([, k]) => k === 'conv' || k === 'linear').map(([n]) => n);
      assert.deepEqual([...seenWeights].sort(), [...weights].sort());
      assert.deepEqual(relus, taps);
      assert.deepEqual(blocks, Array.from({ length: 9 }, (_, i) => `cells.${i}`));
      // a reluHook that zeroes everything kills the output path
      const zero = net.forward(x, { bn: 'train', reluHook: (h) => tf.zerosLike(h) }).logits;
      assert.ok(zero.abs().max().dataSync()[0]! < 1e-7);
    });
  } finally {
    net.dispose();
    x.dispose();
  }
});

test('max-pool gradients work on this backend and equal the hand count of window maxima', () => {
  // distinct values so every window has one arg-max
  const side = 6;
  const vals = Array.from({ length: side * side }, (_, i) => ((i * 37) % (side * side)) / 10);
  const x = tf.tensor4d(vals, [1, side, side, 1]);
  const expect3 = new Array<number>(side * side).fill(0);
  const expect2 = new Array<number>(side * side).fill(0);
  const at = (i: number, j: number): number => vals[i * side + j]!;
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      let best = -Infinity;
      let bi = 0;
      for (let di = -1; di <= 1; di++) {
        for (let dj = -1; dj <= 1; dj++) {
          const a = i + di;
          const b = j + dj;
          if (a < 0 || b < 0 || a >= side || b >= side) continue;
          if (at(a, b) > best) {
            best = at(a, b);
            bi = a * side + b;
          }
        }
      }
      expect3[bi]!++;
    }
  }
  for (let i = 0; i < side; i += 2) {
    for (let j = 0; j < side; j += 2) {
      const cells = [i * side + j, i * side + j + 1, (i + 1) * side + j, (i + 1) * side + j + 1];
      expect2[cells.reduce((b, c) => (vals[c]! > vals[b]! ? c : b))]!++;
    }
  }
  const g3 = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 3, 1, 'same')))(x);
  const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
  assert.deepEqual(Array.from(g3.dataSync()), expect3);
  assert.deepEqual(Array.from(g2.dataSync()), expect2);
  tf.dispose([x, g3, g2]);
});

test('2×2 max-pool backward: dy to the first maximum of each window (PyTorch), also when ReLU zeros tie', () => {
  // one image, 4×4, 2 channels: channel 0 all zeros (every window tied), channel 1 distinct values
  const x = new Float32Array(32);
  for (let p = 0; p < 16; p++) x[p * 2 + 1] = (p * 7) % 16;
  const y = new Float32Array(8);
  for (let oi = 0; oi < 2; oi++) {
    for (let oj = 0; oj < 2; oj++) {
      for (let ch = 0; ch < 2; ch++) {
        let m = -Infinity;
        for (const [a, b] of [[0, 0], [0, 1], [1, 0], [1, 1]]) m = Math.max(m, x[((2 * oi + a!) * 4 + 2 * oj + b!) * 2 + ch]!);
        y[(oi * 2 + oj) * 2 + ch] = m;
      }
    }
  }
  const dy = Float32Array.from({ length: 8 }, (_, i) => i + 1);
  const dx = maxPool2x2Backward(x, [1, 4, 4, 2], y, dy);
  for (let oi = 0; oi < 2; oi++) {
    for (let oj = 0; oj < 2; oj++) {
      // tied zeros: only the window's top-left input gets dy
      const o = (oi * 2 + oj) * 2;
      assert.equal(dx[((2 * oi) * 4 + 2 * oj) * 2], dy[o]);
      assert.equal(dx[((2 * oi) * 4 + 2 * oj + 1) * 2] + dx[((2 * oi + 1) * 4 + 2 * oj) * 2] + dx[((2 * oi + 1) * 4 + 2 * oj + 1) * 2], 0);
    }
  }
  const ch1 = Array.from({ length: 16 }, (_, p) => dx[p * 2 + 1]);
  assert.equal(ch1.filter((v) => v !== 0).length, 4, 'one arg-max per window');
  assert.equal(ch1.reduce((s, v) => s + v, 0), dy[1]! + dy[3]! + dy[5]! + dy[7]!);
  assert.throws(() => maxPool2x2Backward(x, [1, 4, 4, 3], y, dy), /sizes do not match/);
});

test('input gradient through a whole NB101 network is finite and non-zero, without leaks', () => {
  const x = randInput(4, 2);
  const net = new Nb101Network(QUERY, SMALL, 6);
  try {
    const before = tf.memory().numTensors;
    const n = tf.tidy(() => {
      const g = tf.grad((t: tf.Tensor) => tf.sum(net.forward(t as tf.Tensor4D, { bn: 'train' }).logits))(x);
      return tf.norm(g).dataSync()[0]!;
    });
    assert.ok(Number.isFinite(n) && n > 0, `grad norm ${n}`);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    net.dispose();
    x.dispose();
  }
});

test('NASWOT on NB101 networks (stem 16, 1 class): finite score, N_A as counted by hand, same kernel under both countings', () => {
  const x = randInput(5, 16);
  for (const spec of [QUERY, WITH_SKIP]) {
    const net = new Nb101Network(spec, NB101_NASWOT_CONFIG, 7);
    try {
      const before = tf.memory().numTensors;
      const official = naswotKernel(net, x, { counting: 'official' });
      const naslib = naswotKernel(net, x, { counting: 'naslib' });
      assert.equal(tf.memory().numTensors, before);
      // N_A: every ReLU once; units = channels × spatial size (32², 16², 8² per stack)
      let units = 16 * 32 * 32;
      for (let m = 0; m < 9; m++) {
        const hw = [1024, 256, 64][Math.floor(m / 3)]!;
        const ch = net.vertexChannels(m);
        const n = spec.ops.length;
        for (let t = 1; t < n - 1; t++) if (spec.ops[t] !== MP) units += ch[t]! * hw;
        for (let t = 1; t < n; t++) if (spec.matrix[0]![t]) units += ch[t]! * hw;
      }
      assert.equal(official.numUnits, units);
      assert.deepEqual(official.kernel(), naslib.kernel());
      const r = naswotFromKernel(official);
      assert.equal(r.status, 'ok');
      assert.ok(Number.isFinite(r.score) && r.score > 0, `score ${r.score}`);
    } finally {
      net.dispose();
    }
  }
  x.dispose();
});

test('thin NB101 networks: no stem (input of inputChannels), first depth modules, Kaiming fan_in / fan_out init', () => {
  const cfg: Nb101NetConfig = { stemChannels: 4, numStacks: 3, modulesPerStack: 1, numClasses: 10, stem: false, inputChannels: 1, depth: 1, init: 'kaiming-normal-fan-in' };
  const { modules, outChannels } = nb101Modules(cfg);
  assert.deepEqual(modules.map((m) => [m.cin, m.cout]), [[1, 4]], 'one module reading the 1-channel input');
  assert.equal(outChannels, 4);
  assert.deepEqual(nb101Modules({ ...cfg, stem: true, depth: 2 }).modules.map((m) => [m.cin, m.cout, m.afterPool]), [[4, 4, false], [4, 8, true]]);
  assert.throws(() => nb101Modules({ ...cfg, depth: 0 }), /depth must be a positive integer/);
  const net = new Nb101Network(STORED, cfg, 5);
  try {
    assert.ok(![...net.params.keys()].some((n) => n.startsWith('stem.')), 'no stem parameters');
    assert.equal(net.numParams, nb101NumParams(STORED, cfg));
    // fan_in of the 1×1 input projection to vertex 1 is cin = 1: std √2
    const w = net.params.get('cells.0.input_op.1.conv.weight')!;
    assert.deepEqual(w.shape, [1, 1, 1, 1]);
    const x = tf.tensor4d(Float32Array.from({ length: 5 * 9 }, (_, i) => Math.cos(i)), [5, 3, 3, 1]);
    const shape = tf.tidy(() => net.forward(x, { bn: 'train' }).logits).shape;
    assert.deepEqual(shape, [5, 10]);
    assert.throws(() => tf.tidy(() => net.forward(tf.zeros([2, 3, 3, 3]) as tf.Tensor4D, { bn: 'train' }).logits), /input has 3 channels, the network expects 1/);
    x.dispose();
  } finally {
    net.dispose();
  }
  // Kaiming-normal: sample std of the 1×1 projection 64 → 128 channels matches √(2/fan)
  for (const [init, fan] of [['kaiming-normal-fan-in', 64], ['kaiming-normal-fan-out', 128]] as const) {
    const big = new Nb101Network(parseNb101('0101.0010.0001.0000:in-c3-c3-out'), { stemChannels: 64, numStacks: 2, modulesPerStack: 1, numClasses: 10, init }, 2);
    try {
      const v = Array.from(big.params.get('cells.1.input_op.1.conv.weight')!.dataSync());
      const std = Math.sqrt(v.reduce((s, a) => s + a * a, 0) / v.length);
      assert.ok(Math.abs(std / Math.sqrt(2 / fan) - 1) < 0.02, `${init}: std ${std} vs ${Math.sqrt(2 / fan)}`);
    } finally {
      big.dispose();
    }
  }
});
