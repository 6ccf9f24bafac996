/**
 * Zero-Cost-PT operation scoring by perturbation (docs/papers.md §5.2; ZCPT
 * `nasbench201/init_projection.py`: `pt_project`, `global_op_greedy_pt_project`,
 * `global_edge_greedy_pt_project`).
 *
 * One proposal: fresh α, every edge undecided. While an edge is undecided: choose an edge by the
 * edge order, draw a fresh batch, and for each op o still present on it score the supernet with o
 * removed, S(A − (e,o)) (the edge's weight for o set to 0, no renormalisation); keep
 *   o* = argmin_o S(A − (e,o))          (NaN ignored, as numpy's nanargmin)
 * i.e. the op whose removal hurts the score most, and make e one-hot on o*. Mixing weights:
 * one-hot on decided edges, softmax(α) times the op mask on undecided ones.
 *
 * Edge orders (ZCPT `--edge_decision`):
 *  - 'random' (default): a uniformly random undecided edge per step;
 *  - 'fixed' (ZCPT `order`): lowest undecided edge first (input → output of the cell);
 *  - 'reverse': highest undecided edge first;
 *  - 'global-op-greedy' (paper: global-op-iter): each step scores every (undecided edge, op)
 *    removal on one batch and fixes the edge of the lowest score to that op;
 *  - 'global-edge-greedy' (global-edge-iter): each step scores every removal on one batch, picks
 *    the edge with the lowest mean removal score, then decides that edge as above on a new batch.
 */
import type { Network } from '../../engine/network';
import type { Rng } from '../../engine/rng';
import { NB201_NUM_EDGES, NB201_OPS, nb201Arch, type Nb201Arch, type Nb201Op } from '../../spaces/nb201/arch';
import { NB201_NUM_OPS, randomAlpha, softmaxRows, type Mixing } from './supernet';
import { withFreshBatch, type ZcptBatch, type ZcptScorer } from './scorers';

export const EDGE_ORDERS = ['random', 'fixed', 'reverse', 'global-op-greedy', 'global-edge-greedy'] as const;
export type EdgeOrder = (typeof EDGE_ORDERS)[number];

export function isEdgeOrder(x: unknown): x is EdgeOrder {
  return typeof x === 'string' && (EDGE_ORDERS as readonly string[]).includes(x);
}

/**
 * Architecture state of one proposal: α, the op masks of undecided edges and the decided ops.
 * `mixing()` gives the supernet's weights; `mixing({edge, op})` the same with one more op removed.
 */
export class PerturbState {
  private readonly alpha: number[][];
  private readonly present: boolean[][];
  private readonly decided: (number | undefined)[];

  constructor(alpha: readonly (readonly number[])[]) {
    if (alpha.length !== NB201_NUM_EDGES || alpha.some((r) => r.length !== NB201_NUM_OPS)) {
      throw new Error(`α must be ${NB201_NUM_EDGES}×${NB201_NUM_OPS}, got ${JSON.stringify(alpha)}`);
    }
    this.alpha = alpha.map((r) => [...r]);
    this.present = alpha.map((r) => r.map(() => true));
    this.decided = new Array<number | undefined>(NB201_NUM_EDGES).fill(undefined);
  }

  /** Undecided edges, ascending. */
  undecided(): number[] {
    return this.decided.flatMap((d, e) => (d === undefined ? [e] : []));
  }

  isDecided(edge: number): boolean {
    return this.decided[this.checkEdge(edge)] !== undefined;
  }

  /** Ops still present on an undecided edge (op indices, ascending). */
  presentOps(edge: number): number[] {
    this.checkEdge(edge);
    return this.present[edge]!.flatMap((p, o) => (p ? [o] : []));
  }

  /** Mask an op out of an undecided edge for good. @throws if it is the edge's last op. */
  removeOp(edge: number, op: number): void {
    if (this.isDecided(edge)) throw new Error(`edge ${edge} is already decided`);
    if (this.presentOps(edge).length === 1 && this.present[edge]![op]) throw new Error(`cannot remove the last op of edge ${edge}`);
    this.present[edge]![op] = false;
  }

