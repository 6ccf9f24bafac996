/**
 * Zero-Cost-PT post-validation (docs/papers.md §5.3; ZCPT `zerocostnas/post_validate.py`): the N
 * proposals are de-duplicated by genotype (first appearance kept), each unique architecture is
 * built as the standalone NB201 network, scored with the proxy on V batches, and the one with the
 * largest **sum** of scores wins (numpy nanargmax: NaN never wins; a −∞ batch makes its sum −∞).
 *
 * Ours: every candidate sees the same V batches (the reference re-shuffles its V·B images per
 * candidate; same images, other order and augmentation) and the same network seed, so candidates
 * differ only by their architecture.
 */
import type { Nb201AccuracyKey, Nb201Table } from '../../benchmarks/nb201';
import { formatNb201, type Nb201Arch } from '../../spaces/nb201/arch';
import { Nb201Network, type Nb201NetConfig } from '../../spaces/nb201/network';
import type { Network } from '../../engine/network';
import { nanArgmax } from '../randomN';
import type { ZcptBatch, ZcptScorer } from './scorers';

export interface ValidationCandidate {
  readonly arch: Nb201Arch;
  /** Official NB201 string. */
  readonly archString: string;
  /** Positions of the proposals that produced this architecture. */
  readonly proposals: readonly number[];
  /** Score on each validation batch. */
  readonly batchScores: readonly number[];
  /** Σ of `batchScores` (the selection criterion). */
  readonly score: number;
  /** Seconds spent scoring this candidate. */
  readonly seconds: number;
}

export interface ValidationResult {
  readonly candidates: readonly ValidationCandidate[];
  /** Position of the winner in `candidates`. */
  readonly chosen: number;
  readonly seconds: number;
}

export interface PostValidateOptions {
  readonly scorer: ZcptScorer;
  /** Number of validation batches V. */
  readonly valBatches: number;
  /** The v-th validation batch (0 ≤ v < V); its tensors are disposed after use. */
  readonly batch: (v: number) => ZcptBatch;
  readonly netConfig: Nb201NetConfig;
  /** Seed of every candidate's weights. */
  readonly netSeed: number;
  /** Called after each (batch, candidate) scoring. */
  readonly onScore?: (v: number, candidate: number, score: number) => void;
}

/** Unique items (by `key`) in first-appearance order, with the positions of the proposals that gave each. */
export function uniqueByKey<T>(items: readonly T[], key: (item: T) => string): { item: T; proposals: number[] }[] {
  const byKey = new Map<string, { item: T; proposals: number[] }>();
  items.forEach((item, i) => {
    const k = key(item);
    const prev = byKey.get(k);
    if (prev) prev.proposals.push(i);
    else byKey.set(k, { item, proposals: [i] });
  });
  return [...byKey.values()];
}

/** Unique architectures in first-appearance order, with the proposals that gave each. */
export function uniqueArchs(archs: readonly Nb201Arch[]): { arch: Nb201Arch; proposals: number[] }[] {
  return uniqueByKey(archs, formatNb201).map(({ item, proposals }) => ({ arch: item, proposals }));
}

/**
 * The validation loop of any space: for v < V, fetch batch v, score every candidate on it
 * (`scoreBatch`: scores and seconds in candidate order), report each score, dispose the batch.
 * Returns scores[c][v] and the seconds per candidate.
 */
export function scoreOnValidationBatches(
  numCandidates: number,
  opts: Pick<PostValidateOptions, 'valBatches' | 'batch' | 'onScore'>,
  scoreBatch: (batch: ZcptBatch) => { scores: number[]; seconds: number[] },
): { scores: number[][]; seconds: number[] } {
  const V = opts.valBatches;
  if (!(Number.isInteger(V) && V >= 1)) throw new Error(`post-validation needs a positive integer number of batches, got ${V}`);
  const scores = Array.from({ length: numCandidates }, () => [] as number[]);
  const seconds = new Array<number>(numCandidates).fill(0);
  for (let v = 0; v < V; v++) {
    const b = opts.batch(v);
    try {
      const r = scoreBatch(b);
      r.scores.forEach((s, c) => {
        scores[c]!.push(s);
        seconds[c] += r.seconds[c]!;
        opts.onScore?.(v, c, s);
      });
    } finally {
      b.x.dispose();
      b.labels.dispose();
    }
  }
  return { scores, seconds };
}

/** Σ_v of each candidate's batch scores and the winner by nanargmax (NaN never wins; all NaN → 0). */
export function largestSum(scores: readonly (readonly number[])[]): { sums: number[]; chosen: number } {
  const sums = scores.map((row) => row.reduce((a, x) => a + x, 0));
  const k = nanArgmax(sums);
  return { sums, chosen: k < 0 ? 0 : k };
}

/**
 * Scores of one validation batch for every candidate network (and the seconds each took), in
 * candidate order.
 */
export function scoreValidationBatch(
  candidates: readonly { readonly arch: Nb201Arch; readonly net: Nb201Network }[],
  batch: ZcptBatch,
  scorer: ZcptScorer,
  netConfig: Nb201NetConfig,
  netSeed: number,
): { scores: number[]; seconds: number[] } {
  const scores: number[] = [];
  const seconds: number[] = [];
  for (const { arch, net } of candidates) {
    const s0 = performance.now();
    scores.push(scorer.score({ net, arch, config: netConfig, seed: netSeed }, batch));
    seconds.push((performance.now() - s0) / 1000);
  }
  return { scores, seconds };
}

