/**
 * NAS-Bench-1Shot1 one-shot model for Zero-Cost-PT (ZCPT `nasbench1shot1/optimizers/darts/
 * model_proj.py`, `Network`, `Cell`, `ChoiceBlock`, `MixedOp`; ops from `operations.py`).
 *
 *   stem ConvBnRelu 3×3 (3 → C) → 9 cells; before cells 3 and 6 a 2×2/2 max pool with padding 1
 *   (32 → 17 → 9 pixels) and the cell width doubles (C, 2C, 4C) → postprocess ReLU → 1×1 conv
 *   (4·C_last → C_last) → BN (no affine) → global average pool → Linear(C_last → classes)
 *
 * Cell of width c on input s₀ (C_in channels: C for cell 0, 4·C_prev after):
 *  - projections p_b = ConvBnRelu 1×1 (C_in → c) for blocks b = 1..4, and p_out (C_in → 4c);
 *  - block b's input x_b = Σ_j u_{b,j}·h_j over h_0 = p_b and the earlier blocks' outputs
 *    h_1..h_{b−1} (block 1 takes p_1 only, no weights);
 *  - block output h_b = Σ_o w_{b,o}·op_o(x_b), ops conv3x3-bn-relu, conv1x1-bn-relu (ConvBnRelu
 *    c → c) and maxpool3x3 (3×3/1 pad 1, then BN without affine);
 *  - cell output = v_0·p_out + concat(v_1·h_1, …, v_4·h_4)   (4c channels).
 * Mixing weights per forward pass (`Shot1Mixing`): w (4 × 3), u (blocks 2..4: 2, 3, 4 entries),
 * v (5 entries); no renormalisation. The model is never trained: PyTorch default initialisation
 * from a seeded Rng, BN affine (γ = 1, β = 0) in ConvBnRelu. Zero-Cost-PT scores it in eval mode.
 *
 * Taps (every nn.ReLU reports its input once): `zeroOpTaps`
 *  - 'reference' (default): as the released model, every op and every projection is computed
 *    whatever its weight (a weight of 0 multiplies its output), so every ReLU reports a code;
 *  - 'skip': only the parts that reach the output through non-zero weights are computed (the
 *    discrete network's taps). Under a decided mixing (`shot1CellMixing`, raw 0/1 weights) this is
 *    exactly `Shot1Network` of that cell (same parameters, same outputs, same taps).
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv2d, globalAvgPool, linear } from '../../../engine/layers';
import { countParams, disposeParams, param, type ParamMap } from '../../../engine/params';
import type { ForwardOptions, ForwardResult, NetBnMode, Network, ParamKind } from '../../../engine/network';
import { initMacroParams, type MacroParamSpec } from '../../../spaces/macro/network';
import { maxPool3x3 } from '../../../spaces/darts/ops';
import { SHOT1_BLOCKS, SHOT1_OPS, SHOT1_OUTPUT, shot1Matrix, type Shot1Cell } from '../../../spaces/nb101/shot1';
import type { Nb101Op } from '../../../spaces/nb101/spec';
import type { SupernetView, ZcptTap } from '../supernet';

export const SHOT1_ZERO_OP_TAPS = ['reference', 'skip'] as const;
export type Shot1ZeroOpTaps = (typeof SHOT1_ZERO_OP_TAPS)[number];
export const SHOT1_NUM_OPS = SHOT1_OPS.length;

export interface Shot1NetConfig {
  /** Width of the first stack (16 in the reference). */
  readonly C: number;
  /** Cells (9 in the reference: 3 stacks of 3). */
  readonly layers: number;
  readonly numClasses: number;
}

export interface Shot1SupernetConfig extends Shot1NetConfig {
  /** Default 'reference'. */
  readonly zeroOpTaps?: Shot1ZeroOpTaps;
}

export const SHOT1_DEFAULT_CONFIG: Shot1NetConfig = Object.freeze({ C: 16, layers: 9, numClasses: 10 });

/** Mixing weights of the one-shot model (see the module comment). */
export interface Shot1Mixing {
  /** w[b][o]: block b = 0..3 (nodes 1..4), op o in `SHOT1_OPS` order. */
  readonly ops: readonly (readonly number[])[];
  /** u: inputs of blocks 2..4 (nodes 2..4), over [input, node 1, …, node n−1]. */
  readonly inputs: readonly (readonly number[])[];
  /** v: output weights over [input, node 1, …, node 4]. */
  readonly output: readonly number[];
}

