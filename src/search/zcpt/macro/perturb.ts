/**
 * Zero-Cost-PT proposal by perturbation on NAS-Bench-Macro (ZCPT
 * `nasbench_macro/network_proposal.py`).
 *
 * One proposal: every layer's weights start at 1/3 each. The 8 layers are visited in a uniformly
 * random order; for layer l, one fresh batch is drawn and the supernet is scored with each op o
 * removed in turn, S(A − (l,o)) (row l = 1/3 except w_{l,o} = 0, no renormalisation), and
 *   o* = argmin_o S(A − (l,o))          (numpy nanargmin: NaN ignored, first on ties; all NaN an error)
 * is kept: the op whose removal hurts the score most (`removalStep`, shared by every space).
 *
 * `decided` (how a kept op enters the later scorings):
 *  - 'reference' (default): as the released code, which only sets w_{l,o*} = 1 and leaves the
 *    layer's other two weights at 1/3, so later scorings see row l = (1, 1/3, 1/3) up to order;
 *  - 'one-hot': row l becomes one-hot on o* (the clean reading: a decided layer is that op only).
 *
 * The architecture is written in layer order (digit l = choice of layer l). The released code
 * joins the kept ops in *visiting* order instead, so its printed key (and its table lookup) is a
 * permutation of the decided layers; we keep the decision each layer actually received.
 */
import type { Network } from '../../../engine/network';
import type { Rng } from '../../../engine/rng';
import { formatMacro, macroArch, MACRO_NUM_LAYERS, MACRO_NUM_OPS, type MacroArch } from '../../../spaces/macro/arch';
import { removalStep } from '../perturb';
import { withFreshBatch, type ZcptBatch, type ZcptScorer } from '../scorers';
import type { Mixing } from '../supernet';

export const MACRO_DECIDED_MODES = ['reference', 'one-hot'] as const;
export type MacroDecidedMode = (typeof MACRO_DECIDED_MODES)[number];

export function isMacroDecidedMode(x: unknown): x is MacroDecidedMode {
  return typeof x === 'string' && (MACRO_DECIDED_MODES as readonly string[]).includes(x);
}

/** The scores of one layer's step. */
export interface MacroLayerStep {
  /** Position in the visiting order (0..7). */
  readonly step: number;
  readonly layer: number;
  /** S(A − (l,o)) for o = 0, 1, 2. */
  readonly scores: readonly number[];
  /** The kept op (argmin of `scores`). */
  readonly chosen: number;
}

export interface MacroProposal {
  readonly arch: MacroArch;
  readonly archString: string;
  /** Layers in visiting order. */
  readonly order: readonly number[];
  readonly steps: readonly MacroLayerStep[];
  /** Seconds spent on this proposal. */
  readonly seconds: number;
}

export interface MacroProposalOptions {
  /** The supernet under mixing weights. */
  readonly view: (w: Mixing) => Network;
  readonly scorer: ZcptScorer;
  /** A fresh batch per layer step (disposed after the step). */
  readonly nextBatch: () => ZcptBatch;
  /** Visiting order. */
  readonly rng: Rng;
  /** Default 'reference'. */
  readonly decided?: MacroDecidedMode;
  /** Called after each supernet scoring. */
  readonly onScore?: (layer: number, op: number, score: number) => void;
}

/** Initial weights: 1/3 everywhere. */
export function uniformMacroMixing(): number[][] {
  return Array.from({ length: MACRO_NUM_LAYERS }, () => new Array<number>(MACRO_NUM_OPS).fill(1 / MACRO_NUM_OPS));
}

/** The weights with op `op` of layer `layer` removed (row = 1/3 except that op = 0). */
export function removalMixing(w: Mixing, layer: number, op: number): number[][] {
  return w.map((row, l) => (l === layer ? row.map((_, o) => (o === op ? 0 : 1 / MACRO_NUM_OPS)) : [...row]));
}

/** The weights after keeping `op` at `layer` under a decided mode. */
export function decideMacroLayer(w: Mixing, layer: number, op: number, mode: MacroDecidedMode): number[][] {
  return w.map((row, l) => (l !== layer ? [...row] : mode === 'one-hot' ? row.map((_, o) => (o === op ? 1 : 0)) : row.map((v, o) => (o === op ? 1 : v))));
}

/** Supernet scorings of one proposal. */
export const MACRO_SCORINGS_PER_PROPOSAL = MACRO_NUM_LAYERS * MACRO_NUM_OPS;

/** One proposal (see the module comment). */
export function runMacroProposal(opts: MacroProposalOptions): MacroProposal {
  const t0 = performance.now();
  const mode = opts.decided ?? 'reference';
  if (!isMacroDecidedMode(mode)) throw new Error(`zc-pt macro: decided must be ${MACRO_DECIDED_MODES.join(' or ')}, got '${String(mode)}'`);
  const order = opts.rng.sampleWithoutReplacement(MACRO_NUM_LAYERS, MACRO_NUM_LAYERS);
  let w = uniformMacroMixing();
  const choices = new Array<number>(MACRO_NUM_LAYERS).fill(-1);
  const steps: MacroLayerStep[] = [];
  order.forEach((layer, step) => {
    const { scores, kept: chosen } = withFreshBatch(opts.nextBatch, (batch) =>
      removalStep(MACRO_NUM_OPS, (op) => {
        const s = opts.scorer.score({ net: opts.view(removalMixing(w, layer, op)) }, batch);
        opts.onScore?.(layer, op, s);
        return s;
      }, `on layer ${layer}`),
    );
    choices[layer] = chosen;
    w = decideMacroLayer(w, layer, chosen, mode);
    steps.push({ step, layer, scores, chosen });
  });
  const arch = macroArch(choices);
  return { arch, archString: formatMacro(arch), order, steps, seconds: (performance.now() - t0) / 1000 };
}
