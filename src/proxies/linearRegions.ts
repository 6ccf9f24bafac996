/**
 * NLR: number of linear regions of a ReLU network over a sample set, as TE-NAS counts them
 * (Chen, Gong, Wang, ICLR 2021 §3.1.2; VITA-Group/TENAS `lib/procedures/linear_region_counter.py`,
 * `prune_tenas.py`; docs/papers.md §4). With p_i ∈ {0,1}^F the activation pattern of sample i (every
 * ReLU output of the network, concatenated, 1 where the output is > 0):
 *
 *   R = Σ_i 1 / #{ j : p_j = p_i } = number of distinct patterns among the samples.
 *
 * TE-NAS evaluates the sum with a half-precision Gram trick (A(1−A)ᵀ + transpose, then sign);
 * we hash the bit-packed patterns and compare colliding ones word by word, which is exact and
 * O(n·F/32). Our taps report each ReLU's input; ReLU output > 0 ⇔ input > 0, so the bits agree.
 *
 * TE-NAS protocol on NAS-Bench-201 (`nlr`): the thin network is the supernet with C=1, N=1,
 * `use_stem=False`, `depth=1`, i.e. one cell on 1 channel followed by the head (BN → ReLU → GAP →
 * linear): no stem and no reduction block, so 3×3 inputs pass through. Its single-path form is
 * `build({ C: 1, N: 1, stem: false, depth: 1 })`. Inputs: batches of 1000 samples of shape 1×3×3,
 * each a random 3×3 crop (no padding) of a normalised CIFAR training image, one random channel
 * (`RandomCrop(3)`, `Normalize`, `RandChannel(1)`); 3 batches (3000 samples) per count, each batch
 * its own forward pass in train mode (BN statistics per batch of 1000); Kaiming-normal fan_in
 * init; 3 repeats with a fresh init and fresh samples, counts averaged. Higher = better (paper:
 * Kendall τ(R, NB201 test accuracy) = 0.50). Only ReLUs of the architecture's own ops and the
 * head fire (the supernet skips ops whose weight ≤ 0.01, so a single-path supernet is the
 * fixed-architecture network).
 *
 * Our crops come from the run's normalised batch `ctx.x` (random image, position and channel),
 * seeded from `Rng(ctx.seed ^ NLR_SALT)`, so normalisation follows the run's settings (NASWOT
 * constants = TE-NAS constants for CIFAR); with crop-flip augmentation a crop may include the
 * zero padding of an augmented image.
 *
 * `nlr_full`: the same distinct-pattern count on the run's own network (C=16, N=5) over its batch
 * of 32×32 images, one forward pass with the run's BN mode. With ~10⁵ ReLU units per sample every
 * sample of a batch lands in its own region, so it saturates at the batch size.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network, NetBnMode } from '../engine/network';
import { Rng } from '../engine/rng';
import { registerProxy, type ProxyContext, type ProxyValue } from './registry';

/** Seed salt of the nlr stream (network seeds, crops). */
export const NLR_SALT = 0x6e6c7231; // 'nlr1'

export interface NlrProtocol {
  /** Samples per forward pass (TE-NAS 1000). */
  readonly batch: number;
  /** Forward passes per count (TE-NAS `sample_batch=3`). */
  readonly batches: number;
  /** Side of the square crops (TE-NAS 3). */
  readonly crop: number;
  /** Independent inits (and sample sets) averaged (TE-NAS `--repeat 3`). */
  readonly repeats: number;
}

export const TENAS_NLR_PROTOCOL: NlrProtocol = Object.freeze({ batch: 1000, batches: 3, crop: 3, repeats: 3 });

/**
 * Exact set of distinct binary activation patterns. Samples are added batch by batch; every batch
 * must report the same layers with the same sizes (the pattern layout), which is checked.
 */
export class PatternCounter {
  private layout: number[] | undefined;
  private words = 0;
  private pool = new Int32Array(0);
  private size = 0;
  private readonly buckets = new Map<number, number[]>();
  private distinct = 0;

