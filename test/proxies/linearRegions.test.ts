/**
 * NLR (TE-NAS number of linear regions). Hand-checkable cases: a 1-D ReLU layer relu(x − b_i)
 * evaluated on a grid that crosses every kink has #distinct kinks + 1 regions; the pattern counter
 * against a naive Σ_i 1/#{j: p_j = p_i}; the thin NB201 network (no stem, one cell, C=1) on 1×3×3
 * crops; real NB201 runs and a small Kendall-τ sanity check against CIFAR-10 test accuracy
 * (TE-NAS: τ = 0.50).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { makeBatch } from '../../src/data/batch';
import { Rng } from '../../src/engine/rng';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { convOpCount, parseNb201, type Nb201Arch } from '../../src/spaces/nb201/arch';
import { NB201_EDGES } from '../../src/spaces/nb201/arch';
import { Nb201Network, type Nb201NetConfig } from '../../src/spaces/nb201/network';
import { loadNb201Table, NB201_TABLE_FILE } from '../../src/benchmarks/nb201';
import { kendallTauB } from '../../src/stats';
import { getProxy, type ProxyContext } from '../../src/proxies';
import {
  countLinearRegions,
  nlrTenas,
  PatternCounter,
  randomCrops,
  TENAS_NLR_PROTOCOL,
} from '../../src/proxies/linearRegions';
import { needsData, CIFAR10_FILE } from '../support/data';

const skip = needsData(CIFAR10_FILE);

before(async () => {
  await initBackend({ quiet: true });
});

/** y = Σ_i relu(x − b_i) on scalar inputs [n, 1, 1, 1]; one tapped ReLU per bias. */
class KinkNet implements Network {
  readonly params = new Map<string, tf.Tensor>();
  readonly paramKinds = new Map<string, ParamKind>();
  readonly numParams = 0;
  constructor(readonly biases: readonly number[]) {}
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const outs = this.biases.map((b, i) => {
      const pre = tf.sub(x, b) as tf.Tensor4D;
      opts.taps?.({ name: `relu${i}`, input: pre, inWrapper: false, onOutputPath: true });
      return tf.relu(pre);
    });
    const features = tf.reshape(tf.addN(outs), [x.shape[0], 1]) as tf.Tensor2D;
    return { logits: features, features };
  }
  dispose(): void {}
}

function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / n);
}

test('1-D ReLU layer: a grid crossing every kink has #kinks + 1 regions', () => {
  const cases: Array<[number[], number, number, number]> = [
    [[-1, 0, 0.5, 2], -3, 3, 5],
    [[0.25], -1, 1, 2],
    [[0, 0, 1], -2, 2, 3], // a repeated kink is one kink
    [[-1, 0, 0.5, 2], -3, -1.5, 1], // the grid crosses no kink
    [[-1, 0, 0.5, 2], -0.5, 1, 3], // crosses 0 and 0.5 only
  ];
  for (const [biases, lo, hi, expected] of cases) {
    const pts = grid(lo, hi, 97);
    const x = tf.tensor4d(pts, [pts.length, 1, 1, 1]);
    assert.equal(countLinearRegions(new KinkNet(biases), [x]), expected, `biases ${biases} on [${lo}, ${hi}]`);
    // the same samples split over three forward passes: patterns are pooled across batches
    const parts = [x.slice(0, 30), x.slice(30, 30), x.slice(60)] as tf.Tensor4D[];
    assert.equal(countLinearRegions(new KinkNet(biases), parts), expected);
    for (const t of [x, ...parts]) t.dispose();
  }
});

/** TE-NAS's definition, evaluated naively: Σ_i 1/#{j : p_j = p_i}. */
function naiveRegions(patterns: string[]): number {
  const counts = new Map<string, number>();
  for (const p of patterns) counts.set(p, (counts.get(p) ?? 0) + 1);
  return patterns.reduce((s, p) => s + 1 / counts.get(p)!, 0);
}

