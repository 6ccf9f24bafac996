/**
 * Zero-Cost-PT proposal by perturbation on the DARTS space (docs/papers.md §5.4; ZCPT
 * `sota/cnn/init_projection.py`: `pt_project`, `project_op`, `project_edge`).
 *
 * One proposal: fresh α for both cells, every edge undecided.
 *  1. Op selection, 14 steps. Each step draws one fresh batch, shared by both cells; for the
 *     normal cell, then the reduction cell (with the normal decision already applied): pick a
 *     uniformly random undecided edge e, score the supernet with each op o of e removed,
 *     S(A − (e,o)) (w_{e,o} = 0, no renormalisation), and make e one-hot on
 *       o* = argmin_o S(A − (e,o))        (numpy nanargmin: NaN ignored, first on ties).
 *  2. Topology, 3 steps (one per node with more than 2 inputs: 3, 4, 5). Each step draws a fresh
 *     batch; for the normal then the reduction cell: pick a uniformly random undecided node, then,
 *     while it has more than 2 incoming edges, score the supernet with each remaining incoming
 *     edge zeroed and delete the edge whose removal gives the **highest** score.
 * Mixing weights: one-hot on decided edges, softmax(α) on undecided ones, 0 on deleted edges.
 *
 * `topology` (how deletions within a node combine):
 *  - 'reference' (default): as ZCPT `project_edge`, whose rounds zero one candidate edge on top
 *    of the projected weights *without* the node's earlier deletions (they are applied only when
 *    the node is done); every round therefore repeats the first round's scorings (same batch,
 *    same weights, deterministic forward), so the first round's scores are reused and the node
 *    keeps the 2 edges with the lowest removal scores. Ties: the reference's `not (crit <
 *    extremum)` deletes the *last* of equal maxima; NaN never wins unless all scores are NaN.
 *  - 'cumulative': each round zeroes the edges already deleted at this node as well, and scores
 *    the remaining ones again (the literal reading of "repeatedly zero an edge, delete the
 *    highest"): 3 + 7 + 12 scorings per cell instead of 3 + 4 + 5.
 *
 * The genotype lists, per node 2..5, its 2 kept edges in ascending input order with their ops
 * (ZCPT `genotype()` sorts one-hot rows stably), concat [2, 3, 4, 5].
 */
import type { Network } from '../../../engine/network';
import type { Rng } from '../../../engine/rng';
import { DARTS_DEFAULT_CONCAT, dartsGenotype, formatGenotype, type CellType, type Genotype } from '../../../spaces/darts/genotype';
import { removalStep } from '../perturb';
import { withFreshBatch, type ZcptBatch, type ZcptScorer } from '../scorers';
import { softmaxRows } from '../supernet';
import {
  CELL_TYPES,
  DARTS_NUM_SUPERNET_EDGES,
  DARTS_SUPERNET_EDGES,
  nodeEdges,
  randomDartsAlpha,
  ZCPT_DARTS_NUM_OPS,
  ZCPT_DARTS_OPS,
  type DartsMixing,
  type ZcptDartsOp,
} from './supernet';

/** Nodes with more than 2 incoming edges, decided by the topology steps. */
export const TOPOLOGY_NODES: readonly number[] = Object.freeze([3, 4, 5]);

export const TOPOLOGY_MODES = ['reference', 'cumulative'] as const;
export type TopologyMode = (typeof TOPOLOGY_MODES)[number];

export function isTopologyMode(x: unknown): x is TopologyMode {
  return typeof x === 'string' && (TOPOLOGY_MODES as readonly string[]).includes(x);
}

/** Per-cell α (`{normal, reduce}`, each 14 × 7). */
export interface DartsAlpha {
  readonly normal: readonly (readonly number[])[];
  readonly reduce: readonly (readonly number[])[];
}

/** What to perturb: one op of an edge, or a whole edge. */
export type DartsRemoval = { readonly cell: CellType; readonly edge: number; readonly op: number } | { readonly cell: CellType; readonly edge: number; readonly op?: undefined };