  /** Make an edge one-hot on `op`. @throws if decided already or `op` was removed. */
  decide(edge: number, op: number): void {
    if (this.isDecided(edge)) throw new Error(`edge ${edge} is already decided`);
    if (!this.present[edge]![op]) throw new Error(`op ${NB201_OPS[op]} was removed from edge ${edge}`);
    this.decided[edge] = op;
  }

  /** Mixing weights, optionally with op `removed.op` of edge `removed.edge` set to 0. */
  mixing(removed?: { readonly edge: number; readonly op: number }): number[][] {
    const soft = softmaxRows(this.alpha);
    return soft.map((row, e) => {
      const d = this.decided[e];
      const w = d !== undefined ? row.map((_, o) => (o === d ? 1 : 0)) : row.map((v, o) => (this.present[e]![o] ? v : 0));
      if (removed && removed.edge === e) w[removed.op] = 0;
      return w;
    });
  }

  /** The architecture once every edge is decided. @throws otherwise. */
  arch(): Nb201Arch {
    const und = this.undecided();
    if (und.length > 0) throw new Error(`edges ${und.join(', ')} are still undecided`);
    return nb201Arch(this.decided.map((o) => NB201_OPS[o!]!));
  }

  private checkEdge(edge: number): number {
    if (!(Number.isInteger(edge) && edge >= 0 && edge < NB201_NUM_EDGES)) throw new Error(`edge must be an integer in 0..${NB201_NUM_EDGES - 1}, got ${edge}`);
    return edge;
  }
}

/** Score of the supernet with one op removed. */
export interface RemovalScore {
  readonly edge: number;
  readonly op: Nb201Op;
  readonly score: number;
}

/** One decision: the edge fixed, the op kept, and every removal scored on the way. */
export interface PerturbStep {
  readonly edge: number;
  readonly op: Nb201Op;
  /** Removal scores that decided the op (the chosen edge's ops). */
  readonly removals: readonly RemovalScore[];
  /** global-op-greedy / global-edge-greedy: every removal scored to choose the edge. */
  readonly edgeSelection?: readonly RemovalScore[];
  /** Supernet scorings in this step. */
  readonly scorings: number;
  readonly seconds: number;
}

export interface Proposal {
  readonly arch: Nb201Arch;
  readonly steps: readonly PerturbStep[];
  /** Edges in decision order. */
  readonly edgeOrder: readonly number[];
  readonly seconds: number;
}

export interface ProposalOptions {
  /** The supernet as a network under given mixing weights (e.g. `supernet.withMixing`). */
  readonly view: (w: Mixing) => Network;
  readonly scorer: ZcptScorer;
  /** A fresh batch per call; the loop disposes its tensors after use. */
  readonly nextBatch: () => ZcptBatch;
  readonly order?: EdgeOrder;
  /** Draws α and, for 'random', the edges. */
  readonly rng: Rng;
  /** α of the proposal (default ALPHA_SCALE·N(0,1) from `rng`). */
  readonly alpha?: readonly (readonly number[])[];
  /** Called after each supernet scoring. */
  readonly onScore?: (r: RemovalScore) => void;
}

/** Position of the smallest non-NaN value (first on ties); −1 when all are NaN (numpy nanargmin). */
export function nanArgmin(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (best < 0 || v < values[best]!) best = i;
  }
  return best;
}

/**
 * The op-selection step every space shares (ZCPT `pt_project` and its per-space variants): score
 * the supernet with each of `count` candidate ops removed in turn, S(A − o) (the caller scores
 * all of them on one batch), and keep
 *   o* = argmin_o S(A − o)          (NaN ignored, first on ties: numpy's nanargmin)
 * the op whose removal hurts the score most. As numpy's nanargmin, scores that are all NaN are an
 * error (`where` names the decision), not a silent choice.
 */
export function removalStep(count: number, scoreWithout: (op: number) => number, where: string): { readonly scores: number[]; readonly kept: number } {
  const scores = Array.from({ length: count }, (_, o) => scoreWithout(o));
  const kept = nanArgmin(scores);
  if (kept < 0) throw new Error(`Zero-Cost-PT: every removal score is NaN ${where}`);
  return { scores, kept };
}

