/**
 * Layout of a DARTS network (quark0/darts `cnn/model.py` NetworkCIFAR; NASLib
 * `naslib/search_spaces/nasbench301/graph.py` for the NAS-Bench-301 variant), computed without
 * tensors: channels and strides of every cell and op, which parts reach the output, and the list of
 * parameters with their shapes. The network builder allocates exactly these parameters, so
 * `dartsParamCount` equals `new DartsNetwork(g, cfg).numParams` by construction.
 *
 * NetworkCIFAR(C, layers, numClasses): stem conv3×3(3 → 3C, no bias) + BN; cells i = 0..layers−1,
 * reduction cells at i ∈ {⌊layers/3⌋, ⌊2·layers/3⌋} (channels C_cell doubled there); cell inputs
 * s0 = output of cell i−2, s1 = output of cell i−1 (both the stem output for cell 0, s0 = stem for
 * cell 1); preprocess0 = FactorizedReduce(C_pp → C_cell) when cell i−1 reduced, else
 * ReLUConvBN(C_pp → C_cell, 1×1); preprocess1 = ReLUConvBN(C_p → C_cell, 1×1); ops on C_cell with
 * stride 2 for pairs reading inputs 0/1 of a reduction cell; cell output = concat of the listed
 * states (|concat|·C_cell channels); global average pool; Linear(C_last → numClasses). Optional
 * auxiliary head after cell ⌊2·layers/3⌋ (ReLU, AvgPool 5/3, conv1×1 → 128, BN, ReLU, conv2×2 → 768,
 * BN, ReLU, Linear(768 → numClasses)), built for 8×8 maps (32×32 inputs).
 *
 * Ops (DARTS `operations.py`, affine = `cellAffine`):
 *   sep_conv_k = [ReLU, dwconv k (stride s, pad (k−1)/2), conv1×1, BN] ×2 (second stride 1)
 *   dil_conv_k = ReLU, dwconv k (stride s, pad k−1, dilation 2), conv1×1, BN
 *   skip_connect = identity (stride 1) | FactorizedReduce(C → C) (stride 2)
 *   max_pool_3x3 / avg_pool_3x3 = 3×3 pool, stride s, pad 1 (avg: count_include_pad=False),
 *                 followed by BN(affine=False) when `poolBn` (NASLib's NB301 network)
 *   none = x·0 (subsampled at stride 2)
 *   FactorizedReduce(a → b) = ReLU; concat(conv1×1/2(x), conv1×1/2(x[:, 1:, 1:])) (b/2 each); BN
 *
 * NASLib's NB301 network (what its zero-cost table was computed on, `params` included) is
 * NetworkCIFAR(C=32, layers=8, 10 classes) with affine=False BNs inside the cell ops (sep/dil conv,
 * FactorizedReduce skip) and BN(affine=False) after both pools; stem and preprocessing BNs are
 * affine; no auxiliary head (`prepare_evaluation` is not called by the zero-cost runner).
 */
import type { ParamKind } from '../../engine/network';
import { cellOf, DARTS_NUM_STATES, edgeNode, type CellType, type DartsOp, type Genotype } from './genotype';

export interface DartsNetConfig {
  /** Initial cell channels (DARTS CIFAR-10 evaluation: 36; NASLib NB301: 32; search/ZC-PT: 16). */
  readonly C: number;
  /** Number of cells (evaluation 20; NB301 / search 8). */
  readonly layers: number;
  readonly numClasses: number;
  /** Auxiliary head after cell ⌊2·layers/3⌋ (default false). Needs 8×8 maps there. */
  readonly auxiliary?: boolean;
  /** Affine BNs inside cell ops (DARTS: true, the default; NASLib NB301: false). */
  readonly cellAffine?: boolean;
  /** BN(affine=False) after pooling ops (NASLib NB301: true; DARTS: false, the default). */
  readonly poolBn?: boolean;
  /** Stem channels = stemMultiplier·C (default 3). */
  readonly stemMultiplier?: number;
}

/** DARTS CIFAR-10 evaluation network (train.py: 36 channels, 20 layers; auxiliary off here). */
export const DARTS_CIFAR_CONFIG: DartsNetConfig = Object.freeze({ C: 36, layers: 20, numClasses: 10 });
/** DARTS search-scale network (16 channels, 8 layers): Zero-Cost-PT's validation network. */
export const DARTS_SMALL_CONFIG: DartsNetConfig = Object.freeze({ C: 16, layers: 8, numClasses: 10 });
/** NASLib's NAS-Bench-301 network (zero-cost table, `params` column). */
export const NASLIB_NB301_CONFIG: DartsNetConfig = Object.freeze({ C: 32, layers: 8, numClasses: 10, cellAffine: false, poolBn: true });

export type PreprocessKind = 'relu-conv-bn' | 'factorized-reduce';

export interface PreprocessPlan {
  readonly kind: PreprocessKind;
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
  /** Whether the cell uses this input on a path to the output. */
  readonly live: boolean;
}

