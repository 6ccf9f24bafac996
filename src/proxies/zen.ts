/**
 * `zen`: Zen-score (Lin et al., ICCV 2021, "Zen-NAS") as NASLib computes it.
 * Source: NASLib `predictors/pruners/measures/zen.py` (`compute_zen_score`, repeat=1,
 * mixup_gamma=1e-2, float32, no gradients) with NB201's `forward_before_global_avg_pool`
 * (`search_spaces/nasbench201/graph.py`: the input of nn.AdaptiveAvgPool2d, i.e. the head's
 * ReLU(BN(last cell output))). Per repeat:
 *  1. re-initialise: every Conv2d and Linear weight ~ N(0, 1), their biases 0, BN γ=1, β=0
 *     (`network_weight_gaussian_init`);
 *  2. x ~ N(0, 1) and ε ~ N(0, 1) with the batch's shape; x' = x + γ·ε, γ = mixup_gamma;
 *  3. two forward passes, BN in train mode (batch statistics): f(x), then f(x'), f = pre-GAP map;
 *  4. Δ = mean_n Σ_{h,w,c} |f(x) − f(x')|;
 *  5. every BatchNorm2d's running variance after the two passes (PyTorch momentum m = 0.1,
 *     running_var starts at 1 and is updated with the unbiased batch variance v):
 *     rv_c = (1−m)²·1 + (1−m)·m·v1_c + m·v2_c;
 *  6. zen = log Δ + Σ_BN log √(mean_c rv_c).
 * Score = mean over repeats. Inputs and weights come from `new Rng(seed ^ salt)` (deterministic per
 * (arch, seed)). A BN's input is not visible from outside the network, so it is recomputed from
 * what the network does expose (see `zen()`): the stem conv from the input, each conv op / ResNet
 * conv from its ReLU tap and its weight, the head BN input from the last `blockHook` call.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/network';
import type { ParamMap } from '../engine/params';
import { Rng } from '../engine/rng';
import type { ReluTap } from '../engine/taps';
import { proxyValue, registerProxy } from './registry';

export const ZEN_DEFAULTS = Object.freeze({ repeat: 1, mixupGamma: 1e-2, bnMomentum: 0.1 });
/** Salt of the Rng stream of zen's weights and inputs: new Rng((seed ^ ZEN_SALT) >>> 0). */
export const ZEN_SALT = 0x7a656e31; // "zen1"

export interface ZenOptions {
  readonly repeat?: number;
  readonly mixupGamma?: number;
  readonly bnMomentum?: number;
  /** Input shape [N, H, W, C] (NASLib: the data batch's shape). */
  readonly shape: readonly [number, number, number, number];
  readonly seed: number;
}

export interface ZenResult {
  readonly score: number;
  /** log Δ of each repeat. */
  readonly logDelta: readonly number[];
  /** Σ_BN log √(mean_c rv_c) of each repeat. */
  readonly logBnScale: readonly number[];
  /** BN layers found per repeat (must equal the network's). */
  readonly numBn: number;
}