test('PatternCounter equals Σ_i 1/#{j: p_j = p_i} on random patterns (word boundaries, duplicates, several batches)', () => {
  const rng = new Rng(4);
  const sizes = [3, 40, 33]; // 76 bits over 1 + 2 + 2 words
  const counter = new PatternCounter();
  const all: string[] = [];
  for (const n of [500, 1, 700]) {
    const layers = sizes.map((f) => new Float32Array(n * f));
    for (let i = 0; i < n; i++) {
      // few distinct patterns: bits of a small random code, so duplicates are common
      const code = rng.int(300);
      let s = '';
      sizes.forEach((f, l) => {
        for (let k = 0; k < f; k++) {
          const bit = (code >> ((k + 7 * l) % 9)) & 1;
          layers[l]![i * f + k] = bit ? rng.uniform(0.1, 2) : -rng.uniform(0, 2); // value > 0 ⇔ bit
          s += bit;
        }
      });
      all.push(s);
    }
    counter.addBatch(layers, n);
  }
  assert.equal(counter.numSamples, 1201);
  assert.equal(counter.numUnits, 76);
  const naive = naiveRegions(all);
  assert.ok(Math.abs(counter.numDistinct - naive) < 1e-9, `${counter.numDistinct} vs ${naive}`);
  assert.equal(counter.numDistinct, new Set(all).size);
  assert.throws(() => counter.addBatch([new Float32Array(3)], 1), /differ/);
  assert.throws(() => counter.addBatch([new Float32Array(5)], 2), /multiple/);
});

test('PatternCounter: zero is "off" (ReLU output 0), every distinct pattern counted once', () => {
  const c = new PatternCounter();
  c.addBatch([Float32Array.from([0, 0, 1e-30, 0, -1, 0, 0, 5])], 4); // 2 units: 00, (1)0, 00, 01
  assert.equal(c.numDistinct, 3);
});

test('randomCrops: single-channel crops of the source at random positions, reproducible from the Rng', () => {
  const [n, H, W, C] = [2, 5, 6, 3];
  const src = Float32Array.from({ length: n * H * W * C }, (_, i) => i);
  const crops = randomCrops(src, [n, H, W, C], 50, 3, new Rng(9));
  assert.equal(crops.length, 50 * 9);
  const r = new Rng(9);
  for (let s = 0; s < 50; s++) {
    const img = r.int(n);
    const top = r.int(H - 2);
    const left = r.int(W - 2);
    const ch = r.int(C);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 3; x++) assert.equal(crops[s * 9 + y * 3 + x], src[((img * H + top + y) * W + left + x) * C + ch]);
    }
  }
  assert.throws(() => randomCrops(src, [n, H, W, C], 1, 6, new Rng(1)), /larger/);
});

// ------------------------------------------------- thin TE-NAS network (Nb201NetConfig options) ---

const CONV_ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';

/** Distinct source nodes of the conv ops: each gives one tapped ReLU tensor in a cell. */
function convSources(arch: Nb201Arch): number {
  return new Set(arch.flatMap((op, e) => (op === 'nor_conv_1x1' || op === 'nor_conv_3x3' ? [NB201_EDGES[e]!.from] : []))).size;
}

test('thin network: stem: false, depth: 1 keeps one cell + head and accepts 1×3×3 inputs', () => {
  const arch = parseNb201(CONV_ARCH);
  const net = new Nb201Network(arch, { C: 1, N: 1, numClasses: 10, stem: false, depth: 1, init: 'kaiming-normal-fan-in' }, 3);
  try {
    const names = [...net.params.keys()];
    assert.ok(names.every((n) => n.startsWith('cells.0.') || n.startsWith('lastact.') || n.startsWith('classifier.')), names.join(' '));
    assert.equal(names.filter((n) => n.endsWith('conv.weight')).length, convOpCount(arch));
    assert.deepEqual(net.params.get('classifier.weight')!.shape, [1, 10]);
    const x = tf.tensor4d(Float32Array.from({ length: 7 * 9 }, (_, i) => Math.sin(i)), [7, 3, 3, 1]);
    const seen = new Set<number>();
    const logits = tf.tidy(() => {
      const out = net.forward(x, { bn: 'train', taps: (t) => { seen.add(t.input.id); assert.deepEqual(t.input.shape, [7, 3, 3, 1]); } });
      return out.logits.shape;
    });
    x.dispose();
    assert.deepEqual(logits, [7, 10]);
    assert.equal(seen.size, convSources(arch) + 1, 'conv-op ReLUs (one per source node) + head ReLU');
  } finally {
    net.dispose();
  }
});

