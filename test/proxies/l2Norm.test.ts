/**
 * l2_norm: Σ over conv/linear weights of ‖W‖_F. Known weights, the expectation under PyTorch's
 * default init on a real NB201 network, ArchScorer, parity with NASLib's l2_norm column.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { naslibNb201Reference, NASLIB_REFERENCE_FILE } from '../../src/benchmarks/naslib';
import type { ForwardResult, Network, ParamKind } from '../../src/engine/network';
import { countParams, disposeParams, type ParamMap } from '../../src/engine/params';
import { l2Norm } from '../../src/proxies/l2Norm';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS } from '../../src/runner/settings';
import { spearman } from '../../src/stats/correlation';
import '../../src/proxies';
import { needsData, CIFAR10_FILE } from '../support/data';

const noRef = needsData(NASLIB_REFERENCE_FILE);
const noCifar = needsData(CIFAR10_FILE);

before(async () => {
  await initBackend({ quiet: true });
});

/** A parameter store only (l2_norm never runs the network). */
class Weights implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  add(name: string, kind: ParamKind, values: number[], shape: number[]): this {
    this.params.set(name, tf.tensor(values, shape));
    this.paramKinds.set(name, kind);
    return this;
  }
  get numParams(): number {
    return countParams(this.params);
  }
  forward(): ForwardResult {
    throw new Error('not used');
  }
  dispose(): void {
    disposeParams(this.params);
  }
}

test('known weights: ‖[3, 4]‖ + ‖[[6], [8]]‖ = 5 + 10; biases and BN parameters excluded', () => {
  const net = new Weights()
    .add('conv.weight', 'conv', [3, 4], [1, 1, 1, 2])
    .add('bn.weight', 'bn-weight', [100, 100], [2])
    .add('bn.bias', 'bn-bias', [100, 100], [2])
    .add('fc.weight', 'linear', [6, 8], [2, 1])
    .add('fc.bias', 'bias', [100], [1]);
  try {
    assert.ok(Math.abs(l2Norm(net) - 15) < 1e-6);
  } finally {
    net.dispose();
  }
});

test('NB201 (C=16, N=5): close to Σ √(C_out/3) (PyTorch init: E w² = 1/(3·fan_in), so E‖W‖² = C_out/3)', () => {
  const arch = parseNb201('|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|');
  const net = new Nb201Network(arch, { C: 16, N: 5, numClasses: 10 }, 11);
  try {
    let expected = 0;
    for (const [name, kind] of net.paramKinds) {
      const shape = net.params.get(name)!.shape;
      if (kind === 'conv' || kind === 'linear') expected += Math.sqrt(shape[shape.length - 1]! / 3);
    }
    const s = l2Norm(net);
    assert.ok(Math.abs(s - expected) / expected < 0.01, `${s} vs ${expected}`);
    // NASLib's value for this architecture (its own random init): 231.306
    assert.ok(Math.abs(s - 231.306) / 231.306 < 0.01, `${s} vs NASLib 231.306`);
  } finally {
    net.dispose();
  }
});

test('ArchScorer: status ok, tensor count flat over 3 archs; Spearman vs NASLib l2_norm on 40 reference archs ≥ 0.8', { skip: noCifar || noRef }, async (t) => {
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['l2_norm'] }, { quiet: true });
  try {
    const before = tf.memory().numTensors;
    for (const index of [0, 4811, 15624]) {
      const row = scorer.score(index);
      assert.equal(row.values.l2_norm!.status, 'ok');
      assert.equal(tf.memory().numTensors, before, `tensors leaked after #${index}`);
    }
    const ref = naslibNb201Reference('cifar10');
    const n = 40;
    const rows = Array.from({ length: n }, (_, i) => ref[Math.floor((i * ref.length) / n)]!);
    const ours: number[] = [];
    let secs = 0;
    for (const r of rows) {
      const row = scorer.score(r.nb201Index);
      ours.push(row.values.l2_norm!.value);
      secs += row.proxySeconds.l2_norm!;
    }
    const theirs = rows.map((r) => r.proxies.l2_norm!);
    const acc = rows.map((r) => r.valAccuracy);
    const rho = spearman(ours, theirs);
    t.diagnostic(`n=${n}: ρ(ours, NASLib) ${rho.toFixed(3)}; ρ(ours, val acc) ${spearman(ours, acc).toFixed(3)}; ρ(NASLib, val acc) ${spearman(theirs, acc).toFixed(3)}; ${(secs / n).toFixed(4)} s/arch`);
    assert.ok(rho >= 0.8, `ρ(ours, NASLib) = ${rho}`);
    const worst = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!) / theirs[i]!));
    t.diagnostic(`worst relative difference to NASLib's value (different random init): ${worst.toFixed(4)}`);
    assert.ok(worst < 0.03);
  } finally {
    scorer.dispose();
  }
});
