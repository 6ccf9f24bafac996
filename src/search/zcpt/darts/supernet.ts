/**
 * DARTS search supernet for Zero-Cost-PT (docs/papers.md §5.4; DARTS `cnn/model_search.py` Network as
 * ZCPT `sota/cnn/model_search_darts_proj.py` uses it, search space "s5").
 *
 * Macro skeleton (as NetworkCIFAR, spaces/darts/plan.ts): stem conv3×3(3 → 3C) + BN (affine);
 * `layers` cells, reduction cells at ⌊layers/3⌋ and ⌊2·layers/3⌋ (channels doubled there);
 * preprocess0 = FactorizedReduce(C_pp → C) after a reduction cell, else ReLUConvBN(C_pp → C, 1×1);
 * preprocess1 = ReLUConvBN(C_p → C, 1×1); 4 intermediate nodes, node j = Σ_{i<j} edge_{i→j}(state_i),
 * 14 edges (node 2: inputs 0,1 → edges 0,1; node 3: 2..4; node 4: 5..8; node 5: 9..13); cell output
 * = concat(states 2..5); head GAP → Linear. BNs inside cells (preprocessing and ops) are
 * affine=False, as in the DARTS search network; pools are followed by BN(affine=False) (DARTS
 * MixedOp). Ops reading inputs 0/1 of a reduction cell have stride 2.
 *
 * Every edge holds the 7 ops of the Zero-Cost-PT DARTS space (`ZCPT_DARTS_OPS`, no `none`) and
 * outputs Σ_o w_o·op_o(x) (no renormalisation); normal and reduction cells have separate mixing
 * weights (`DartsMixing`): softmax(α) on undecided edges, one-hot on decided ones, 0 for a removed
 * op, a whole row 0 for a removed edge. The supernet is never trained: PyTorch default
 * initialisation from a seeded Rng, parameters in DARTS module registration order (stem; per
 * cell preprocess0, preprocess1, then every edge's ops in `ZCPT_DARTS_OPS` order; classifier).
 * Zero-Cost-PT scores in eval-mode BN (running mean 0 / var 1), where BN(affine=False) is the
 * constant 1/√(1+ε), folded into the mixing weight.
 *
 * Cost: an op with weight exactly 0 is not computed (its contribution is 0), an op with weight 1
 * is not multiplied; ReLU(state) and the pools of a state are computed once per cell and shared by
 * the edges reading that state. So a supernet whose edges are one-hot on a genotype (other edges
 * 0) computes the standalone NetworkCIFAR of that genotype (cellAffine false, poolBn true): same
 * values, same taps under `zeroOpTaps: 'skip'` (see `supernetParamName` to share weights).
 *
 * Taps (engine/taps.ts, what NASWOT hooks on modules whose class name contains "ReLU" record):
 * ReLUConvBN preprocessing reports its input with `inWrapper: true` (wrapper + inner nn.ReLU);
 * FactorizedReduce (preprocessing and stride-2 skip) one nn.ReLU; dil_conv one; sep_conv two (its
 * second ReLU sees the op's intermediate); pools none. `zeroOpTaps` says what a zero-weight op
 * reports:
 *  - 'skip' (default): nothing, as if the op were absent (the discrete network's taps);
 *  - 'zero-input': what ZCPT's NAS-Bench-201 cells record (`block_input=True`: a zero-weight op
 *    runs on a zeroed input), i.e. an all-zero code (`allZero: true`) for each of its nn.ReLUs
 *    (sep_conv 2, dil_conv 1, stride-2 skip 1); DARTS op classes have no "ReLU" in their name, so
 *    there is no wrapper tap. Whether the released DARTS-space code blocks inputs this way, or
 *    runs zero-weight ops on the real input (plain DARTS MixedOp: every op's ReLUs fire on real
 *    codes), is UNCONFIRMED; the latter ('full') is not implemented (it costs a full supernet pass
 *    for every scoring).
 * Every tap is marked on the output path (ZCPT's NASWOT has no backward filter).
 */
