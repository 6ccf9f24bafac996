/**
 * CIFAR-10 / CIFAR-100 binary readers and split loaders.
 *
 * CIFAR-10 records are 3073 bytes: `<label u8><3072 pixel bytes>`; CIFAR-100 records are
 * 3074 bytes: `<coarse u8><fine u8><3072 pixel bytes>`. Pixels are 1024 R, then 1024 G,
 * then 1024 B bytes, each plane 32x32 row-major (CHW). Our copies hold prefixes of the
 * official sets (see shared/data/SOURCES.md): 5085/1017 CIFAR-10 and 1117/916 CIFAR-100
 * train/test images.
 */
import * as fs from 'node:fs';
import { dataFile } from './root';

/** Image side length in pixels. */
export const CIFAR_SIDE = 32;
/** Pixels per channel plane (32·32). */
export const CIFAR_PLANE = CIFAR_SIDE * CIFAR_SIDE;
/** Pixel bytes per image (3 planes). */
export const CIFAR_IMAGE_BYTES = 3 * CIFAR_PLANE;
/** Bytes per CIFAR-10 record (label + pixels). */
export const CIFAR10_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;
/** Bytes per CIFAR-100 record (coarse + fine label + pixels). */
export const CIFAR100_RECORD_BYTES = 2 + CIFAR_IMAGE_BYTES;

/** A set of CIFAR images: `pixels` holds `n` images of 3072 bytes each (CHW planes). */
export interface CifarImages {
  /** Number of images. */
  readonly n: number;
  /** Class label per image (CIFAR-100: the fine label, 0..99). */
  readonly labels: Uint8Array;
  /** `n * 3072` pixel bytes; image i starts at `i * 3072`, R plane then G then B. */
  readonly pixels: Uint8Array;
}

/** CIFAR-100 images additionally carry the 20-way coarse label. */
export interface Cifar100Images extends CifarImages {
  /** Coarse (superclass) label per image, 0..19. */
  readonly coarseLabels: Uint8Array;
}

/** Datasets with a loader. */
export type CifarDataset = 'cifar10' | 'cifar100';

/** Number of (fine) classes of each dataset. */
export const CIFAR_CLASSES: Readonly<Record<CifarDataset, number>> = Object.freeze({ cifar10: 10, cifar100: 100 });

/** Official splits. */
export type CifarSplit = 'train' | 'test';

/** A loaded split: the images plus where they came from. */
export interface CifarSet extends CifarImages {
  readonly dataset: CifarDataset;
  readonly split: CifarSplit;
  /** Number of classes of `labels` (10 or 100). */
  readonly numClasses: number;
  /** CIFAR-100 only: coarse labels. */
  readonly coarseLabels?: Uint8Array;
  /** Absolute paths of the files read, in concatenation order. */
  readonly files: readonly string[];
}

/** Check a record buffer's length and return the record count. */
function recordCount(buf: Uint8Array, recordBytes: number, name: string): number {
  if (buf.length === 0) throw new Error(`CIFAR file ${name} is empty`);
  if (buf.length % recordBytes !== 0) {
    throw new Error(
      `CIFAR file ${name} has ${buf.length} bytes, not a multiple of the ${recordBytes}-byte record ` +
        `(${Math.floor(buf.length / recordBytes)} full records + ${buf.length % recordBytes} stray bytes; truncated?)`,
    );
  }
  return buf.length / recordBytes;
}

/**
 * Parse CIFAR-10 binary records from a buffer.
 * @param name file name used in error messages.
 * @throws if the buffer is empty, not a whole number of records, or has a label > 9.
 */
export function parseCifar10Bin(buf: Uint8Array, name: string): CifarImages {
  const n = recordCount(buf, CIFAR10_RECORD_BYTES, name);
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  for (let i = 0; i < n; i++) {
    const off = i * CIFAR10_RECORD_BYTES;
    const label = buf[off]!;
    if (label > 9) throw new Error(`CIFAR-10 file ${name}: record ${i} has label ${label} (must be 0..9)`);
    labels[i] = label;
    pixels.set(buf.subarray(off + 1, off + CIFAR10_RECORD_BYTES), i * CIFAR_IMAGE_BYTES);
  }
  return { n, labels, pixels };
}

