/**
 * Per-channel normalisation constants used by the reference codebases (docs/papers.md §1.3).
 * All values are for pixels scaled to [0, 1]: `x = (p/255 - mean[c]) / std[c]`.
 */

/** One value per RGB channel. */
export type Rgb = readonly [number, number, number];

/** A named mean/std pair with its provenance. */
export interface NormConstants {
  /** Short identifier, e.g. `naswot-cifar10`. */
  readonly name: string;
  /** Channel means in [0,1] units (R, G, B). */
  readonly mean: Rgb;
  /** Channel standard deviations in [0,1] units (R, G, B). */
  readonly std: Rgb;
  /** Which codebase uses these constants. */
  readonly source: string;
}

/** Datasets with NASWOT constants. */
export type NormDataset = 'cifar10' | 'cifar100' | 'ImageNet16-120';

const div255 = (a: number, b: number, c: number): Rgb => [a / 255, b / 255, c / 255];

/** NASWOT (BayesWatch `datasets/get_dataset_with_transform.py`), also TE-NAS for CIFAR-100. */
export const NASWOT_NORM: Readonly<Record<NormDataset, NormConstants>> = Object.freeze({
  cifar10: Object.freeze({
    name: 'naswot-cifar10',
    mean: div255(125.3, 123.0, 113.9),
    std: div255(63.0, 62.1, 66.7),
    source: 'BayesWatch/nas-without-training',
  }),
  cifar100: Object.freeze({
    name: 'naswot-cifar100',
    mean: div255(129.3, 124.1, 112.4),
    std: div255(68.2, 65.4, 70.4),
    source: 'BayesWatch/nas-without-training',
  }),
  'ImageNet16-120': Object.freeze({
    name: 'naswot-imagenet16-120',
    mean: div255(122.68, 116.66, 104.01),
    std: div255(63.22, 61.26, 65.09),
    source: 'BayesWatch/nas-without-training (all codebases)',
  }),
});

/** SamsungLabs/zero-cost-nas (`foresight/dataset.py`) CIFAR-10 constants. */
export const ZERO_COST_NAS_NORM: Readonly<{ cifar10: NormConstants }> = Object.freeze({
  cifar10: Object.freeze({
    name: 'zero-cost-nas-cifar10',
    mean: [0.4914, 0.4822, 0.4465] as Rgb,
    std: [0.2023, 0.1994, 0.201] as Rgb,
    source: 'SamsungLabs/zero-cost-nas',
  }),
});

/** NASLib / NAS-Bench-Suite-Zero constants; CIFAR-10 ones are shared with Zero-Cost-PT. */
export const NASLIB_NORM: Readonly<{ cifar10: NormConstants; cifar100: NormConstants }> = Object.freeze({
  cifar10: Object.freeze({
    name: 'naslib-cifar10',
    mean: [0.49139968, 0.48215827, 0.44653124] as Rgb,
    std: [0.24703233, 0.24348505, 0.26158768] as Rgb,
    source: 'automl/NASLib, zerocostptnas/zerocost_operation_score',
  }),
  cifar100: Object.freeze({
    name: 'naslib-cifar100',
    mean: [0.5071, 0.4865, 0.4409] as Rgb,
    std: [0.2673, 0.2564, 0.2762] as Rgb,
    source: 'automl/NASLib',
  }),
});

/** Zero-Cost-PT CIFAR-10 constants (identical to NASLib's). */
export const ZERO_COST_PT_NORM: Readonly<{ cifar10: NormConstants }> = Object.freeze({
  cifar10: Object.freeze({ ...NASLIB_NORM.cifar10, name: 'zero-cost-pt-cifar10', source: 'zerocostptnas/zerocost_operation_score' }),
});

/**
 * 256-entry lookup per channel: `lut[c*256 + p] = (p/255 - mean[c]) / std[c]`,
 * computed in float64 and stored as float32.
 */
export function normLut(norm: NormConstants): Float32Array {
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const m = norm.mean[c]!;
    const s = norm.std[c]!;
    if (!(s > 0)) throw new Error(`normalisation '${norm.name}': std[${c}] must be > 0, got ${s}`);
    for (let p = 0; p < 256; p++) lut[c * 256 + p] = (p / 255 - m) / s;
  }
  return lut;
}
