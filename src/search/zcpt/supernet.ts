/**
 * NAS-Bench-201 supernet for Zero-Cost-PT (docs/papers.md §5.1; ZCPT `nasbench201/search_model*.py`).
 *
 * Macro skeleton as the standalone network (spaces/nb201/network.ts, docs/papers.md §1.1): stem
 * conv3×3+BN; N cells @C; ResNet block → N cells @2C; ResNet block → N cells @4C; head
 * BN → ReLU → GAP → Linear. Every cell edge e holds all five NB201 ops and outputs the mixture
 *   edge_e(x) = Σ_o w_{e,o}·op_o(x)        (no renormalisation),
 * with mixing weights w given per forward pass: softmax(α) on undecided edges (α ~ 1e-3·N(0,1),
 * so w ≈ 0.2 each), one-hot on decided edges, and 0 for an op removed by a mask. The supernet is
 * never trained: PyTorch default initialisation from a seeded Rng; cell BN affine=False (ZCPT
 * `affine=False`), stem / ResNet-block / head BN affine as in the standalone network. BN mode is
 * the caller's (`ForwardOptions.bn`); Zero-Cost-PT scores in **eval** mode (docs/papers.md §8).
 *
 * Cost: an op whose weight is exactly 0 is not computed (its contribution w·op(x) is 0), an op
 * with weight 1 is not multiplied, so a supernet whose edges are all one-hot computes exactly the
 * standalone network (same values, same taps under `zeroOpTaps: 'skip'`); ReLU(node) and
 * AvgPool(node) are computed once per node and shared by the edges leaving it; under eval-mode BN
 * a weighted conv op's BN (the constant 1/√(1+ε)) is folded into its weight. `forwardTaps` is a
 * memory-lean pass for tap consumers (the full supernet at batch 256 exceeds the 4 GB wasm heap
 * when every intermediate is kept, as a plain forward inside `tf.tidy` does).
 *
 * Taps (engine/taps.ts): the ReLU of every conv op reports the node input (`inWrapper: true`, as
 * the ReLU inside ReLUConvBN). `zeroOpTaps` says what a conv op with weight 0 reports:
 *  - 'reference' (default): what ZCPT's NASWOT hooks record. The released code still runs a
 *    zero-weight op, on a zeroed input (`block_input=True`), and PyTorch forward hooks see only
 *    positional arguments, so the ReLUConvBN wrapper's hook records the real node input while the
 *    inner nn.ReLU records an all-zero code (docs/papers.md §5.1). We emit both without computing the
 *    op: a wrapper-only tap of the node input (`wrapperOnly: true`, counted once under the
 *    official convention and not at all under NASLib's; see `zcptTapMultiplicity`) and an inner
 *    tap of zeros (`inWrapper: false`, `allZero: true`: it adds its unit count to every kernel
 *    entry). Registry proxies that only know `tapMultiplicity` count a wrapper-only tap once under
 *    both conventions; the Zero-Cost-PT scorers (scorers.ts) count it exactly.
 *  - 'skip': nothing, as if the op were absent (the discrete network's taps).
 * Every tap is on a path to the output (`onOutputPath: true`): x·0 still back-propagates.
 */
import * as tf from '@tensorflow/tfjs';
import { avgPool, batchNorm, BN_EPS, conv2d as conv2dRaw, globalAvgPool, linear } from '../../engine/layers';
import { bias, convWeight, linearWeight } from '../../engine/init';
import { Rng } from '../../engine/rng';
import { countParams, disposeParams, param, type ParamMap } from '../../engine/params';
import type { ForwardOptions, ForwardResult, NetBnMode, Network, ParamKind } from '../../engine/network';
import type { ReluCounting, ReluTap } from '../../engine/taps';
import { NB201_EDGES, NB201_NUM_EDGES, NB201_OPS, nb201Arch, nb201OpIndex, type Nb201Arch, type Nb201Op } from '../../spaces/nb201/arch';

/** Number of candidate ops per edge (the NB201 op list, in `NB201_OPS` order). */
export const NB201_NUM_OPS = NB201_OPS.length;

/** Scale of the random architecture parameters, α ~ ALPHA_SCALE·N(0,1) (ZCPT `1e-3*torch.randn`). */
export const ALPHA_SCALE = 1e-3;

