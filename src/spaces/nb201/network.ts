/**
 * NAS-Bench-201 network (docs/papers.md §1.1; BayesWatch `models/cell_infers/tiny_network.py`):
 * stem conv3×3(3→C)+BN; N cells @C; ResNet block (stride 2) → N cells @2C; ResNet block → N cells
 * @4C; BN → ReLU → global average pool → Linear(4C → classes).
 * Cell: node j = Σ_{i<j} op_{i→j}(node i), output node 3. Ops: none (×0), skip_connect,
 * nor_conv_k×k = ReLU→conv(no bias)→BN(affine), avg_pool_3x3 (count_include_pad=False).
 * ResNet block: conv_a = ReLU→conv3×3/2→BN, conv_b = ReLU→conv3×3→BN,
 * shortcut = AvgPool(2,2)→conv1×1 (no bias); output = shortcut + conv_b (no final ReLU).
 * Initialisation: PyTorch defaults (engine/init.ts) from a seeded RNG.
 * Taps (engine/taps.ts): every nn.ReLU reports its input; in NB201 every ReLU lies on a path to
 * the output (`none` is x·0 and still back-propagates), so `onOutputPath` is always true.
 */
import * as tf from '@tensorflow/tfjs';
import { avgPool, batchNorm, conv2d as conv2dRaw, globalAvgPool, linear } from '../../engine/layers';
import { bias, convWeight, kaimingNormal, linearWeight } from '../../engine/init';
import { Rng } from '../../engine/rng';
import { countParams, disposeParams, param, ParamMap } from '../../engine/params';
import type { ForwardOptions, ForwardResult, ForwardStage, NetBnMode, Network, ParamKind, StageHooks } from '../../engine/network';
import { NB201_EDGES, Nb201Arch, Nb201Op } from './arch';

export interface Nb201NetConfig {
  /** Channels of the first stage (16 in NAS-Bench-201). */
  readonly C: number;
  /** Cells per stage (5 in NAS-Bench-201). */
  readonly N: number;
  /** Classifier outputs (NASWOT scores with 1; CIFAR-10 has 10). */
  readonly numClasses: number;
  /**
   * Weight initialisation: 'pytorch' (default: kaiming-uniform a=√5, PyTorch's default) or
   * Kaiming-normal with fan_in / fan_out (TE-NAS: fan_in for the linear-region network, fan_out
   * for the NTK network); BN γ=1, β=0 and biases as PyTorch in every case.
   */
  readonly init?: 'pytorch' | 'kaiming-normal-fan-in' | 'kaiming-normal-fan-out';
  /**
   * TE-NAS thin networks (TinyNetworkDarts `use_stem`, `depth`): `stem: false` drops the stem, so
   * the input must have C channels; `depth` keeps only the first `depth` blocks (cells and ResNet
   * blocks in order: N cells, ResNet block, N cells, …), the head then reads the last kept block.
   * Defaults: stem on, every block (the NAS-Bench-201 network).
   */
  readonly stem?: boolean;
  readonly depth?: number;
}

export const NB201_DEFAULT_CONFIG: Nb201NetConfig = { C: 16, N: 5, numClasses: 10 };

/** The layer helpers of one forward pass (parameters, hooks, BN mode bound). */
interface Ops {
  readonly P: ParamMap;
  lo<T extends tf.Tensor>(t: T, w: string): T;
  relu(h: tf.Tensor4D, name: string): tf.Tensor4D;
  conv2d(x: tf.Tensor4D, w: string, s: number, p: number): tf.Tensor4D;
  v1(n: string): tf.Tensor1D;
  bn(h: tf.Tensor4D, n: string): tf.Tensor4D;
  tap(h: tf.Tensor4D, name: string, inWrapper: boolean): void;
  reluTapped(h: tf.Tensor4D, name: string, inWrapper: boolean): tf.Tensor4D;
}

type Block =
  | { kind: 'cell'; name: string; channels: number }
  | { kind: 'resblock'; name: string; cin: number; cout: number };

function isConv(op: Nb201Op): op is 'nor_conv_1x1' | 'nor_conv_3x3' {
  return op === 'nor_conv_1x1' || op === 'nor_conv_3x3';
}