/**
 * The validation result from per-candidate batch scores (`scores[c][v]`) and seconds: Σ_v per
 * candidate, winner by nanargmax (NaN never wins; all NaN → the first candidate).
 */
export function validationResult(
  unique: readonly { readonly arch: Nb201Arch; readonly proposals: readonly number[] }[],
  scores: readonly (readonly number[])[],
  seconds: readonly number[],
  totalSeconds: number,
): ValidationResult {
  const { sums, chosen } = largestSum(scores);
  const candidates = unique.map((u, c) => ({
    arch: u.arch,
    archString: formatNb201(u.arch),
    proposals: u.proposals,
    batchScores: scores[c]!,
    score: sums[c]!,
    seconds: seconds[c]!,
  }));
  return { candidates, chosen, seconds: totalSeconds };
}

/** Score each unique proposal on V batches and pick the largest sum (in this thread). */
export function postValidate(archs: readonly Nb201Arch[], opts: PostValidateOptions): ValidationResult {
  if (archs.length === 0) throw new Error('post-validation needs at least one proposal');
  const t0 = performance.now();
  const unique = uniqueArchs(archs);
  const candidates = unique.map((u) => ({ arch: u.arch, net: new Nb201Network(u.arch, opts.netConfig, opts.netSeed) }));
  try {
    const { scores, seconds } = scoreOnValidationBatches(candidates.length, opts, (b) => scoreValidationBatch(candidates, b, opts.scorer, opts.netConfig, opts.netSeed));
    return validationResult(unique, scores, seconds, (performance.now() - t0) / 1000);
  } finally {
    for (const c of candidates) c.net.dispose();
  }
}

/** Test accuracies (%, 200 epochs) of an NB201 architecture on the three benchmark datasets. */
export interface Nb201TestAccuracies {
  /** Official NB201 index. */
  readonly index: number;
  readonly cifar10: number;
  readonly cifar100: number;
  readonly imagenet16: number;
}

/** Keys read by `nb201TestAccuracies` (NATS-Bench 200-epoch test accuracies, hp=200 as ZCPT). */
export const ZCPT_ACCURACY_KEYS = Object.freeze({
  cifar10: 'cifar10-test',
  cifar100: 'cifar100-test',
  imagenet16: 'imagenet16-test',
} as const satisfies Record<string, Nb201AccuracyKey>);

/** Look an architecture's test accuracies up in the NB201 table (`loadNb201Table()`). */
export function nb201TestAccuracies(arch: Nb201Arch, table: Nb201Table): Nb201TestAccuracies {
  const index = table.indexOf(arch);
  return {
    index,
    cifar10: table.accuracy(index, ZCPT_ACCURACY_KEYS.cifar10),
    cifar100: table.accuracy(index, ZCPT_ACCURACY_KEYS.cifar100),
    imagenet16: table.accuracy(index, ZCPT_ACCURACY_KEYS.imagenet16),
  };
}

/**
 * A post-validation candidate of any space: the architecture `A`, its text form (the
 * de-duplication key, and what a results file stores), the proposals that gave it, its score on
 * each validation batch, their sum (the selection criterion) and the seconds spent on it.
 */
export interface SpaceValidationCandidate<A> {
  readonly arch: A;
  readonly archString: string;
  readonly proposals: readonly number[];
  readonly batchScores: readonly number[];
  readonly score: number;
  readonly seconds: number;
}

export interface SpaceValidationResult<A> {
  readonly candidates: readonly SpaceValidationCandidate<A>[];
  /** Position of the winner in `candidates`. */
  readonly chosen: number;
  readonly seconds: number;
}

/** What a space gives the shared post-validation: its text form and how to build the network scoring an architecture. */
export interface SpaceValidation<A> {
  readonly format: (a: A) => string;
  /** The network scoring `a` (and the seed the scorer is told); `dispose` is called at the end. */
  readonly network: (a: A) => { readonly net: Network; readonly seed?: number; readonly dispose: () => void };
}

/**
 * The post-validation loop of any space: de-duplicate the proposals by text form (first
 * appearance kept), score every unique architecture's network on the V batches, and keep the
 * largest sum (NaN never wins).
 */
export function postValidateSpace<A>(archs: readonly A[], space: SpaceValidation<A>, opts: Pick<PostValidateOptions, 'scorer' | 'valBatches' | 'batch' | 'onScore'>): SpaceValidationResult<A> {
  if (archs.length === 0) throw new Error('post-validation needs at least one proposal');
  const t0 = performance.now();
  const unique = uniqueByKey(archs, space.format);
  const nets: ReturnType<SpaceValidation<A>['network']>[] = [];
  try {
    for (const u of unique) nets.push(space.network(u.item));
    const { scores, seconds } = scoreOnValidationBatches(nets.length, opts, (b) => {
      const out = { scores: [] as number[], seconds: [] as number[] };
      for (const n of nets) {
        const s0 = performance.now();
        out.scores.push(opts.scorer.score(n.seed === undefined ? { net: n.net } : { net: n.net, seed: n.seed }, b));
        out.seconds.push((performance.now() - s0) / 1000);
      }
      return out;
    });
    const { sums, chosen } = largestSum(scores);
    const candidates = unique.map((u, c) => ({ arch: u.item, archString: space.format(u.item), proposals: u.proposals, batchScores: scores[c]!, score: sums[c]!, seconds: seconds[c]! }));
    return { candidates, chosen, seconds: (performance.now() - t0) / 1000 };
  } finally {
    for (const n of nets) n.dispose();
  }
}
