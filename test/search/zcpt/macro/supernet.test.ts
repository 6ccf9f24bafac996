/**
 * Zero-Cost-PT NAS-Bench-Macro supernet: every layer decided (one-hot) equals the standalone
 * network of that architecture on the same weights (logits in eval and train BN; NASWOT kernel
 * under zeroOpTaps 'skip'); zero-weight inverted residuals add the reference's all-zero codes;
 * the lean pass leaves no tensors behind. Tiny widths (stem 4, head 8) on random 16×16 inputs.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../../src/engine/backend';
import { Rng } from '../../../../src/engine/rng';
import type { BnMode } from '../../../../src/engine/layers';
import type { Network } from '../../../../src/engine/network';
import type { ParamMap } from '../../../../src/engine/params';
import { naswotKernel } from '../../../../src/proxies/naswot';
import { parseMacro, type MacroArch } from '../../../../src/spaces/macro/arch';
import { MacroNetwork } from '../../../../src/spaces/macro/network';
import { zcptKernel } from '../../../../src/search/zcpt/scorers';
import { checkMacroMixing, macroArchMixing, macroMixingArgmax, MacroSupernet, supernetOpPrefix } from '../../../../src/search/zcpt/macro/supernet';

before(async () => {
  await initBackend({ quiet: true });
});

const CFG = { initChannels: 4, headChannels: 8, numClasses: 3 } as const;
const ARCHS = ['00000000', '12021012', '22222222', '21100201'].map(parseMacro);

function randInput(seed: number, n: number, side = 16): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, () => r.normal()), [n, side, side, 3]);
}

/** The standalone network's parameters taken from the supernet's chosen ops. */
function standaloneParams(sup: MacroSupernet, std: MacroNetwork, arch: MacroArch): ParamMap {
  const p: ParamMap = new Map();
  for (const name of std.params.keys()) {
    const m = /^features\.(\d+)\.(.*)$/.exec(name);
    const from = m ? `${supernetOpPrefix(Number(m[1]), arch[Number(m[1])]!)}.${m[2]}` : name;
    const t = sup.params.get(from);
    assert.ok(t, `supernet has ${from}`);
    assert.deepEqual(t.shape, std.params.get(name)!.shape, name);
    p.set(name, t);
  }
  return p;
}

const data = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

test('every layer decided: the supernet computes the standalone network (eval and train BN)', () => {
  const x = randInput(3, 4);
  const sup = new MacroSupernet(CFG, 7);
  try {
    for (const arch of ARCHS) {
      const std = new MacroNetwork(arch, CFG, 99);
      const p = standaloneParams(sup, std, arch);
      for (const bn of ['eval', 'train'] as BnMode[]) {
        const [a, b] = tf.tidy(() => [data(std.forward(x, { bn, params: p }).logits), data(sup.withMixing(macroArchMixing(arch)).forward(x, { bn }).logits)]);
        assert.deepEqual(Array.from(b), Array.from(a), `${bn} ${arch.join('')}`);
      }
      std.dispose();
    }
  } finally {
    sup.dispose();
    x.dispose();
  }
});

test("every layer decided, zeroOpTaps 'skip': the standalone network's NASWOT kernel (lean and plain passes)", () => {
  const x = randInput(5, 6);
  const sup = new MacroSupernet({ ...CFG, zeroOpTaps: 'skip' }, 11);
  try {
    for (const arch of ARCHS.slice(1, 3)) {
      const std = new MacroNetwork(arch, CFG, 1);
      const p = standaloneParams(sup, std, arch);
      const stdNet: Network = { params: p, paramKinds: std.paramKinds, numParams: std.numParams, forward: (xx, o) => std.forward(xx, { ...o, params: p }), dispose: () => undefined };
      const want = naswotKernel(stdNet, x, { counting: 'official', bn: 'eval' }).kernel();
      const view = sup.withMixing(macroArchMixing(arch));
      const before = tf.memory().numTensors;
      const lean = zcptKernel(view, x, 'official', 'eval').kernel();
      assert.equal(tf.memory().numTensors, before, 'the lean pass leaves nothing behind');
      const plain = zcptKernel({ ...view, forwardTaps: undefined } as unknown as Network, x, 'official', 'eval').kernel();
      assert.deepEqual(Array.from(lean), Array.from(want), 'lean');
      assert.deepEqual(Array.from(plain), Array.from(want), 'plain');
      std.dispose();
    }
  } finally {
    sup.dispose();
    x.dispose();
  }
});

test("zeroOpTaps 'reference': a zero-weight inverted residual adds its two all-zero codes (units to every entry)", () => {
  const n = 5;
  const x = randInput(8, n);
  const ref = new MacroSupernet(CFG, 2);
  const skip = new MacroSupernet({ ...CFG, zeroOpTaps: 'skip' }, 2);
  try {
    // every weight 1/3 except layer 1 op 2 (5×5, t=6) at 0; layer 1 is stride 1, 8 → 8 channels at
    // 8×8 (after the first stride-2 layer on a 16×16 input)
    const third = [1 / 3, 1 / 3, 1 / 3];
    const w = Array.from({ length: 8 }, (_, l) => (l === 1 ? [1 / 3, 1 / 3, 0] : third));
    const a = zcptKernel(ref.withMixing(w), x, 'official', 'eval').kernel();
    const b = zcptKernel(skip.withMixing(w), x, 'official', 'eval').kernel();
    const units = 2 * (8 * 6) * 8 * 8; // two ReLUs of 48 channels at 8×8, stride 1
    for (let i = 0; i < n * n; i++) assert.equal(a[i]! - b[i]!, units, `entry ${i}`);
    // an `id` at weight 0 has no ReLU: nothing added
    const w0 = Array.from({ length: 8 }, (_, l) => (l === 1 ? [0, 1 / 3, 1 / 3] : third));
    assert.deepEqual(Array.from(zcptKernel(ref.withMixing(w0), x, 'official', 'eval').kernel()), Array.from(zcptKernel(skip.withMixing(w0), x, 'official', 'eval').kernel()));
  } finally {
    ref.dispose();
    skip.dispose();
    x.dispose();
  }
});

test('mixing checks and argmax', () => {
  assert.throws(() => checkMacroMixing([[1, 0, 0]]), /need 8 layers/);
  assert.throws(() => checkMacroMixing(macroArchMixing(ARCHS[0]!).map((r, l) => (l === 2 ? [1, -1, 0] : r))), /layer 2 op 1 must be finite and >= 0/);
  assert.equal(macroMixingArgmax(macroArchMixing(ARCHS[1]!)).join(''), '12021012');
});