import * as tf from '@tensorflow/tfjs';
import { convOutSize, depthwiseConv2d } from '../../../engine/depthwise';
import { bias, convWeight, linearWeight } from '../../../engine/init';
import { batchNorm, BN_EPS, conv2d as conv2dRaw, globalAvgPool, linear } from '../../../engine/layers';
import type { ForwardOptions, ForwardResult, NetBnMode, Network, ParamKind } from '../../../engine/network';
import { countParams, disposeParams, param, type ParamMap } from '../../../engine/params';
import { Rng } from '../../../engine/rng';
import { DARTS_CELL_OPS, DARTS_STEPS, edgeNode, type CellType, type DartsOp, type Genotype } from '../../../spaces/darts/genotype';
import { avgPool3x3, maxPool3x3, subsample } from '../../../spaces/darts/ops';
import { convOpGeometry, reductionCells } from '../../../spaces/darts/plan';
import { ALPHA_SCALE, softmaxRows, type ZcptTap } from '../supernet';

/** An op of the Zero-Cost-PT DARTS space. */
export type ZcptDartsOp = Exclude<DartsOp, 'none'>;

/** The 7 candidate ops of every edge, in DARTS `PRIMITIVES` order (ZCPT space "s5"). */
export const ZCPT_DARTS_OPS: readonly ZcptDartsOp[] = DARTS_CELL_OPS;
export const ZCPT_DARTS_NUM_OPS = ZCPT_DARTS_OPS.length;

/** One supernet edge: the intermediate node (2..5) it feeds and the state (0..node−1) it reads. */
export interface SupernetEdge {
  readonly node: number;
  readonly input: number;
}

/** The 14 edges of a search cell, node by node, inputs ascending (DARTS edge order). */
export const DARTS_SUPERNET_EDGES: readonly SupernetEdge[] = Object.freeze(
  Array.from({ length: DARTS_STEPS }, (_, i) => Array.from({ length: i + 2 }, (__, input) => Object.freeze({ node: i + 2, input }))).flat(),
);
export const DARTS_NUM_SUPERNET_EDGES = DARTS_SUPERNET_EDGES.length;

/** Index of the edge input → node (node 2..5, input 0..node−1). @throws for a non-edge. */
export function supernetEdgeIndex(node: number, input: number): number {
  if (!(Number.isInteger(node) && node >= 2 && node < 2 + DARTS_STEPS)) throw new Error(`DARTS supernet: node must be an integer in 2..${1 + DARTS_STEPS}, got ${node}`);
  if (!(Number.isInteger(input) && input >= 0 && input < node)) throw new Error(`DARTS supernet: node ${node} reads states 0..${node - 1}, got input ${input}`);
  return ((node - 2) * (node + 1)) / 2 + input;
}

/** Edges feeding `node`, ascending. */
export function nodeEdges(node: number): number[] {
  return Array.from({ length: node }, (_, input) => supernetEdgeIndex(node, input));
}

/** Index of an op in `ZCPT_DARTS_OPS`. @throws for `none` or an unknown name. */
export function zcptDartsOpIndex(op: string): number {
  const k = (ZCPT_DARTS_OPS as readonly string[]).indexOf(op);
  if (k < 0) throw new Error(`'${op}' is not an op of the Zero-Cost-PT DARTS space (${ZCPT_DARTS_OPS.join(', ')})`);
  return k;
}

/** Mixing weights of one cell type: `w[e][o]` for edge e (`DARTS_SUPERNET_EDGES`) and op o (`ZCPT_DARTS_OPS`). */
export type CellMixing = readonly (readonly number[])[];

/** Mixing weights of the supernet: one matrix for normal cells, one for reduction cells. */
export interface DartsMixing {
  readonly normal: CellMixing;
  readonly reduce: CellMixing;
}

export const CELL_TYPES: readonly CellType[] = Object.freeze(['normal', 'reduce'] as const);