/**
 * Architecture state of one proposal: α, decided ops, deleted edges. `mixing()` gives the
 * supernet's weights, `mixing(removal)` the same with one op or one edge removed.
 */
export class DartsPerturbState {
  private readonly alpha: Record<CellType, number[][]>;
  private readonly decided: Record<CellType, (number | undefined)[]>;
  private readonly deleted: Record<CellType, boolean[]>;
  private readonly nodeDone: Record<CellType, Set<number>>;

  constructor(alpha: DartsAlpha) {
    const check = (cell: CellType): number[][] => {
      const a = alpha?.[cell];
      if (!Array.isArray(a) || a.length !== DARTS_NUM_SUPERNET_EDGES || a.some((r) => !Array.isArray(r) || r.length !== ZCPT_DARTS_NUM_OPS || r.some((v) => !Number.isFinite(v)))) {
        throw new Error(`DARTS α of the ${cell} cell must be ${DARTS_NUM_SUPERNET_EDGES}×${ZCPT_DARTS_NUM_OPS} finite numbers, got ${JSON.stringify(a)}`);
      }
      return a.map((r) => [...r]);
    };
    this.alpha = { normal: check('normal'), reduce: check('reduce') };
    const fill = <T>(v: T): Record<CellType, T[]> => ({ normal: new Array<T>(DARTS_NUM_SUPERNET_EDGES).fill(v), reduce: new Array<T>(DARTS_NUM_SUPERNET_EDGES).fill(v) });
    this.decided = fill<number | undefined>(undefined);
    this.deleted = fill(false);
    this.nodeDone = { normal: new Set(), reduce: new Set() };
  }

  /** Undecided edges of a cell, ascending. */
  undecidedEdges(cell: CellType): number[] {
    return this.decided[cell].flatMap((d, e) => (d === undefined ? [e] : []));
  }

  /** Op index decided on an edge (undefined while undecided). */
  decidedOp(cell: CellType, edge: number): number | undefined {
    return this.decided[cell][edge];
  }

  /** Make an edge one-hot on `op`. @throws if decided already. */
  decide(cell: CellType, edge: number, op: number): void {
    if (!(Number.isInteger(edge) && edge >= 0 && edge < DARTS_NUM_SUPERNET_EDGES)) throw new Error(`${cell} edge must be an integer in 0..${DARTS_NUM_SUPERNET_EDGES - 1}, got ${edge}`);
    if (!(Number.isInteger(op) && op >= 0 && op < ZCPT_DARTS_NUM_OPS)) throw new Error(`op must be an integer in 0..${ZCPT_DARTS_NUM_OPS - 1}, got ${op}`);
    if (this.decided[cell][edge] !== undefined) throw new Error(`${cell} edge ${edge} is already decided`);
    this.decided[cell][edge] = op;
  }

  /** Nodes of a cell whose inputs are still to be chosen (of `TOPOLOGY_NODES`). */
  undecidedNodes(cell: CellType): number[] {
    return TOPOLOGY_NODES.filter((n) => !this.nodeDone[cell].has(n));
  }

  /** Incoming edges of a node that are not deleted. */
  liveEdges(cell: CellType, node: number): number[] {
    return nodeEdges(node).filter((e) => !this.deleted[cell][e]);
  }

  /** Keep exactly `keep` (2 edges) of a node's inputs. @throws for a decided node or wrong edges. */
  keepEdges(cell: CellType, node: number, keep: readonly number[]): void {
    if (!TOPOLOGY_NODES.includes(node)) throw new Error(`node ${node} has no topology step (nodes ${TOPOLOGY_NODES.join(', ')})`);
    if (this.nodeDone[cell].has(node)) throw new Error(`${cell} node ${node} is already decided`);
    const edges = nodeEdges(node);
    if (keep.length !== 2 || new Set(keep).size !== 2 || keep.some((e) => !edges.includes(e))) {
      throw new Error(`${cell} node ${node} must keep 2 distinct edges of ${edges.join(', ')}, got ${JSON.stringify(keep)}`);
    }
    for (const e of edges) if (!keep.includes(e)) this.deleted[cell][e] = true;
    this.nodeDone[cell].add(node);
  }

