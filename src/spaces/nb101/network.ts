/**
 * NAS-Bench-101 network (docs/papers.md §1.2; google-research/nasbench `lib/model_builder.py`, and the
 * PyTorch ports BayesWatch `nas_101_api/model.py` / NASLib `search_spaces/nasbench101/model.py`):
 *
 *   stem ConvBnRelu 3×3 (3 → C) → stack 0: M modules @C → MaxPool 2×2/2 → stack 1: M modules @2C
 *   → MaxPool 2×2/2 → stack 2: M modules @4C → global average pool → Linear(4C → classes)
 *
 * with C = 128 in the benchmark, 16 in NASWOT's scoring (`--stem_out_channels` default), M = 3.
 * ConvBnRelu = conv (no bias) → BN (affine) → ReLU. Module (cell) on a pruned spec, vertex
 * channels from `computeVertexChannels`:
 *  - vertex t's input = Σ over interior sources s→t of node s truncated to ch[t] channels, plus
 *    Projection(x) = ConvBnRelu 1×1 (cin → ch[t]) when input→t;
 *  - vertex op: conv3x3/conv1x1 = ConvBnRelu (ch[t] → ch[t]); maxpool3x3 = 3×3 stride 1 max-pool
 *    with padding 1 (padding ignored, TF/PyTorch same);
 *  - output = concat (channels, vertex order) of the vertices feeding it, + Projection(x) to cout
 *    when input→output; just Projection(x) when only input feeds the output.
 * Initialisation: 'naswot' (default; the explicit `_initialize_weights` of both PyTorch ports:
 * conv N(0, 2/(k·k·C_out)), BN γ=1 β=0, linear N(0, 0.01²), biases 0), 'pytorch' (PyTorch
 * defaults, engine/init.ts), or Kaiming-normal with fan_in / fan_out for conv and linear weights
 * (TE-NAS's thin networks, as Nb201Network; biases as PyTorch). Thin networks: `stem: false`,
 * `inputChannels` and `depth` (channels.ts). Taps: every nn.ReLU (stem, projections, conv
 * vertices) reports its input once (`inWrapper` false: the BayesWatch hook matches class names
 * containing "ReLU", and NB101's `ConvBnRelu` does not), and every one is on an input→output path
 * after pruning.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv2d as conv2dRaw, globalAvgPool, linear } from '../../engine/layers';
import { bias, convWeight, kaimingNormal, linearWeight } from '../../engine/init';
import { Rng } from '../../engine/rng';
import { countParams, disposeParams, param, ParamMap } from '../../engine/params';
import type { ForwardOptions, ForwardResult, Network, ParamKind } from '../../engine/network';
import { computeVertexChannels, nb101Modules, type Nb101MacroConfig, type Nb101Module } from './channels';
import type { Nb101Spec } from './spec';
import { maxPool3x3, maxPoolBackward } from '../darts/ops';

/**
 * MaxPool2d(2, 2) on even sizes: forward as a reshape and a max; backward on the host with PyTorch's
 * rule (each output's dy goes to the first maximum of its window in row-major order; tfjs's max
 * gradient sends it to every tied maximum instead, e.g. to all four zeros of a ReLU-dead window).
 * The wasm backend's MaxPoolGrad gave wrong input gradients for some entries (measured).
 */
function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (h % 2 || w % 2) throw new Error(`nb101: 2×2 max-pool needs even sizes, got ${h}×${w}`);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const value = tf.tidy(() => tf.max(tf.reshape(xi, [n, h / 2, 2, w / 2, 2, c]), [2, 4]).reshape([n, h / 2, w / 2, c])) as tf.Tensor4D;
    save([xi, value]);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor => {
      const [xs, ys] = saved as [tf.Tensor4D, tf.Tensor4D];
      return tf.tensor4d(maxPool2x2Backward(xs.dataSync() as Float32Array, xs.shape, ys.dataSync() as Float32Array, dy.dataSync() as Float32Array), xs.shape);
    };
    return { value, gradFunc };
  });
  return f(x) as tf.Tensor4D;
}

/** dx of a 2×2/2 max pool (NHWC): dy to the first (row-major) input of each window equal to its output. */
export function maxPool2x2Backward(x: Float32Array, xShape: readonly number[], y: Float32Array, dy: Float32Array): Float32Array {
  const [n, h, w, c] = xShape as [number, number, number, number];
  return maxPoolBackward(x, xShape, y, [n, h / 2, w / 2, c], dy, { k: 2, stride: 2, pad: 0 });
}

export const NB101_INITS = Object.freeze(['naswot', 'pytorch', 'kaiming-normal-fan-in', 'kaiming-normal-fan-out'] as const);
export type Nb101Init = (typeof NB101_INITS)[number];

export interface Nb101NetConfig extends Nb101MacroConfig {
  /** Classifier outputs (NASWOT scores with 1; CIFAR-10 has 10). */
  readonly numClasses: number;
  /** Weight initialisation (default 'naswot', see the module comment). */
  readonly init?: Nb101Init;
}