/** Check shapes and values (finite, ≥ 0). @throws naming the cell, edge and op. */
export function checkDartsMixing(w: DartsMixing): void {
  if (w === null || typeof w !== 'object') throw new Error(`DARTS mixing weights must be an object { normal, reduce }, got ${JSON.stringify(w)}`);
  for (const cell of CELL_TYPES) {
    const m = w[cell];
    if (!Array.isArray(m) || m.length !== DARTS_NUM_SUPERNET_EDGES) {
      throw new Error(`DARTS mixing weights of the ${cell} cell need ${DARTS_NUM_SUPERNET_EDGES} edges, got ${Array.isArray(m) ? m.length : JSON.stringify(m)}`);
    }
    m.forEach((row, e) => {
      if (!Array.isArray(row) || row.length !== ZCPT_DARTS_NUM_OPS) {
        throw new Error(`DARTS mixing weights of ${cell} edge ${e} need ${ZCPT_DARTS_NUM_OPS} ops, got ${JSON.stringify(row)}`);
      }
      row.forEach((v, o) => {
        if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
          throw new Error(`DARTS mixing weight of ${cell} edge ${e} op ${ZCPT_DARTS_OPS[o]} must be finite and >= 0, got ${String(v)}`);
        }
      });
    });
  }
}

/** Random α for both cells, α ~ ALPHA_SCALE·N(0,1) (normal drawn first, as DARTS `_initialize_alphas`). */
export function randomDartsAlpha(rng: Rng, scale = ALPHA_SCALE): { normal: number[][]; reduce: number[][] } {
  const one = (): number[][] => Array.from({ length: DARTS_NUM_SUPERNET_EDGES }, () => Array.from({ length: ZCPT_DARTS_NUM_OPS }, () => scale * rng.normal()));
  const normal = one();
  return { normal, reduce: one() };
}

/**
 * One-hot mixing of a genotype: each (op, input) pair of node j sets edge input→j one-hot on op;
 * edges not in the genotype are 0.
 * @throws for a `none` op or a node reading the same state twice (one supernet edge per pair).
 */
export function genotypeMixing(g: Genotype): { normal: number[][]; reduce: number[][] } {
  const cell = (type: CellType): number[][] => {
    const m = DARTS_SUPERNET_EDGES.map(() => new Array<number>(ZCPT_DARTS_NUM_OPS).fill(0));
    const edges = type === 'normal' ? g.normal : g.reduce;
    edges.forEach((p, i) => {
      const node = edgeNode(i);
      const e = supernetEdgeIndex(node, p.input);
      if (m[e]!.some((v) => v !== 0)) throw new Error(`genotype ${type} cell: node ${node} reads state ${p.input} twice; the supernet has one edge per (state, node)`);
      m[e]![zcptDartsOpIndex(p.op)] = 1;
    });
    return m;
  };
  return { normal: cell('normal'), reduce: cell('reduce') };
}

/** What a zero-weight op reports to the taps (see the module comment). */
export type DartsZeroOpTaps = 'skip' | 'zero-input';
export const DARTS_ZERO_OP_TAPS: readonly DartsZeroOpTaps[] = ['skip', 'zero-input'];

export interface DartsSupernetConfig {
  /** Channels of the first cells (16 in the DARTS search network). */
  readonly C: number;
  /** Number of cells (8). */
  readonly layers: number;
  readonly numClasses: number;
  /** Default 'skip'. */
  readonly zeroOpTaps?: DartsZeroOpTaps;
  /** Stem channels = stemMultiplier·C (default 3). */
  readonly stemMultiplier?: number;
}

export const DARTS_SUPERNET_DEFAULT_CONFIG: DartsSupernetConfig = Object.freeze({ C: 16, layers: 8, numClasses: 10, zeroOpTaps: 'skip' });

/** Layout of one search cell. */
export interface SupernetCellPlan {
  readonly index: number;
  readonly name: string;
  readonly type: CellType;
  readonly reductionPrev: boolean;
  /** Channels of every state. */
  readonly C: number;
  readonly cinPrevPrev: number;
  readonly cinPrev: number;
}

/** Name of a parameter of op `op` on edge `e` of cell `cell` (`rest` e.g. `dw1.weight`). */
export function supernetOpParamName(cell: number, e: number, op: ZcptDartsOp, rest: string): string {
  return `cells.${cell}.edges.${e}.${op}.${rest}`;
}

/**
 * The supernet parameter that plays the standalone NetworkCIFAR parameter `name` for genotype `g`
 * (`cells.i.ops.j.REST` → `cells.i.edges.e.OP.REST`, e = the edge of pair j of cell i's type; stem,
 * preprocessing convs and classifier keep their names); undefined for parameters the supernet
 * lacks (affine BN γ/β of preprocessing and, when `cellAffine`, of cell ops: 1 and 0 at init).
 */
