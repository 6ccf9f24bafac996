/**
 * Post-validation on NAS-Bench-Macro (ours: the released Macro code stops at the proposals). As on
 * the other spaces (../postValidate.ts): the proposals are de-duplicated (first appearance kept),
 * each unique architecture is built as the standalone benchmark network, scored on V batches with
 * the same network seed, and the largest sum wins (NaN never wins).
 */
import { formatMacro, type MacroArch } from '../../../spaces/macro/arch';
import { MacroNetwork, type MacroNetConfig } from '../../../spaces/macro/network';
import { largestSum, scoreOnValidationBatches, uniqueByKey } from '../postValidate';
import type { ZcptBatch, ZcptScorer } from '../scorers';

export interface MacroValidationCandidate {
  readonly arch: MacroArch;
  readonly archString: string;
  /** Positions of the proposals that produced this architecture. */
  readonly proposals: readonly number[];
  readonly batchScores: readonly number[];
  /** Σ of `batchScores` (the selection criterion). */
  readonly score: number;
  readonly seconds: number;
}

export interface MacroValidationResult {
  readonly candidates: readonly MacroValidationCandidate[];
  /** Position of the winner in `candidates`. */
  readonly chosen: number;
  readonly seconds: number;
}

export interface MacroPostValidateOptions {
  readonly scorer: ZcptScorer;
  readonly valBatches: number;
  readonly batch: (v: number) => ZcptBatch;
  readonly netConfig: MacroNetConfig;
  readonly netSeed: number;
  readonly onScore?: (v: number, candidate: number, score: number) => void;
}

/** Score each unique proposal on V batches and pick the largest sum. */
export function postValidateMacro(archs: readonly MacroArch[], opts: MacroPostValidateOptions): MacroValidationResult {
  if (archs.length === 0) throw new Error('post-validation needs at least one proposal');
  const t0 = performance.now();
  const unique = uniqueByKey(archs, formatMacro);
  const nets: MacroNetwork[] = [];
  try {
    for (const u of unique) nets.push(new MacroNetwork(u.item, opts.netConfig, opts.netSeed));
    const { scores, seconds } = scoreOnValidationBatches(nets.length, opts, (b) => {
      const out = { scores: [] as number[], seconds: [] as number[] };
      for (const net of nets) {
        const s0 = performance.now();
        out.scores.push(opts.scorer.score({ net, seed: opts.netSeed }, b));
        out.seconds.push((performance.now() - s0) / 1000);
      }
      return out;
    });
    const { sums, chosen } = largestSum(scores);
    const candidates = unique.map((u, c) => ({ arch: u.item, archString: formatMacro(u.item), proposals: u.proposals, batchScores: scores[c]!, score: sums[c]!, seconds: seconds[c]! }));
    return { candidates, chosen, seconds: (performance.now() - t0) / 1000 };
  } finally {
    for (const n of nets) n.dispose();
  }
}
