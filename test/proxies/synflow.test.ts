/**
 * synflow: closed form on a two-layer linear toy, block rescaling = plain float32 where the latter
 * does not overflow, overflow of the plain float32 computation on a big NB201 network, NASLib's
 * zero convention, ArchScorer run and parity with NASLib's synflow column.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { naslibNb201Reference, NASLIB_REFERENCE_FILE } from '../../src/benchmarks/naslib';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { countParams, disposeParams, type ParamMap } from '../../src/engine/params';
import { synflow } from '../../src/proxies/synflow';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS } from '../../src/runner/settings';
import { spearman } from '../../src/stats/correlation';
import '../../src/proxies';
import { needsData, CIFAR10_FILE } from '../support/data';

const noRef = needsData(NASLIB_REFERENCE_FILE);
const noCifar = needsData(CIFAR10_FILE);

const ALL_CONV3 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';

before(async () => {
  await initBackend({ quiet: true });
});

/** logits = (x·W1 → blockHook) · W2 + b on a [1, 1, 1, 2] input; a ReLU between the layers. */
class ToyLinear implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>([['l1.weight', 'linear'], ['l2.weight', 'linear'], ['l2.bias', 'bias']]);
  constructor(w1: number[], w2: number[], b: number) {
    this.params.set('l1.weight', tf.tensor2d(w1, [2, 2]));
    this.params.set('l2.weight', tf.tensor2d(w2, [2, 1]));
    this.params.set('l2.bias', tf.tensor1d([b]));
  }
  get numParams(): number {
    return countParams(this.params);
  }
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    let h = tf.relu(tf.matMul(tf.reshape(x, [x.shape[0], 2]), P.get('l1.weight')!)).reshape([x.shape[0], 1, 1, 2]) as tf.Tensor4D;
    if (opts.blockHook) h = opts.blockHook(h, 'block0');
    const features = tf.reshape(h, [x.shape[0], 2]) as tf.Tensor2D;
    return { features, logits: tf.add(tf.matMul(features, P.get('l2.weight')!), P.get('l2.bias')!) as tf.Tensor2D };
  }
  dispose(): void {
    disposeParams(this.params);
  }
}

test('toy two-layer net: S = Σ|θ·∂R/∂θ| in closed form, with and without rescaling', () => {
  // |W1| = [[1, 2], [3, 0.5]], |W2| = [1, 2]ᵀ, input ones: h = [1+3, 2+0.5] = [4, 2.5];
  // R − |b| = 4·1 + 2.5·2 = 9; Σ_W1 θ∂R/∂θ = Σ_ij |W1_ij|·|W2_j| = 9, Σ_W2 = Σ_j h_j|W2_j| = 9: S = 18.
  const net = new ToyLinear([1, -2, 3, 0.5], [-1, 2], -5);
  try {
    const before = tf.memory().numTensors;
    const plain = synflow(net, { inputShape: [1, 1, 2], rescale: false });
    const scaled = synflow(net, { inputShape: [1, 1, 2] });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(Math.abs(plain.score - Math.log(18)) < 1e-6, `plain ${plain.score}`);
    assert.equal(plain.logScale, 0);
    // the hook divides the block output by its max, 4: raw sum 18/4, scale log 4
    assert.ok(Math.abs(scaled.logScale - Math.log(4)) < 1e-7);
    assert.ok(Math.abs(scaled.logRaw - Math.log(4.5)) < 1e-6);
    assert.ok(Math.abs(scaled.score - Math.log(18)) < 1e-6, `scaled ${scaled.score}`);
    // parameters untouched (signs kept)
    assert.deepEqual(Array.from(net.params.get('l1.weight')!.dataSync()), [1, -2, 3, 0.5]);
  } finally {
    net.dispose();
  }
});