/** What a zero-weight conv op reports to the taps (see the module comment). */
export type ZeroOpTaps = 'reference' | 'skip';

export interface SupernetConfig {
  /** Channels of the first stage (16 in NAS-Bench-201). */
  readonly C: number;
  /** Cells per stage (5 in NAS-Bench-201). */
  readonly N: number;
  /** Classifier outputs (10 CIFAR-10, 100 CIFAR-100, 120 ImageNet16-120). */
  readonly numClasses: number;
  /** Default 'reference'. */
  readonly zeroOpTaps?: ZeroOpTaps;
}

export const SUPERNET_DEFAULT_CONFIG: SupernetConfig = { C: 16, N: 5, numClasses: 10, zeroOpTaps: 'reference' };

/**
 * Mixing weights: `w[e][o]` for edge e (official string order) and op o (`NB201_OPS` order).
 * Entries must be finite and ≥ 0.
 */
export type Mixing = readonly (readonly number[])[];

/**
 * A supernet tap: `wrapperOnly` marks what the ZCPT hooks count only on the ReLUConvBN wrapper (a
 * zero-weight conv op's node input); `allZero` marks an all-zero code (its inner nn.ReLU), whose
 * kernel contribution is the constant F·11ᵀ (no Hamming distance to compute).
 */
export interface ZcptTap extends ReluTap {
  readonly wrapperOnly?: boolean;
  readonly allZero?: boolean;
}

/** A supernet under fixed mixing weights, as a `Network` plus the lean tap pass. */
export interface SupernetView extends Network {
  readonly mixing: Mixing;
  /** `Nb201Supernet.forwardTaps` under this view's mixing. */
  forwardTaps(x: tf.Tensor4D, bn: NetBnMode, taps: (tap: ZcptTap) => void): void;
}

/**
 * Multiplicity of a tap in the NASWOT kernel: `tapMultiplicity` (engine/taps.ts) extended to the
 * wrapper-only taps of zero-weight ops (official: 1, the wrapper hook; NASLib: 0, no nn.ReLU).
 */
export function zcptTapMultiplicity(tap: ZcptTap, counting: ReluCounting): number {
  if (tap.wrapperOnly) return counting === 'official' ? 1 : 0;
  return counting === 'official' && tap.inWrapper ? 2 : 1;
}

/** Check a mixing matrix's shape and values. @throws naming the bad entry. */
export function checkMixing(w: Mixing): void {
  if (!Array.isArray(w) || w.length !== NB201_NUM_EDGES) throw new Error(`mixing weights need ${NB201_NUM_EDGES} edges, got ${JSON.stringify(w)}`);
  w.forEach((row, e) => {
    if (!Array.isArray(row) || row.length !== NB201_NUM_OPS) throw new Error(`mixing weights of edge ${e} need ${NB201_NUM_OPS} ops, got ${JSON.stringify(row)}`);
    row.forEach((v, o) => {
      if (!(Number.isFinite(v) && v >= 0)) throw new Error(`mixing weight of edge ${e} op ${NB201_OPS[o]} must be finite and >= 0, got ${v}`);
    });
  });
}

/** Random architecture parameters α[e][o] ~ ALPHA_SCALE·N(0,1) (ZCPT `reset_arch_parameters`). */
export function randomAlpha(rng: Rng, scale = ALPHA_SCALE): number[][] {
  return Array.from({ length: NB201_NUM_EDGES }, () => Array.from({ length: NB201_NUM_OPS }, () => scale * rng.normal()));
}

/** Row-wise softmax (max-shifted). */
export function softmaxRows(alpha: readonly (readonly number[])[]): number[][] {
  return alpha.map((row) => {
    const m = Math.max(...row);
    const ex = row.map((a) => Math.exp(a - m));
    const s = ex.reduce((x, y) => x + y, 0);
    return ex.map((v) => v / s);
  });
}

/** One-hot mixing of a discrete architecture (every edge decided). */
export function archMixing(arch: Nb201Arch): number[][] {
  return arch.map((op) => {
    const row = new Array<number>(NB201_NUM_OPS).fill(0);
    row[nb201OpIndex(op)] = 1;
    return row;
  });
}