/** Check a mixing's shape and values. @throws naming the bad entry. */
export function checkShot1Mixing(m: Shot1Mixing): void {
  const row = (r: unknown, n: number, what: string): void => {
    if (!Array.isArray(r) || r.length !== n) throw new Error(`1Shot1 mixing: ${what} needs ${n} weights, got ${JSON.stringify(r)}`);
    r.forEach((v, i) => {
      if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new Error(`1Shot1 mixing: ${what} entry ${i} must be finite and >= 0, got ${String(v)}`);
    });
  };
  if (!m || !Array.isArray(m.ops) || m.ops.length !== SHOT1_BLOCKS) throw new Error(`1Shot1 mixing: ops needs ${SHOT1_BLOCKS} rows`);
  m.ops.forEach((r, b) => row(r, SHOT1_NUM_OPS, `ops of block ${b + 1}`));
  if (!Array.isArray(m.inputs) || m.inputs.length !== SHOT1_BLOCKS - 1) throw new Error(`1Shot1 mixing: inputs needs ${SHOT1_BLOCKS - 1} rows (nodes 2..4)`);
  m.inputs.forEach((r, i) => row(r, i + 2, `inputs of node ${i + 2}`));
  row(m.output, SHOT1_BLOCKS + 1, 'output');
}

/**
 * The raw 0/1 mixing of a cell (ZCPT `get_weights_from_arch`): one-hot ops, and the edges of the
 * space's matrix (`shot1Matrix`: parent edges of the nodes that feed the output) as input and
 * output weights. Works for parent lists of any length (the topology step's candidates).
 */
export function shot1EncodingMixing(ops: readonly Nb101Op[], parents: readonly (readonly number[])[]): Shot1Mixing {
  const m = shot1Matrix(parents);
  return {
    ops: ops.map((op) => SHOT1_OPS.map((o) => (o === op ? 1 : 0))),
    inputs: [2, 3, 4].map((n) => Array.from({ length: n }, (_, p) => m[p]![n]!)),
    output: Array.from({ length: SHOT1_OUTPUT }, (_, p) => m[p]![SHOT1_OUTPUT]!),
  };
}

/** The decided mixing of a finished cell. */
export function shot1CellMixing(c: Shot1Cell): Shot1Mixing {
  return shot1EncodingMixing(c.ops, c.parents);
}

/** Cell widths and input channels of the stack layout. */
export function shot1Layout(cfg: Shot1NetConfig): { c: number; cin: number; pool: boolean }[] {
  const out: { c: number; cin: number; pool: boolean }[] = [];
  let c = cfg.C;
  let prev = cfg.C;
  for (let i = 0; i < cfg.layers; i++) {
    const pool = i === Math.floor(cfg.layers / 3) || i === Math.floor((2 * cfg.layers) / 3);
    if (pool) c *= 2;
    out.push({ c, cin: i === 0 ? prev : prev * SHOT1_BLOCKS, pool });
    prev = c;
  }
  return out;
}

function checkConfig(cfg: Shot1NetConfig): void {
  for (const k of ['C', 'layers', 'numClasses'] as const) {
    if (!(Number.isInteger(cfg[k]) && cfg[k] >= 1)) throw new Error(`1Shot1 network: ${k} must be a positive integer, got ${String(cfg[k])}`);
  }
  if (cfg.layers < 3) throw new Error(`1Shot1 network: layers must be at least 3 (three stacks), got ${cfg.layers}`);
}

const convBn = (name: string, k: number, cin: number, cout: number): MacroParamSpec[] => [
  { name: `${name}.conv.weight`, shape: [k, k, cin, cout], kind: 'conv', init: 'conv' },
  { name: `${name}.bn.weight`, shape: [cout], kind: 'bn-weight', init: 'ones' },
  { name: `${name}.bn.bias`, shape: [cout], kind: 'bn-bias', init: 'zeros' },
];

/** Parameter prefixes. */
export const shot1ProjName = (cell: number, b: number): string => `cells.${cell}.proj.${b}`;
export const shot1OpName = (cell: number, b: number, op: Nb101Op): string => `cells.${cell}.block.${b}.${op}`;

/**
 * Parameters in registration order; `keep(cell, part)` filters them (the standalone network keeps
 * only its cell's parts; part = `proj.b`, `proj.out` or an op name).
 */
