/**
 * DAS atoms (Liu et al. 2022, docs/papers.md §3) from the NASWOT forward pass (§2.1–2.2).
 *
 * With K_H = Σ_ℓ K^ℓ, K^ℓ[i,j] = w_ℓ·(F_ℓ − d_H(c_i^ℓ, c_j^ℓ)) over the tapped ReLU layers ℓ
 * (F_ℓ units per sample, multiplicity w_ℓ under the counting convention):
 *   - "number of activation units" N_A = Σ_ℓ w_ℓ·F_ℓ (the kernel's diagonal),
 *   - "distinguishing ability" log|S| with S = K_H / N_A (S[i,i] = 1, so log|S| ≤ 0 by Hadamard),
 *   - the identity log|K_H| = N·log N_A + log|S| (N = batch size),
 * and the same per layer: N_A^ℓ = w_ℓ·F_ℓ, S^ℓ = K^ℓ / N_A^ℓ = 1 − D^ℓ/F_ℓ (independent of w_ℓ).
 * Whether DAS uses global or per-layer atoms is unconfirmed, so both are offered.
 *
 * Kernel arithmetic is HammingKernel's (exact integers in float64); log-determinants are
 * linalg/logdet's LU, with singular/NaN reported through a status, never silently.
 */
import * as tf from '@tensorflow/tfjs';
import type { BnMode } from '../engine/layers';
import type { Network } from '../engine/network';
import { tapMultiplicity, type ReluCounting } from '../engine/taps';
import { logAbsDet, type LogDetStatus } from '../linalg/logdet';
import { HammingKernel, layerDistances, type LayerDistances } from './hamming';
import type { NaswotResult } from './naswot';

/** One tapped ReLU module (a "layer") of a forward pass, with its pairwise code distances. */
export interface TappedLayer {
  /** The tap's name (unique per ReLU module, e.g. `cells.3.edges.1.relu`). */
  readonly name: string;
  /** Multiplicity w_ℓ of the module under the counting convention (official: 2 inside ReLUConvBN). */
  readonly weight: number;
  /** Whether the ReLU sits inside an NB201 ReLUConvBN module (decides w_ℓ; see engine/taps.ts). */
  readonly inWrapper: boolean;
  /**
   * Distances of the layer's codes. Taps reading the same tensor (several conv ops on one node)
   * share this object: their codes are identical, so distances are computed once.
   */
  readonly distances: LayerDistances;
  /** Index of the first layer reading the same tensor (itself when it is the first). */
  readonly sameInputAs: number;
}

/**
 * Per-layer distances of every ReLU on a path to the output, from one forward pass (the same
 * taps, filter and multiplicities as `naswotKernels`). No tensors outlive the call.
 */
export function tappedLayers(net: Network, x: tf.Tensor4D, counting: ReluCounting = 'official', bn: BnMode = 'train'): TappedLayer[] {
  const n = x.shape[0];
  const layers: TappedLayer[] = [];
  tf.tidy(() => {
    const taps: { name: string; inWrapper: boolean; t: tf.Tensor }[] = [];
    net.forward(x, {
      bn,
      taps: (tap) => {
        if (tap.onOutputPath) taps.push({ name: tap.name, inWrapper: tap.inWrapper, t: tap.input });
      },
    });
    const first = new Map<number, number>();
    for (const { name, inWrapper, t } of taps) {
      const weight = tapMultiplicity({ inWrapper }, counting);
      const seen = first.get(t.id);
      if (seen !== undefined) {
        layers.push({ name, weight, inWrapper, distances: layers[seen].distances, sameInputAs: seen });
      } else {
        first.set(t.id, layers.length);
        const distances = layerDistances(t.dataSync() as Float32Array, n);
        layers.push({ name, weight, inWrapper, distances, sameInputAs: layers.length });
      }
    }
  });
  return layers;
}

/** The same layers under another counting convention (no new forward pass). */
export function withCounting(layers: readonly TappedLayer[], counting: ReluCounting): TappedLayer[] {
  return layers.map((l) => ({ ...l, weight: tapMultiplicity(l, counting) }));
}