test('network options are backward compatible: default = { stem: true } = all blocks; depth cuts blocks in order', () => {
  const arch = parseNb201(CONV_ARCH);
  const cfg: Nb201NetConfig = { C: 4, N: 2, numClasses: 3 };
  const a = new Nb201Network(arch, cfg, 8);
  const b = new Nb201Network(arch, { ...cfg, stem: true, depth: 8 }, 8);
  const c = new Nb201Network(arch, { ...cfg, depth: 3 }, 8); // 2 cells + first ResNet block
  const d = new Nb201Network(arch, { ...cfg, stem: false, depth: 1 }, 8);
  try {
    assert.deepEqual([...b.params.keys()], [...a.params.keys()]);
    for (const [n, t] of a.params) assert.deepEqual(b.params.get(n)!.dataSync(), t.dataSync(), n);
    assert.ok(a.params.has('stem.conv.weight') && !d.params.has('stem.conv.weight'));
    assert.ok(c.params.has('cells.2.conv_a.conv.weight') && !c.params.has('cells.3.edges.0.conv.weight'));
    assert.deepEqual(c.params.get('classifier.weight')!.shape, [8, 3]);
    const x = tf.tensor4d(new Float32Array(2 * 8 * 8 * 4).map((_, i) => Math.cos(i)), [2, 8, 8, 4]);
    assert.deepEqual(tf.tidy(() => d.forward(x, { bn: 'train' }).logits.shape), [2, 3]);
    x.dispose();
    assert.throws(() => new Nb201Network(arch, { ...cfg, depth: 0 }), /depth/);
  } finally {
    for (const n of [a, b, c, d]) n.dispose();
  }
});

// ---------------------------------------------------------------- real NB201 (CIFAR-10) ---------

let cifar: tf.Tensor4D | undefined;
function cifarBatch(): tf.Tensor4D {
  if (!cifar) {
    const b = makeBatch({ dataset: 'cifar10', batchSize: 128, seed: 1 });
    cifar = tf.keep(tf.tensor4d(b.x, b.shape as [number, number, number, number]));
  }
  return cifar;
}

function contextFor(arch: Nb201Arch, x: tf.Tensor4D, seed: number): ProxyContext & { dispose(): void } {
  const config: Nb201NetConfig = { C: 16, N: 5, numClasses: 10 };
  const labels = tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D;
  let net: Nb201Network | undefined;
  return {
    arch,
    get net(): Network {
      net ??= new Nb201Network(arch, config, seed);
      return net;
    },
    x,
    labels,
    numClasses: 10,
    counting: 'naslib',
    bn: 'train',
    seed,
    build: (over, netSeed) => new Nb201Network(arch, { ...config, ...over }, netSeed ?? seed),
    memo: <T>(_key: string, compute: () => T): T => compute(),
    dispose: () => {
      labels.dispose();
      net?.dispose();
    },
  };
}

const ARCHS = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|skip_connect~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|skip_connect~2|',
  '|nor_conv_1x1~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|',
];
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';

