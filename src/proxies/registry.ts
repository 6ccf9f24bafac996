/**
 * Indicator registry: name → how to compute it and how to read it. Every entry runs on the wasm
 * backend. A value that cannot be ranked (singular kernel, NaN) carries a status and a reason.
 */
import * as tf from '@tensorflow/tfjs';
import type { BnMode } from '../engine/layers';
import type { Network } from '../engine/network';
import type { ReluCounting } from '../engine/taps';
import type { Nb201Arch } from '../spaces/nb201/arch';
import type { Nb201NetConfig } from '../spaces/nb201/network';
import { HammingKernel } from './hamming';
import { naswotFromKernel, naswotKernels } from './naswot';

export type ProxyStatus = 'ok' | 'singular' | 'nan' | 'error';

export interface ProxyValue {
  readonly value: number;
  readonly status: ProxyStatus;
  readonly reason?: string;
}

export interface ProxyContext {
  /** The NB201 cell when the space is NB201 (NB201-only proxies such as flops refuse others). */
  readonly arch?: Nb201Arch;
  /** The architecture's network under the run's settings (shared by every proxy of the run). */
  readonly net: Network;
  /** Normalised NHWC input batch. */
  readonly x: tf.Tensor4D;
  /** Integer class labels of the batch. */
  readonly labels: tf.Tensor1D;
  readonly numClasses: number;
  readonly counting: ReluCounting;
  readonly bn: BnMode;
  /** Seed of this architecture's network; proxies derive their own streams (noise, crops) from it. */
  readonly seed: number;
  /**
   * Build another network of the same architecture (thin TE-NAS nets, other inits); caller disposes.
   * Other spaces read C/N/numClasses with their own meaning and refuse NB201-only options.
   */
  build(config: Partial<Nb201NetConfig>, seed?: number): Network;
  /**
   * Per-architecture cache shared by the proxies of one run (e.g. the CE weight gradients used by
   * grad_norm, snip and grasp). Tensors stored here are disposed by the scorer after the last proxy.
   */
  memo<T>(key: string, compute: () => T): T;
}

export type ProxyNeeds = 'none' | 'forward' | 'input-gradient' | 'weight-gradient' | 'per-sample-gradient';

export interface ProxyDef {
  readonly name: string;
  readonly description: string;
  readonly needs: ProxyNeeds;
  readonly higherIsBetter: boolean;
  /**
   * Differentiates the cross-entropy of the batch's labels: needs a classifier with one output per
   * class (a 1-output network, the naswot preset's, gives no usable value).
   */
  readonly lossBased?: boolean;
  compute(ctx: ProxyContext): ProxyValue;
}

/** Turn a number into a ProxyValue, classifying non-finite results. */
export function proxyValue(value: number, reasonIfBad?: string): ProxyValue {
  if (Number.isNaN(value)) return { value, status: 'nan', reason: reasonIfBad ?? 'NaN result' };
  if (!Number.isFinite(value)) return { value, status: 'singular', reason: reasonIfBad ?? 'infinite result' };
  return { value, status: 'ok' };
}

const REGISTRY = new Map<string, ProxyDef>();

export function registerProxy(def: ProxyDef): void {
  REGISTRY.set(def.name, def);
}

export function proxyNames(): string[] {
  return [...REGISTRY.keys()];
}

/** Look a proxy up, with an error that lists the known names. */
export function getProxy(name: string): ProxyDef {
  const def = REGISTRY.get(name);
  if (!def) throw new Error(`unknown proxy '${name}' (known: ${proxyNames().join(', ')})`);
  return def;
}

/** Parse `all` or a comma-separated list into known proxy names. */
export function parseProxyList(spec: string): string[] {
  if (spec.trim() === 'all') return proxyNames();
  const names = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new Error(`empty proxy list '${spec}'`);
  for (const n of names) getProxy(n);
  const twice = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (twice.length > 0) throw new Error(`proxy list '${spec}' names ${twice.join(', ')} more than once; list each proxy once`);
  return names;
}

/**
 * The ReLU-code kernel of the architecture's network under a counting convention; one forward pass
 * serves both conventions (memo), so `naswot` and `nwot` together cost one pass.
 */
export function reluKernel(ctx: ProxyContext, counting: ReluCounting): HammingKernel {
  const [official, naslib] = ctx.memo('relu-kernels', () => naswotKernels(ctx.net, ctx.x, ['official', 'naslib'], ctx.bn));
  return counting === 'official' ? official : naslib;
}

registerProxy({
  name: 'naswot',
  description: 'NASWOT log|K_H| of binary ReLU codes (Mellor et al. 2021); counting convention from the settings',
  needs: 'forward',
  higherIsBetter: true,
  compute: (ctx) => {
    const r = naswotFromKernel(reluKernel(ctx, ctx.counting));
    if (r.status === 'singular') return { value: r.score, status: 'singular', reason: 'K_H is singular (repeated activation codes)' };
    if (r.status === 'nan') return { value: r.score, status: 'nan', reason: 'K_H has non-finite entries' };
    return { value: r.score, status: 'ok' };
  },
});

registerProxy({
  name: 'nwot',
  description: 'NASWOT as NASLib computes it (each nn.ReLU counted once), whatever the run\'s counting setting',
  needs: 'forward',
  higherIsBetter: true,
  compute: (ctx) => {
    const r = naswotFromKernel(reluKernel(ctx, 'naslib'));
    return r.status === 'ok' ? { value: r.score, status: 'ok' } : { value: r.score, status: r.status, reason: 'K_H is singular or non-finite' };
  },
});

/** DAS atom "number of activation units" N_A (PAPERS.md §3), under the run's counting convention. */
registerProxy({
  name: 'das_na',
  description: 'DAS atom N_A: number of activation units (the NASWOT kernel diagonal), counting convention from the settings',
  needs: 'forward',
  higherIsBetter: true,
  compute: (ctx) => proxyValue(reluKernel(ctx, ctx.counting).numUnits),
});

/** DAS atom "distinguishing ability" log|S|, S = K_H / N_A, so log|K_H| = N·log N_A + log|S| (PAPERS.md §3). */
registerProxy({
  name: 'das_logdet_s',
  description: 'DAS atom log|S| with S = K_H / N_A (distinguishing ability; ≤ 0), counting convention from the settings',
  needs: 'forward',
  higherIsBetter: true,
  compute: (ctx) => {
    const r = naswotFromKernel(reluKernel(ctx, ctx.counting));
    return r.status === 'ok' ? { value: r.logDetS, status: 'ok' } : { value: r.logDetS, status: r.status, reason: 'K_H is singular or non-finite' };
  },
});

registerProxy({
  name: 'params',
  description: 'number of parameters in millions (conv/linear weights and biases, BN affine)',
  needs: 'none',
  higherIsBetter: true,
  compute: ({ net }) => proxyValue(net.numParams / 1e6),
});