  /** Mixing weights with, optionally, extra edges zeroed and one op or edge removed. */
  mixing(removal?: DartsRemoval, alsoZeroed: readonly number[] = []): DartsMixing {
    const cellMixing = (cell: CellType): number[][] => {
      const soft = softmaxRows(this.alpha[cell]);
      return soft.map((row, e) => {
        const d = this.decided[cell][e];
        const zeroEdge = this.deleted[cell][e] || (removal?.cell === cell && removal.edge === e && removal.op === undefined) || (removal?.cell === cell && alsoZeroed.includes(e));
        if (zeroEdge) return row.map(() => 0);
        const w = d !== undefined ? row.map((_, o) => (o === d ? 1 : 0)) : [...row];
        if (removal?.cell === cell && removal.edge === e && removal.op !== undefined) w[removal.op] = 0;
        return w;
      });
    };
    return { normal: cellMixing('normal'), reduce: cellMixing('reduce') };
  }

  /** The genotype once every edge and node is decided. @throws otherwise. */
  genotype(): Genotype {
    const cell = (type: CellType): [ZcptDartsOp, number][] => {
      const und = this.undecidedEdges(type);
      if (und.length > 0) throw new Error(`${type} edges ${und.join(', ')} are still undecided`);
      const nodes = this.undecidedNodes(type);
      if (nodes.length > 0) throw new Error(`${type} nodes ${nodes.join(', ')} still have more than 2 inputs`);
      return DARTS_SUPERNET_EDGES.flatMap((edge, e) => (this.deleted[type][e] ? [] : [[ZCPT_DARTS_OPS[this.decided[type][e]!]!, edge.input] as [ZcptDartsOp, number]]));
    };
    return dartsGenotype({ normal: cell('normal'), normalConcat: DARTS_DEFAULT_CONCAT, reduce: cell('reduce'), reduceConcat: DARTS_DEFAULT_CONCAT });
  }
}

/** Score of the supernet with one op of an edge removed. */
export interface OpRemovalScore {
  readonly op: ZcptDartsOp;
  readonly score: number;
}

/** One op decision: the edge, its node and input, the op kept, every removal score. */
export interface DartsOpDecision {
  readonly cell: CellType;
  readonly edge: number;
  readonly node: number;
  readonly input: number;
  readonly op: ZcptDartsOp;
  /** In `ZCPT_DARTS_OPS` order. */
  readonly removals: readonly OpRemovalScore[];
}

/** One op-selection step (one batch, both cells). */
export interface DartsOpStep {
  readonly normal: DartsOpDecision;
  readonly reduce: DartsOpDecision;
  readonly scorings: number;
  readonly seconds: number;
}

/** Score of the supernet with one incoming edge of a node zeroed. */
export interface EdgeRemovalScore {
  readonly edge: number;
  readonly input: number;
  readonly score: number;
}

/** One deletion round at a node. */
export interface EdgeRemovalRound {
  /** Removal score of every candidate edge this round. */
  readonly scores: readonly EdgeRemovalScore[];
  /** The edge deleted (highest score). */
  readonly deleted: number;
  /** 'reference' rounds after the first reuse the first round's scores (no new scoring). */
  readonly reused: boolean;
}

/** One node decision: its deletion rounds and the 2 edges kept. */
export interface DartsNodeDecision {
  readonly cell: CellType;
  readonly node: number;
  readonly rounds: readonly EdgeRemovalRound[];
  /** Kept edges, ascending, and their inputs. */
  readonly kept: readonly [number, number];
  readonly inputs: readonly [number, number];
}

/** One topology step (one batch, both cells). */
export interface DartsTopologyStep {
  readonly normal: DartsNodeDecision;
  readonly reduce: DartsNodeDecision;
  readonly scorings: number;
  readonly seconds: number;
}

