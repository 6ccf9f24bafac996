/**
 * NAS-Bench-Macro network in tfjs (ZCPT `nasbench_macro/model.py`, the network the benchmark's
 * table was trained with; its `params` column is reproduced exactly for all 6,561 architectures):
 *
 *   stem   conv3×3(3→C) + BN + ReLU
 *   8 layers (arch.ts `macroLayers`), each one op:
 *     id         x, or conv1×1(stride) + BN where the layer changes stride or width
 *     ir_k_t     conv1×1(in→t·in) + BN + ReLU → depthwise conv k×k(stride, pad k//2) + BN + ReLU
 *                → conv1×1(t·in→out) + BN, plus x when stride 1 and in = out (no SE block)
 *   head   conv1×1(→1280) + BN + ReLU → global average pool → linear(1280 → classes, with bias)
 * Convs have no bias; every BN is affine. Initialisation: PyTorch defaults (engine/init.ts) from a
 * seeded RNG, in registration order; depthwise weights are stored [k, k, 1, C] (PyTorch's
 * [C, 1, k, k]) and reshaped to tfjs's [k, k, C, 1] when used. Parameter names follow PyTorch's
 * state_dict (`features.3.conv.0.weight`, …).
 *
 * Taps (engine/taps.ts): every nn.ReLU reports its input once (`inWrapper: false`: no ReLU
 * wrapper modules here, so both NASWOT counting conventions agree), all on the output path.
 * Forward options as every network: BN 'train' / 'eval' (running statistics at init) / 'off',
 * `params`, `layerOutputHook` (every conv and the classifier), `reluHook`, `blockHook` (each
 * searchable layer's output).
 *
 * The op code (`macroOpParams`, `macroOpForward`) is shared with the Zero-Cost-PT supernet.
 */
import * as tf from '@tensorflow/tfjs';
import { depthwiseConv2d } from '../../engine/depthwise';
import { bias, convWeight, linearWeight } from '../../engine/init';
import { batchNorm, conv2d as conv2dRaw, globalAvgPool, linear } from '../../engine/layers';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../engine/network';
import { countParams, disposeParams, param, type ParamMap } from '../../engine/params';
import { Rng } from '../../engine/rng';
import type { ReluTap } from '../../engine/taps';
import { macroLayers, type MacroArch, type MacroChoice, type MacroLayer } from './arch';

export interface MacroNetConfig {
  /** Stem width (32 in the benchmark); stage widths double from it. */
  readonly initChannels?: number;
  /** Width of the 1×1 conv before pooling (1280 in the benchmark). */
  readonly headChannels?: number;
  /** Classifier outputs (10 for the CIFAR-10 table). */
  readonly numClasses: number;
}

export const MACRO_DEFAULT_CONFIG: Required<MacroNetConfig> = Object.freeze({ initChannels: 32, headChannels: 1280, numClasses: 10 });

/** One parameter to create: name, tfjs shape, kind and initialiser. */
export interface MacroParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: ParamKind;
  readonly init: 'conv' | 'linear' | 'bias' | 'ones' | 'zeros';
  /** Fan-in of a linear layer (its bias's bound). */
  readonly fanIn?: number;
}

/** Expansion and kernel of an inverted-residual choice. */
export const MACRO_IR = Object.freeze({ 1: { t: 3, k: 3 }, 2: { t: 6, k: 5 } } as const);

const conv = (name: string, kh: number, cin: number, cout: number): MacroParamSpec => ({ name, shape: [kh, kh, cin, cout], kind: 'conv', init: 'conv' });
const bnSpecs = (name: string, c: number): MacroParamSpec[] => [
  { name: `${name}.weight`, shape: [c], kind: 'bn-weight', init: 'ones' },
  { name: `${name}.bias`, shape: [c], kind: 'bn-bias', init: 'zeros' },
];

/** Whether an `id` choice needs its 1×1 conv + BN (stride or width change). */
export const idNeedsConv = (l: MacroLayer): boolean => l.stride !== 1 || l.inChannels !== l.outChannels;

