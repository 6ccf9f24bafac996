/**
 * Zero-Cost-PT proposal by perturbation on NAS-Bench-1Shot1 search space 2 (ZCPT
 * `nasbench1shot1/optimizers/darts/networks_proposal.py`).
 *
 * Start: architecture parameters α ~ 1e-3·N(0,1) for the ops (4 × 3), the block inputs and the
 * output; the mixing is softmax(α) row by row (≈ uniform).
 *
 * Op step: the 4 blocks are visited in a uniformly random order; for block b, one fresh batch is
 * drawn and the supernet is scored with each op removed in turn, S(A − (b,o)) (w_{b,o} = 0, the
 * row's other weights unchanged, no renormalisation), and
 *   o* = argmin_o S(A − (b,o))          (numpy nanargmin: NaN ignored, first on ties; all NaN an error)
 * is kept: row b becomes one-hot on o*. Input and output weights stay at softmax(α).
 *
 * Topology step: every node starts with all earlier nodes as parents. Nodes 2, 3, 4 are visited in
 * a uniformly random order, then the output (node 5). For node n, one fresh batch; for each parent
 * p in turn the candidate "parents of n without p" is encoded (`shot1EncodingMixing`: one-hot ops,
 * 0/1 edges of the nodes that feed the output) and scored, s_p = S(A − (p→n)); node n keeps the
 * P(n) parents with the **lowest** s_p (removing them lowers the score most: the released code
 * takes `heapq.nlargest` of −s_p, first on ties; NaN ranks last here). P = 1, 2, 2, 3 for nodes 2..5.
 *
 * `topologyWeights` says how an encoding enters the supernet in the topology step:
 *  - 'softmax' (default, the reference): the released code installs the 0/1 encoding as α and the
 *    forward pass applies softmax to it, so a kept op weighs e/(e+2) ≈ 0.58 against 1/(e+2) for
 *    the others, and removed edges keep a weight;
 *  - 'raw': the 0/1 encoding itself (the clean reading: the candidate cell only).
 *
 * Difference from the released code: there one model object serves the whole pool and the
 * topology step leaves the last scored encoding in its α, so every proposal after the first
 * starts its op step from softmax of that encoding; here every proposal starts from its own fresh
 * α (independent draws, as on the other spaces).
 */
import type { Network } from '../../../engine/network';
import type { Rng } from '../../../engine/rng';
import { SHOT1_BLOCKS, SHOT1_OPS, SHOT1_OUTPUT, SHOT1_SPACE2_PARENTS, formatShot1, shot1Cell, type Shot1Cell } from '../../../spaces/nb101/shot1';
import type { Nb101Op } from '../../../spaces/nb101/spec';
import { removalStep } from '../perturb';
import { withFreshBatch, type ZcptBatch, type ZcptScorer } from '../scorers';
import { ALPHA_SCALE, softmaxRows } from '../supernet';
import { shot1EncodingMixing, SHOT1_NUM_OPS, type Shot1Mixing } from './supernet';

export const SHOT1_TOPOLOGY_WEIGHTS = ['softmax', 'raw'] as const;
export type Shot1TopologyWeights = (typeof SHOT1_TOPOLOGY_WEIGHTS)[number];

/** The scores of one block's op step. */
export interface Shot1OpStep {
  /** Position in the visiting order (0..3). */
  readonly step: number;
  /** Block node (1..4). */
  readonly node: number;
  /** S(A − (b,o)) in `SHOT1_OPS` order. */
  readonly scores: readonly number[];
  readonly chosen: Nb101Op;
}

/** The scores of one node's topology step. */
export interface Shot1NodeStep {
  readonly step: number;
  /** Node 2..5 (5 = output). */
  readonly node: number;
  /** The parents before the step, and S with each of them removed (same order). */
  readonly candidates: readonly number[];
  readonly scores: readonly number[];
  /** The kept parents (sorted). */
  readonly kept: readonly number[];
}

export interface Shot1Proposal {
  readonly cell: Shot1Cell;
  readonly cellString: string;
  readonly opSteps: readonly Shot1OpStep[];
  readonly nodeSteps: readonly Shot1NodeStep[];
  readonly seconds: number;
}

export interface Shot1ProposalOptions {
  readonly view: (m: Shot1Mixing) => Network;
  readonly scorer: ZcptScorer;
  /** A fresh batch per step (disposed after the step). */
  readonly nextBatch: () => ZcptBatch;
  /** α draws and visiting orders. */
  readonly rng: Rng;
  /** Default 'softmax'. */
  readonly topologyWeights?: Shot1TopologyWeights;
  readonly onScore?: () => void;
}

