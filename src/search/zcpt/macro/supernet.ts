/**
 * NAS-Bench-Macro supernet for Zero-Cost-PT (ZCPT `nasbench_macro/model.py`, `Network` with
 * `MixedOp`): the benchmark's network (spaces/macro/network.ts) with all three ops in every
 * searchable layer, whose output is the mixture
 *   layer_l(x) = Σ_o w_{l,o}·op_o(x)        (no renormalisation),
 * with mixing weights given per forward pass (8 × 3, `MACRO_OPS` order). The supernet is never
 * trained: PyTorch default initialisation from a seeded Rng (stem, then each layer's three ops,
 * then the head), BN affine everywhere as in the standalone network. Zero-Cost-PT scores it in
 * eval mode (ZCPT calls `model.eval()` before scoring).
 *
 * Cost: an op whose weight is exactly 0 is not computed (its contribution is 0), an op of weight 1
 * is not multiplied, so a supernet whose layers are all one-hot computes exactly the standalone
 * network of that architecture (same values, same taps under `zeroOpTaps: 'skip'`).
 *
 * Taps: every nn.ReLU reports its input once (`inWrapper: false`). `zeroOpTaps` says what a
 * zero-weight op reports:
 *  - 'reference' (default): what ZCPT's NASWOT hooks record. The released `MixedOp` still runs an
 *    op of weight 0, on a zeroed input (`block_input=True`); an inverted residual then feeds
 *    exact zeros to both of its ReLUs (a bias-free conv of 0 is 0, and BN of 0 at initialisation
 *    is 0 in eval mode and in train mode), so each ReLU records an all-zero code. We emit those
 *    two codes (`allZero: true`, with the shapes the ReLUs would see) without computing the op;
 *    `id` has no ReLU and reports nothing.
 *  - 'skip': nothing, as if the op were absent (the discrete network's taps).
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, ForwardResult, NetBnMode, ParamKind } from '../../../engine/network';
import { convOutSize } from '../../../engine/depthwise';
import { countParams, disposeParams, type ParamMap } from '../../../engine/params';
import { macroArch, macroLayers, MACRO_NUM_LAYERS, MACRO_NUM_OPS, type MacroArch, type MacroChoice, type MacroLayer } from '../../../spaces/macro/arch';
import {
  initMacroParams,
  macroConfig,
  macroCtx,
  macroHead,
  macroHeadParams,
  macroOpForward,
  macroOpParams,
  macroStem,
  macroStemParams,
  MACRO_DEFAULT_CONFIG,
  MACRO_IR,
  type MacroNetConfig,
} from '../../../spaces/macro/network';
import type { Mixing, SupernetView, ZcptTap } from '../supernet';

export const MACRO_ZERO_OP_TAPS = ['reference', 'skip'] as const;
export type MacroZeroOpTaps = (typeof MACRO_ZERO_OP_TAPS)[number];

export interface MacroSupernetConfig extends MacroNetConfig {
  /** Default 'reference'. */
  readonly zeroOpTaps?: MacroZeroOpTaps;
}

/** Parameter prefix of op o at layer l in the supernet (the standalone network's is `features.l`). */
export const supernetOpPrefix = (layer: number, op: number): string => `features.${layer}.ops.${op}`;

/** Check a mixing matrix (8 layers × 3 ops, finite, ≥ 0). @throws naming the bad entry. */
export function checkMacroMixing(w: Mixing): void {
  if (!Array.isArray(w) || w.length !== MACRO_NUM_LAYERS) throw new Error(`NAS-Bench-Macro mixing weights need ${MACRO_NUM_LAYERS} layers, got ${JSON.stringify(w)}`);
  w.forEach((row, l) => {
    if (!Array.isArray(row) || row.length !== MACRO_NUM_OPS) throw new Error(`mixing weights of layer ${l} need ${MACRO_NUM_OPS} ops, got ${JSON.stringify(row)}`);
    row.forEach((v, o) => {
      if (!(Number.isFinite(v) && v >= 0)) throw new Error(`mixing weight of layer ${l} op ${o} must be finite and >= 0, got ${v}`);
    });
  });
}

/** One-hot mixing of an architecture. */
export function macroArchMixing(a: MacroArch): number[][] {
  return a.map((c) => Array.from({ length: MACRO_NUM_OPS }, (_, o) => (o === c ? 1 : 0)));
}

/** The architecture of a mixing: argmax per layer (first on ties). */
export function macroMixingArgmax(w: Mixing): MacroArch {
  return macroArch(w.map((row) => row.reduce((b, v, o) => (v > row[b]! ? o : b), 0)));
}

/** A supernet under fixed mixing weights. */
export interface MacroSupernetView extends SupernetView {
  readonly supernet: MacroSupernet;
}

/** The untrained NAS-Bench-Macro supernet. Call `dispose()` when done. */
export class MacroSupernet {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  readonly config: Required<MacroSupernetConfig>;
  readonly layers: readonly MacroLayer[];