/**
 * Parse CIFAR-100 binary records (coarse label, fine label, pixels) from a buffer.
 * @throws if the buffer is empty, not a whole number of records, or a label is out of range.
 */
export function parseCifar100Bin(buf: Uint8Array, name: string): Cifar100Images {
  const n = recordCount(buf, CIFAR100_RECORD_BYTES, name);
  const labels = new Uint8Array(n);
  const coarseLabels = new Uint8Array(n);
  const pixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  for (let i = 0; i < n; i++) {
    const off = i * CIFAR100_RECORD_BYTES;
    const coarse = buf[off]!;
    const fine = buf[off + 1]!;
    if (coarse > 19) throw new Error(`CIFAR-100 file ${name}: record ${i} has coarse label ${coarse} (must be 0..19)`);
    if (fine > 99) throw new Error(`CIFAR-100 file ${name}: record ${i} has fine label ${fine} (must be 0..99)`);
    coarseLabels[i] = coarse;
    labels[i] = fine;
    pixels.set(buf.subarray(off + 2, off + CIFAR100_RECORD_BYTES), i * CIFAR_IMAGE_BYTES);
  }
  return { n, labels, coarseLabels, pixels };
}

/** Read a CIFAR-10 binary file (any number of records). */
export function readCifar10Bin(path: string): CifarImages {
  return parseCifar10Bin(fs.readFileSync(path), path);
}

/** Read a CIFAR-100 binary file (any number of records). */
export function readCifar100Bin(path: string): Cifar100Images {
  return parseCifar100Bin(fs.readFileSync(path), path);
}

/** Concatenate image sets in order. */
function concatImages(parts: readonly CifarImages[]): CifarImages {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  let at = 0;
  for (const p of parts) {
    labels.set(p.labels, at);
    pixels.set(p.pixels, at * CIFAR_IMAGE_BYTES);
    at += p.n;
  }
  return { n, labels, pixels };
}

/** Relative data paths making up each split, in concatenation order. */
export const CIFAR_SPLIT_FILES: Readonly<Record<CifarDataset, Readonly<Record<CifarSplit, readonly string[]>>>> = {
  cifar10: {
    train: [1, 2, 3, 4, 5].map((k) => `cifar10/data_batch_${k}.bin`),
    test: ['cifar10/test_batch.bin'],
  },
  cifar100: {
    train: ['cifar100/train.bin'],
    test: ['cifar100/test.bin'],
  },
};

const cache = new Map<string, CifarSet>();

/**
 * Load a CIFAR split from the data root (see `dataFile`). CIFAR-10 train is
 * `data_batch_1..5.bin` concatenated in order. Results are cached per process
 * (keyed by the resolved file paths); do not mutate the returned arrays.
 */
export function loadCifar(dataset: CifarDataset, split: CifarSplit): CifarSet {
  const rels = CIFAR_SPLIT_FILES[dataset]?.[split];
  if (rels === undefined) throw new Error(`unknown CIFAR dataset/split '${dataset}'/'${split}' (datasets: cifar10, cifar100; splits: train, test)`);
  const files = rels.map((r) => dataFile(r));
  const key = `${dataset}\u0000${split}\u0000${files.join('\u0000')}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let set: CifarSet;
  if (dataset === 'cifar10') {
    const imgs = concatImages(files.map(readCifar10Bin));
    set = { ...imgs, dataset, split, numClasses: CIFAR_CLASSES.cifar10, files };
  } else {
    const imgs = readCifar100Bin(files[0]!);
    set = { ...imgs, dataset, split, numClasses: CIFAR_CLASSES.cifar100, files };
  }
  cache.set(key, set);
  return set;
}

/** Drop the in-memory split cache (mainly for tests). */
export function clearCifarCache(): void {
  cache.clear();
}