function shot1Params(cfg: Shot1NetConfig, keep: (part: { proj?: number | 'out'; block?: number; op?: Nb101Op }) => boolean): MacroParamSpec[] {
  const layout = shot1Layout(cfg);
  const specs: MacroParamSpec[] = [...convBn('stem', 3, 3, cfg.C)];
  layout.forEach(({ c, cin }, i) => {
    for (let b = 0; b < SHOT1_BLOCKS; b++) if (keep({ proj: b })) specs.push(...convBn(shot1ProjName(i, b), 1, cin, c));
    if (keep({ proj: 'out' })) specs.push(...convBn(shot1ProjName(i, SHOT1_BLOCKS), 1, cin, SHOT1_BLOCKS * c));
    for (let b = 0; b < SHOT1_BLOCKS; b++) {
      for (const op of SHOT1_OPS) {
        if (op === 'maxpool3x3' || !keep({ block: b, op })) continue;
        specs.push(...convBn(shot1OpName(i, b, op), op === 'conv3x3-bn-relu' ? 3 : 1, c, c));
      }
    }
  });
  const last = layout[layout.length - 1]!.c;
  specs.push({ name: 'postprocess.conv.weight', shape: [1, 1, SHOT1_BLOCKS * last, last], kind: 'conv', init: 'conv' });
  specs.push({ name: 'classifier.weight', shape: [last, cfg.numClasses], kind: 'linear', init: 'linear' });
  specs.push({ name: 'classifier.bias', shape: [cfg.numClasses], kind: 'bias', init: 'bias', fanIn: last });
  return specs;
}

/** Layer helpers of one forward pass. */
interface Ctx {
  convBnRelu(x: tf.Tensor4D, name: string, k: number): tf.Tensor4D;
  op(x: tf.Tensor4D, cell: number, b: number, op: Nb101Op): tf.Tensor4D;
  head(h: tf.Tensor4D): ForwardResult;
}

function makeCtx(P: ParamMap, opts: ForwardOptions): Ctx {
  const bn = (y: tf.Tensor4D, g?: tf.Tensor1D, b?: tf.Tensor1D): tf.Tensor4D => (opts.bn === 'off' ? y : (batchNorm(y, opts.bn, g, b) as tf.Tensor4D));
  const relu = (y: tf.Tensor4D, name: string): tf.Tensor4D => {
    opts.taps?.({ name, input: y, inWrapper: false, onOutputPath: true });
    return opts.reluHook ? (opts.reluHook(y, name) as tf.Tensor4D) : tf.relu(y);
  };
  const convBnRelu = (x: tf.Tensor4D, name: string, k: number): tf.Tensor4D =>
    relu(bn(conv2d(x, param<tf.Tensor4D>(P, `${name}.conv.weight`), 1, (k - 1) / 2), param<tf.Tensor1D>(P, `${name}.bn.weight`), param<tf.Tensor1D>(P, `${name}.bn.bias`)), `${name}.relu`);
  return {
    convBnRelu,
    op: (x, cell, b, op) => (op === 'maxpool3x3' ? bn(maxPool3x3(x, 1)) : convBnRelu(x, shot1OpName(cell, b, op), op === 'conv3x3-bn-relu' ? 3 : 1)),
    head: (h) => {
      let y = relu(h, 'postprocess.relu');
      y = bn(conv2d(y, param<tf.Tensor4D>(P, 'postprocess.conv.weight'), 1, 0));
      const features = globalAvgPool(y);
      return { logits: linear(features, param<tf.Tensor2D>(P, 'classifier.weight'), param<tf.Tensor1D>(P, 'classifier.bias')), features };
    },
  };
}

/** 2×2/2 max pool with padding 1 (PyTorch `MaxPool2d(2, 2, padding=1)`: pads never win). */
export function shot1Downsample(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.maxPool(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity), 2, 2, 'valid'));
}

const scale = (t: tf.Tensor4D, w: number): tf.Tensor4D => (w === 1 ? t : (tf.mul(t, w) as tf.Tensor4D));
const sum = (ts: tf.Tensor4D[]): tf.Tensor4D => (ts.length === 1 ? ts[0]! : (tf.addN(ts) as tf.Tensor4D));