export interface EdgePlan {
  readonly index: number;
  readonly name: string;
  readonly op: DartsOp;
  readonly input: number;
  /** Intermediate node (2..5) the op feeds. */
  readonly node: number;
  readonly stride: 1 | 2;
  /** Whether the op's output reaches the network output (NASWOT's backward-visited filter). */
  readonly live: boolean;
}

export interface CellPlan {
  readonly index: number;
  readonly name: string;
  readonly type: CellType;
  readonly reduction: boolean;
  readonly reductionPrev: boolean;
  /** Channels of every state of the cell. */
  readonly C: number;
  readonly pre0: PreprocessPlan;
  readonly pre1: PreprocessPlan;
  readonly edges: readonly EdgePlan[];
  readonly concat: readonly number[];
  readonly outChannels: number;
  /** Whether the cell's output reaches the network output. */
  readonly live: boolean;
}

export type ParamInit = 'uniform' | 'ones' | 'zeros';

/** One parameter: name, tfjs shape (conv HWIO with I = C_in/groups, linear [in, out]), init. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: ParamKind;
  /** PyTorch default: U(−1/√fanIn, 1/√fanIn) for conv/linear weights and biases. */
  readonly init: ParamInit;
  readonly fanIn: number;
}

export interface DartsPlan {
  readonly config: Required<DartsNetConfig>;
  readonly stemChannels: number;
  readonly cells: readonly CellPlan[];
  /** Cell after which the auxiliary head reads (⌊2·layers/3⌋), its channels. */
  readonly auxAt: number;
  readonly auxChannels: number;
  readonly classifierIn: number;
  readonly params: readonly ParamSpec[];
}

/** Kernel, padding and dilation of the depthwise conv of a sep/dil conv op. */
export function convOpGeometry(op: DartsOp): { kind: 'sep' | 'dil'; k: number; pad: number; dilation: number } | undefined {
  switch (op) {
    case 'sep_conv_3x3':
      return { kind: 'sep', k: 3, pad: 1, dilation: 1 };
    case 'sep_conv_5x5':
      return { kind: 'sep', k: 5, pad: 2, dilation: 1 };
    case 'dil_conv_3x3':
      return { kind: 'dil', k: 3, pad: 2, dilation: 2 };
    case 'dil_conv_5x5':
      return { kind: 'dil', k: 5, pad: 4, dilation: 2 };
    default:
      return undefined;
  }
}

/** Indices of the reduction cells: ⌊layers/3⌋ and ⌊2·layers/3⌋ (one cell if they coincide). */
export function reductionCells(layers: number): number[] {
  return [...new Set([Math.floor(layers / 3), Math.floor((2 * layers) / 3)])];
}