/** Supernet scorings of one proposal: 4·3 op removals + (2 + 3 + 4 + 5) parent removals. */
export const SHOT1_SCORINGS_PER_PROPOSAL = SHOT1_BLOCKS * SHOT1_NUM_OPS + [2, 3, 4, 5].reduce((a, n) => a + n, 0);

const softmaxRow = (r: readonly number[]): number[] => softmaxRows([r])[0]!;

/** Indices of the k lowest values (NaN last, first index on ties), sorted ascending by index. */
export function keepLowest(scores: readonly number[], k: number): number[] {
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : v);
  return scores
    .map((_, i) => i)
    .sort((a, b) => key(scores[a]!) - key(scores[b]!) || a - b)
    .slice(0, k);
}

/** The mixing of an encoding under the topology weights. */
export function topologyMixing(ops: readonly Nb101Op[], parents: readonly (readonly number[])[], mode: Shot1TopologyWeights): Shot1Mixing {
  const raw = shot1EncodingMixing(ops, parents);
  if (mode === 'raw') return raw;
  return { ops: raw.ops.map(softmaxRow), inputs: raw.inputs.map(softmaxRow), output: softmaxRow(raw.output) };
}

/** One proposal (see the module comment). */
export function runShot1Proposal(opts: Shot1ProposalOptions): Shot1Proposal {
  const t0 = performance.now();
  const mode = opts.topologyWeights ?? 'softmax';
  if (!SHOT1_TOPOLOGY_WEIGHTS.includes(mode)) throw new Error(`zc-pt nb101-1shot1: topologyWeights must be ${SHOT1_TOPOLOGY_WEIGHTS.join(' or ')}, got '${String(mode)}'`);
  const { rng } = opts;
  const alpha = (n: number): number[] => Array.from({ length: n }, () => ALPHA_SCALE * rng.normal());
  const ops = Array.from({ length: SHOT1_BLOCKS }, () => softmaxRow(alpha(SHOT1_NUM_OPS)));
  const output = softmaxRow(alpha(SHOT1_OUTPUT));
  const inputs = [2, 3, 4].map((n) => softmaxRow(alpha(n)));
  const score = (m: Shot1Mixing, batch: ZcptBatch): number => {
    const s = opts.scorer.score({ net: opts.view(m) }, batch);
    opts.onScore?.();
    return s;
  };

  // op step
  const chosenOps: Nb101Op[] = new Array<Nb101Op>(SHOT1_BLOCKS).fill(SHOT1_OPS[0]!);
  const opSteps: Shot1OpStep[] = [];
  rng.sampleWithoutReplacement(SHOT1_BLOCKS, SHOT1_BLOCKS).forEach((b, step) => {
    const { scores, kept: chosen } = withFreshBatch(opts.nextBatch, (batch) =>
      removalStep(SHOT1_NUM_OPS, (o) => score({ ops: ops.map((r, i) => (i === b ? r.map((v, j) => (j === o ? 0 : v)) : r)), inputs, output }, batch), `on block ${b + 1}`),
    );
    ops[b] = ops[b]!.map((_, j) => (j === chosen ? 1 : 0));
    chosenOps[b] = SHOT1_OPS[chosen]!;
    opSteps.push({ step, node: b + 1, scores, chosen: SHOT1_OPS[chosen]! });
  });

  // topology step
  const parents: number[][] = Array.from({ length: SHOT1_OUTPUT + 1 }, (_, n) => Array.from({ length: n }, (_, p) => p));
  const nodeSteps: Shot1NodeStep[] = [];
  const nodes = [...rng.sampleWithoutReplacement(3, 3).map((i) => i + 2), SHOT1_OUTPUT];
  nodes.forEach((n, step) => {
    const candidates = [...parents[n]!];
    const scores = withFreshBatch(opts.nextBatch, (batch) =>
      candidates.map((p) => score(topologyMixing(chosenOps, parents.map((ps, j) => (j === n ? ps.filter((q) => q !== p) : ps)), mode), batch)),
    );
    const kept = keepLowest(scores, SHOT1_SPACE2_PARENTS[n]!).map((i) => candidates[i]!).sort((a, b) => a - b);
    parents[n] = kept;
    nodeSteps.push({ step, node: n, candidates, scores, kept });
  });
  const cell = shot1Cell(chosenOps, parents);
  return { cell, cellString: formatShot1(cell), opSteps, nodeSteps, seconds: (performance.now() - t0) / 1000 };
}
