/**
 * Re-check of a committed Zero-Cost-PT search: proposal k is re-run from its own seed (a proposal
 * does not depend on the others) and compared with the stored one — the same edge decisions and
 * kept ops, removal scores within float32 rounding. Each decision depends only on the ones before
 * it, so re-running the first d decisions checks exactly those d stored decisions, for d/6 of the
 * cost of the whole proposal.
 */
import { reproductionTolerance } from '../../runner/reproduce';
import { proposalSteps, type PerturbStep } from './perturb';
import { seededProposalOptions, zcptScorer, zcptSeeds, zcptSupernet, type ZcptSearchResult } from './search';

export interface ZcptRecheck {
  readonly seed: number;
  readonly proposal: number;
  /** Decisions re-run and compared (the first ones of the proposal). */
  readonly decisions: number;
  /** Decisions of the stored proposal. */
  readonly ofDecisions: number;
  /** The compared decisions fix the same edges to the same ops, in the same order. */
  readonly sameDecisions: boolean;
  /** Largest relative difference of a compared removal score. */
  readonly maxRelDiff: number;
  readonly tolerance: number;
  readonly ok: boolean;
  readonly seconds: number;
}

/**
 * Re-run proposal `k` of a stored search (its first `decisions` decisions; all by default) and
 * compare it with the stored one.
 */
export function recheckZcptProposal(record: ZcptSearchResult, k = 0, decisions?: number): ZcptRecheck {
  const s = record.settings;
  const stored = record.proposals[k];
  if (!stored) throw new Error(`recheckZcptProposal: seed ${s.seed} has ${record.proposals.length} proposals, no proposal ${k}`);
  const d = decisions ?? stored.steps.length;
  if (!(Number.isInteger(d) && d >= 1 && d <= stored.steps.length)) {
    throw new Error(`recheckZcptProposal: decisions must be an integer in 1..${stored.steps.length} (the stored proposal's decisions), got ${decisions}`);
  }
  const seeds = zcptSeeds(s);
  const supernet = zcptSupernet(s, seeds);
  const t0 = performance.now();
  const fresh: PerturbStep[] = [];
  try {
    const steps = proposalSteps(seededProposalOptions(supernet, zcptScorer(s), s, seeds.proposals[k]!));
    while (fresh.length < d) {
      const r = steps.next();
      if (r.done) break;
      fresh.push(r.value);
    }
  } finally {
    supernet.dispose();
  }
  const compared = stored.steps.slice(0, d);
  const sameDecisions = fresh.length === d && compared.every((st, i) => st.edge === fresh[i]!.edge && st.op === fresh[i]!.op);
  let maxRelDiff = 0;
  compared.forEach((st, i) => {
    const f = fresh[i];
    st.removals.forEach((r, j) => {
      const v = f?.removals[j]?.score ?? NaN;
      const diff = Math.abs(v - r.score) / Math.max(1, Math.abs(r.score));
      maxRelDiff = Math.max(maxRelDiff, Number.isNaN(diff) ? Infinity : diff);
    });
  });
  const tolerance = reproductionTolerance(s.proxy);
  return {
    seed: s.seed, proposal: k, decisions: d, ofDecisions: stored.steps.length, sameDecisions, maxRelDiff, tolerance,
    ok: sameDecisions && maxRelDiff <= tolerance, seconds: (performance.now() - t0) / 1000,
  };
}