/** An untrained NAS-Bench-201 network with its parameters. Call `dispose()` when done. */
export class Nb201Network implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  private readonly blocks: Block[] = [];

  constructor(
    readonly arch: Nb201Arch,
    readonly config: Nb201NetConfig = NB201_DEFAULT_CONFIG,
    seed = 0,
  ) {
    const { C, N, numClasses } = config;
    if (!(C >= 1 && N >= 1 && numClasses >= 1)) throw new Error(`invalid NB201 config ${JSON.stringify(config)}`);
    const depth = config.depth ?? Infinity;
    if (!(depth === Infinity || (Number.isInteger(depth) && depth >= 1))) throw new Error(`invalid NB201 depth ${depth}`);
    const rng = new Rng(seed);
    const init = config.init ?? 'pytorch';
    const add = (name: string, data: Float32Array, shape: number[], kind: ParamKind): void => {
      this.params.set(name, tf.tensor(data, shape, 'float32'));
      this.paramKinds.set(name, kind);
    };
    const weights = (fanIn: number, fanOut: number, n: number, uniform: () => Float32Array): Float32Array =>
      init === 'pytorch' ? uniform() : kaimingNormal(rng, n, init === 'kaiming-normal-fan-in' ? fanIn : fanOut);
    const addConv = (name: string, k: number, cin: number, cout: number): void =>
      add(`${name}.weight`, weights(cin * k * k, cout * k * k, k * k * cin * cout, () => convWeight(rng, k, k, cin, cout)), [k, k, cin, cout], 'conv');
    const addBn = (name: string, c: number): void => {
      add(`${name}.weight`, new Float32Array(c).fill(1), [c], 'bn-weight');
      add(`${name}.bias`, new Float32Array(c), [c], 'bn-bias');
    };
    if (config.stem !== false) {
      addConv('stem.conv', 3, 3, C);
      addBn('stem.bn', C);
    }
    let ch = C;
    let cellIndex = 0;
    for (let stage = 0; stage < 3 && this.blocks.length < depth; stage++) {
      if (stage > 0) {
        const name = `cells.${cellIndex++}`;
        const cout = ch * 2;
        addConv(`${name}.conv_a.conv`, 3, ch, cout);
        addBn(`${name}.conv_a.bn`, cout);
        addConv(`${name}.conv_b.conv`, 3, cout, cout);
        addBn(`${name}.conv_b.bn`, cout);
        addConv(`${name}.downsample.conv`, 1, ch, cout);
        this.blocks.push({ kind: 'resblock', name, cin: ch, cout });
        ch = cout;
      }
      for (let c = 0; c < N && this.blocks.length < depth; c++) {
        const name = `cells.${cellIndex++}`;
        arch.forEach((op, e) => {
          if (isConv(op)) {
            const k = op === 'nor_conv_3x3' ? 3 : 1;
            addConv(`${name}.edges.${e}.conv`, k, ch, ch);
            addBn(`${name}.edges.${e}.bn`, ch);
          }
        });
        this.blocks.push({ kind: 'cell', name, channels: ch });
      }
    }
    addBn('lastact.bn', ch);
    add('classifier.weight', weights(ch, numClasses, ch * numClasses, () => linearWeight(rng, ch, numClasses)), [ch, numClasses], 'linear');
    add('classifier.bias', bias(rng, ch, numClasses), [numClasses], 'bias');
  }

  /** Number of parameters (conv/linear weights and biases, BN γ and β), as PyTorch counts them. */
  get numParams(): number {
    return countParams(this.params);
  }

  /** Forward pass on an NHWC batch. Wrap in `tf.tidy` (or dispose the results). */
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const o = this.ops(opts);
    const hook = opts.blockHook ?? ((h: tf.Tensor4D) => h);
    let h = this.stemForward(x, o);
    for (const block of this.blocks) h = hook(this.blockForward(block, h, o), block.name);
    return this.headForward(h, o);
  }

  /** Stem, each cell and ResNet block, and the head (BN → ReLU → pool → classifier) as stages. */
  stages(bn: NetBnMode, hooks: StageHooks = {}): ForwardStage[] {
    const names = [...this.params.keys()];
    const under = (prefix: string): string[] => names.filter((n) => n.startsWith(prefix));
    const ops = (P: ParamMap): Ops => this.ops({ ...hooks, bn, params: P });
    const out: ForwardStage[] = [];
    if (this.config.stem !== false) out.push({ name: 'stem', paramNames: under('stem.'), run: (h, P) => this.stemForward(h as tf.Tensor4D, ops(P)) });
    for (const block of this.blocks) {
      out.push({ name: block.name, paramNames: under(`${block.name}.`), run: (h, P) => this.blockForward(block, h as tf.Tensor4D, ops(P)) });
    }
    out.push({
      name: 'head',
      paramNames: [...under('lastact.'), ...under('classifier.')],
      run: (h, P) => this.headForward(h as tf.Tensor4D, ops(P)).logits,
    });
    return out;
  }

  private ops(opts: Pick<ForwardOptions, 'bn' | 'params' | 'layerOutputHook' | 'reluHook' | 'taps'>): Ops {
    const P = opts.params ?? this.params;
    const lo = <T extends tf.Tensor>(t: T, w: string): T => (opts.layerOutputHook ? (opts.layerOutputHook(t, w) as T) : t);
    const relu = (h: tf.Tensor4D, name: string): tf.Tensor4D => (opts.reluHook ? (opts.reluHook(h, name) as tf.Tensor4D) : tf.relu(h));
    const conv2d = (x: tf.Tensor4D, w: string, s: number, p: number): tf.Tensor4D => lo(conv2dRaw(x, param<tf.Tensor4D>(P, w), s, p), w);
    const taps = opts.taps;
    const mode = opts.bn;
    const v1 = (n: string): tf.Tensor1D => param<tf.Tensor1D>(P, n);
    const bn = (h: tf.Tensor4D, n: string): tf.Tensor4D =>
      mode === 'off' ? h : (batchNorm(h, mode, v1(`${n}.weight`), v1(`${n}.bias`)) as tf.Tensor4D);
    const tap = (h: tf.Tensor4D, name: string, inWrapper: boolean): void =>
      taps?.({ name, input: h, inWrapper, onOutputPath: true });
    const reluTapped = (h: tf.Tensor4D, name: string, inWrapper: boolean): tf.Tensor4D => {
      tap(h, name, inWrapper);
      return relu(h, name);
    };
    return { P, lo, relu, conv2d, v1, bn, tap, reluTapped };
  }

  private stemForward(x: tf.Tensor4D, o: Ops): tf.Tensor4D {
    return this.config.stem === false ? x : o.bn(o.conv2d(x, 'stem.conv.weight', 1, 1), 'stem.bn');
  }

  private blockForward(block: Block, h: tf.Tensor4D, o: Ops): tf.Tensor4D {
    if (block.kind === 'cell') return this.cellForward(h, block.name, o);
    const n = block.name;
    const a = o.bn(o.conv2d(o.reluTapped(h, `${n}.conv_a.relu`, true), `${n}.conv_a.conv.weight`, 2, 1), `${n}.conv_a.bn`);
    const b = o.bn(o.conv2d(o.reluTapped(a, `${n}.conv_b.relu`, true), `${n}.conv_b.conv.weight`, 1, 1), `${n}.conv_b.bn`);
    const s = o.conv2d(avgPool(h, 2, 2, false), `${n}.downsample.conv.weight`, 1, 0);
    return tf.add(s, b);
  }

  private headForward(h: tf.Tensor4D, o: Ops): ForwardResult {
    const features = globalAvgPool(o.reluTapped(o.bn(h, 'lastact.bn'), 'lastact.relu', false));
    const logits = o.lo(linear(features, param<tf.Tensor2D>(o.P, 'classifier.weight'), o.v1('classifier.bias')), 'classifier.weight');
    return { logits, features };
  }

  private cellForward(input: tf.Tensor4D, name: string, o: Ops): tf.Tensor4D {
    const { bn, tap, conv2d, relu } = o;
    const nodes: tf.Tensor4D[] = [input];
    // ReLU(node i) is shared by every conv op reading node i (same values, separate taps).
    const relus = new Map<number, tf.Tensor4D>();
    for (let j = 1; j <= 3; j++) {
      const terms: tf.Tensor4D[] = [];
      NB201_EDGES.forEach((edge, e) => {
        if (edge.to !== j) return;
        const op = this.arch[e];
        const src = nodes[edge.from];
        const en = `${name}.edges.${e}`;
        switch (op) {
          case 'none':
            break; // x·0 contributes nothing to the value (and a zero gradient)
          case 'skip_connect':
            terms.push(src);
            break;
          case 'avg_pool_3x3':
            terms.push(avgPool(src, 3, 1, true));
            break;
          case 'nor_conv_1x1':
          case 'nor_conv_3x3': {
            const k = op === 'nor_conv_3x3' ? 3 : 1;
            tap(src, `${en}.relu`, true);
            let r = relus.get(edge.from);
            if (!r) {
              r = relu(src, `${name}.node${edge.from}.relu`);
              relus.set(edge.from, r);
            }
            terms.push(bn(conv2d(r, `${en}.conv.weight`, 1, (k - 1) / 2), `${en}.bn`));
            break;
          }
        }
      });
      nodes.push(terms.length === 0 ? tf.zerosLike(input) : terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Tensor4D));
    }
    return nodes[3];
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