/** Which blocks (0..3) and projections a mixing needs under 'skip' (reach the output through non-zero weights). */
function liveParts(m: Shot1Mixing): { block: boolean[]; proj: boolean[] } {
  const block = new Array<boolean>(SHOT1_BLOCKS).fill(false);
  for (let b = SHOT1_BLOCKS - 1; b >= 0; b--) {
    block[b] = m.output[b + 1]! !== 0 || [2, 3, 4].some((n) => n - 1 > b && block[n - 1]! && m.inputs[n - 2]![b + 1]! !== 0);
  }
  const proj = block.map((live, b) => live && (b === 0 || m.inputs[b - 1]![0]! !== 0));
  proj.push(m.output[0]! !== 0);
  return { block, proj };
}

/** The untrained one-shot model. Call `dispose()` when done. */
export class Shot1Supernet {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  readonly config: Required<Shot1SupernetConfig>;

  constructor(config: Shot1SupernetConfig = SHOT1_DEFAULT_CONFIG, seed = 0) {
    checkConfig(config);
    const zeroOpTaps = config.zeroOpTaps ?? 'reference';
    if (!SHOT1_ZERO_OP_TAPS.includes(zeroOpTaps)) throw new Error(`1Shot1 supernet: zeroOpTaps must be ${SHOT1_ZERO_OP_TAPS.join(' or ')}, got '${String(zeroOpTaps)}'`);
    this.config = { C: config.C, layers: config.layers, numClasses: config.numClasses, zeroOpTaps };
    initMacroParams(shot1Params(config, () => true), seed, this.params, this.paramKinds);
  }

  get numParams(): number {
    return countParams(this.params);
  }

  /** The supernet under mixing `m` as a `Network` (plus the tap pass). */
  withMixing(m: Shot1Mixing): SupernetView & { readonly shot1Mixing: Shot1Mixing } {
    checkShot1Mixing(m);
    const mixing: Shot1Mixing = { ops: m.ops.map((r) => [...r]), inputs: m.inputs.map((r) => [...r]), output: [...m.output] };
    return {
      mixing: mixing.ops,
      shot1Mixing: mixing,
      params: this.params,
      paramKinds: this.paramKinds,
      numParams: this.numParams,
      forward: (x, opts) => this.forward(x, mixing, opts),
      forwardTaps: (x: tf.Tensor4D, bn: NetBnMode, taps: (tap: ZcptTap) => void) => this.forwardTaps(x, mixing, bn, taps),
      dispose: () => {
        /* a view owns nothing */
      },
    };
  }

  /** Forward pass under mixing `m`; call inside `tf.tidy` or dispose the results. */
  forward(x: tf.Tensor4D, m: Shot1Mixing, opts: ForwardOptions): ForwardResult {
    checkShot1Mixing(m);
    return this.run(x, m, opts, false);
  }

  /**
   * Memory-lean pass for tap consumers: each cell runs in its own scope and taps are handed over
   * (and must be consumed) while it runs; nothing is returned.
   */
  forwardTaps(x: tf.Tensor4D, m: Shot1Mixing, bn: NetBnMode, taps: (tap: ZcptTap) => void): void {
    checkShot1Mixing(m);
    tf.tidy(() => void this.run(x, m, { bn, taps }, true));
  }

  private run(x: tf.Tensor4D, m: Shot1Mixing, opts: ForwardOptions, lean: boolean): ForwardResult {
    const scoped = (f: () => tf.Tensor4D): tf.Tensor4D => (lean ? tf.tidy(f) : f());
    const ctx = makeCtx(opts.params ?? this.params, opts);
    const live = liveParts(m);
    let s0 = ctx.convBnRelu(x, 'stem', 3);
    shot1Layout(this.config).forEach(({ c, pool }, i) => {
      const input = s0;
      s0 = scoped(() => this.cell(ctx, pool ? shot1Downsample(input) : input, m, i, c, live, scoped));
      if (lean) input.dispose();
    });
    return ctx.head(s0);
  }

