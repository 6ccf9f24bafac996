/**
 * Scorers for Zero-Cost-PT: one number per (network, batch), **higher = better architecture**
 * (proxies where lower is better are negated), so that the perturbation step keeps the op whose
 * removal gives the lowest score and post-validation keeps the highest sum (docs/papers.md §5.2–5.3).
 *
 * - `naswotScorer`: NASWOT log|K_H| (ZCPT `Jocab_Score` / `Jocab_Scorer`: hooks on every module
 *   whose class name contains "ReLU", i.e. the official double counting, eval-mode BN, one
 *   no-grad forward, no backward-visited filter). Zero-weight ops of the supernet contribute the
 *   taps the reference records (supernet.ts, `zcptTapMultiplicity`).
 * - `registryScorer`: any indicator of the registry (src/proxies) through a `ProxyContext`.
 *   Indicators that need the discrete architecture (`flops` reads it, `nlr`/`cnntk` build thin
 *   copies) cannot score a supernet and say so; on a standalone network they work as usual.
 */
import * as tf from '@tensorflow/tfjs';
import type { BnMode } from '../../engine/layers';
import type { Network } from '../../engine/network';
import type { ReluCounting } from '../../engine/taps';
import { getProxy, type ProxyContext } from '../../proxies/registry';
import { TensorMemo } from '../../proxies/memo';
import { HammingKernel, layerDistances, type LayerDistances } from '../../proxies/hamming';
import { naswotFromKernel } from '../../proxies/naswot';
import type { Nb201Arch } from '../../spaces/nb201/arch';
import type { Nb201NetConfig } from '../../spaces/nb201/network';
import { Nb201Network } from '../../spaces/nb201/network';
import { zcptTapMultiplicity, type Mixing, type SupernetView, type ZcptTap } from './supernet';

// Registers every indicator, so that `registryScorer` finds them by name.
import '../../proxies';

/** One input batch (tensors owned by whoever made them). */
export interface ZcptBatch {
  readonly x: tf.Tensor4D;
  readonly labels: tf.Tensor1D;
}

/** What is being scored: a supernet view (with its mixing weights) or a discrete network. */
export interface ScoreTarget {
  readonly net: Network;
  /** The supernet's mixing weights (absent for a discrete network). */
  readonly mixing?: Mixing;
  /** The discrete architecture (absent for a supernet). */
  readonly arch?: Nb201Arch;
  /** Config of the discrete network (for indicators that build thin copies). */
  readonly config?: Nb201NetConfig;
  /** Seed of the network's weights; indicators derive their own streams from it. */
  readonly seed?: number;
}

export interface ZcptScorer {
  /** Proxy name as given by the user (e.g. `naswot`, `nwot`, `grad_norm`). */
  readonly name: string;
  /** Score (higher = better); NaN / −∞ pass through (non-rankable values). */
  score(target: ScoreTarget, batch: ZcptBatch): number;
}

export interface ScorerOptions {
  /** BN mode of the scoring forward passes (default 'eval', Zero-Cost-PT). */
  readonly bn?: BnMode;
  /** NASWOT counting for `naswot` and registry proxies that read it (default 'official', ZCPT). */
  readonly counting?: ReluCounting;
  /** Classifier outputs, for CE-based indicators (default: the network's own). */
  readonly numClasses?: number;
}

/**
 * NASWOT kernel of one forward pass with the Zero-Cost-PT tap multiplicities (`zcptTapMultiplicity`).
 * Taps are consumed as they come: each distinct tensor's Hamming distances are computed once and
 * added with each tap's multiplicity; an all-zero code adds its unit count to every entry (no
 * distances); taps of multiplicity 0 are skipped. A supernet view runs its lean pass
 * (`forwardTaps`), any other network a plain forward inside `tf.tidy`.
 */
