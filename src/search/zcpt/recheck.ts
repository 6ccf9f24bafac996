/**
 * Re-check of a committed Zero-Cost-PT search: proposal k is re-run from its own seed (a proposal
 * does not depend on the others) and compared with the stored one — the same edge decisions and
 * kept ops, removal scores within float32 rounding.
 */
import { reproductionTolerance } from '../../runner/reproduce';
import { seededProposal, zcptScorer, zcptSeeds, zcptSupernet, type ZcptSearchResult } from './search';

export interface ZcptRecheck {
  readonly seed: number;
  readonly proposal: number;
  /** Same architecture and same edge order. */
  readonly sameDecisions: boolean;
  /** Largest relative difference of a removal score. */
  readonly maxRelDiff: number;
  readonly tolerance: number;
  readonly ok: boolean;
  readonly seconds: number;
}

export function recheckZcptProposal(record: ZcptSearchResult, k = 0): ZcptRecheck {
  const s = record.settings;
  const stored = record.proposals[k];
  if (!stored) throw new Error(`recheckZcptProposal: seed ${s.seed} has ${record.proposals.length} proposals, no proposal ${k}`);
  const seeds = zcptSeeds(s);
  const supernet = zcptSupernet(s, seeds);
  const t0 = performance.now();
  let fresh;
  try {
    fresh = seededProposal(supernet, zcptScorer(s), s, seeds.proposals[k]!);
  } finally {
    supernet.dispose();
  }
  const sameDecisions = fresh.arch.join() === stored.arch.join() && fresh.edgeOrder.join() === stored.edgeOrder.join();
  let maxRelDiff = 0;
  stored.steps.forEach((st, i) => {
    const f = fresh.steps[i];
    st.removals.forEach((r, j) => {
      const v = f?.removals[j]?.score ?? NaN;
      const d = Math.abs(v - r.score) / Math.max(1, Math.abs(r.score));
      maxRelDiff = Math.max(maxRelDiff, Number.isNaN(d) ? Infinity : d);
    });
  });
  const tolerance = reproductionTolerance(s.proxy);
  return { seed: s.seed, proposal: k, sameDecisions, maxRelDiff, tolerance, ok: sameDecisions && maxRelDiff <= tolerance, seconds: (performance.now() - t0) / 1000 };
}