/** Parameters of one op at one layer, names under `prefix` (e.g. `features.3`). */
export function macroOpParams(prefix: string, choice: MacroChoice, l: MacroLayer): MacroParamSpec[] {
  if (choice === 0) return idNeedsConv(l) ? [conv(`${prefix}.downsample.0.weight`, 1, l.inChannels, l.outChannels), ...bnSpecs(`${prefix}.downsample.1`, l.outChannels)] : [];
  const { t, k } = MACRO_IR[choice];
  const h = Math.round(l.inChannels * t);
  return [
    conv(`${prefix}.conv.0.weight`, 1, l.inChannels, h),
    ...bnSpecs(`${prefix}.conv.1`, h),
    conv(`${prefix}.conv.3.weight`, k, 1, h),
    ...bnSpecs(`${prefix}.conv.4`, h),
    conv(`${prefix}.conv.6.weight`, 1, h, l.outChannels),
    ...bnSpecs(`${prefix}.conv.7`, l.outChannels),
  ];
}

/** Stem and head parameters around the layers. */
export function macroStemParams(c: Required<MacroNetConfig>): MacroParamSpec[] {
  return [conv('stem.0.weight', 3, 3, c.initChannels), ...bnSpecs('stem.1', c.initChannels)];
}

export function macroHeadParams(c: Required<MacroNetConfig>, lastChannels: number): MacroParamSpec[] {
  return [
    conv('out.0.weight', 1, lastChannels, c.headChannels),
    ...bnSpecs('out.1', c.headChannels),
    { name: 'classifier.weight', shape: [c.headChannels, c.numClasses], kind: 'linear', init: 'linear' },
    { name: 'classifier.bias', shape: [c.numClasses], kind: 'bias', init: 'bias', fanIn: c.headChannels },
  ];
}

/** Resolve and check a config. @throws naming the bad field. */
export function macroConfig(config: MacroNetConfig): Required<MacroNetConfig> {
  const c = { ...MACRO_DEFAULT_CONFIG, ...config };
  for (const k of ['initChannels', 'headChannels', 'numClasses'] as const) {
    if (!(Number.isInteger(c[k]) && c[k] >= 1)) throw new Error(`NAS-Bench-Macro network: ${k} must be a positive integer, got ${String(c[k])}`);
  }
  return c;
}

/** Create the tensors of `specs` in order from one RNG (PyTorch default initialisation). */
export function initMacroParams(specs: readonly MacroParamSpec[], seed: number, params: ParamMap, kinds: Map<string, ParamKind>): void {
  const rng = new Rng(seed);
  for (const p of specs) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (p.init === 'ones') data = new Float32Array(size).fill(1);
    else if (p.init === 'zeros') data = new Float32Array(size);
    else if (p.init === 'conv') data = convWeight(rng, p.shape[0]!, p.shape[1]!, p.shape[2]!, p.shape[3]!);
    else if (p.init === 'linear') data = linearWeight(rng, p.shape[0]!, p.shape[1]!);
    else data = bias(rng, p.fanIn!, size);
    params.set(p.name, tf.tensor(data, [...p.shape], 'float32'));
    kinds.set(p.name, p.kind);
  }
}

/** Layer helpers bound to one forward call's options. */
export interface MacroCtx {
  conv(x: tf.Tensor4D, w: string, stride: number, pad: number): tf.Tensor4D;
  dwconv(x: tf.Tensor4D, w: string, stride: number, pad: number): tf.Tensor4D;
  bn(x: tf.Tensor4D, name: string): tf.Tensor4D;
  /** ReLU with its tap (`onTap` receives the tap instead of the options' sink when given). */
  relu(x: tf.Tensor4D, name: string): tf.Tensor4D;
}

/** Helpers for a forward pass; `tapSink` overrides `opts.taps` (the supernet's lean pass). */
export function macroCtx(P: ParamMap, opts: ForwardOptions, tapSink?: (t: ReluTap) => void): MacroCtx {
  const lo = <T extends tf.Tensor>(t: T, w: string): T => (opts.layerOutputHook ? (opts.layerOutputHook(t, w) as T) : t);
  const sink = tapSink ?? opts.taps;
  return {
    conv: (h, w, s, p) => lo(conv2dRaw(h, param<tf.Tensor4D>(P, w), s, p), w),
    dwconv: (h, w, s, p) => {
      const wt = param<tf.Tensor4D>(P, w);
      const [k1, k2, , c] = wt.shape;
      return lo(depthwiseConv2d(h, tf.reshape(wt, [k1, k2, c, 1]), s, p), w);
    },
    bn: (h, name) => (opts.bn === 'off' ? h : (batchNorm(h, opts.bn, param<tf.Tensor1D>(P, `${name}.weight`), param<tf.Tensor1D>(P, `${name}.bias`)) as tf.Tensor4D)),
    relu: (h, name) => {
      sink?.({ name, input: h, inWrapper: false, onOutputPath: true });
      return opts.reluHook ? (opts.reluHook(h, name) as tf.Tensor4D) : tf.relu(h);
    },
  };
}

