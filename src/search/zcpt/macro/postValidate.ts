/**
 * Post-validation on NAS-Bench-Macro (ours: the released Macro code stops at the proposals). As on
 * the other spaces (../postValidate.ts): the proposals are de-duplicated (first appearance kept),
 * each unique architecture is built as the standalone benchmark network, scored on V batches with
 * the same network seed, and the largest sum wins (NaN never wins).
 */
import { formatMacro, type MacroArch } from '../../../spaces/macro/arch';
import { MacroNetwork, type MacroNetConfig } from '../../../spaces/macro/network';
import { postValidateSpace, type SpaceValidationCandidate, type SpaceValidationResult } from '../postValidate';
import type { ZcptBatch, ZcptScorer } from '../scorers';

export type MacroValidationCandidate = SpaceValidationCandidate<MacroArch>;
export type MacroValidationResult = SpaceValidationResult<MacroArch>;

export interface MacroPostValidateOptions {
  readonly scorer: ZcptScorer;
  readonly valBatches: number;
  readonly batch: (v: number) => ZcptBatch;
  readonly netConfig: MacroNetConfig;
  readonly netSeed: number;
  readonly onScore?: (v: number, candidate: number, score: number) => void;
}

/** Score each unique proposal on V batches and pick the largest sum (the shared loop, ../postValidate.ts). */
export function postValidateMacro(archs: readonly MacroArch[], opts: MacroPostValidateOptions): MacroValidationResult {
  return postValidateSpace(
    archs,
    {
      format: formatMacro,
      network: (a) => {
        const net = new MacroNetwork(a, opts.netConfig, opts.netSeed);
        return { net, seed: opts.netSeed, dispose: () => net.dispose() };
      },
    },
    opts,
  );
}
