/**
 * Accumulator of the NASWOT Hamming kernel (docs/papers.md §2.1–2.2):
 *   K_H[i,j] = Σ_layers w_l · (F_l − d_H(c_i^l, c_j^l)),
 * c_i^l ∈ {0,1}^{F_l} the binary code (pre-activation > 0) of sample i at ReLU layer l, w_l the
 * layer's multiplicity under the counting convention. Equivalent to Σ_l w_l·(XXᵀ + (1−X)(1−X)ᵀ).
 * Codes are packed 32 per word and distances counted by popcount of XOR, so the kernel is exact
 * integer arithmetic in float64, and the cost is ~F·N²/64 word operations per layer.
 */
export class HammingKernel {
  /** Σ_l w_l·d_H(c_i, c_j), row-major n×n (upper triangle filled, mirrored on read). */
  private readonly dist: Float64Array;
  /** Σ_l w_l·F_l: the weighted number of activation units N_A. */
  private units = 0;
  /** Unweighted number of distinct tapped units. */
  private rawUnits = 0;
  private layers = 0;

  constructor(readonly n: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`HammingKernel: batch size must be a positive integer, got ${n}`);
    this.dist = new Float64Array(n * n);
  }

  /**
   * Add one layer's codes: `values` holds n samples × F pre-activations (sample-major, any layout
   * inside a sample); code = value > 0. `weight` is the layer's multiplicity.
   */
  addLayer(values: Float32Array | Float64Array, weight = 1): void {
    this.addDistances(layerDistances(values, this.n), weight);
  }

  /** Add a layer whose pairwise Hamming distances were computed by `layerDistances`. */
  addDistances(layer: LayerDistances, weight = 1): void {
    const n = this.n;
    if (layer.n !== n) throw new Error(`HammingKernel: layer has ${layer.n} samples, kernel ${n}`);
    const dist = this.dist;
    for (let k = 0; k < dist.length; k++) dist[k] += weight * layer.dist[k];
    this.units += weight * layer.units;
    this.rawUnits += layer.units;
    this.layers++;
  }

  /** Weighted number of activation units N_A = Σ_l w_l·F_l. */
  get numUnits(): number {
    return this.units;
  }

  /** Number of distinct tapped units (each layer once). */
  get numDistinctUnits(): number {
    return this.rawUnits;
  }

  get numLayers(): number {
    return this.layers;
  }

  /** The kernel K_H as a row-major n×n float64 matrix. */
  kernel(): Float64Array {
    const n = this.n;
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      k[i * n + i] = this.units;
      for (let j = i + 1; j < n; j++) {
        const v = this.units - this.dist[i * n + j];
        k[i * n + j] = v;
        k[j * n + i] = v;
      }
    }
    return k;
  }
}

/** Pairwise Hamming distances of one layer's binary codes (upper triangle of an n×n matrix). */
export interface LayerDistances {
  readonly n: number;
  /** Units per sample (F). */
  readonly units: number;
  readonly dist: Float64Array;
}

let packedScratch = new Int32Array(0);

/**
 * Hamming distances between the codes (value > 0) of n samples × F values: codes packed 32 per
 * word, distances counted by popcount of XOR (~F·n²/64 word operations).
 */
export function layerDistances(values: Float32Array | Float64Array, n: number): LayerDistances {
  if (values.length % n !== 0) throw new Error(`HammingKernel: ${values.length} values do not split into ${n} samples`);
  const f = values.length / n;
  const words = (f + 31) >>> 5;
  if (packedScratch.length < n * words) packedScratch = new Int32Array(n * words);
  const bits = packedScratch;
  for (let i = 0; i < n; i++) {
    const base = i * f;
    const out = i * words;
    for (let w = 0; w < words; w++) {
      const start = base + w * 32;
      const end = Math.min(start + 32, base + f);
      let v = 0;
      for (let k = start, b = 0; k < end; k++, b++) if (values[k] > 0) v |= 1 << b;
      bits[out + w] = v;
    }
  }
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = i * words;
    for (let j = i + 1; j < n; j++) {
      const b = j * words;
      let s = 0;
      for (let w = 0; w < words; w++) {
        let v = bits[a + w] ^ bits[b + w];
        v = v - ((v >>> 1) & 0x55555555);
        v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
        s += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
      }
      dist[i * n + j] = s;
    }
  }
  return { n, units: f, dist };
}