/** One op at one layer on `x` (parameters under `prefix`). */
export function macroOpForward(ctx: MacroCtx, prefix: string, choice: MacroChoice, l: MacroLayer, x: tf.Tensor4D): tf.Tensor4D {
  if (choice === 0) return idNeedsConv(l) ? ctx.bn(ctx.conv(x, `${prefix}.downsample.0.weight`, l.stride, 0), `${prefix}.downsample.1`) : x;
  const { k } = MACRO_IR[choice];
  let h = ctx.relu(ctx.bn(ctx.conv(x, `${prefix}.conv.0.weight`, 1, 0), `${prefix}.conv.1`), `${prefix}.conv.2`);
  h = ctx.relu(ctx.bn(ctx.dwconv(h, `${prefix}.conv.3.weight`, l.stride, Math.floor(k / 2)), `${prefix}.conv.4`), `${prefix}.conv.5`);
  h = ctx.bn(ctx.conv(h, `${prefix}.conv.6.weight`, 1, 0), `${prefix}.conv.7`);
  return l.stride === 1 && l.inChannels === l.outChannels ? (tf.add(h, x) as tf.Tensor4D) : h;
}

/** Stem: conv3×3 + BN + ReLU. */
export function macroStem(ctx: MacroCtx, x: tf.Tensor4D): tf.Tensor4D {
  return ctx.relu(ctx.bn(ctx.conv(x, 'stem.0.weight', 1, 1), 'stem.1'), 'stem.2');
}

/** Head: conv1×1 + BN + ReLU, global average pool, linear. */
export function macroHead(ctx: MacroCtx, P: ParamMap, opts: ForwardOptions, h: tf.Tensor4D): ForwardResult {
  const features = globalAvgPool(ctx.relu(ctx.bn(ctx.conv(h, 'out.0.weight', 1, 0), 'out.1'), 'out.2'));
  let logits = linear(features, param<tf.Tensor2D>(P, 'classifier.weight'), param<tf.Tensor1D>(P, 'classifier.bias'));
  if (opts.layerOutputHook) logits = opts.layerOutputHook(logits, 'classifier.weight') as tf.Tensor2D;
  return { logits, features };
}

/** A standalone NAS-Bench-Macro network with its parameters. Call `dispose()` when done. */
export class MacroNetwork implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  readonly config: Required<MacroNetConfig>;
  readonly layers: readonly MacroLayer[];

  constructor(
    readonly arch: MacroArch,
    config: MacroNetConfig = MACRO_DEFAULT_CONFIG,
    seed = 0,
  ) {
    this.config = macroConfig(config);
    this.layers = macroLayers(this.config.initChannels);
    initMacroParams(macroNetworkParams(arch, this.config), seed, this.params, this.paramKinds);
  }

  /** Parameters (conv and linear weights, classifier bias, BN γ and β), as PyTorch counts them. */
  get numParams(): number {
    return countParams(this.params);
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const ctx = macroCtx(P, opts);
    let h = macroStem(ctx, x);
    for (const l of this.layers) {
      h = macroOpForward(ctx, `features.${l.index}`, this.arch[l.index]!, l, h);
      if (opts.blockHook) h = opts.blockHook(h, `features.${l.index}`);
    }
    return macroHead(ctx, P, opts, h);
  }

  dispose(): void {
    disposeParams(this.params);
  }
}

/** Every parameter of a standalone network, in registration order. */
export function macroNetworkParams(arch: MacroArch, c: Required<MacroNetConfig>): MacroParamSpec[] {
  const layers = macroLayers(c.initChannels);
  return [...macroStemParams(c), ...layers.flatMap((l) => macroOpParams(`features.${l.index}`, arch[l.index]!, l)), ...macroHeadParams(c, layers[layers.length - 1]!.outChannels)];
}

/** Parameter count of an architecture without building it (PyTorch's count; the table's `params`). */
export function macroParamCount(arch: MacroArch, config: MacroNetConfig = MACRO_DEFAULT_CONFIG): number {
  return macroNetworkParams(arch, macroConfig(config)).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}
