/**
 * Training batches by epoch: every epoch visits the (optionally truncated) training split once in
 * a seeded shuffled order (Fisher–Yates from `Rng`), split into batches of `batchSize`; each image
 * gets torchvision's `RandomCrop(32, padding=4)` + `RandomHorizontalFlip()` (same conventions as
 * `makeBatch`: zero padding of the raw image, then normalisation). Shuffle and augmentation draw
 * from separate streams derived from (seed, epoch), so an epoch's batches can be rebuilt alone.
 */
import { CIFAR_IMAGE_BYTES, CIFAR_PLANE, CIFAR_SIDE, loadCifar, type CifarDataset, type CifarImages, type CifarSplit } from '../data/cifar';
import { NASWOT_NORM, normLut, type NormConstants } from '../data/normalize';
import { CROP_PADDING, type Batch, type BatchAugment } from '../data/batch';
import { Rng } from '../engine/rng';

export interface EpochDataOptions {
  readonly dataset: CifarDataset;
  /** Default 'train'. */
  readonly split?: CifarSplit;
  readonly batchSize: number;
  /** Seed of the shuffle and augmentation streams (default 1). */
  readonly seed?: number;
  /** Default 'crop-flip'. */
  readonly augment?: BatchAugment;
  /** Default: the NASWOT/NAS-Bench-201 constants of the dataset. */
  readonly norm?: NormConstants;
  /** Use only the first `limit` images of the split (default: all). */
  readonly limit?: number;
  /**
   * Drop the last, smaller batch of each epoch (default true: constant shapes, and no BN
   * statistics from a handful of images). PyTorch's DataLoader default is false.
   */
  readonly dropLast?: boolean;
}

/** Stream salts (odd 32-bit constants) separating shuffle and augmentation. */
const SHUFFLE_SALT = 0x2545f491;
const AUGMENT_SALT = 0x68e31da5;

/** A 32-bit seed for stream `salt` of epoch `epoch` (splitmix-style mixing of both). */
export function streamSeed(seed: number, epoch: number, salt: number): number {
  let z = (Math.imul((seed >>> 0) ^ salt, 0x9e3779b1) + Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function shuffledOrder(n: number, rng: Rng): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/**
 * Normalised NHWC batch of the images `indices` of `set`; with `augRng`, each image is cropped at
 * a random offset of its 4-pixel zero-padded version and mirrored with probability ½ (draws per
 * image: top, left, flip, as `makeBatch`).
 */
export function batchOf(set: CifarImages, indices: ArrayLike<number>, norm: NormConstants, augRng?: Rng): Batch {
  const n = indices.length;
  const lut = normLut(norm);
  const S = CIFAR_SIDE;
  const x = new Float32Array(n * S * S * 3);
  const labels = new Int32Array(n);
  const pad = [lut[0]!, lut[256]!, lut[512]!];
  const idx: number[] = [];
  for (let b = 0; b < n; b++) {
    const img = indices[b]!;
    if (!(Number.isInteger(img) && img >= 0 && img < set.n)) throw new Error(`batchOf: image index ${img} outside 0..${set.n - 1}`);
    idx.push(img);
    labels[b] = set.labels[img]!;
    const src = img * CIFAR_IMAGE_BYTES;
    let dy = 0;
    let dx = 0;
    let flip = false;
    if (augRng !== undefined) {
      dy = augRng.int(2 * CROP_PADDING + 1) - CROP_PADDING;
      dx = augRng.int(2 * CROP_PADDING + 1) - CROP_PADDING;
      flip = augRng.next() < 0.5;
    }
    for (let y = 0; y < S; y++) {
      const sy = y + dy;
      const rowOk = sy >= 0 && sy < S;
      for (let xo = 0; xo < S; xo++) {
        const sx = (flip ? S - 1 - xo : xo) + dx;
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
  return { x, labels, shape: [n, S, S, 3], indices: idx };
}

/** Epoch-by-epoch batches of a CIFAR split; cheap to construct (the split is cached by `loadCifar`). */
export class EpochData {
  readonly set: CifarImages;
  /** Images used per epoch (the first `limit` of the split). */
  readonly size: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly augment: BatchAugment;
  readonly norm: NormConstants;
  readonly dropLast: boolean;

  constructor(opts: EpochDataOptions) {
    const split = opts.split ?? 'train';
    this.set = loadCifar(opts.dataset, split);
    this.size = opts.limit ?? this.set.n;
    this.batchSize = opts.batchSize;
    this.seed = opts.seed ?? 1;
    this.augment = opts.augment ?? 'crop-flip';
    this.norm = opts.norm ?? NASWOT_NORM[opts.dataset];
    this.dropLast = opts.dropLast ?? true;
    if (!(Number.isInteger(this.size) && this.size >= 1 && this.size <= this.set.n)) {
      throw new Error(`EpochData: limit must be an integer in 1..${this.set.n} (${opts.dataset}/${split}), got ${opts.limit}`);
    }
    if (!(Number.isInteger(this.batchSize) && this.batchSize >= 1 && this.batchSize <= this.size)) {
      throw new Error(`EpochData: batchSize must be an integer in 1..${this.size}, got ${opts.batchSize}`);
    }
    if (this.augment !== 'none' && this.augment !== 'crop-flip') throw new Error(`EpochData: unknown augment '${String(this.augment)}'`);
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** Image order of epoch `epoch` (0-based). */
  order(epoch: number): Int32Array {
    return shuffledOrder(this.size, new Rng(streamSeed(this.seed, epoch, SHUFFLE_SALT)));
  }

  /** The batches of epoch `epoch`, built lazily in order. */
  *epoch(epoch: number): Generator<Batch, void, undefined> {
    const order = this.order(epoch);
    const augRng = this.augment === 'crop-flip' ? new Rng(streamSeed(this.seed, epoch, AUGMENT_SALT)) : undefined;
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, this.size));
      yield batchOf(this.set, idx, this.norm, augRng);
    }
  }
}