  /** Number of samples added. */
  get numSamples(): number {
    return this.size;
  }

  /** Number of distinct patterns = Σ_i 1/#{j: p_j = p_i}. */
  get numDistinct(): number {
    return this.distinct;
  }

  /** Pattern length in bits (0 before the first batch). */
  get numUnits(): number {
    return this.layout ? this.layout.reduce((s, f) => s + f, 0) : 0;
  }

  /**
   * Add `n` samples. `layers[l]` holds n × F_l values, sample-major (any order inside a sample,
   * the same for every batch); the pattern bit is value > 0.
   */
  addBatch(layers: ReadonlyArray<Float32Array | Float64Array>, n: number): void {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`PatternCounter: sample count must be a positive integer, got ${n}`);
    const sizes = layers.map((v, l) => {
      if (v.length % n !== 0) throw new Error(`PatternCounter: layer ${l} has ${v.length} values, not a multiple of ${n} samples`);
      return v.length / n;
    });
    if (!this.layout) {
      this.layout = sizes;
      this.words = sizes.reduce((s, f) => s + ((f + 31) >>> 5), 0);
    } else if (sizes.length !== this.layout.length || sizes.some((f, l) => f !== this.layout![l])) {
      throw new Error(`PatternCounter: layer sizes [${sizes.join(', ')}] differ from the first batch's [${this.layout.join(', ')}]`);
    }
    const W = this.words;
    if (this.pool.length < (this.size + n) * W) {
      const grown = new Int32Array(Math.max((this.size + n) * W, 2 * this.pool.length));
      grown.set(this.pool.subarray(0, this.size * W));
      this.pool = grown;
    }
    const pool = this.pool;
    for (let i = 0; i < n; i++) {
      const out = (this.size + i) * W;
      let w = out;
      for (let l = 0; l < layers.length; l++) {
        const v = layers[l]!;
        const f = sizes[l]!;
        const base = i * f;
        for (let start = 0; start < f; start += 32) {
          const end = Math.min(start + 32, f);
          let bits = 0;
          for (let k = start, b = 0; k < end; k++, b++) if (v[base + k]! > 0) bits |= 1 << b;
          pool[w++] = bits;
        }
      }
      this.insert(out);
    }
    this.size += n;
  }

  private insert(at: number): void {
    const W = this.words;
    const pool = this.pool;
    let h = 0x811c9dc5 ^ W;
    for (let w = 0; w < W; w++) {
      h = Math.imul(h ^ pool[at + w]!, 0x01000193);
      h ^= h >>> 15;
    }
    const bucket = this.buckets.get(h);
    if (!bucket) {
      this.buckets.set(h, [at]);
      this.distinct++;
      return;
    }
    for (const other of bucket) {
      let same = true;
      for (let w = 0; w < W && same; w++) same = pool[other + w] === pool[at + w];
      if (same) return;
    }
    bucket.push(at);
    this.distinct++;
  }
}

/**
 * Forward `x` through `net` and add each sample's activation pattern (every tapped ReLU, each
 * tensor once) to `counter`. Leaves no tensors behind.
 */
export function addPatterns(counter: PatternCounter, net: Network, x: tf.Tensor4D, bn: NetBnMode): void {
  tf.tidy(() => {
    const seen = new Map<number, tf.Tensor>();
    net.forward(x, {
      bn,
      taps: (tap) => {
        if (!seen.has(tap.input.id)) seen.set(tap.input.id, tap.input);
      },
    });
    if (seen.size === 0) throw new Error('addPatterns: the network reported no ReLU taps');
    counter.addBatch([...seen.values()].map((t) => t.dataSync() as Float32Array), x.shape[0]);
  });
}

