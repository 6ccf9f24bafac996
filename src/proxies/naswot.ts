/**
 * NASWOT score (Mellor et al., ICML 2021; docs/papers.md §2.1–2.2): s = log|K_H| with
 * K_H[i,j] = N_A − d_H(c_i, c_j) over the binary codes (pre-activation > 0) of every ReLU on a
 * path to the output, one forward pass on an untrained network, BN in train mode, batch 128.
 *
 * Counting: 'official' (BayesWatch code: ReLUs inside NB201 ReLUConvBN modules are hooked twice,
 * the head ReLU once) or 'naslib' (each nn.ReLU once). The official code's first
 * forward+backward pass only marks modules that receive gradient; networks tell us that from the
 * graph (`onOutputPath`), so one forward pass suffices.
 * Also returns the DAS atoms (docs/papers.md §3): N_A and log|S| = log|K_H| − N·log N_A.
 */
import * as tf from '@tensorflow/tfjs';
import type { BnMode } from '../engine/layers';
import type { Network } from '../engine/network';
import { ReluCounting, tapMultiplicity } from '../engine/taps';
import { LogDetStatus, logAbsDet } from '../linalg/logdet';
import { HammingKernel, layerDistances } from './hamming';

export interface NaswotOptions {
  readonly counting?: ReluCounting;
  readonly bn?: BnMode;
}

export interface NaswotResult {
  /** log|K_H| (−∞ when K_H is singular, NaN when it has non-finite entries). */
  readonly score: number;
  readonly status: LogDetStatus;
  /** Weighted number of activation units N_A (= the kernel's diagonal). */
  readonly numUnits: number;
  /** DAS distinguishing-ability atom log|K_H / N_A|. */
  readonly logDetS: number;
  readonly batchSize: number;
  /** The kernel, row-major (kept for plots and DAS). */
  readonly kernel: Float64Array;
}

/**
 * Kernels of one batch under several counting conventions from a single forward pass: taps are
 * deduplicated by tensor, each distinct layer's distances computed once and added with each
 * convention's multiplicity.
 */
export function naswotKernels(net: Network, x: tf.Tensor4D, countings: readonly ReluCounting[], bn: BnMode = 'train'): HammingKernel[] {
  const n = x.shape[0];
  const kernels = countings.map(() => new HammingKernel(n));
  tf.tidy(() => {
    const seen = new Map<number, { t: tf.Tensor; weights: number[] }>();
    net.forward(x, {
      bn,
      taps: (tap) => {
        if (!tap.onOutputPath) return;
        const ws = countings.map((c) => tapMultiplicity(tap, c));
        const prev = seen.get(tap.input.id);
        if (prev) prev.weights.forEach((_, k) => (prev.weights[k] += ws[k]));
        else seen.set(tap.input.id, { t: tap.input, weights: ws });
      },
    });
    for (const { t, weights } of seen.values()) {
      const d = layerDistances(t.dataSync() as Float32Array, n);
      kernels.forEach((k, i) => k.addDistances(d, weights[i]));
    }
  });
  return kernels;
}

/** Kernel of one batch through a network under one counting convention. */
export function naswotKernel(net: Network, x: tf.Tensor4D, opts: NaswotOptions = {}): HammingKernel {
  return naswotKernels(net, x, [opts.counting ?? 'official'], opts.bn ?? 'train')[0];
}

/** NASWOT log|K_H| and DAS atoms from an accumulated kernel. */
export function naswotFromKernel(acc: HammingKernel): NaswotResult {
  const kernel = acc.kernel();
  const ld = logAbsDet(kernel, acc.n);
  return {
    score: ld.value,
    status: ld.status,
    numUnits: acc.numUnits,
    logDetS: ld.value - acc.n * Math.log(acc.numUnits),
    batchSize: acc.n,
    kernel,
  };
}

/** NASWOT log|K_H| of a network on a batch. */
export function naswot(net: Network, x: tf.Tensor4D, opts: NaswotOptions = {}): NaswotResult {
  return naswotFromKernel(naswotKernel(net, x, opts));
}