function gaussian(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/** Zen's Gaussian re-initialisation of a network's parameters (a fresh map; caller disposes). */
export function zenGaussianParams(net: Network, rng: Rng): ParamMap {
  const p: ParamMap = new Map();
  for (const [name, t] of net.params) {
    const kind = net.paramKinds.get(name);
    let data: Float32Array;
    if (kind === 'conv' || kind === 'linear') data = gaussian(rng, t.size);
    else if (kind === 'bn-weight') data = new Float32Array(t.size).fill(1);
    else data = new Float32Array(t.size); // biases, BN β
    p.set(name, tf.tensor(data, t.shape, 'float32'));
  }
  return p;
}

/** mean_c of the unbiased per-channel variance of an NHWC tensor (what BN feeds running_var). */
function meanUnbiasedVar(h: tf.Tensor4D): number {
  const t = tf.tidy(() => {
    const m = h.size / h.shape[3];
    return tf.mul(tf.mean(tf.moments(h, [0, 1, 2]).variance), m / (m - 1));
  });
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

/**
 * One forward pass under Zen's weights: the pre-GAP map relu(BN(h_last)) and, per BN layer in
 * forward order, mean_c of the unbiased variance of its input. Relies on the NB201 naming of
 * taps and parameters: `<block>.edges.<e>.relu` → `<block>.edges.<e>.conv.weight` (stride 1),
 * `<rb>.conv_a.relu` → `<rb>.conv_a.conv.weight` (stride 2), `<rb>.conv_b.relu` (stride 1),
 * `lastact.relu` = input of the head ReLU (its BN's output); the head BN's input is the last
 * block output (`blockHook`), the stem BN's input conv(x, stem.conv.weight) when there is a stem.
 */
function zenPass(net: Network, x: tf.Tensor4D, params: ParamMap): { map: tf.Tensor4D; bnVars: number[] } {
  const bnVars: number[] = [];
  const stemW = params.get('stem.conv.weight') as tf.Tensor4D | undefined;
  const pad = (k: number): [[number, number], [number, number], [number, number], [number, number]] => {
    const p = (k - 1) / 2;
    return [[0, 0], [p, p], [p, p], [0, 0]];
  };
  if (stemW) {
    const stemConv = tf.conv2d(x, stemW, 1, pad(3)); // stem.bn input
    bnVars.push(meanUnbiasedVar(stemConv));
    stemConv.dispose();
  }
  let lastBlock: tf.Tensor4D | undefined;
  let preGap: tf.Tensor4D | undefined;
  const taps = (tap: ReluTap): void => {
    const input = tap.input as tf.Tensor4D;
    if (tap.name === 'lastact.relu') {
      if (!lastBlock) throw new Error('zen: head reached before any block');
      bnVars.push(meanUnbiasedVar(lastBlock)); // lastact.bn input
      preGap = tf.relu(input);
      return;
    }
    const base = tap.name.replace(/\.relu$/, '');
    const w = params.get(`${base}.conv.weight`) as tf.Tensor4D | undefined;
    if (!w) throw new Error(`zen: no conv weight for ReLU tap '${tap.name}'`);
    const k = w.shape[0];
    const stride = base.endsWith('.conv_a') ? 2 : 1;
    const conv = tf.tidy(() => tf.conv2d(tf.relu(input), w, stride, pad(k)));
    bnVars.push(meanUnbiasedVar(conv));
    conv.dispose();
  };
  const blockHook = (h: tf.Tensor4D): tf.Tensor4D => {
    lastBlock = h;
    return h;
  };
  const out = net.forward(x, { bn: 'train', params, taps, blockHook });
  if (!preGap) throw new Error("zen: no 'lastact.relu' tap (pre-GAP map not found)");
  out.logits.dispose();
  out.features.dispose();
  return { map: preGap, bnVars };
}

/** Zen-score of a network (NASLib convention); every temporary tensor is freed. */
export function zen(net: Network, opts: ZenOptions): ZenResult {
  const repeat = opts.repeat ?? ZEN_DEFAULTS.repeat;
  const gamma = opts.mixupGamma ?? ZEN_DEFAULTS.mixupGamma;
  const mom = opts.bnMomentum ?? ZEN_DEFAULTS.bnMomentum;
  const numBnParams = [...net.paramKinds.values()].filter((k) => k === 'bn-weight').length;
  const rng = new Rng((opts.seed ^ ZEN_SALT) >>> 0);
  const n = opts.shape.reduce((a, b) => a * b, 1);
  const logDelta: number[] = [];
  const logBnScale: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const params = zenGaussianParams(net, rng);
    const x1 = gaussian(rng, n);
    const eps = gaussian(rng, n);
    const x2 = new Float32Array(n);
    for (let i = 0; i < n; i++) x2[i] = x1[i]! + gamma * eps[i]!;
    try {
      const res = tf.tidy(() => {
        const a = zenPass(net, tf.tensor4d(x1, [...opts.shape]), params);
        const b = zenPass(net, tf.tensor4d(x2, [...opts.shape]), params);
        const delta = tf.mean(tf.sum(tf.abs(tf.sub(a.map, b.map)), [1, 2, 3]));
        return { delta: delta.dataSync()[0]!, v1: a.bnVars, v2: b.bnVars };
      });
      if (res.v1.length !== numBnParams || res.v2.length !== numBnParams) {
        throw new Error(`zen: found ${res.v1.length} BN inputs, the network has ${numBnParams} BN layers`);
      }
      let logBn = 0;
      for (let i = 0; i < res.v1.length; i++) {
        const rv = (1 - mom) * (1 - mom) + (1 - mom) * mom * res.v1[i]! + mom * res.v2[i]!;
        logBn += 0.5 * Math.log(rv);
      }
      logDelta.push(Math.log(res.delta));
      logBnScale.push(logBn);
    } finally {
      for (const t of params.values()) t.dispose();
    }
  }
  const scores = logDelta.map((d, i) => d + logBnScale[i]!);
  return { score: scores.reduce((a, b) => a + b, 0) / repeat, logDelta, logBnScale, numBn: numBnParams };
}

registerProxy({
  name: 'zen',
  description: 'Zen-score: log E|f(x) − f(x + 0.01ε)| of the pre-GAP map + Σ log √(BN running var), Gaussian init and input (NASLib zen)',
  needs: 'forward',
  higherIsBetter: true,
  compute: ({ net, x, seed }) => {
    const r = zen(net, { shape: x.shape, seed });
    return proxyValue(r.score, 'zen: zero or non-finite feature difference');
  },
});
