/**
 * Zero-Cost-PT post-validation on the DARTS space (docs/papers.md §5.3–§5.4; ZCPT
 * `zerocostnas/post_validate.py`): the N proposals are de-duplicated by genotype (first
 * appearance kept), each unique genotype is built as the standalone NetworkCIFAR (C=16, 8 layers,
 * no auxiliary head by default; spaces/darts/network.ts), scored in eval mode on V batches (64
 * images each by default), and the largest **sum** wins (numpy nanargmax: NaN never wins).
 *
 * Taps reach the scorer with `onOutputPath: true` (ZCPT's NASWOT hooks have no backward filter, so
 * the preprocessing of a cell input no op reads still counts). As on NAS-Bench-201, every
 * candidate sees the same V batches and the same network seed.
 */
import type { Network } from '../../../engine/network';
import { formatGenotype, type Genotype } from '../../../spaces/darts/genotype';
import { DartsNetwork } from '../../../spaces/darts/network';
import type { DartsNetConfig } from '../../../spaces/darts/plan';
import { largestSum, scoreOnValidationBatches, uniqueByKey } from '../postValidate';
import type { ZcptBatch, ZcptScorer } from '../scorers';

export interface DartsValidationCandidate {
  readonly genotype: Genotype;
  readonly genotypeString: string;
  /** Positions of the proposals that produced this genotype. */
  readonly proposals: readonly number[];
  readonly batchScores: readonly number[];
  /** Σ of `batchScores` (the selection criterion). */
  readonly score: number;
  readonly seconds: number;
}

export interface DartsValidationResult {
  readonly candidates: readonly DartsValidationCandidate[];
  /** Position of the winner in `candidates`. */
  readonly chosen: number;
  readonly seconds: number;
}

export interface DartsPostValidateOptions {
  readonly scorer: ZcptScorer;
  /** Number of validation batches V. */
  readonly valBatches: number;
  /** The v-th validation batch (0 ≤ v < V); its tensors are disposed after use. */
  readonly batch: (v: number) => ZcptBatch;
  readonly netConfig: DartsNetConfig;
  /** Seed of every candidate's weights. */
  readonly netSeed: number;
  /** Called after each (batch, candidate) scoring. */
  readonly onScore?: (v: number, candidate: number, score: number) => void;
}

/** Unique genotypes in first-appearance order, with the proposals that gave each. */
export function uniqueGenotypes(genotypes: readonly Genotype[]): { genotype: Genotype; proposals: number[] }[] {
  return uniqueByKey(genotypes, formatGenotype).map(({ item, proposals }) => ({ genotype: item, proposals }));
}

/** A network whose taps all count (no backward-visited filter), sharing `net`'s parameters. */
export function allTapsNetwork(net: Network): Network {
  return {
    params: net.params,
    paramKinds: net.paramKinds,
    numParams: net.numParams,
    forward: (x, opts) => {
      const sink = opts.taps;
      return net.forward(x, sink ? { ...opts, taps: (t) => sink(t.onOutputPath ? t : { ...t, onOutputPath: true }) } : opts);
    },
    dispose: () => net.dispose(),
  };
}

/** Score each unique proposal on V batches and pick the largest sum (NaN never wins; all NaN → the first). */
export function postValidateDarts(genotypes: readonly Genotype[], opts: DartsPostValidateOptions): DartsValidationResult {
  if (genotypes.length === 0) throw new Error('post-validation needs at least one proposal');
  const t0 = performance.now();
  const unique = uniqueGenotypes(genotypes);
  const nets: Network[] = [];
  try {
    for (const u of unique) nets.push(allTapsNetwork(new DartsNetwork(u.genotype, { ...opts.netConfig, auxiliary: false }, opts.netSeed)));
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
    const candidates = unique.map((u, c) => ({
      genotype: u.genotype,
      genotypeString: formatGenotype(u.genotype),
      proposals: u.proposals,
      batchScores: scores[c]!,
      score: sums[c]!,
      seconds: seconds[c]!,
    }));
    return { candidates, chosen, seconds: (performance.now() - t0) / 1000 };
  } finally {
    for (const n of nets) n.dispose();
  }
}