/** The network NAS-Bench-101 trained (and NASLib builds for its zero-cost table). */
export const NB101_BENCHMARK_CONFIG: Nb101NetConfig = Object.freeze({ stemChannels: 128, numStacks: 3, modulesPerStack: 3, numClasses: 10 });
/** The network NASWOT scores (`score_networks.py` defaults: stem 16, 1 label). */
export const NB101_NASWOT_CONFIG: Nb101NetConfig = Object.freeze({ stemChannels: 16, numStacks: 3, modulesPerStack: 3, numClasses: 1, init: 'naswot' });

function isConvOp(op: string): op is 'conv3x3-bn-relu' | 'conv1x1-bn-relu' {
  return op === 'conv3x3-bn-relu' || op === 'conv1x1-bn-relu';
}

/** Cell parameters: conv vertices (k²·c² + 2c) and input projections (cin·c + 2c). */
function cellParams(spec: Nb101Spec, m: Pick<Nb101Module, 'cin' | 'cout'>): number {
  const n = spec.ops.length;
  const ch = computeVertexChannels(m.cin, m.cout, spec.matrix);
  let p = 0;
  for (let t = 1; t < n - 1; t++) {
    const op = spec.ops[t]!;
    if (isConvOp(op)) {
      const k = op === 'conv3x3-bn-relu' ? 3 : 1;
      p += k * k * ch[t]! * ch[t]! + 2 * ch[t]!;
    }
  }
  for (let t = 1; t < n; t++) if (spec.matrix[0]![t]) p += m.cin * ch[t]! + 2 * ch[t]!;
  return p;
}

/**
 * Number of parameters of the network (conv weights, BN γ and β, classifier weight and bias),
 * as PyTorch's `sum(p.numel())` and TF's trainable variables count them, without building it.
 */
export function nb101NumParams(spec: Nb101Spec, config: Omit<Nb101NetConfig, 'init'> = NB101_BENCHMARK_CONFIG): number {
  const { modules, outChannels } = nb101Modules(config);
  const c = config.stemChannels;
  let p = config.stem === false ? 0 : 27 * c + 2 * c;
  for (const m of modules) p += cellParams(spec, m);
  return p + outChannels * config.numClasses + config.numClasses;
}