export function supernetParamName(name: string, g: Genotype, sup: Pick<DartsSupernet, 'params' | 'cells'>): string | undefined {
  const m = /^cells\.(\d+)\.ops\.(\d+)\.(.+)$/.exec(name);
  if (!m) return sup.params.has(name) ? name : undefined;
  const i = Number(m[1]);
  const j = Number(m[2]);
  const cell = sup.cells[i];
  const pair = cell ? (cell.type === 'normal' ? g.normal : g.reduce)[j] : undefined;
  if (!pair || pair.op === 'none') return undefined;
  const candidate = supernetOpParamName(i, supernetEdgeIndex(edgeNode(j), pair.input), pair.op, m[3]!);
  return sup.params.has(candidate) ? candidate : undefined;
}

/** A supernet under fixed mixing weights, as a `Network` plus the lean tap pass. */
export interface DartsSupernetView extends Network {
  readonly mixing: DartsMixing;
  /** `DartsSupernet.forwardTaps` under this view's mixing. */
  forwardTaps(x: tf.Tensor4D, bn: NetBnMode, taps: (tap: ZcptTap) => void): void;
}

const EVAL_BN_SCALE = 1 / Math.sqrt(1 + BN_EPS);

/** An untrained DARTS search supernet with its parameters. Call `dispose()` when done. */
export class DartsSupernet implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  readonly config: Required<DartsSupernetConfig>;
  readonly cells: readonly SupernetCellPlan[];
  private mixingState: DartsMixing;

  /**
   * @param seed seeds the weights (one Rng stream, DARTS registration order) and, from a forked
   *   stream, the default mixing softmax(α).
   */
  constructor(config: DartsSupernetConfig = DARTS_SUPERNET_DEFAULT_CONFIG, seed = 0) {
    const zeroOpTaps = config.zeroOpTaps ?? 'skip';
    const stemMultiplier = config.stemMultiplier ?? 3;
    const { C, layers, numClasses } = config;
    for (const [k, v] of [['C', C], ['layers', layers], ['numClasses', numClasses], ['stemMultiplier', stemMultiplier]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new Error(`DARTS supernet config: ${k} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    if (C % 2 !== 0) throw new Error(`DARTS supernet config: C must be even (FactorizedReduce splits channels in halves), got ${C}`);
    if (!DARTS_ZERO_OP_TAPS.includes(zeroOpTaps)) throw new Error(`DARTS supernet config: unknown zeroOpTaps '${String(zeroOpTaps)}' (expected ${DARTS_ZERO_OP_TAPS.join(' or ')})`);
    this.config = { C, layers, numClasses, zeroOpTaps, stemMultiplier };

    const rng = new Rng(seed);
    const add = (name: string, data: Float32Array, shape: number[], kind: ParamKind): void => {
      this.params.set(name, tf.tensor(data, shape, 'float32'));
      this.paramKinds.set(name, kind);
    };
    const conv = (name: string, k: number, cinPerGroup: number, cout: number): void =>
      add(`${name}.weight`, convWeight(rng, k, k, cinPerGroup, cout), [k, k, cinPerGroup, cout], 'conv');
    const stemC = stemMultiplier * C;
    conv('stem.conv', 3, 3, stemC);
    add('stem.bn.weight', new Float32Array(stemC).fill(1), [stemC], 'bn-weight');
    add('stem.bn.bias', new Float32Array(stemC), [stemC], 'bn-bias');

    const reductions = new Set(reductionCells(layers));
    const cells: SupernetCellPlan[] = [];
    let cpp = stemC;
    let cp = stemC;
    let cc = C;
    let reductionPrev = false;
    for (let i = 0; i < layers; i++) {
      const reduction = reductions.has(i);
      if (reduction) cc *= 2;
      const name = `cells.${i}`;
      if (reductionPrev) {
        conv(`${name}.preprocess0.conv_1`, 1, cpp, cc / 2);
        conv(`${name}.preprocess0.conv_2`, 1, cpp, cc / 2);
      } else conv(`${name}.preprocess0.conv`, 1, cpp, cc);
      conv(`${name}.preprocess1.conv`, 1, cp, cc);
      DARTS_SUPERNET_EDGES.forEach((edge, e) => {
        const stride = reduction && edge.input < 2 ? 2 : 1;
        for (const op of ZCPT_DARTS_OPS) {
          const base = `${name}.edges.${e}.${op}`;
          const geo = convOpGeometry(op);
          if (geo?.kind === 'sep') {
            conv(`${base}.dw1`, geo.k, 1, cc);
            conv(`${base}.pw1`, 1, cc, cc);
            conv(`${base}.dw2`, geo.k, 1, cc);
            conv(`${base}.pw2`, 1, cc, cc);
          } else if (geo?.kind === 'dil') {
            conv(`${base}.dw`, geo.k, 1, cc);
            conv(`${base}.pw`, 1, cc, cc);
          } else if (op === 'skip_connect' && stride === 2) {
            conv(`${base}.conv_1`, 1, cc, cc / 2);
            conv(`${base}.conv_2`, 1, cc, cc / 2);
          }
        }
      });
      cells.push({ index: i, name, type: reduction ? 'reduce' : 'normal', reductionPrev, C: cc, cinPrevPrev: cpp, cinPrev: cp });
      reductionPrev = reduction;
      cpp = cp;
      cp = 4 * cc;
    }
    add('classifier.weight', linearWeight(rng, cp, numClasses), [cp, numClasses], 'linear');
    add('classifier.bias', bias(rng, cp, numClasses), [numClasses], 'bias');
    this.cells = cells;
    const alpha = randomDartsAlpha(rng.fork());
    this.mixingState = { normal: softmaxRows(alpha.normal), reduce: softmaxRows(alpha.reduce) };
  }

  /** Number of parameters (every op of every edge). */
  get numParams(): number {
    return countParams(this.params);
  }

  /** The mixing weights `forward` uses (a copy). */
  get mixing(): DartsMixing {
    return copyMixing(this.mixingState);
  }

  /** Replace the mixing weights `forward` uses. @throws naming a bad entry. */
  setMixing(w: DartsMixing): void {
    checkDartsMixing(w);
    this.mixingState = copyMixing(w);
  }

  /**
   * A `Network` view under fixed mixing weights: shares the parameters (its `dispose` does
   * nothing), so registry proxies can score the supernet; offers the lean tap pass too.
   */
  withMixing(w: DartsMixing): DartsSupernetView {
    checkDartsMixing(w);
    const fixed = copyMixing(w);
    return {
      params: this.params,
      paramKinds: this.paramKinds,
      numParams: this.numParams,
      mixing: fixed,
      forward: (x, opts) => this.run(x, fixed, opts, false),
      forwardTaps: (x, bn, taps) => this.forwardTaps(x, fixed, bn, taps),
      dispose: () => undefined,
    };
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    return this.run(x, this.mixingState, opts, false);
  }

  /** Forward pass under mixing weights `w`. Wrap in `tf.tidy` (or dispose the results). */
  forwardMixed(x: tf.Tensor4D, w: DartsMixing, opts: ForwardOptions): ForwardResult {
    checkDartsMixing(w);
    return this.run(x, w, opts, false);
  }

  /**
   * Forward pass for tap consumers only (NASWOT-style scoring): every op runs in its own scope and
   * every cell's intermediates are freed once the cell is done, so each tap's tensor lives only
   * until its op (or cell) finishes: the sink must read it synchronously. No result, no tensor
   * left behind.
   */
  forwardTaps(x: tf.Tensor4D, w: DartsMixing, bn: NetBnMode, taps: (tap: ZcptTap) => void): void {
    checkDartsMixing(w);
    tf.tidy(() => {
      this.run(x, w, { bn, taps }, true);
    });
  }

  private run(x: tf.Tensor4D, w: DartsMixing, opts: ForwardOptions, lean: boolean): ForwardResult {
    const P = opts.params ?? this.params;
    const mode = opts.bn;
    const zeroInput = this.config.zeroOpTaps === 'zero-input';
    // tensors handed to taps/hooks in a non-lean pass, returned from the cell scope to stay alive
    let kept: tf.Tensor[] = [];
    const lo = <T extends tf.Tensor>(t: T, wName: string): T => {
      if (!opts.layerOutputHook) return t;
      const y = opts.layerOutputHook(t, wName) as T;
      if (!lean) kept.push(t, y);
      return y;
    };
    const conv = (h: tf.Tensor4D, wName: string, s: number, p: number): tf.Tensor4D => lo(conv2dRaw(h, param<tf.Tensor4D>(P, wName), s, p), wName);
    const dwconv = (h: tf.Tensor4D, wName: string, s: number, p: number, d: number): tf.Tensor4D => {
      const wt = param<tf.Tensor4D>(P, wName);
      const [k1, k2, , c] = wt.shape;
      return lo(depthwiseStrided(h, tf.reshape(wt, [k1, k2, c, 1]), s, p, d), wName);
    };
    const tap = (t: ZcptTap): void => {
      if (!opts.taps) return;
      if (!lean) kept.push(t.input);
      opts.taps(t);
    };
    const relu = (h: tf.Tensor4D, name: string): tf.Tensor4D => {
      if (!opts.reluHook) return tf.relu(h);
      const y = opts.reluHook(h, name) as tf.Tensor4D;
      if (!lean) kept.push(h, y);
      return y;
    };
    /** BN(affine=False) times `scale` (eval: one multiplication by scale/√(1+ε)). */
    const bnPlain = (h: tf.Tensor4D, scale = 1): tf.Tensor4D => {
      if (mode === 'off') return scale === 1 ? h : (tf.mul(h, scale) as tf.Tensor4D);
      if (mode === 'eval') return tf.mul(h, scale * EVAL_BN_SCALE) as tf.Tensor4D;
      const b = batchNorm(h, 'train') as tf.Tensor4D;
      return scale === 1 ? b : (tf.mul(b, scale) as tf.Tensor4D);
    };
    const scaled = (h: tf.Tensor4D, scale: number): tf.Tensor4D => (scale === 1 ? h : (tf.mul(h, scale) as tf.Tensor4D));
    const scoped = <T extends tf.Tensor>(f: () => T): T => (lean ? tf.tidy(f) : f());
    const zeroCodes = new Map<string, tf.Tensor4D>();
    const zeroTap = (name: string, shape: [number, number, number, number]): void => {
      if (!opts.taps) return;
      const key = shape.join('x');
      let z = zeroCodes.get(key);
      if (!z) {
        z = tf.zeros(shape) as tf.Tensor4D;
        if (lean) tf.keep(z);
        else kept.push(z);
        zeroCodes.set(key, z);
      }
      const t: ZcptTap = { name, input: z, inWrapper: false, onOutputPath: true, allZero: true };
      opts.taps(t);
    };

    // Eval / no BN and no conv hooks: BN(affine=False) after a conv is a constant factor, folded
    // (with the mixing weight) into the small conv weight instead of scaling the activation.
    const fold = mode !== 'train' && !opts.layerOutputHook;
    const bnFactor = mode === 'eval' ? EVAL_BN_SCALE : 1;
    const foldedWeight = (wName: string, f: number): tf.Tensor4D => {
      const wt = param<tf.Tensor4D>(P, wName);
      return f === 1 ? wt : (tf.mul(wt, f) as tf.Tensor4D);
    };
    /** BN(affine=False)(conv1×1(h)) · scale. */
    const pointwiseBn = (h: tf.Tensor4D, wName: string, scale = 1): tf.Tensor4D =>
      fold ? conv2dRaw(h, foldedWeight(wName, scale * bnFactor), 1, 0) : bnPlain(conv(h, wName, 1, 0), scale);

    /** FactorizedReduce on r = relu(x), times `scale`. */
    const factorizedReduce = (r: tf.Tensor4D, name: string, scale: number): tf.Tensor4D => {
      const [n, h, wd, c] = r.shape;
      const f = scale * bnFactor;
      const half = (t: tf.Tensor4D, k: 1 | 2): tf.Tensor4D => (fold ? conv2dRaw(t, foldedWeight(`${name}.conv_${k}.weight`, f), 2, 0) : conv(t, `${name}.conv_${k}.weight`, 2, 0));
      const a = half(r, 1);
      const b = half(tf.slice(r, [0, 1, 1, 0], [n, h - 1, wd - 1, c]), 2);
      if (a.shape[1] !== b.shape[1] || a.shape[2] !== b.shape[2]) {
        throw new Error(`FactorizedReduce ${name}: odd input side ${h}×${wd} gives halves of different sizes (PyTorch fails too)`);
      }
      const cat = tf.concat([a, b], 3) as tf.Tensor4D;
      return fold ? cat : bnPlain(cat, scale);
    };

    const cellForward = (cell: SupernetCellPlan, s0: tf.Tensor4D, s1: tf.Tensor4D, cw: CellMixing): tf.Tensor4D => {
      const n = cell.name;
      const pre0 = scoped(() => {
        if (cell.reductionPrev) {
          tap({ name: `${n}.preprocess0.relu`, input: s0, inWrapper: false, onOutputPath: true });
          return factorizedReduce(relu(s0, `${n}.preprocess0.relu`), `${n}.preprocess0`, 1);
        }
        tap({ name: `${n}.preprocess0.relu`, input: s0, inWrapper: true, onOutputPath: true });
        return pointwiseBn(relu(s0, `${n}.preprocess0.relu`), `${n}.preprocess0.conv.weight`);
      });
      const pre1 = scoped(() => {
        tap({ name: `${n}.preprocess1.relu`, input: s1, inWrapper: true, onOutputPath: true });
        return pointwiseBn(relu(s1, `${n}.preprocess1.relu`), `${n}.preprocess1.conv.weight`);
      });
      const states: tf.Tensor4D[] = [pre0, pre1];
      const reduction = cell.type === 'reduce';
      const [batch, h1, w1] = pre1.shape;
      const outShape: [number, number, number, number] = reduction ? [batch, Math.ceil(h1 / 2), Math.ceil(w1 / 2), cell.C] : [batch, h1, w1, cell.C];
      const shared = new Map<string, tf.Tensor4D>();
      const once = (key: string, f: () => tf.Tensor4D): tf.Tensor4D => {
        let t = shared.get(key);
        if (!t) {
          t = f();
          shared.set(key, t);
        }
        return t;
      };
      for (let node = 2; node < 2 + DARTS_STEPS; node++) {
        const terms: tf.Tensor4D[] = [];
        for (let input = 0; input < node; input++) {
          const e = supernetEdgeIndex(node, input);
          const src = states[input]!;
          const stride = reduction && input < 2 ? 2 : 1;
          const en = `${n}.edges.${e}`;
          const srcRelu = (): tf.Tensor4D => once(`relu${input}`, () => relu(src, `${n}.state${input}.relu`));
          cw[e]!.forEach((weight, oi) => {
            const op = ZCPT_DARTS_OPS[oi]!;
            const geo = convOpGeometry(op);
            if (weight === 0) {
              if (!zeroInput) return;
              if (geo) {
                zeroTap(`${en}.${op}.relu${geo.kind === 'sep' ? '1' : ''}`, src.shape);
                if (geo.kind === 'sep') zeroTap(`${en}.${op}.relu2`, outShape);
              } else if (op === 'skip_connect' && stride === 2) zeroTap(`${en}.${op}.relu`, src.shape);
              return;
            }
            const pn = (rest: string): string => supernetOpParamName(cell.index, e, op, rest);
            if (geo) {
              tap({ name: `${en}.${op}.relu${geo.kind === 'sep' ? '1' : ''}`, input: src, inWrapper: false, onOutputPath: true });
              const r = srcRelu();
              terms.push(
                scoped(() => {
                  if (geo.kind === 'dil') return pointwiseBn(dwconv(r, pn('dw.weight'), stride, geo.pad, geo.dilation), pn('pw.weight'), weight);
                  const mid = pointwiseBn(dwconv(r, pn('dw1.weight'), stride, geo.pad, 1), pn('pw1.weight'));
                  tap({ name: `${en}.${op}.relu2`, input: mid, inWrapper: false, onOutputPath: true });
                  const r2 = relu(mid, `${en}.${op}.relu2`);
                  return pointwiseBn(dwconv(r2, pn('dw2.weight'), 1, geo.pad, 1), pn('pw2.weight'), weight);
                }),
              );
              return;
            }
            switch (op) {
              case 'skip_connect':
                if (stride === 1) terms.push(scoped(() => scaled(src, weight)));
                else {
                  tap({ name: `${en}.${op}.relu`, input: src, inWrapper: false, onOutputPath: true });
                  const r = srcRelu();
                  terms.push(scoped(() => factorizedReduce(r, `${en}.${op}`, weight)));
                }
                return;
              case 'max_pool_3x3':
              case 'avg_pool_3x3': {
                const pooled = once(`${op}${input}`, () => (op === 'max_pool_3x3' ? maxPool3x3(src, stride) : avgPool3x3(src, stride)));
                terms.push(scoped(() => bnPlain(pooled, weight)));
                return;
              }
              default:
                throw new Error(`DARTS supernet: no implementation for op '${op}'`);
            }
          });
        }
        states.push(terms.length === 0 ? (tf.zeros(outShape) as tf.Tensor4D) : terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor4D));
      }
      return tf.concat(states.slice(2), 3) as tf.Tensor4D;
    };

    try {
      const stem = scoped(() => {
        const h = conv(x, 'stem.conv.weight', 1, 1);
        if (mode === 'off') return h;
        return batchNorm(h, mode, param<tf.Tensor1D>(P, 'stem.bn.weight'), param<tf.Tensor1D>(P, 'stem.bn.bias')) as tf.Tensor4D;
      });
      let s0 = stem;
      let s1 = stem;
      for (const cell of this.cells) {
        const prev0 = s0;
        const prev1 = s1;
        const cw = cell.type === 'normal' ? w.normal : w.reduce;
        let out: tf.Tensor4D;
        if (lean) out = tf.tidy(() => cellForward(cell, prev0, prev1, cw));
        else {
          // one scope per cell frees intermediates early (the tape keeps what gradients need);
          // tensors handed to taps and hooks are returned so they live on in the caller's scope
          const r = tf.tidy(() => {
            kept = [];
            const o = cellForward(cell, prev0, prev1, cw);
            return { o, kept };
          });
          kept = [];
          out = r.o;
        }
        if (opts.blockHook) out = opts.blockHook(out, cell.name);
        // cell i reads the outputs of cells i−2 and i−1 (the stem for cells 0 and 1)
        if (lean && cell.index >= 1) prev0.dispose();
        s0 = s1;
        s1 = out;
      }
      const features = globalAvgPool(s1);
      const logits = lo(linear(features, param<tf.Tensor2D>(P, 'classifier.weight'), param<tf.Tensor1D>(P, 'classifier.bias')), 'classifier.weight');
      return { logits, features };
    } finally {
      if (lean) for (const z of zeroCodes.values()) z.dispose();
    }
  }

  dispose(): void {
    disposeParams(this.params);
  }
}

/**
 * Depthwise convolution (engine/depthwise.ts) with a shortcut for stride s = dilation d and pad
 * p ≡ 0 (mod s) (DARTS dil_conv in reduction cells: s = d = 2, p = 2 or 4): the taps x_pad[s·o + d·i]
 * then only read rows/columns ≡ 0 (mod s), so y = depthwise(x[::s, ::s], w, stride 1, pad p/s,
 * dilation 1), a 4× smaller problem than the stride-1 pass the engine subsamples. Same values.
 */
export function depthwiseStrided(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: number, dilation: number): tf.Tensor4D {
  if (stride > 1 && dilation === stride && pad % stride === 0) {
    const [, h, wd] = x.shape;
    const k1 = w.shape[0];
    const k2 = w.shape[1];
    const hs = Math.ceil(h / stride);
    const ws = Math.ceil(wd / stride);
    const same = convOutSize(h, k1, stride, pad, dilation) === hs + (2 * pad) / stride - (k1 - 1) && convOutSize(wd, k2, stride, pad, dilation) === ws + (2 * pad) / stride - (k2 - 1);
    if (same) return depthwiseConv2d(subsample(x, stride), w, 1, pad / stride, 1);
  }
  return depthwiseConv2d(x, w, stride, pad, dilation);
}

function copyMixing(w: DartsMixing): DartsMixing {
  return { normal: w.normal.map((r) => [...r]), reduce: w.reduce.map((r) => [...r]) };
}
