/**
 * Accumulator of the NASWOT Hamming kernel (docs/papers.md §2.1–2.2):
 *   K_H[i,j] = Σ_layers w_l · (F_l − d_H(c_i^l, c_j^l)),
 * c_i^l ∈ {0,1}^{F_l} the binary code (pre-activation > 0) of sample i at ReLU layer l, w_l the
 * layer's multiplicity under the counting convention. Equivalent to Σ_l w_l·(XXᵀ + (1−X)(1−X)ᵀ).
 * Codes are packed 64 per word and distances counted by popcount of XOR (in WebAssembly, see
 * `layerDistances`), so the kernel is exact integer arithmetic in float64, and the cost is
 * ~F·N²/128 word operations per layer.
 */
import { HAMMING_WASM_BASE64 } from './hammingWasm';

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

/** The compiled hamming.wat: native 64-bit popcount, which JavaScript lacks. */
interface HammingWasm {
  readonly memory: WebAssembly.Memory;
  pack(src: number, n: number, f: number, dst: number, words: number): void;
  distances(codes: number, n: number, words: number, out: number): void;
}

let wasmInstance: HammingWasm | undefined;

/** The module, instantiated once per thread (412 bytes: synchronous compilation is allowed everywhere). */
function hammingWasm(): HammingWasm {
  if (!wasmInstance) {
    const bytes = Uint8Array.from(atob(HAMMING_WASM_BASE64), (c) => c.charCodeAt(0));
    wasmInstance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as HammingWasm;
  }
  return wasmInstance;
}

/** wasm32 addresses are unsigned 32-bit; the module's loops compare them as such. */
const WASM_MAX_BYTES = 2 ** 31;

/**
 * Hamming distances between the codes (value > 0) of n samples × F values: codes packed 64 per
 * word, distances counted by popcount of XOR (~F·n²/128 word operations), both in WebAssembly
 * (hamming.wat). The layer's values, packed codes and the n×n result share the module's memory,
 * which grows to the largest layer seen and is reused.
 */
export function layerDistances(values: Float32Array | Float64Array, n: number): LayerDistances {
  if (values.length % n !== 0) throw new Error(`HammingKernel: ${values.length} values do not split into ${n} samples`);
  const f = values.length / n;
  const words = Math.ceil(f / 64);
  const outBytes = n * n * 8;
  const codesBytes = n * words * 8;
  const total = outBytes + codesBytes + values.length * 4;
  if (total > WASM_MAX_BYTES) throw new Error(`HammingKernel: a layer of ${n} samples × ${f} units needs ${total} bytes of working memory, more than ${WASM_MAX_BYTES}; score a smaller batch`);
  const w = hammingWasm();
  const have = w.memory.buffer.byteLength;
  if (have < total) w.memory.grow(Math.ceil((total - have) / 65536));
  const codesPtr = outBytes;
  const valuesPtr = outBytes + codesBytes;
  const v = new Float32Array(w.memory.buffer, valuesPtr, values.length);
  // float64 values go in as their codes: a tiny positive float64 must not round to a float32 zero
  if (values instanceof Float32Array) v.set(values);
  else for (let k = 0; k < values.length; k++) v[k] = values[k]! > 0 ? 1 : 0;
  w.pack(valuesPtr, n, f, codesPtr, words);
  w.distances(codesPtr, n, words, 0);
  return { n, units: f, dist: new Float64Array(w.memory.buffer, 0, n * n).slice() };
}