/** K_H = Σ_ℓ w_ℓ·K^ℓ of tapped layers, as the accumulator naswotFromKernel reads (same as naswotKernel's). */
export function layersKernel(layers: readonly TappedLayer[]): HammingKernel {
  if (layers.length === 0) throw new Error('layersKernel: no tapped layers (network without ReLUs on the output path?)');
  const acc = new HammingKernel(layers[0].distances.n);
  for (const l of layers) acc.addDistances(l.distances, l.weight);
  return acc;
}

/** The identity log|K_H| = N·log N_A + log|S| with both log-determinants computed independently. */
export interface DasIdentityCheck {
  /** log|K_H| (LU of K_H). */
  readonly logDetK: number;
  readonly statusK: LogDetStatus;
  /** log|S| from an independent LU of S = K_H / N_A (not by subtraction). */
  readonly logDetS: number;
  readonly statusS: LogDetStatus;
  /** N·log N_A. */
  readonly nLogNA: number;
  /**
   * |log|K_H| − N·log N_A − log|S||: 0 when both are singular (−∞ on both sides), +∞ when exactly
   * one is singular, NaN when either has non-finite entries.
   */
  readonly error: number;
}

/** Check the DAS identity on a row-major n×n kernel with diagonal `numUnits`. */
export function checkDasIdentity(kernel: Float64Array, n: number, numUnits: number): DasIdentityCheck {
  if (kernel.length !== n * n) throw new Error(`checkDasIdentity: kernel has ${kernel.length} entries, expected ${n}×${n}`);
  if (!(numUnits > 0)) throw new Error(`checkDasIdentity: N_A must be positive, got ${numUnits}`);
  const k = logAbsDet(kernel, n);
  const s = logAbsDet(kernel.map((v) => v / numUnits), n);
  const nLogNA = n * Math.log(numUnits);
  let error: number;
  if (k.status === 'nan' || s.status === 'nan') error = NaN;
  else if (k.status === 'singular' && s.status === 'singular') error = 0;
  else if (k.status !== s.status) error = Infinity;
  else error = Math.abs(k.value - nLogNA - s.value);
  return { logDetK: k.value, statusK: k.status, logDetS: s.value, statusS: s.status, nLogNA, error };
}

/**
 * Identity error of a NASWOT result: |score − N·log N_A − log|S||, log|S| recomputed from the
 * kernel independently (NaswotResult.logDetS is defined by subtraction, so it cannot test this).
 */
export function dasIdentityError(r: NaswotResult): number {
  const c = checkDasIdentity(r.kernel, r.batchSize, r.numUnits);
  if (r.status !== c.statusK) return Infinity;
  if (r.status === 'singular') return c.error;
  return r.status === 'nan' ? NaN : Math.abs(r.score - c.nLogNA - c.logDetS);
}

/** Atoms of one layer. */
export interface LayerAtoms {
  readonly name: string;
  /** Units per sample F_ℓ. */
  readonly units: number;
  /** Multiplicity w_ℓ. */
  readonly weight: number;
  /** N_A^ℓ = w_ℓ·F_ℓ. */
  readonly numUnits: number;
  /** log|S^ℓ|, S^ℓ = K^ℓ / N_A^ℓ; −∞ when singular (e.g. identical codes), NaN when non-finite. */
  readonly logDetS: number;
  readonly status: LogDetStatus;
}

/** Whole-network atoms. */
export interface GlobalAtoms {
  /** Batch size N. */
  readonly batchSize: number;
  /** N_A = Σ_ℓ N_A^ℓ. */
  readonly numUnits: number;
  /** log N_A. */
  readonly logNA: number;
  /** N·log N_A. */
  readonly nLogNA: number;
  /** log|K_H| (the NASWOT score). */
  readonly logDetK: number;
  readonly statusK: LogDetStatus;
  /** log|S| (independent LU of S = K_H / N_A). */
  readonly logDetS: number;
  readonly statusS: LogDetStatus;
  /** Identity error |log|K_H| − N·log N_A − log|S|| (see DasIdentityCheck). */
  readonly identityError: number;
}

