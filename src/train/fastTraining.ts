/**
 * DAS "fast training" (docs/papers.md §3; schedule unconfirmed, so every knob is a parameter): score
 * NASWOT and its atoms after k SGD steps, for a sweep of k, to see whether a little training
 * sharpens the ranking (NASWOT Fig. 6 shows the score rising in the first steps). Scores use BN in
 * train mode on a fixed batch, as the untrained score does.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/network';
import type { ReluCounting } from '../engine/taps';
import { naswot } from '../proxies/naswot';
import { kendallTauB } from '../stats/correlation';
import { trainSteps, TrainOptions } from './trainer';

export interface FastTrainPoint {
  readonly index: number;
  /** Training steps taken before scoring. */
  readonly k: number;
  /** Training seconds spent up to step k (scoring excluded). */
  readonly trainSeconds: number;
  readonly naswot: number;
  /** DAS atoms N_A and log|S| at step k. */
  readonly numUnits: number;
  readonly logDetS: number;
}

export interface FastTrainOptions {
  /** Step counts to score at, ascending (0 = untrained). */
  readonly ks: readonly number[];
  /** Scoring batch (normalised NHWC). */
  readonly x: tf.Tensor4D;
  readonly counting?: ReluCounting;
  /** Trainer options (batch size, lr, schedule span, seed...); `steps` defaults to max(ks). */
  readonly train?: Omit<TrainOptions, 'epochs'>;
}

/** Score one network after each k of `ks` training steps (the network is trained in place). */
export function fastTrainingScores(net: Network, index: number, opts: FastTrainOptions): FastTrainPoint[] {
  const ks = [...opts.ks];
  if (ks.length === 0 || ks.some((k, i) => !Number.isInteger(k) || k < 0 || (i > 0 && k <= ks[i - 1]))) {
    throw new Error(`fast training: ks must be strictly increasing integers ≥ 0, got ${ks.join(', ')}`);
  }
  const t = trainSteps(net, 0, { ...opts.train, steps: opts.train?.steps ?? Math.max(1, ks[ks.length - 1]) });
  const out: FastTrainPoint[] = [];
  let seconds = 0;
  try {
    for (const k of ks) {
      const t0 = performance.now();
      t.run(k - t.steps);
      seconds += (performance.now() - t0) / 1000;
      const r = naswot(net, opts.x, { counting: opts.counting ?? 'official', bn: 'train' });
      out.push({ index, k, trainSeconds: seconds, naswot: r.score, numUnits: r.numUnits, logDetS: r.logDetS });
    }
  } finally {
    t.dispose();
  }
  return out;
}

export interface FastTrainSummary {
  readonly k: number;
  readonly n: number;
  /** Kendall τ-b of NASWOT after k steps with the accuracy, and of each atom. */
  readonly tauNaswot: number;
  readonly tauLogDetS: number;
  readonly tauNumUnits: number;
  /** Mean training seconds per architecture to reach k. */
  readonly meanTrainSeconds: number;
}

/** τ per k over architectures (pairs with a non-finite score dropped per column). */
export function summarizeFastTraining(points: readonly FastTrainPoint[], accuracy: (index: number) => number): FastTrainSummary[] {
  const ks = [...new Set(points.map((p) => p.k))].sort((a, b) => a - b);
  const tau = (ps: readonly FastTrainPoint[], f: (p: FastTrainPoint) => number): number => {
    const keep = ps.filter((p) => Number.isFinite(f(p)) && Number.isFinite(accuracy(p.index)));
    return keep.length >= 2 ? kendallTauB(keep.map(f), keep.map((p) => accuracy(p.index))) : NaN;
  };
  return ks.map((k) => {
    const ps = points.filter((p) => p.k === k);
    return {
      k,
      n: ps.length,
      tauNaswot: tau(ps, (p) => p.naswot),
      tauLogDetS: tau(ps, (p) => p.logDetS),
      tauNumUnits: tau(ps, (p) => p.numUnits),
      meanTrainSeconds: ps.reduce((s, p) => s + p.trainSeconds, 0) / ps.length,
    };
  });
}