/** Scores of removing each present op of the given edges, all on one batch. */
function scoreRemovals(state: PerturbState, edges: readonly number[], opts: ProposalOptions, batch: ZcptBatch): RemovalScore[] {
  const out: RemovalScore[] = [];
  for (const edge of edges) {
    for (const op of state.presentOps(edge)) {
      const mixing = state.mixing({ edge, op });
      const score = opts.scorer.score({ net: opts.view(mixing), mixing }, batch);
      const r: RemovalScore = { edge, op: NB201_OPS[op]!, score };
      opts.onScore?.(r);
      out.push(r);
    }
  }
  return out;
}

function withBatch<T>(opts: ProposalOptions, f: (b: ZcptBatch) => T): T {
  return withFreshBatch(opts.nextBatch, f);
}

function argminRemoval(rs: readonly RemovalScore[], what: string): RemovalScore {
  const k = nanArgmin(rs.map((r) => r.score));
  if (k < 0) throw new Error(`Zero-Cost-PT: every removal score is NaN ${what}`);
  return rs[k]!;
}

/**
 * The decisions of one Zero-Cost-PT proposal, one at a time (NB201: 6), then the architecture as
 * the generator's return value. A caller may stop after the first few decisions (to re-check a
 * stored proposal cheaply): each decision depends only on the ones before it. `runProposal` runs
 * it to the end.
 */
export function* proposalSteps(opts: ProposalOptions): Generator<PerturbStep, Nb201Arch, void> {
  const order = opts.order ?? 'random';
  if (!isEdgeOrder(order)) throw new Error(`unknown edge order '${String(order)}' (expected one of ${EDGE_ORDERS.join(', ')})`);
  const state = new PerturbState(opts.alpha ?? randomAlpha(opts.rng));
  while (state.undecided().length > 0) {
    const s0 = performance.now();
    const und = state.undecided();
    let edge: number;
    let edgeSelection: RemovalScore[] | undefined;
    let removals: RemovalScore[];
    let kept: RemovalScore;
    if (order === 'global-op-greedy') {
      edgeSelection = withBatch(opts, (b) => scoreRemovals(state, und, opts, b));
      kept = argminRemoval(edgeSelection, 'over the undecided edges');
      edge = kept.edge;
      removals = edgeSelection.filter((r) => r.edge === edge);
    } else {
      if (order === 'global-edge-greedy') {
        edgeSelection = withBatch(opts, (b) => scoreRemovals(state, und, opts, b));
        const means = und.map((e) => {
          const v = edgeSelection!.filter((r) => r.edge === e).map((r) => r.score);
          return v.reduce((a, x) => a + x, 0) / v.length;
        });
        const k = nanArgmin(means);
        if (k < 0) throw new Error('Zero-Cost-PT: every edge has a NaN mean removal score');
        edge = und[k]!;
      } else if (order === 'random') edge = und[opts.rng.int(und.length)]!;
      else if (order === 'fixed') edge = und[0]!;
      else edge = und[und.length - 1]!;
      removals = withBatch(opts, (b) => scoreRemovals(state, [edge], opts, b));
      kept = argminRemoval(removals, `on edge ${edge}`);
    }
    state.decide(edge, NB201_OPS.indexOf(kept.op));
    yield {
      edge,
      op: kept.op,
      removals,
      ...(edgeSelection ? { edgeSelection } : {}),
      scorings: (edgeSelection?.length ?? 0) + (order === 'global-op-greedy' ? 0 : removals.length),
      seconds: (performance.now() - s0) / 1000,
    };
  }
  return state.arch();
}

/** One Zero-Cost-PT proposal (NB201: 6 decisions): `proposalSteps` run to the end. */
export function runProposal(opts: ProposalOptions): Proposal {
  const t0 = performance.now();
  const steps: PerturbStep[] = [];
  const it = proposalSteps(opts);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { arch: r.value, steps, edgeOrder: steps.map((s) => s.edge), seconds: (performance.now() - t0) / 1000 };
    steps.push(r.value);
  }
}

/**
 * Removal scores of a proposal as a 6×5 matrix (edge × op, `NB201_OPS` order) for a heatmap:
 * row e holds the scores that decided edge e; NaN where an op was not scored.
 */
export function removalMatrix(p: Proposal): number[][] {
  const m = Array.from({ length: NB201_NUM_EDGES }, () => new Array<number>(NB201_NUM_OPS).fill(NaN));
  for (const s of p.steps) for (const r of s.removals) m[r.edge]![NB201_OPS.indexOf(r.op)] = r.score;
  return m;
}