export interface DasAtoms {
  readonly global: GlobalAtoms;
  /** Per tapped layer, in forward order. */
  readonly layers: readonly LayerAtoms[];
  /** K_H = Σ_ℓ K^ℓ, row-major. */
  readonly kernel: Float64Array;
}

/** A layer's own kernel K^ℓ = w_ℓ·(F_ℓ − D^ℓ) (row-major). */
export function layerKernel(layer: Pick<TappedLayer, 'distances' | 'weight'>): Float64Array {
  const k = new HammingKernel(layer.distances.n);
  k.addDistances(layer.distances, layer.weight);
  return k.kernel();
}

/** Global atoms of an accumulated kernel. */
export function globalAtoms(acc: HammingKernel): GlobalAtoms {
  const n = acc.n;
  const kernel = acc.kernel();
  const c = checkDasIdentity(kernel, n, acc.numUnits);
  return {
    batchSize: n,
    numUnits: acc.numUnits,
    logNA: Math.log(acc.numUnits),
    nLogNA: c.nLogNA,
    logDetK: c.logDetK,
    statusK: c.statusK,
    logDetS: c.logDetS,
    statusS: c.statusS,
    identityError: c.error,
  };
}

/** Atoms from tapped layers: per layer, and global from Σ_ℓ K^ℓ. */
export function dasAtomsFromLayers(layers: readonly TappedLayer[]): DasAtoms {
  const acc = layersKernel(layers);
  const n = acc.n;
  const bySource = new Map<LayerDistances, { logDetS: number; status: LogDetStatus }>();
  const perLayer = layers.map((l): LayerAtoms => {
    let s = bySource.get(l.distances);
    if (!s) {
      // S^ℓ does not depend on w_ℓ: compute it once per distinct input tensor.
      const ld = logAbsDet(layerKernel({ distances: l.distances, weight: 1 }).map((v) => v / l.distances.units), n);
      s = { logDetS: ld.value, status: ld.status };
      bySource.set(l.distances, s);
    }
    return { name: l.name, units: l.distances.units, weight: l.weight, numUnits: l.weight * l.distances.units, ...s };
  });
  return { global: globalAtoms(acc), layers: perLayer, kernel: acc.kernel() };
}

export interface DasAtomOptions {
  readonly counting?: ReluCounting;
  readonly bn?: BnMode;
}

/** DAS atoms of a network on a batch (one forward pass). */
export function dasAtoms(net: Network, x: tf.Tensor4D, opts: DasAtomOptions = {}): DasAtoms {
  return dasAtomsFromLayers(tappedLayers(net, x, opts.counting ?? 'official', opts.bn ?? 'train'));
}

/** Summary of per-layer atoms (e.g. for a scalar `das_layers` indicator). */
export interface LayerAtomSummary {
  /** Layers with a finite log|S^ℓ|. */
  readonly okLayers: number;
  readonly singularLayers: number;
  readonly nanLayers: number;
  /** Mean log|S^ℓ| over the finite layers (NaN when none). */
  readonly meanLogDetS: number;
  /** Σ_ℓ N_A^ℓ·log|S^ℓ| / N_A over the finite layers: unit-weighted mean. */
  readonly unitWeightedLogDetS: number;
  /** Smallest log|S^ℓ| over all layers (−∞ if any is singular). */
  readonly minLogDetS: number;
}

export function summarizeLayerAtoms(layers: readonly LayerAtoms[]): LayerAtomSummary {
  let ok = 0;
  let singular = 0;
  let nan = 0;
  let sum = 0;
  let wsum = 0;
  let units = 0;
  let min = Infinity;
  for (const l of layers) {
    if (l.status === 'ok') {
      ok++;
      sum += l.logDetS;
      wsum += l.numUnits * l.logDetS;
      units += l.numUnits;
      min = Math.min(min, l.logDetS);
    } else if (l.status === 'singular') {
      singular++;
      min = -Infinity;
    } else nan++;
  }
  return {
    okLayers: ok,
    singularLayers: singular,
    nanLayers: nan,
    meanLogDetS: ok ? sum / ok : NaN,
    unitWeightedLogDetS: ok ? wsum / units : NaN,
    minLogDetS: ok + singular ? min : NaN,
  };
}