export interface DartsProposal {
  readonly genotype: Genotype;
  /** `formatGenotype` of the genotype. */
  readonly genotypeString: string;
  readonly opSteps: readonly DartsOpStep[];
  readonly topologySteps: readonly DartsTopologyStep[];
  readonly scorings: number;
  readonly seconds: number;
}

/** What was scored, for progress reports. */
export type DartsScoreEvent =
  | { readonly kind: 'op'; readonly cell: CellType; readonly edge: number; readonly op: ZcptDartsOp; readonly score: number }
  | { readonly kind: 'edge'; readonly cell: CellType; readonly node: number; readonly edge: number; readonly score: number };

export interface DartsProposalOptions {
  /** The supernet as a network under given mixing weights (e.g. `supernet.withMixing`). */
  readonly view: (w: DartsMixing) => Network;
  readonly scorer: ZcptScorer;
  /** A fresh batch per call; the loop disposes its tensors after use. */
  readonly nextBatch: () => ZcptBatch;
  /** Draws α (unless given) and the edges and nodes. */
  readonly rng: Rng;
  readonly alpha?: DartsAlpha;
  /** Default 'reference'. */
  readonly topology?: TopologyMode;
  /** Called after each supernet scoring. */
  readonly onScore?: (e: DartsScoreEvent) => void;
}

/** Supernet scorings of one proposal: 14 steps × 2 cells × 7 ops, plus the topology steps. */
export function dartsScoringsPerProposal(topology: TopologyMode = 'reference'): number {
  const perCell = TOPOLOGY_NODES.reduce((a, n) => a + (topology === 'reference' ? n : (n * (n + 1)) / 2 - 3), 0);
  return DARTS_NUM_SUPERNET_EDGES * 2 * ZCPT_DARTS_NUM_OPS + 2 * perCell;
}

/** Position of the largest non-NaN value, the last one on ties (ZCPT `project_edge`); all NaN → the last. */
export function lastNanArgmax(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (best < 0 || v >= values[best]!) best = i;
  }
  return best < 0 ? values.length - 1 : best;
}

function withBatch<T>(opts: DartsProposalOptions, f: (b: ZcptBatch) => T): T {
  return withFreshBatch(opts.nextBatch, f);
}

function scoreMixing(opts: DartsProposalOptions, w: DartsMixing, batch: ZcptBatch): number {
  return opts.scorer.score({ net: opts.view(w) }, batch);
}

function decideOp(state: DartsPerturbState, cell: CellType, opts: DartsProposalOptions, batch: ZcptBatch): DartsOpDecision {
  const und = state.undecidedEdges(cell);
  const edge = und[opts.rng.int(und.length)]!;
  const { scores, kept: k } = removalStep(ZCPT_DARTS_OPS.length, (o) => {
    const score = scoreMixing(opts, state.mixing({ cell, edge, op: o }), batch);
    opts.onScore?.({ kind: 'op', cell, edge, op: ZCPT_DARTS_OPS[o]!, score });
    return score;
  }, `on ${cell} edge ${edge}`);
  const removals = ZCPT_DARTS_OPS.map((op, o) => ({ op, score: scores[o]! }));
  state.decide(cell, edge, k);
  const { node, input } = DARTS_SUPERNET_EDGES[edge]!;
  return { cell, edge, node, input, op: ZCPT_DARTS_OPS[k]!, removals };
}

