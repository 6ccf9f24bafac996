/**
 * Deterministic, normalised NHWC mini-batches from a CIFAR split.
 *
 * Selection: `'random'` draws `batchSize` distinct images with a seeded partial
 * Fisher–Yates shuffle (`Rng(seed)`); `'first'` takes images 0..batchSize-1.
 * Augmentation `'crop-flip'` mimics torchvision `RandomCrop(32, padding=4)` then
 * `RandomHorizontalFlip(0.5)`: the raw image is zero-padded (pixel value 0, i.e. before
 * normalisation, as torchvision pads the PIL image), cropped at a random offset, and
 * mirrored with probability 0.5. Augmentation draws from its own RNG stream, so the same
 * seed selects the same images with or without augmentation.
 */
import { CIFAR_IMAGE_BYTES, CIFAR_PLANE, CIFAR_SIDE, loadCifar, type CifarDataset, type CifarSplit } from './cifar';
import { NASWOT_NORM, normLut, type NormConstants } from './normalize';
import { Rng } from '../engine/rng';

/** How images are chosen. */
export type BatchSelect = 'random' | 'first';
/** Training-style augmentation applied to each image. */
export type BatchAugment = 'none' | 'crop-flip';

/** Options for `makeBatch`. */
export interface BatchOptions {
  readonly dataset: CifarDataset;
  /** Default `'train'`. */
  readonly split?: CifarSplit;
  /** Default 128 (NASWOT). */
  readonly batchSize?: number;
  /** Default 1. */
  readonly seed?: number;
  /** Default `'random'`. */
  readonly select?: BatchSelect;
  /** Default: NASWOT constants for the dataset. */
  readonly norm?: NormConstants;
  /** Default `'none'`. */
  readonly augment?: BatchAugment;
}

/** A normalised batch in NHWC layout. */
export interface Batch {
  /** `n*32*32*3` floats; element (b, y, x, c) at `((b*32 + y)*32 + x)*3 + c`. */
  readonly x: Float32Array;
  /** Class label per image (CIFAR-100: fine label). */
  readonly labels: Int32Array;
  /** `[n, 32, 32, 3]`. */
  readonly shape: readonly [number, number, number, number];
  /** Index of each image in the split, in batch order. */
  readonly indices: number[];
}

/** Padding of RandomCrop(32, padding=4). */
export const CROP_PADDING = 4;

/** Seed offset of the augmentation stream (golden-ratio constant). */
const AUGMENT_SEED_SALT = 0x9e3779b9;

/**
 * Build a batch. Deterministic for a given (seed, options) and data files.
 * @throws if `batchSize` is not a positive integer or exceeds the images available.
 */
export function makeBatch(opts: BatchOptions): Batch {
  const { dataset, split = 'train', batchSize = 128, seed = 1, select = 'random', augment = 'none' } = opts;
  const norm = opts.norm ?? NASWOT_NORM[dataset];
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  }
  if (select !== 'random' && select !== 'first') throw new Error(`batch selection must be random or first, got '${String(select)}'`);
  if (augment !== 'none' && augment !== 'crop-flip') throw new Error(`batch augmentation must be none or crop-flip, got '${String(augment)}'`);
  const set = loadCifar(dataset, split);
  if (batchSize > set.n) {
    throw new Error(
      `batch size ${batchSize} exceeds the ${set.n} images available in ${dataset}/${split} ` +
        `(the data folder holds a prefix of the official set; see data/README.md)`,
    );
  }
  const indices =
    select === 'first' ? Array.from({ length: batchSize }, (_, i) => i) : new Rng(seed).sampleWithoutReplacement(set.n, batchSize);

  const lut = normLut(norm);
  const S = CIFAR_SIDE;
  const x = new Float32Array(batchSize * S * S * 3);
  const labels = new Int32Array(batchSize);
  const augRng = augment === 'crop-flip' ? new Rng((seed + AUGMENT_SEED_SALT) >>> 0) : undefined;
  // Normalised value of a raw-zero padding pixel, per channel.
  const pad = [lut[0]!, lut[256]!, lut[512]!];

  for (let b = 0; b < batchSize; b++) {
    const img = indices[b]!;
    labels[b] = set.labels[img]!;
    const src = img * CIFAR_IMAGE_BYTES;
    let top = CROP_PADDING;
    let left = CROP_PADDING;
    let flip = false;
    if (augRng !== undefined) {
      top = augRng.int(2 * CROP_PADDING + 1);
      left = augRng.int(2 * CROP_PADDING + 1);
      flip = augRng.next() < 0.5;
    }
    const dy = top - CROP_PADDING;
    const dx = left - CROP_PADDING;
    for (let y = 0; y < S; y++) {
      const sy = y + dy;
      const rowOk = sy >= 0 && sy < S;
      for (let xo = 0; xo < S; xo++) {
        const xc = flip ? S - 1 - xo : xo; // column in the cropped image
        const sx = xc + dx;
        const o = ((b * S + y) * S + xo) * 3;
        if (rowOk && sx >= 0 && sx < S) {
          const p = src + sy * S + sx;
          x[o] = lut[set.pixels[p]!]!;
          x[o + 1] = lut[256 + set.pixels[p + CIFAR_PLANE]!]!;
          x[o + 2] = lut[512 + set.pixels[p + 2 * CIFAR_PLANE]!]!;
        } else {
          x[o] = pad[0]!;
          x[o + 1] = pad[1]!;
          x[o + 2] = pad[2]!;
        }
      }
    }
  }
  return { x, labels, shape: [batchSize, S, S, 3], indices };
}