function resolveConfig(config: DartsNetConfig): Required<DartsNetConfig> {
  const r: Required<DartsNetConfig> = {
    C: config.C,
    layers: config.layers,
    numClasses: config.numClasses,
    auxiliary: config.auxiliary ?? false,
    cellAffine: config.cellAffine ?? true,
    poolBn: config.poolBn ?? false,
    stemMultiplier: config.stemMultiplier ?? 3,
  };
  for (const k of ['C', 'layers', 'numClasses', 'stemMultiplier'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new Error(`DARTS network config: ${k} must be a positive integer, got ${JSON.stringify(config[k])}`);
  }
  if (r.C % 2 !== 0) throw new Error(`DARTS network config: C must be even (FactorizedReduce splits channels in halves), got ${r.C}`);
  return r;
}

/** States of a cell that reach its output (backwards from `concat`), given the cell is live. */
function liveStates(type: CellType, g: Genotype): boolean[] {
  const { edges, concat } = cellOf(g, type);
  const live = new Array<boolean>(DARTS_NUM_STATES).fill(false);
  for (const s of concat) live[s] = true;
  for (let e = edges.length - 1; e >= 0; e--) if (live[edgeNode(e)]) live[edges[e]!.input] = true;
  return live;
}

/**
 * The layout of NetworkCIFAR for a genotype (see the module comment).
 * @throws for an invalid config.
 */
export function dartsPlan(g: Genotype, config: DartsNetConfig): DartsPlan {
  const cfg = resolveConfig(config);
  const { C, layers, numClasses, cellAffine, poolBn } = cfg;
  const params: ParamSpec[] = [];
  const conv = (name: string, k: number, cinPerGroup: number, cout: number): void => {
    params.push({ name: `${name}.weight`, shape: [k, k, cinPerGroup, cout], kind: 'conv', init: 'uniform', fanIn: k * k * cinPerGroup });
  };
  const bn = (name: string, c: number, affine: boolean): void => {
    if (!affine) return;
    params.push({ name: `${name}.weight`, shape: [c], kind: 'bn-weight', init: 'ones', fanIn: 0 });
    params.push({ name: `${name}.bias`, shape: [c], kind: 'bn-bias', init: 'zeros', fanIn: 0 });
  };
  const linear = (name: string, cin: number, cout: number): void => {
    params.push({ name: `${name}.weight`, shape: [cin, cout], kind: 'linear', init: 'uniform', fanIn: cin });
    params.push({ name: `${name}.bias`, shape: [cout], kind: 'bias', init: 'uniform', fanIn: cin });
  };
  const factorizedReduce = (name: string, cin: number, cout: number, affine: boolean): void => {
    conv(`${name}.conv_1`, 1, cin, cout / 2);
    conv(`${name}.conv_2`, 1, cin, cout / 2);
    bn(`${name}.bn`, cout, affine);
  };

  const stemChannels = cfg.stemMultiplier * C;
  conv('stem.conv', 3, 3, stemChannels);
  bn('stem.bn', stemChannels, true);

  const reductions = new Set(reductionCells(layers));
  const auxAt = Math.floor((2 * layers) / 3);
  const types: CellType[] = Array.from({ length: layers }, (_, i) => (reductions.has(i) ? 'reduce' : 'normal'));
  const states = { normal: liveStates('normal', g), reduce: liveStates('reduce', g) };
  // cell i is live when a later live cell reads it (as s1 of cell i+1 or s0 of cell i+2), or it is last
  const cellLive = new Array<boolean>(layers).fill(false);
  for (let i = layers - 1; i >= 0; i--) {
    cellLive[i] =
      i === layers - 1 ||
      (cellLive[i + 1]! && states[types[i + 1]!][1]!) ||
      (i + 2 < layers && cellLive[i + 2]! && states[types[i + 2]!][0]!);
  }

  const cells: CellPlan[] = [];
  let cPrevPrev = stemChannels;
  let cPrev = stemChannels;
  let cCurr = C;
  let reductionPrev = false;
  let auxChannels = 0;
  for (let i = 0; i < layers; i++) {
    const type = types[i]!;
    const reduction = type === 'reduce';
    if (reduction) cCurr *= 2;
    const name = `cells.${i}`;
    const live = cellLive[i]!;
    const ls = states[type];
    const pre0: PreprocessPlan = {
      kind: reductionPrev ? 'factorized-reduce' : 'relu-conv-bn',
      name: `${name}.preprocess0`,
      cin: cPrevPrev,
      cout: cCurr,
      live: live && ls[0]!,
    };
    const pre1: PreprocessPlan = { kind: 'relu-conv-bn', name: `${name}.preprocess1`, cin: cPrev, cout: cCurr, live: live && ls[1]! };
    for (const p of [pre0, pre1]) {
      if (p.kind === 'factorized-reduce') factorizedReduce(p.name, p.cin, p.cout, true);
      else {
        conv(`${p.name}.conv`, 1, p.cin, p.cout);
        bn(`${p.name}.bn`, p.cout, true);
      }
    }
    const { edges: genoEdges, concat } = cellOf(g, type);
    const edges: EdgePlan[] = genoEdges.map((e, j) => {
      const stride: 1 | 2 = reduction && e.input < 2 ? 2 : 1;
      const en = `${name}.ops.${j}`;
      const geo = convOpGeometry(e.op);
      if (geo?.kind === 'sep') {
        conv(`${en}.dw1`, geo.k, 1, cCurr);
        conv(`${en}.pw1`, 1, cCurr, cCurr);
        bn(`${en}.bn1`, cCurr, cellAffine);
        conv(`${en}.dw2`, geo.k, 1, cCurr);
        conv(`${en}.pw2`, 1, cCurr, cCurr);
        bn(`${en}.bn2`, cCurr, cellAffine);
      } else if (geo?.kind === 'dil') {
        conv(`${en}.dw`, geo.k, 1, cCurr);
        conv(`${en}.pw`, 1, cCurr, cCurr);
        bn(`${en}.bn`, cCurr, cellAffine);
      } else if (e.op === 'skip_connect' && stride === 2) {
        factorizedReduce(en, cCurr, cCurr, cellAffine);
      } else if ((e.op === 'max_pool_3x3' || e.op === 'avg_pool_3x3') && poolBn) {
        bn(`${en}.bn`, cCurr, false); // affine=False: no parameters
      }
      const node = edgeNode(j);
      return { index: j, name: en, op: e.op, input: e.input, node, stride, live: live && ls[node]! };
    });
    const outChannels = concat.length * cCurr;
    cells.push({ index: i, name, type, reduction, reductionPrev, C: cCurr, pre0, pre1, edges, concat, outChannels, live });
    reductionPrev = reduction;
    cPrevPrev = cPrev;
    cPrev = outChannels;
    if (i === auxAt) auxChannels = cPrev;
  }
  if (cfg.auxiliary) {
    conv('auxiliary.conv1', 1, auxChannels, 128);
    bn('auxiliary.bn1', 128, true);
    conv('auxiliary.conv2', 2, 128, 768);
    bn('auxiliary.bn2', 768, true);
    linear('auxiliary.classifier', 768, numClasses);
  }
  linear('classifier', cPrev, numClasses);
  return Object.freeze({ config: cfg, stemChannels, cells, auxAt, auxChannels, classifierIn: cPrev, params });
}

/** Number of parameters of NetworkCIFAR for a genotype (= `DartsNetwork.numParams`), no tensors. */
export function dartsParamCount(g: Genotype, config: DartsNetConfig): number {
  let n = 0;
  for (const p of dartsPlan(g, config).params) n += p.shape.reduce((a, b) => a * b, 1);
  return n;
}