/** The architecture of a mixing: argmax per edge (first on ties), as ZCPT `genotype()`. */
export function mixingArgmax(w: Mixing): Nb201Arch {
  return nb201Arch(
    w.map((row) => {
      let best = 0;
      for (let o = 1; o < row.length; o++) if (row[o]! > row[best]!) best = o;
      return NB201_OPS[best]!;
    }),
  );
}

type Block =
  | { kind: 'cell'; name: string; channels: number }
  | { kind: 'resblock'; name: string; cin: number; cout: number };

type ConvOp = 'nor_conv_1x1' | 'nor_conv_3x3';

function isConv(op: Nb201Op): op is ConvOp {
  return op === 'nor_conv_1x1' || op === 'nor_conv_3x3';
}

/** Name of the conv weight of `op` on edge `e` of cell block `cell` (e.g. `cells.0.edges.3.nor_conv_3x3.conv.weight`). */
export function supernetConvName(cell: string, e: number, op: ConvOp): string {
  return `${cell}.edges.${e}.${op}.conv.weight`;
}

/** An untrained NB201 supernet with its parameters. Call `dispose()` when done. */
export class Nb201Supernet implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  readonly config: Required<SupernetConfig>;
  /** Names of the cell blocks in forward order. */
  readonly cellNames: readonly string[];
  private readonly blocks: Block[] = [];
  private mixingState: number[][];

  /**
   * @param seed seeds the weights (one Rng stream, parameters in forward order) and, from a
   *   forked stream, the default mixing softmax(α).
   */
  constructor(config: SupernetConfig = SUPERNET_DEFAULT_CONFIG, seed = 0) {
    const { C, N, numClasses } = config;
    if (!(Number.isInteger(C) && C >= 1 && Number.isInteger(N) && N >= 1 && Number.isInteger(numClasses) && numClasses >= 1)) {
      throw new Error(`invalid NB201 supernet config ${JSON.stringify(config)}`);
    }
    const zeroOpTaps = config.zeroOpTaps ?? 'reference';
    if (zeroOpTaps !== 'reference' && zeroOpTaps !== 'skip') throw new Error(`unknown zeroOpTaps '${String(zeroOpTaps)}' (expected reference or skip)`);
    this.config = { C, N, numClasses, zeroOpTaps };
    const rng = new Rng(seed);
    const add = (name: string, data: Float32Array, shape: number[], kind: ParamKind): void => {
      this.params.set(name, tf.tensor(data, shape, 'float32'));
      this.paramKinds.set(name, kind);
    };
    const addConv = (name: string, k: number, cin: number, cout: number): void =>
      add(`${name}.weight`, convWeight(rng, k, k, cin, cout), [k, k, cin, cout], 'conv');
    const addBn = (name: string, c: number): void => {
      add(`${name}.weight`, new Float32Array(c).fill(1), [c], 'bn-weight');
      add(`${name}.bias`, new Float32Array(c), [c], 'bn-bias');
    };
    addConv('stem.conv', 3, 3, C);
    addBn('stem.bn', C);
    let ch = C;
    let cellIndex = 0;
    const cells: string[] = [];
    for (let stage = 0; stage < 3; stage++) {
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
      for (let c = 0; c < N; c++) {
        const name = `cells.${cellIndex++}`;
        for (let e = 0; e < NB201_NUM_EDGES; e++) {
          for (const op of ['nor_conv_1x1', 'nor_conv_3x3'] as const) {
            const k = op === 'nor_conv_3x3' ? 3 : 1;
            add(supernetConvName(name, e, op), convWeight(rng, k, k, ch, ch), [k, k, ch, ch], 'conv');
          }
        }
        this.blocks.push({ kind: 'cell', name, channels: ch });
        cells.push(name);
      }
    }
    addBn('lastact.bn', ch);
    add('classifier.weight', linearWeight(rng, ch, numClasses), [ch, numClasses], 'linear');
    add('classifier.bias', bias(rng, ch, numClasses), [numClasses], 'bias');
    this.cellNames = cells;
    this.mixingState = softmaxRows(randomAlpha(rng.fork()));
  }

  /** Number of parameters (every op of every edge). */
  get numParams(): number {
    return countParams(this.params);
  }

  /** The mixing weights `forward` uses (a copy). */
  get mixing(): number[][] {
    return this.mixingState.map((r) => [...r]);
  }

  /** Replace the mixing weights `forward` uses. */
  setMixing(w: Mixing): void {
    checkMixing(w);
    this.mixingState = w.map((r) => [...r]);
  }

  /**
   * A `Network` view of this supernet under fixed mixing weights: shares the parameters (its
   * `dispose` does nothing), so registry proxies can score the supernet as it stands. The view
   * also offers the memory-lean tap pass (`forwardTaps`).
   */
  withMixing(w: Mixing): SupernetView {
    checkMixing(w);
    const fixed = w.map((r) => [...r]);
    return {
      params: this.params,
      paramKinds: this.paramKinds,
      numParams: this.numParams,
      mixing: fixed,
      forward: (x, opts) => this.forwardMixed(x, fixed, opts),
      forwardTaps: (x, bn, taps) => this.forwardTaps(x, fixed, bn, taps),
      dispose: () => undefined,
    };
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    return this.forwardMixed(x, this.mixingState, opts);
  }

  /** Forward pass under mixing weights `w`. Wrap in `tf.tidy` (or dispose the results). */
  forwardMixed(x: tf.Tensor4D, w: Mixing, opts: ForwardOptions): ForwardResult {
    checkMixing(w);
    return this.run(x, w, opts, false);
  }

  /**
   * Forward pass for tap consumers only (NASWOT-style scoring), freeing every intermediate as
   * soon as the next block has it: a supernet at batch 256 does not fit the wasm heap otherwise.
   * Each tap's tensor is disposed right after the callback returns, so the sink must read it
   * synchronously; no gradients, no result. Leaves no tensor behind.
   */
  forwardTaps(x: tf.Tensor4D, w: Mixing, bn: NetBnMode, taps: (tap: ZcptTap) => void): void {
    checkMixing(w);
    tf.tidy(() => {
      this.run(x, w, { bn, taps }, true);
    });
  }

  private run(x: tf.Tensor4D, w: Mixing, opts: ForwardOptions, lean: boolean): ForwardResult {
    const P = opts.params ?? this.params;
    const o = opts;
    const lo = <T extends tf.Tensor>(t: T, name: string): T => (o.layerOutputHook ? (o.layerOutputHook(t, name) as T) : t);
    const relu = (h: tf.Tensor4D, name: string): tf.Tensor4D => (o.reluHook ? (o.reluHook(h, name) as tf.Tensor4D) : tf.relu(h));
    const conv2d = (h: tf.Tensor4D, name: string, s: number, p: number): tf.Tensor4D => lo(conv2dRaw(h, param<tf.Tensor4D>(P, name), s, p), name);
    const mode = opts.bn;
    const v1 = (n: string): tf.Tensor1D => param<tf.Tensor1D>(P, n);
    const bn = (h: tf.Tensor4D, n: string): tf.Tensor4D => (mode === 'off' ? h : (batchNorm(h, mode, v1(`${n}.weight`), v1(`${n}.bias`)) as tf.Tensor4D));
    const bnPlain = (h: tf.Tensor4D): tf.Tensor4D => (mode === 'off' ? h : (batchNorm(h, mode) as tf.Tensor4D));
    const hook = opts.blockHook ?? ((h: tf.Tensor4D) => h);
    const taps = opts.taps;
    const tap = (t: ZcptTap): void => taps?.(t);
    const reluTapped = (h: tf.Tensor4D, name: string, inWrapper: boolean): tf.Tensor4D => {
      tap({ name, input: h, inWrapper, onOutputPath: true });
      return relu(h, name);
    };
    // Lean mode: run a step in its own scope, keeping only its result.
    const scoped = <T extends tf.Tensor>(f: () => T): T => (lean ? tf.tidy(f) : f());
    // All-zero codes, one per shape, shared by every zero tap (lean mode: kept out of the step
    // scopes and disposed at the end of the pass).
    const zeroCodes = new Map<string, tf.Tensor4D>();
    const zerosFor = (t: tf.Tensor4D): tf.Tensor4D => {
      const key = t.shape.join('x');
      let z = zeroCodes.get(key);
      if (!z) {
        z = tf.zeros(t.shape) as tf.Tensor4D;
        if (lean) tf.keep(z);
        zeroCodes.set(key, z);
      }
      return z;
    };

    // Eval-mode BN of a cell conv (affine=False, running mean 0, var 1) is the constant factor
    // 1/√(1+ε); under a weight w ≠ 1 it is folded into the weight (one pass instead of two).
    const evalBnScale = 1 / Math.sqrt(1 + BN_EPS);

    const cell = (input: tf.Tensor4D, n: string): tf.Tensor4D => {
      const nodes: tf.Tensor4D[] = [input];
      // ReLU(node i) is shared by every conv op reading node i; AvgPool(node i) by every pool op.
      const relus = new Map<number, tf.Tensor4D>();
      const pools = new Map<number, tf.Tensor4D>();
      const shared = (cache: Map<number, tf.Tensor4D>, from: number, f: () => tf.Tensor4D): tf.Tensor4D => {
        let t = cache.get(from);
        if (!t) {
          t = f();
          cache.set(from, t);
        }
        return t;
      };
      for (let j = 1; j <= 3; j++) {
        const terms: tf.Tensor4D[] = [];
        NB201_EDGES.forEach((edge, e) => {
          if (edge.to !== j) return;
          const src = nodes[edge.from]!;
          const en = `${n}.edges.${e}`;
          w[e]!.forEach((weight, oi) => {
            const op = NB201_OPS[oi]!;
            if (weight === 0) {
              if (isConv(op) && this.config.zeroOpTaps === 'reference') {
                tap({ name: `${en}.${op}.wrapper`, input: src, inWrapper: false, onOutputPath: true, wrapperOnly: true });
                tap({ name: `${en}.${op}.relu`, input: zerosFor(src), inWrapper: false, onOutputPath: true, allZero: true });
              }
              return;
            }
            const scaled = (t: tf.Tensor4D, factor: number): tf.Tensor4D => (factor === 1 ? t : (tf.mul(t, factor) as tf.Tensor4D));
            switch (op) {
              case 'none':
                return; // w·(x·0) adds nothing to the value (and a zero gradient)
              case 'skip_connect':
                terms.push(scoped(() => scaled(src, weight)));
                return;
              case 'avg_pool_3x3': {
                const pooled = shared(pools, edge.from, () => avgPool(src, 3, 1, true));
                terms.push(scoped(() => scaled(pooled, weight)));
                return;
              }
              case 'nor_conv_1x1':
              case 'nor_conv_3x3': {
                const k = op === 'nor_conv_3x3' ? 3 : 1;
                tap({ name: `${en}.${op}.relu`, input: src, inWrapper: true, onOutputPath: true });
                const r = shared(relus, edge.from, () => relu(src, `${n}.node${edge.from}.relu`));
                terms.push(
                  scoped(() => {
                    const c = conv2d(r, supernetConvName(n, e, op), 1, (k - 1) / 2);
                    if (mode === 'eval' && weight !== 1) return scaled(c, weight * evalBnScale);
                    return scaled(bnPlain(c), weight);
                  }),
                );
                return;
              }
            }
          });
        });
        nodes.push(terms.length === 0 ? tf.zerosLike(input) : terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor4D));
      }
      return nodes[3]!;
    };

    try {
      let h = scoped(() => bn(conv2d(x, 'stem.conv.weight', 1, 1), 'stem.bn'));
      for (const block of this.blocks) {
        const n = block.name;
        const prev = h;
        if (block.kind === 'resblock') {
          h = scoped(() => {
            const a = bn(conv2d(reluTapped(prev, `${n}.conv_a.relu`, true), `${n}.conv_a.conv.weight`, 2, 1), `${n}.conv_a.bn`);
            const b = bn(conv2d(reluTapped(a, `${n}.conv_b.relu`, true), `${n}.conv_b.conv.weight`, 1, 1), `${n}.conv_b.bn`);
            const s = conv2d(avgPool(prev, 2, 2, false), `${n}.downsample.conv.weight`, 1, 0);
            return hook(tf.add(s, b), n);
          });
        } else {
          h = scoped(() => hook(cell(prev, n), n));
        }
        if (lean && h !== prev) prev.dispose();
      }
      const features = globalAvgPool(reluTapped(bn(h, 'lastact.bn'), 'lastact.relu', false));
      const logits = lo(linear(features, param<tf.Tensor2D>(P, 'classifier.weight'), v1('classifier.bias')), 'classifier.weight');
      return { logits, features };
    } finally {
      if (lean) for (const z of zeroCodes.values()) z.dispose();
    }
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