test('NB201 C=4, N=1: rescaled and plain float32 synflow agree', (t) => {
  for (const a of [ALL_CONV3, '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|', '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_3x3~0|none~1|avg_pool_3x3~2|']) {
    const net = new Nb201Network(parseNb201(a), { C: 4, N: 1, numClasses: 10 }, 7);
    try {
      const scaled = synflow(net);
      const plain = synflow(net, { rescale: false });
      t.diagnostic(`${a}: rescaled ${scaled.score.toFixed(6)} (Σlog c ${scaled.logScale.toFixed(3)}), plain ${plain.score.toFixed(6)}`);
      assert.ok(Number.isFinite(plain.score) && plain.score < 80, 'this small net must not overflow');
      assert.ok(scaled.logScale > 1, 'the rescaling is exercised');
      assert.ok(Math.abs(scaled.score - plain.score) < 1e-5, `${scaled.score} vs ${plain.score}`);
    } finally {
      net.dispose();
    }
  }
});

test('NB201 C=16, N=5 all-conv3×3: plain float32 overflows, rescaled is finite and beyond float32 range', (t) => {
  const net = new Nb201Network(parseNb201(ALL_CONV3), { C: 16, N: 5, numClasses: 10 }, 3);
  try {
    const before = tf.memory().numTensors;
    const plain = synflow(net, { rescale: false });
    const scaled = synflow(net);
    assert.equal(tf.memory().numTensors, before);
    t.diagnostic(`plain ${plain.score}, rescaled ${scaled.score} (log raw ${scaled.logRaw.toFixed(3)} + Σ log c ${scaled.logScale.toFixed(3)})`);
    assert.ok(!Number.isFinite(plain.score), `plain float32 should overflow, got ${plain.score}`);
    assert.ok(Number.isFinite(scaled.score));
    assert.ok(scaled.score > Math.log(3.4028235e38), `S = e^${scaled.score} lies beyond float32`);
  } finally {
    net.dispose();
  }
});

test('dead network (all none): S = 0, reported as 0 (NASLib)', () => {
  const net = new Nb201Network(parseNb201(ALL_NONE), { C: 4, N: 1, numClasses: 10 }, 1);
  try {
    assert.equal(synflow(net).score, 0);
  } finally {
    net.dispose();
  }
});

test('ArchScorer: status ok, tensor count flat over 3 archs; Spearman vs NASLib synflow on 30 reference archs ≥ 0.8', { skip: noCifar || noRef }, async (t) => {
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['synflow'] }, { quiet: true });
  try {
    const before = tf.memory().numTensors;
    for (const index of [0, 4811, 15624]) {
      const row = scorer.score(index);
      assert.equal(row.values.synflow!.status, 'ok', JSON.stringify(row.values.synflow));
      assert.equal(tf.memory().numTensors, before, `tensors leaked after #${index}`);
    }
    const ref = naslibNb201Reference('cifar10');
    const n = 30;
    const rows = Array.from({ length: n }, (_, i) => ref[Math.floor((i * ref.length) / n)]!).filter((r) => Number.isFinite(r.proxies.synflow!));
    const ours: number[] = [];
    let secs = 0;
    for (const r of rows) {
      const row = scorer.score(r.nb201Index);
      ours.push(row.values.synflow!.value);
      secs += row.proxySeconds.synflow!;
    }
    const theirs = rows.map((r) => r.proxies.synflow!);
    const acc = rows.map((r) => r.valAccuracy);
    const rho = spearman(ours, theirs);
    t.diagnostic(`n=${rows.length}: ρ(ours, NASLib) ${rho.toFixed(3)}; ρ(ours, val acc) ${spearman(ours, acc).toFixed(3)}; ρ(NASLib, val acc) ${spearman(theirs, acc).toFixed(3)}; ${(secs / rows.length).toFixed(3)} s/arch`);
    assert.ok(rho >= 0.8, `ρ(ours, NASLib) = ${rho}`);
  } finally {
    scorer.dispose();
  }
});