test('TE-NAS protocol constants (prune_tenas.py: input_size (1000, 1, 3, 3), sample_batch 3, --repeat 3); nlr registered, higher is better', () => {
  assert.deepEqual({ ...TENAS_NLR_PROTOCOL }, { batch: 1000, batches: 3, crop: 3, repeats: 3 });
  assert.equal(getProxy('nlr').higherIsBetter, true);
  assert.equal(getProxy('nlr_full').higherIsBetter, true);
});

test('real NB201: region counts in [1, 3000], deterministic per seed, more conv ops → more regions, no tensors left', { skip }, () => {
  const x = cifarBatch();
  const before = tf.memory().numTensors;
  const values: number[] = [];
  for (const s of ARCHS) {
    const ctx = contextFor(parseNb201(s), x, 5);
    try {
      const r = nlrTenas(ctx);
      assert.equal(r.status, 'ok');
      assert.equal(r.counts.length, 3);
      assert.equal(r.samplesPerCount, 3000);
      for (const c of r.counts) assert.ok(Number.isInteger(c) && c >= 1 && c <= 3000, `${s}: ${c}`);
      assert.ok(Math.abs(r.value - (r.counts[0]! + r.counts[1]! + r.counts[2]!) / 3) < 1e-9);
      assert.equal(nlrTenas(ctx).value, r.value);
      assert.equal(getProxy('nlr').compute(ctx).value, r.value);
      values.push(r.value);
    } finally {
      ctx.dispose();
    }
  }
  assert.equal(tf.memory().numTensors, before);
  assert.ok(values[0]! > values[2]! && values[2]! > values[1]!, `6 convs > 1 conv > 0 convs: ${values}`);
  const none = contextFor(parseNb201(ALL_NONE), x, 5);
  try {
    assert.equal(nlrTenas(none).value, 1, 'constant network: one region');
  } finally {
    none.dispose();
  }
});

test('nlr_full on the C=16, N=5 network saturates at the batch size (all-none: 1 region)', { skip }, () => {
  const x = tf.slice(cifarBatch(), [0, 0, 0, 0], [16, -1, -1, -1]) as tf.Tensor4D;
  try {
    for (const [s, expected] of [[ARCHS[2]!, 16], [ALL_NONE, 1]] as const) {
      const ctx = contextFor(parseNb201(s), x, 2);
      try {
        void ctx.net; // built lazily: its parameters are not leaks
        const before = tf.memory().numTensors;
        const v = getProxy('nlr_full').compute(ctx);
        assert.equal(v.status, 'ok');
        assert.equal(v.value, expected, s);
        assert.equal(tf.memory().numTensors, before);
      } finally {
        ctx.dispose();
      }
    }
  } finally {
    x.dispose();
  }
});

/**
 * Full TE-NAS protocol on 30 fixed-seed NB201 archs; TE-NAS reports τ = 0.50. The sampling spread
 * of τ over 30 archs is about 0.1, so ours must lie within 0.15 of the paper's value.
 */
test('Kendall τ(R, CIFAR-10 test accuracy) over 30 sampled archs is within 0.15 of TE-NAS\'s 0.50', { skip: skip || (needsData(NB201_TABLE_FILE)) }, () => {
  const table = loadNb201Table();
  const idx = new Rng(2021).sampleWithoutReplacement(table.size, 30);
  const x = cifarBatch();
  const regions: number[] = [];
  const acc: number[] = [];
  const t0 = performance.now();
  for (const i of idx) {
    const ctx = contextFor(table.arch(i), x, 1000 + i);
    try {
      regions.push(nlrTenas(ctx).value);
      acc.push(table.accuracy(i, 'cifar10-test'));
    } finally {
      ctx.dispose();
    }
  }
  const tau = kendallTauB(regions, acc);
  console.log(`nlr: Kendall τ = ${tau.toFixed(3)} on ${idx.length} archs (TE-NAS: 0.50), ${((performance.now() - t0) / 1000 / idx.length).toFixed(3)} s/arch`);
  assert.ok(Math.abs(tau - 0.5) <= 0.15, `τ = ${tau}, TE-NAS 0.50`);
});