export function zcptKernel(net: Network, x: tf.Tensor4D, counting: ReluCounting, bn: BnMode): HammingKernel {
  const n = x.shape[0];
  const kernel = new HammingKernel(n);
  const distances = new Map<number, LayerDistances>();
  const zeroDist = new Float64Array(n * n);
  const sink = (tap: ZcptTap): void => {
    if (!tap.onOutputPath) return;
    const w = zcptTapMultiplicity(tap, counting);
    if (w === 0) return;
    let d = distances.get(tap.input.id);
    if (!d) {
      d = tap.allZero ? { n, units: tap.input.size / n, dist: zeroDist } : layerDistances(tap.input.dataSync() as Float32Array, n);
      distances.set(tap.input.id, d);
    }
    kernel.addDistances(d, w);
  };
  const lean = (net as Partial<SupernetView>).forwardTaps;
  if (typeof lean === 'function') lean.call(net, x, bn, sink);
  else tf.tidy(() => void net.forward(x, { bn, taps: sink }));
  return kernel;
}

/** NASWOT log|K_H| (`nwot` = NASLib single counting; `naswot` = `counting`, default official). */
export function naswotScorer(name: 'naswot' | 'nwot' = 'naswot', opts: ScorerOptions = {}): ZcptScorer {
  const counting: ReluCounting = name === 'nwot' ? 'naslib' : (opts.counting ?? 'official');
  const bn = opts.bn ?? 'eval';
  return {
    name,
    score: (target, batch) => naswotFromKernel(zcptKernel(target.net, batch.x, counting, bn)).score,
  };
}

/** Indicators that need the discrete architecture and so cannot score a supernet. */
const NEEDS_ARCH: ReadonlySet<string> = new Set(['flops', 'nlr', 'cnntk']);

/** A registry indicator as a scorer (negated when lower is better). */
export function registryScorer(name: string, opts: ScorerOptions = {}): ZcptScorer {
  const def = getProxy(name);
  const sign = def.higherIsBetter ? 1 : -1;
  const bn = opts.bn ?? 'eval';
  const counting = opts.counting ?? 'official';
  return {
    name,
    score: (target, batch) => {
      const { net, arch, config } = target;
      if (arch === undefined && NEEDS_ARCH.has(name)) {
        throw new Error(`proxy '${name}' needs a discrete architecture and cannot score the Zero-Cost-PT supernet`);
      }
      const seed = target.seed ?? 0;
      const numClasses = opts.numClasses ?? config?.numClasses ?? (net.params.get('classifier.bias')?.shape[0] as number | undefined) ?? 10;
      const memo = new TensorMemo();
      const ctx: ProxyContext = {
        get arch(): Nb201Arch {
          if (arch === undefined) throw new Error(`proxy '${name}' reads the architecture: not available on the Zero-Cost-PT supernet`);
          return arch;
        },
        net,
        x: batch.x,
        labels: batch.labels,
        numClasses,
        counting,
        bn,
        seed,
        build: (over, netSeed) => {
          if (arch === undefined || config === undefined) throw new Error(`proxy '${name}' builds copies of the network: not available on the Zero-Cost-PT supernet`);
          return new Nb201Network(arch, { ...config, ...over }, netSeed ?? seed);
        },
        memo: memo.get,
      };
      try {
        let value = NaN;
        tf.tidy(() => {
          value = def.compute(ctx).value;
        });
        return sign * value;
      } finally {
        memo.dispose();
      }
    },
  };
}

/**
 * The scorer for a proxy name: `naswot` and `nwot` use the Zero-Cost-PT kernel (exact tap
 * multiplicities on the supernet), anything else goes through the registry.
 */
export function makeScorer(proxy: string, opts: ScorerOptions = {}): ZcptScorer {
  if (proxy === 'naswot' || proxy === 'nwot') return naswotScorer(proxy, opts);
  return registryScorer(proxy, opts);
}

/** Run `f` on a fresh batch from `next`, disposing the batch's tensors afterwards. */
export function withFreshBatch<T>(next: () => ZcptBatch, f: (b: ZcptBatch) => T): T {
  const b = next();
  try {
    return f(b);
  } finally {
    b.x.dispose();
    b.labels.dispose();
  }
}