  constructor(config: MacroSupernetConfig = MACRO_DEFAULT_CONFIG, seed = 0) {
    const net = macroConfig(config);
    const zeroOpTaps = config.zeroOpTaps ?? 'reference';
    if (!MACRO_ZERO_OP_TAPS.includes(zeroOpTaps)) throw new Error(`NAS-Bench-Macro supernet: zeroOpTaps must be ${MACRO_ZERO_OP_TAPS.join(' or ')}, got '${String(zeroOpTaps)}'`);
    this.config = { ...net, zeroOpTaps };
    this.layers = macroLayers(net.initChannels);
    const specs = [
      ...macroStemParams(net),
      ...this.layers.flatMap((l) => Array.from({ length: MACRO_NUM_OPS }, (_, o) => macroOpParams(supernetOpPrefix(l.index, o), o as MacroChoice, l)).flat()),
      ...macroHeadParams(net, this.layers[this.layers.length - 1]!.outChannels),
    ];
    initMacroParams(specs, seed, this.params, this.paramKinds);
  }

  get numParams(): number {
    return countParams(this.params);
  }

  /** The supernet under mixing `w` as a `Network` (plus the lean tap pass). */
  withMixing(w: Mixing): MacroSupernetView {
    checkMacroMixing(w);
    const mixing = w.map((r) => [...r]);
    return {
      supernet: this,
      mixing,
      params: this.params,
      paramKinds: this.paramKinds,
      numParams: this.numParams,
      forward: (x, opts) => this.forward(x, mixing, opts),
      forwardTaps: (x, bn, taps) => this.forwardTaps(x, mixing, bn, taps),
      dispose: () => {
        /* a view owns nothing */
      },
    };
  }

  /** Forward pass under mixing `w`; call inside `tf.tidy` or dispose the results. */
  forward(x: tf.Tensor4D, w: Mixing, opts: ForwardOptions): ForwardResult {
    checkMacroMixing(w);
    return this.run(x, w, opts, false);
  }

  /**
   * Memory-lean pass for tap consumers: each layer runs in its own scope and taps are handed over
   * (and must be consumed) while it runs; nothing is returned.
   */
  forwardTaps(x: tf.Tensor4D, w: Mixing, bn: NetBnMode, taps: (tap: ZcptTap) => void): void {
    checkMacroMixing(w);
    tf.tidy(() => {
      this.run(x, w, { bn, taps }, true);
    });
  }

  private run(x: tf.Tensor4D, w: Mixing, opts: ForwardOptions, lean: boolean): ForwardResult {
    const P = opts.params ?? this.params;
    const ctx = macroCtx(P, opts);
    const scoped = <T extends tf.Tensor>(f: () => T): T => (lean ? tf.tidy(f) : f());
    const zeros = new Map<string, tf.Tensor>();
    const zerosOf = (shape: number[]): tf.Tensor => {
      const key = shape.join('x');
      let z = zeros.get(key);
      if (!z) {
        z = tf.zeros(shape);
        if (lean) tf.keep(z); // lean: outlives the layer scopes, disposed at the end of the pass
        zeros.set(key, z);
      }
      return z;
    };
    try {
      let h = scoped(() => macroStem(ctx, x));
      for (const l of this.layers) {
        const input = h;
        h = scoped(() => {
          let sum: tf.Tensor4D | undefined;
          for (let o = 0; o < MACRO_NUM_OPS; o++) {
            const weight = w[l.index]![o]!;
            if (weight === 0) {
              if (o !== 0 && this.config.zeroOpTaps === 'reference') this.zeroTaps(l, o as 1 | 2, input, zerosOf, opts);
              continue;
            }
            let y = macroOpForward(ctx, supernetOpPrefix(l.index, o), o as MacroChoice, l, input);
            if (weight !== 1) y = tf.mul(y, weight) as tf.Tensor4D;
            sum = sum ? (tf.add(sum, y) as tf.Tensor4D) : y;
          }
          // every weight 0: the layer outputs zeros of its output shape (Σ of w·op = 0)
          const [n, hh, ww] = input.shape;
          const out = sum ?? (tf.zeros([n, convOutSize(hh, 1, l.stride, 0, 1), convOutSize(ww, 1, l.stride, 0, 1), l.outChannels]) as tf.Tensor4D);
          return opts.blockHook ? opts.blockHook(out, `features.${l.index}`) : out;
        });
        if (lean && h !== input) input.dispose();
      }
      return macroHead(ctx, P, opts, h);
    } finally {
      if (lean) for (const z of zeros.values()) z.dispose();
    }
  }

  /** The two all-zero ReLU codes of a zero-weight inverted residual (see the module comment). */
  private zeroTaps(l: MacroLayer, o: 1 | 2, input: tf.Tensor4D, zerosOf: (s: number[]) => tf.Tensor, opts: ForwardOptions): void {
    if (!opts.taps) return;
    const { t, k } = MACRO_IR[o];
    const hidden = Math.round(l.inChannels * t);
    const [n, hh, ww] = input.shape;
    const p = supernetOpPrefix(l.index, o);
    const ho = convOutSize(hh, k, l.stride, Math.floor(k / 2), 1);
    const wo = convOutSize(ww, k, l.stride, Math.floor(k / 2), 1);
    const taps = opts.taps as (t: ZcptTap) => void;
    taps({ name: `${p}.conv.2`, input: zerosOf([n, hh, ww, hidden]), inWrapper: false, onOutputPath: true, allZero: true });
    taps({ name: `${p}.conv.5`, input: zerosOf([n, ho, wo, hidden]), inWrapper: false, onOutputPath: true, allZero: true });
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
