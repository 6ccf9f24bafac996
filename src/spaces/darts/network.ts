/**
 * DARTS NetworkCIFAR in tfjs (layout, ops and parameters: see plan.ts), implementing the engine's
 * `Network` interface for the indicators.
 *
 * Initialisation: PyTorch defaults (engine/init.ts) from a seeded RNG, parameters in module
 * registration order. Depthwise weights are stored as [k, k, 1, C] (HWIO with I = C_in/groups, as
 * PyTorch's [C, 1, k, k]) and reshaped to tfjs's [k, k, C, 1] when used.
 *
 * Forward options (engine/network.ts): BN 'train' (batch statistics), 'eval' (running statistics at
 * init: μ=0, σ²=1) or 'off' (BN layers skipped, synflow); `params` replaces the parameters;
 * `layerOutputHook` sees every conv output (stem, 1×1, depthwise, pointwise, FactorizedReduce, aux)
 * and the classifier output; `reluHook` replaces each ReLU application (one per module and input
 * tensor: ops of one cell reading the same state share the ReLU of that state, like NB201's
 * network); `blockHook` sees each cell output.
 *
 * Taps (engine/taps.ts): every nn.ReLU reports its input, once per module. ReLUs inside the
 * preprocessing `ReLUConvBN` modules have `inWrapper` (BayesWatch's hooks match the class name
 * "ReLUConvBN" too; NASLib counts the inner nn.ReLU only). `onOutputPath` is false for ops and
 * preprocessing whose result never reaches the logits (a state outside `concat` that no later
 * node reads, or an unused cell input), and for the auxiliary head; `none` ops (×0) keep a path.
 * With concat [2, 3, 4, 5] and two distinct inputs per node (every NAS-Bench-301 genotype) every
 * ReLU is on the output path.
 *
 * Memory: each cell runs in its own tf.tidy scope, so its intermediates are freed as soon as the
 * cell is done (tfjs's tape keeps what gradients need). Tensors handed to taps and hooks (and hook
 * results) are returned from that scope and live until the caller's scope ends, like every other
 * network's; tensors a callback creates itself are freed with the cell unless it `tf.keep`s them.
 *
 * The auxiliary head's first ReLU is in-place in DARTS, so later cells read relu(s) of that cell's
 * output; every consumer starts with a ReLU, so only the (unusual) case where that cell is the last
 * one changes the logits. Reproduced when `auxiliary` is on.
 */
import * as tf from '@tensorflow/tfjs';
import { depthwiseConv2d } from '../../engine/depthwise';
import { bias, convWeight, linearWeight } from '../../engine/init';
import { avgPool, batchNorm, conv2d as conv2dRaw, globalAvgPool, linear } from '../../engine/layers';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../engine/network';
import { countParams, disposeParams, param, type ParamMap } from '../../engine/params';
import { Rng } from '../../engine/rng';
import type { Genotype } from './genotype';
import { avgPool3x3, maxPool3x3, zeroOp } from './ops';
import { convOpGeometry, dartsPlan, type CellPlan, type DartsNetConfig, type DartsPlan, type EdgePlan, type PreprocessPlan } from './plan';

/** Forward result with the auxiliary logits when the head is on. */
export interface DartsForwardResult extends ForwardResult {
  readonly auxLogits?: tf.Tensor2D;
}

/** Per-forward helpers bound to the options of one call. */
interface Ctx {
  readonly P: ParamMap;
  readonly opts: ForwardOptions;
  conv(x: tf.Tensor4D, w: string, stride: number, pad: number): tf.Tensor4D;
  dwconv(x: tf.Tensor4D, w: string, stride: number, pad: number, dilation: number): tf.Tensor4D;
  bn(h: tf.Tensor4D, name: string, affine: boolean): tf.Tensor4D;
  relu(h: tf.Tensor4D, name: string, inWrapper: boolean, live: boolean): tf.Tensor4D;
  tap(h: tf.Tensor4D, name: string, inWrapper: boolean, live: boolean): void;
  /** Tensors handed to taps and hooks in the cell being computed, returned from its tf.tidy so that they stay alive. */
  tapped: tf.Tensor[];
  /** ReLU through `reluHook` when given. */
  hookRelu(h: tf.Tensor4D, name: string): tf.Tensor4D;
}