/** Number of distinct activation patterns of `net` over the samples of all `batches` (one forward each). */
export function countLinearRegions(net: Network, batches: readonly tf.Tensor4D[], bn: NetBnMode = 'train'): number {
  const counter = new PatternCounter();
  for (const x of batches) addPatterns(counter, net, x, bn);
  return counter.numDistinct;
}

/**
 * `count` single-channel crops of side `crop` from an NHWC batch (`data` of shape `shape`):
 * random image, random top-left corner (no padding), random channel. Returns NHWC [count, crop, crop, 1].
 */
export function randomCrops(data: Float32Array, shape: readonly [number, number, number, number], count: number, crop: number, rng: Rng): Float32Array {
  const [n, H, W, C] = shape;
  if (data.length !== n * H * W * C) throw new Error(`randomCrops: ${data.length} values do not match shape [${shape.join(', ')}]`);
  if (crop > H || crop > W) throw new Error(`randomCrops: crop ${crop} larger than the ${H}×${W} images`);
  const out = new Float32Array(count * crop * crop);
  for (let s = 0; s < count; s++) {
    const img = rng.int(n);
    const top = rng.int(H - crop + 1);
    const left = rng.int(W - crop + 1);
    const ch = rng.int(C);
    for (let y = 0; y < crop; y++) {
      for (let x = 0; x < crop; x++) out[(s * crop + y) * crop + x] = data[((img * H + top + y) * W + left + x) * C + ch]!;
    }
  }
  return out;
}

export interface NlrResult extends ProxyValue {
  /** Distinct patterns of each repeat. */
  readonly counts: readonly number[];
  readonly samplesPerCount: number;
}

/**
 * TE-NAS #linear regions of the architecture of `ctx`: thin network (C=1, N=1, no stem, one
 * cell), Kaiming-normal fan_in, `protocol.batches` train-mode passes of `protocol.batch` crops,
 * mean over `protocol.repeats` fresh inits and sample sets.
 */
export function nlrTenas(ctx: Pick<ProxyContext, 'x' | 'seed' | 'build'>, protocol: NlrProtocol = TENAS_NLR_PROTOCOL): NlrResult {
  const rng = new Rng((ctx.seed ^ NLR_SALT) >>> 0);
  const src = ctx.x.dataSync() as Float32Array;
  const shape = ctx.x.shape;
  const counts: number[] = [];
  for (let r = 0; r < protocol.repeats; r++) {
    const net = ctx.build({ C: 1, N: 1, stem: false, depth: 1, init: 'kaiming-normal-fan-in' }, rng.u32());
    try {
      const counter = new PatternCounter();
      for (let b = 0; b < protocol.batches; b++) {
        const crops = randomCrops(src, shape, protocol.batch, protocol.crop, rng);
        const x = tf.tensor4d(crops, [protocol.batch, protocol.crop, protocol.crop, 1]);
        try {
          addPatterns(counter, net, x, 'train');
        } finally {
          x.dispose();
        }
      }
      counts.push(counter.numDistinct);
    } finally {
      net.dispose();
    }
  }
  const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
  return { value: mean, status: 'ok', counts, samplesPerCount: protocol.batch * protocol.batches };
}

registerProxy({
  name: 'nlr',
  description:
    'TE-NAS number of linear regions: distinct ReLU patterns of the thin network (C=1, N=1, no stem, one cell), ' +
    '3×1000 random 1×3×3 crops, Kaiming-normal fan_in, train-mode BN, mean of 3 repeats (Chen et al. 2021)',
  needs: 'forward',
  higherIsBetter: true,
  compute: (ctx) => {
    const r = nlrTenas(ctx);
    return { value: r.value, status: r.status };
  },
});

registerProxy({
  name: 'nlr_full',
  description: 'distinct ReLU activation patterns of the run network (C=16, N=5) over the run batch (saturates at the batch size)',
  needs: 'forward',
  higherIsBetter: true,
  compute: (ctx) => ({ value: countLinearRegions(ctx.net, [ctx.x], ctx.bn), status: 'ok' }),
});