function decideNode(state: DartsPerturbState, cell: CellType, opts: DartsProposalOptions, batch: ZcptBatch, topology: TopologyMode): { decision: DartsNodeDecision; scorings: number } {
  const nodes = state.undecidedNodes(cell);
  const node = nodes[opts.rng.int(nodes.length)]!;
  let candidates = state.liveEdges(cell, node);
  const deletedHere: number[] = [];
  const rounds: EdgeRemovalRound[] = [];
  let first: Map<number, number> | undefined;
  let scorings = 0;
  while (candidates.length > 2) {
    const reused = topology === 'reference' && first !== undefined;
    const scores = candidates.map((edge) => {
      let score: number;
      if (reused) score = first!.get(edge)!;
      else {
        score = scoreMixing(opts, state.mixing({ cell, edge }, topology === 'cumulative' ? deletedHere : []), batch);
        scorings++;
        opts.onScore?.({ kind: 'edge', cell, node, edge, score });
      }
      return { edge, input: DARTS_SUPERNET_EDGES[edge]!.input, score };
    });
    if (!first) first = new Map(scores.map((s) => [s.edge, s.score]));
    const deleted = scores[lastNanArgmax(scores.map((s) => s.score))]!.edge;
    rounds.push({ scores, deleted, reused });
    deletedHere.push(deleted);
    candidates = candidates.filter((e) => e !== deleted);
  }
  state.keepEdges(cell, node, candidates);
  const kept: [number, number] = [candidates[0]!, candidates[1]!];
  return {
    decision: { cell, node, rounds, kept, inputs: [DARTS_SUPERNET_EDGES[kept[0]]!.input, DARTS_SUPERNET_EDGES[kept[1]]!.input] },
    scorings,
  };
}

/** One Zero-Cost-PT proposal on the DARTS space (see the module comment). */
export function runDartsProposal(opts: DartsProposalOptions): DartsProposal {
  const topology = opts.topology ?? 'reference';
  if (!isTopologyMode(topology)) throw new Error(`unknown topology mode '${String(topology)}' (expected ${TOPOLOGY_MODES.join(' or ')})`);
  const t0 = performance.now();
  const state = new DartsPerturbState(opts.alpha ?? randomDartsAlpha(opts.rng));
  const opSteps: DartsOpStep[] = [];
  for (let k = 0; k < DARTS_NUM_SUPERNET_EDGES; k++) {
    const s0 = performance.now();
    const [normal, reduce] = withBatch(opts, (b) => CELL_TYPES.map((cell) => decideOp(state, cell, opts, b)));
    opSteps.push({ normal: normal!, reduce: reduce!, scorings: 2 * ZCPT_DARTS_NUM_OPS, seconds: (performance.now() - s0) / 1000 });
  }
  const topologySteps: DartsTopologyStep[] = [];
  for (let k = 0; k < TOPOLOGY_NODES.length; k++) {
    const s0 = performance.now();
    const [normal, reduce] = withBatch(opts, (b) => CELL_TYPES.map((cell) => decideNode(state, cell, opts, b, topology)));
    topologySteps.push({ normal: normal!.decision, reduce: reduce!.decision, scorings: normal!.scorings + reduce!.scorings, seconds: (performance.now() - s0) / 1000 });
  }
  const genotype = state.genotype();
  const scorings = [...opSteps, ...topologySteps].reduce((a, s) => a + s.scorings, 0);
  return { genotype, genotypeString: formatGenotype(genotype), opSteps, topologySteps, scorings, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Op-removal scores of a proposal as a 14 × 7 matrix (edge × op, `ZCPT_DARTS_OPS` order) for a
 * heatmap: row e holds the scores that decided edge e of `cell`.
 */
export function dartsRemovalMatrix(p: DartsProposal, cell: CellType): number[][] {
  const m = Array.from({ length: DARTS_NUM_SUPERNET_EDGES }, () => new Array<number>(ZCPT_DARTS_NUM_OPS).fill(NaN));
  for (const s of p.opSteps) {
    const d = s[cell];
    d.removals.forEach((r, o) => (m[d.edge]![o] = r.score));
  }
  return m;
}

/** First-round edge-removal scores of a proposal per edge (NaN for node 2's edges, never scored). */
export function dartsEdgeRemovalScores(p: DartsProposal, cell: CellType): number[] {
  const v = new Array<number>(DARTS_NUM_SUPERNET_EDGES).fill(NaN);
  for (const s of p.topologySteps) for (const r of s[cell].rounds[0]?.scores ?? []) v[r.edge] = r.score;
  return v;
}