/** An untrained DARTS network with its parameters. Call `dispose()` when done. */
export class DartsNetwork implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  readonly plan: DartsPlan;

  constructor(
    readonly genotype: Genotype,
    config: DartsNetConfig,
    seed = 0,
  ) {
    this.plan = dartsPlan(genotype, config);
    const rng = new Rng(seed);
    for (const p of this.plan.params) {
      const size = p.shape.reduce((a, b) => a * b, 1);
      let data: Float32Array;
      if (p.init === 'ones') data = new Float32Array(size).fill(1);
      else if (p.init === 'zeros') data = new Float32Array(size);
      else if (p.kind === 'conv') data = convWeight(rng, p.shape[0]!, p.shape[1]!, p.shape[2]!, p.shape[3]!);
      else if (p.kind === 'linear') data = linearWeight(rng, p.shape[0]!, p.shape[1]!);
      else data = bias(rng, p.fanIn, size);
      this.params.set(p.name, tf.tensor(data, [...p.shape], 'float32'));
      this.paramKinds.set(p.name, p.kind);
    }
  }

  get config(): Required<DartsNetConfig> {
    return this.plan.config;
  }

  /** Number of parameters (conv/linear weights and biases, affine BN γ and β), as PyTorch counts them. */
  get numParams(): number {
    return countParams(this.params);
  }

  /** Forward pass on an NHWC batch. Wrap in `tf.tidy` (or dispose the results). */
  forward(x: tf.Tensor4D, opts: ForwardOptions): DartsForwardResult {
    const P = opts.params ?? this.params;
    // tensors handed to (and returned by) hooks are kept like tapped ones: callers may hold on to them
    const lo = <T extends tf.Tensor>(t: T, w: string): T => {
      if (!opts.layerOutputHook) return t;
      const y = opts.layerOutputHook(t, w) as T;
      ctx.tapped.push(t, y);
      return y;
    };
    const ctx: Ctx = {
      P,
      opts,
      conv: (h, w, s, p) => lo(conv2dRaw(h, param<tf.Tensor4D>(P, w), s, p), w),
      dwconv: (h, w, s, p, d) => {
        const wt = param<tf.Tensor4D>(P, w);
        const [k1, k2, , c] = wt.shape;
        return lo(depthwiseConv2d(h, tf.reshape(wt, [k1, k2, c, 1]), s, p, d), w);
      },
      bn: (h, name, affine) => {
        if (opts.bn === 'off') return h;
        const g = affine ? param<tf.Tensor1D>(P, `${name}.weight`) : undefined;
        const b = affine ? param<tf.Tensor1D>(P, `${name}.bias`) : undefined;
        return batchNorm(h, opts.bn, g, b) as tf.Tensor4D;
      },
      tap: (h, name, inWrapper, live) => {
        if (!opts.taps) return;
        ctx.tapped.push(h);
        opts.taps({ name, input: h, inWrapper, onOutputPath: live });
      },
      tapped: [],
      hookRelu: (h, name) => {
        if (!opts.reluHook) return tf.relu(h);
        const y = opts.reluHook(h, name) as tf.Tensor4D;
        ctx.tapped.push(h, y);
        return y;
      },
      relu: (h, name, inWrapper, live) => {
        ctx.tap(h, name, inWrapper, live);
        return ctx.hookRelu(h, name);
      },
    };
    const plan = this.plan;
    const stem = ctx.bn(ctx.conv(x, 'stem.conv.weight', 1, 1), 'stem.bn', true);
    let s0 = stem;
    let s1 = stem;
    let auxLogits: tf.Tensor2D | undefined;
    for (const cell of plan.cells) {
      // one scope per cell frees its intermediates early (tensors saved for gradients are kept by
      // tfjs's tape); tapped tensors are returned so that they live on in the caller's scope
      const prev0 = s0;
      const prev1 = s1;
      let { out } = tf.tidy(() => {
        ctx.tapped = [];
        const o = this.cellForward(ctx, cell, prev0, prev1);
        return { out: o, tapped: ctx.tapped };
      });
      ctx.tapped = [];
      if (opts.blockHook) out = opts.blockHook(out, cell.name);
      s0 = s1;
      s1 = out;
      if (plan.config.auxiliary && cell.index === plan.auxAt) {
        const r = ctx.relu(s1, 'auxiliary.relu0', false, false);
        auxLogits = this.auxHead(ctx, r);
        s1 = r; // DARTS's in-place ReLU
      }
    }
    const features = globalAvgPool(s1);
    const logits = lo(linear(features, param<tf.Tensor2D>(P, 'classifier.weight'), param<tf.Tensor1D>(P, 'classifier.bias')), 'classifier.weight');
    return auxLogits ? { logits, features, auxLogits } : { logits, features };
  }

  private preprocess(ctx: Ctx, p: PreprocessPlan, s: tf.Tensor4D): tf.Tensor4D {
    if (p.kind === 'factorized-reduce') return this.factorizedReduce(ctx, p.name, s, true, p.live);
    const r = ctx.relu(s, `${p.name}.relu`, true, p.live);
    return ctx.bn(ctx.conv(r, `${p.name}.conv.weight`, 1, 0), `${p.name}.bn`, true);
  }

  private factorizedReduce(ctx: Ctx, name: string, s: tf.Tensor4D, affine: boolean, live: boolean, shared?: tf.Tensor4D): tf.Tensor4D {
    const r = shared ?? ctx.relu(s, `${name}.relu`, false, live);
    const [n, h, w, c] = r.shape;
    const a = ctx.conv(r, `${name}.conv_1.weight`, 2, 0);
    const b = ctx.conv(tf.slice(r, [0, 1, 1, 0], [n, h - 1, w - 1, c]), `${name}.conv_2.weight`, 2, 0);
    if (a.shape[1] !== b.shape[1] || a.shape[2] !== b.shape[2]) {
      throw new Error(`FactorizedReduce ${name}: odd input side ${h}×${w} gives halves of different sizes (PyTorch fails too)`);
    }
    return ctx.bn(tf.concat([a, b], 3), `${name}.bn`, affine);
  }

  private cellForward(ctx: Ctx, cell: CellPlan, s0: tf.Tensor4D, s1: tf.Tensor4D): tf.Tensor4D {
    const states: tf.Tensor4D[] = [this.preprocess(ctx, cell.pre0, s0), this.preprocess(ctx, cell.pre1, s1)];
    // one ReLU per state for the ops of this cell that start with a ReLU (same values, separate taps)
    const relus = new Map<number, tf.Tensor4D>();
    const sharedRelu = (i: number): tf.Tensor4D => {
      let r = relus.get(i);
      if (!r) {
        r = ctx.hookRelu(states[i]!, `${cell.name}.state${i}.relu`);
        relus.set(i, r);
      }
      return r;
    };
    for (let node = 2; node < 2 + cell.edges.length / 2; node++) {
      const terms = cell.edges.filter((e) => e.node === node).map((e) => this.opForward(ctx, cell, e, states[e.input]!, sharedRelu));
      states.push(terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor4D));
    }
    const parts = cell.concat.map((i) => states[i]!);
    return parts.length === 1 ? parts[0]! : (tf.concat(parts, 3) as tf.Tensor4D);
  }

  private opForward(ctx: Ctx, cell: CellPlan, e: EdgePlan, src: tf.Tensor4D, sharedRelu: (i: number) => tf.Tensor4D): tf.Tensor4D {
    const affine = this.plan.config.cellAffine;
    const s = e.stride;
    const reluOf = (suffix: string): tf.Tensor4D => {
      ctx.tap(src, `${e.name}.${suffix}`, false, e.live);
      return sharedRelu(e.input);
    };
    const geo = convOpGeometry(e.op);
    if (geo) {
      const n = e.name;
      if (geo.kind === 'dil') {
        const h = ctx.dwconv(reluOf('relu'), `${n}.dw.weight`, s, geo.pad, geo.dilation);
        return ctx.bn(ctx.conv(h, `${n}.pw.weight`, 1, 0), `${n}.bn`, affine);
      }
      let h = ctx.dwconv(reluOf('relu1'), `${n}.dw1.weight`, s, geo.pad, 1);
      h = ctx.bn(ctx.conv(h, `${n}.pw1.weight`, 1, 0), `${n}.bn1`, affine);
      h = ctx.dwconv(ctx.relu(h, `${n}.relu2`, false, e.live), `${n}.dw2.weight`, 1, geo.pad, 1);
      return ctx.bn(ctx.conv(h, `${n}.pw2.weight`, 1, 0), `${n}.bn2`, affine);
    }
    switch (e.op) {
      case 'none':
        return zeroOp(src, s);
      case 'skip_connect':
        return s === 1 ? src : this.factorizedReduce(ctx, e.name, src, affine, e.live, reluOf('relu'));
      case 'max_pool_3x3':
      case 'avg_pool_3x3': {
        const h = e.op === 'max_pool_3x3' ? maxPool3x3(src, s) : avgPool3x3(src, s);
        return this.plan.config.poolBn ? ctx.bn(h, `${e.name}.bn`, false) : h;
      }
      default:
        throw new Error(`DartsNetwork: no implementation for op '${e.op}' in ${cell.name}`);
    }
  }

  /** DARTS AuxiliaryHeadCIFAR on relu(s) (8×8 maps → 2×2 → 1×1). */
  private auxHead(ctx: Ctx, r: tf.Tensor4D): tf.Tensor2D {
    // AvgPool2d(5, stride=3, padding=0): no padding, so count_include_pad does not matter; then a
    // 2×2 conv, so the head needs 2×2 pooled maps (8×8 to 10×10 inputs; 8×8 for 32×32 images)
    const [, hh, ww] = r.shape;
    if (hh < 5 || ww < 5 || Math.floor((hh - 5) / 3) + 1 !== 2 || Math.floor((ww - 5) / 3) + 1 !== 2) {
      throw new Error(`DARTS auxiliary head expects 8×8 maps after cell ${this.plan.auxAt} (32×32 images), got ${hh}×${ww}`);
    }
    let h = avgPool(r, 5, 3, false);
    h = ctx.bn(ctx.conv(h, 'auxiliary.conv1.weight', 1, 0), 'auxiliary.bn1', true);
    h = ctx.conv(ctx.relu(h, 'auxiliary.relu1', false, false), 'auxiliary.conv2.weight', 1, 0);
    h = ctx.relu(ctx.bn(h, 'auxiliary.bn2', true), 'auxiliary.relu2', false, false);
    const f = tf.reshape(h, [h.shape[0], h.shape[3]]) as tf.Tensor2D;
    const y = linear(f, param<tf.Tensor2D>(ctx.P, 'auxiliary.classifier.weight'), param<tf.Tensor1D>(ctx.P, 'auxiliary.classifier.bias'));
    return ctx.opts.layerOutputHook ? (ctx.opts.layerOutputHook(y, 'auxiliary.classifier.weight') as tf.Tensor2D) : y;
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