  /** One cell (each block scoped by `scoped` in the lean pass). */
  private cell(ctx: Ctx, s0: tf.Tensor4D, m: Shot1Mixing, i: number, c: number, live: ReturnType<typeof liveParts>, scoped: (f: () => tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
    const reference = this.config.zeroOpTaps === 'reference';
    const zeros = (): tf.Tensor4D => tf.zeros([s0.shape[0], s0.shape[1], s0.shape[2], c]);
    const proj = (b: number): tf.Tensor4D | undefined => (reference || live.proj[b] ? ctx.convBnRelu(s0, shot1ProjName(i, b), 1) : undefined);
    const block = (b: number, states: readonly tf.Tensor4D[]): tf.Tensor4D => {
      const u = b === 0 ? [1] : m.inputs[b - 1]!;
      const terms: tf.Tensor4D[] = [];
      [proj(b), ...states].forEach((t, j) => {
        if (t && u[j]! !== 0) terms.push(scale(t, u[j]!));
      });
      const xb = terms.length ? sum(terms) : zeros();
      const outs: tf.Tensor4D[] = [];
      SHOT1_OPS.forEach((op, o) => {
        const w = m.ops[b]![o]!;
        if (w !== 0 || reference) outs.push(scale(ctx.op(xb, i, b, op), w));
      });
      return outs.length ? sum(outs) : zeros();
    };
    const states: tf.Tensor4D[] = [];
    for (let b = 0; b < SHOT1_BLOCKS; b++) states.push(!reference && !live.block[b] ? zeros() : scoped(() => block(b, states)));
    const pOut = proj(SHOT1_BLOCKS);
    const cat = tf.concat(states.map((h, b) => scale(h, m.output[b + 1]!)), 3) as tf.Tensor4D;
    return pOut ? (tf.add(scale(pOut, m.output[0]!), cat) as tf.Tensor4D) : cat;
  }

  dispose(): void {
    disposeParams(this.params);
  }
}

/**
 * The discrete network of one cell in the one-shot layout (what the reference's post-validation
 * scores, without the unused ops): per cell, only the blocks that feed the output, each with its
 * own op, its input projection when the input is a parent, and p_out when the input feeds the
 * output; the other blocks' slots in the output concatenation are zeros. Parameters carry the
 * supernet's names, so `forward(x, { params: supernet.params })` runs it on the supernet's weights.
 */
export class Shot1Network implements Network {
  readonly params: ParamMap = new Map();
  readonly paramKinds = new Map<string, ParamKind>();
  private readonly feeds: Set<number>;

  constructor(
    readonly cell: Shot1Cell,
    readonly config: Shot1NetConfig = SHOT1_DEFAULT_CONFIG,
    seed = 0,
  ) {
    checkConfig(config);
    const m = shot1Matrix(cell.parents);
    this.feeds = new Set([1, 2, 3, 4].filter((n) => m[n]!.some((v) => v === 1)));
    const keep = (p: { proj?: number | 'out'; block?: number; op?: Nb101Op }): boolean => {
      if (p.proj === 'out') return m[0]![SHOT1_OUTPUT] === 1;
      if (p.proj !== undefined) return this.feeds.has(p.proj + 1) && (p.proj === 0 || m[0]![p.proj + 1] === 1);
      return this.feeds.has(p.block! + 1) && cell.ops[p.block!] === p.op;
    };
    initMacroParams(shot1Params(config, keep), seed, this.params, this.paramKinds);
  }

  get numParams(): number {
    return countParams(this.params);
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
    const ctx = makeCtx(opts.params ?? this.params, opts);
    const { parents, ops } = this.cell;
    const m = shot1Matrix(parents);
    let s0 = ctx.convBnRelu(x, 'stem', 3);
    shot1Layout(this.config).forEach(({ c, pool }, i) => {
      if (pool) s0 = shot1Downsample(s0);
      const h: tf.Tensor4D[] = [];
      for (let n = 1; n <= SHOT1_BLOCKS; n++) {
        if (!this.feeds.has(n)) {
          h.push(tf.zeros([s0.shape[0], s0.shape[1], s0.shape[2], c]));
          continue;
        }
        const terms: tf.Tensor4D[] = [];
        if (n === 1 || m[0]![n] === 1) terms.push(ctx.convBnRelu(s0, shot1ProjName(i, n - 1), 1));
        for (let p = 1; p < n; p++) if (m[p]![n] === 1) terms.push(h[p - 1]!);
        h.push(ctx.op(sum(terms), i, n - 1, ops[n - 1]!));
      }
      const cat = tf.concat(h.map((t, b) => (m[b + 1]![SHOT1_OUTPUT] === 1 ? t : tf.zerosLike(t))), 3) as tf.Tensor4D;
      s0 = m[0]![SHOT1_OUTPUT] === 1 ? (tf.add(ctx.convBnRelu(s0, shot1ProjName(i, SHOT1_BLOCKS), 1), cat) as tf.Tensor4D) : cat;
    });
    return ctx.head(s0);
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