/** An untrained NB101 network with its parameters. Call `dispose()` when done. */
export class Nb101Network implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  private readonly modules: readonly Nb101Module[];
  /** Vertex channels per module. */
  private readonly channels: readonly (readonly number[])[];

  constructor(
    readonly spec: Nb101Spec,
    readonly config: Nb101NetConfig = NB101_NASWOT_CONFIG,
    seed = 0,
  ) {
    const { numClasses } = config;
    if (!(Number.isInteger(numClasses) && numClasses >= 1)) throw new Error(`invalid NB101 network config: numClasses must be a positive integer, got ${numClasses}`);
    const init = config.init ?? 'naswot';
    if (!(NB101_INITS as readonly string[]).includes(init)) throw new Error(`invalid NB101 network config: unknown init '${String(init)}' (expected ${NB101_INITS.join(', ')})`);
    const { modules, outChannels } = nb101Modules(config);
    this.modules = modules;
    this.channels = modules.map((m) => computeVertexChannels(m.cin, m.cout, spec.matrix));
    const rng = new Rng(seed);
    const add = (name: string, data: Float32Array, shape: number[], kind: ParamKind): void => {
      this.params.set(name, tf.tensor(data, shape, 'float32'));
      this.paramKinds.set(name, kind);
    };
    const addConvBn = (name: string, k: number, cin: number, cout: number): void => {
      const n = k * k * cin * cout;
      const w =
        init === 'pytorch' ? convWeight(rng, k, k, cin, cout) : kaimingNormal(rng, n, init === 'kaiming-normal-fan-in' ? k * k * cin : k * k * cout);
      add(`${name}.conv.weight`, w, [k, k, cin, cout], 'conv');
      add(`${name}.bn.weight`, new Float32Array(cout).fill(1), [cout], 'bn-weight');
      add(`${name}.bn.bias`, new Float32Array(cout), [cout], 'bn-bias');
    };
    if (config.stem !== false) addConvBn('stem', 3, 3, config.stemChannels);
    const n = spec.ops.length;
    modules.forEach((m, i) => {
      const ch = this.channels[i]!;
      for (let t = 1; t < n - 1; t++) {
        const op = spec.ops[t]!;
        if (isConvOp(op)) addConvBn(`${m.name}.vertex_op.${t}`, op === 'conv3x3-bn-relu' ? 3 : 1, ch[t]!, ch[t]!);
      }
      for (let t = 1; t < n; t++) if (spec.matrix[0]![t]) addConvBn(`${m.name}.input_op.${t}`, 1, m.cin, ch[t]!);
    });
    const wn = outChannels * numClasses;
    if (init === 'naswot') {
      const w = new Float32Array(wn);
      for (let i = 0; i < wn; i++) w[i] = rng.normal() * 0.01;
      add('classifier.weight', w, [outChannels, numClasses], 'linear');
      add('classifier.bias', new Float32Array(numClasses), [numClasses], 'bias');
    } else if (init === 'pytorch') {
      add('classifier.weight', linearWeight(rng, outChannels, numClasses), [outChannels, numClasses], 'linear');
      add('classifier.bias', bias(rng, outChannels, numClasses), [numClasses], 'bias');
    } else {
      add('classifier.weight', kaimingNormal(rng, wn, init === 'kaiming-normal-fan-in' ? outChannels : numClasses), [outChannels, numClasses], 'linear');
      add('classifier.bias', bias(rng, outChannels, numClasses), [numClasses], 'bias');
    }
  }

  /** Number of parameters (conv weights, BN γ and β, classifier weight and bias). */
  get numParams(): number {
    return countParams(this.params);
  }

  /** Vertex channels of module `i` (for tests and inspection). */
  vertexChannels(i: number): readonly number[] {
    const ch = this.channels[i];
    if (!ch) throw new Error(`Nb101Network: no module ${i} (0..${this.channels.length - 1})`);
    return ch;
  }

  /** Forward pass on an NHWC batch. Wrap in `tf.tidy` (or dispose the results). */
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const P = opts.params ?? this.params;
    const lo = <T extends tf.Tensor>(t: T, w: string): T => (opts.layerOutputHook ? (opts.layerOutputHook(t, w) as T) : t);
    const mode = opts.bn;
    const v1 = (name: string): tf.Tensor1D => param<tf.Tensor1D>(P, name);
    const hook = opts.blockHook ?? ((h: tf.Tensor4D) => h);
    /** ConvBnRelu `name` (stride 1, same padding): conv → BN → tapped ReLU. */
    const convBnRelu = (h: tf.Tensor4D, name: string, k: number): tf.Tensor4D => {
      const w = `${name}.conv.weight`;
      let y = lo(conv2dRaw(h, param<tf.Tensor4D>(P, w), 1, (k - 1) / 2), w);
      if (mode !== 'off') y = batchNorm(y, mode, v1(`${name}.bn.weight`), v1(`${name}.bn.bias`)) as tf.Tensor4D;
      const rn = `${name}.relu`;
      opts.taps?.({ name: rn, input: y, inWrapper: false, onOutputPath: true });
      return opts.reluHook ? (opts.reluHook(y, rn) as tf.Tensor4D) : tf.relu(y);
    };

    const cin = this.config.stem === false ? this.modules[0]!.cin : 3;
    if (x.shape[3] !== cin) throw new Error(`Nb101Network: input has ${x.shape[3]} channels, the network expects ${cin}`);
    let h = this.config.stem === false ? x : convBnRelu(x, 'stem', 3);
    this.modules.forEach((m, i) => {
      if (m.afterPool) h = maxPool2x2(h);
      h = hook(this.cellForward(h, m, this.channels[i]!, convBnRelu), m.name);
    });
    const features = globalAvgPool(h);
    const logits = lo(linear(features, param<tf.Tensor2D>(P, 'classifier.weight'), v1('classifier.bias')), 'classifier.weight');
    return { logits, features };
  }

  private cellForward(
    x: tf.Tensor4D,
    m: Nb101Module,
    ch: readonly number[],
    convBnRelu: (h: tf.Tensor4D, name: string, k: number) => tf.Tensor4D,
  ): tf.Tensor4D {
    const { matrix, ops } = this.spec;
    const n = ops.length;
    const truncate = (t: tf.Tensor4D, c: number): tf.Tensor4D => {
      const have = t.shape[3];
      if (have === c) return t;
      if (have < c) throw new Error(`NB101 ${m.name}: cannot truncate ${have} channels to ${c}`);
      return tf.slice(t, [0, 0, 0, 0], [-1, -1, -1, c]);
    };
    const nodes: tf.Tensor4D[] = [x];
    const toOutput: tf.Tensor4D[] = [];
    for (let t = 1; t < n - 1; t++) {
      const terms: tf.Tensor4D[] = [];
      for (let s = 1; s < t; s++) if (matrix[s]![t]) terms.push(truncate(nodes[s]!, ch[t]!));
      if (matrix[0]![t]) terms.push(convBnRelu(x, `${m.name}.input_op.${t}`, 1));
      if (terms.length === 0) throw new Error(`NB101 ${m.name}: vertex ${t} has no input (spec not pruned?)`);
      const vin = terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor4D);
      const op = ops[t]!;
      const out = op === 'maxpool3x3' ? maxPool3x3(vin, 1) : convBnRelu(vin, `${m.name}.vertex_op.${t}`, op === 'conv3x3-bn-relu' ? 3 : 1);
      nodes.push(out);
      if (matrix[t]![n - 1]) toOutput.push(out);
    }
    const hasInputEdge = matrix[0]![n - 1] === 1;
    if (toOutput.length === 0) {
      if (!hasInputEdge) throw new Error(`NB101 ${m.name}: output has no input (spec not pruned?)`);
      return convBnRelu(x, `${m.name}.input_op.${n - 1}`, 1);
    }
    const cat = toOutput.length === 1 ? toOutput[0]! : tf.concat(toOutput, 3);
    return hasInputEdge ? tf.add(cat, convBnRelu(x, `${m.name}.input_op.${n - 1}`, 1)) : cat;
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
