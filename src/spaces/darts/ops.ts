/**
 * Tensor helpers for DARTS ops with PyTorch's padding semantics and gradients on every backend.
 *
 * PyTorch pads symmetrically (pad 1 for a 3×3 window) and starts windows at −pad; TensorFlow's
 * SAME padding at stride 2 on an even side pads only at the end, so stride-2 windows would be
 * shifted by one. Stride-1 3×3 pools use SAME (symmetric there); stride-2 pools pad explicitly:
 *  - maxPool3x3: pad with −∞ (never selected) then a 'valid' max pool;
 *  - avgPool3x3 (count_include_pad=False): pad with 0, 'valid' average pool, then multiply each
 *    output by 9/count, count = number of real (unpadded) cells in its window.
 * tf.stridedSlice has no gradient in tfjs, so subsampling x[:, ::s, ::s] goes through reshape + slice.
 */
import * as tf from '@tensorflow/tfjs';
import { avgPool } from '../../engine/layers';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

const pad1: Pad4 = [[0, 0], [1, 1], [1, 1], [0, 0]];

/** x[:, ::s, ::s, :] with a gradient (reshape and slice; odd sides are padded first). */
export function subsample(x: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return x;
  const [n, h, w, c] = x.shape;
  const ho = Math.ceil(h / s);
  const wo = Math.ceil(w / s);
  const xp = ho * s !== h || wo * s !== w ? tf.pad(x, [[0, 0], [0, ho * s - h], [0, wo * s - w], [0, 0]]) : x;
  const r = tf.reshape(xp, [n * ho, s, wo, s * c]); // rows split into (ho, s); columns keep (wo, s·c)
  const rows = tf.slice(r, [0, 0, 0, 0], [n * ho, 1, wo, s * c]); // first row of each group
  const cols = tf.slice(tf.reshape(rows, [n * ho, wo, s, c]), [0, 0, 0, 0], [n * ho, wo, 1, c]); // first column
  return tf.reshape(cols, [n, ho, wo, c]);
}

/**
 * PyTorch MaxPool2d(3, stride, padding=1), with its own gradient: the wasm backend's MaxPoolGrad
 * drops the gradient of some inputs that are the maximum of several overlapping windows (measured
 * against the cpu kernel and a naive loop). Backward (`maxPool3x3Backward`): for the 9 window
 * offsets in row-major order, the first input equal to the window's maximum receives dy
 * (PyTorch's first-max rule).
 */
export function maxPool3x3(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const value = stride === 1 ? tf.maxPool(xi, 3, 1, 'same') : tf.tidy(() => tf.maxPool(tf.pad(xi, pad1, -Infinity), 3, stride, 'valid'));
    save([xi, value]);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor => {
      const [xs, ys] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dx = maxPool3x3Backward(xs.dataSync() as Float32Array, xs.shape, ys.dataSync() as Float32Array, ys.shape, dy.dataSync() as Float32Array, stride);
      return tf.tensor4d(dx, xs.shape);
    };
    return { value, gradFunc };
  });
  return f(x) as tf.Tensor4D;
}

/** dx of a 3×3, pad-1 max pool at `stride` (NHWC): `maxPoolBackward` with k = 3, pad = 1. */
export function maxPool3x3Backward(
  x: Float32Array,
  xShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  dy: Float32Array,
  stride: number,
): Float32Array {
  return maxPoolBackward(x, xShape, y, yShape, dy, { k: 3, stride, pad: 1 });
}

/**
 * dx of a k×k max pool at `stride` with `pad` cells of −∞ padding (NHWC, row-major data), PyTorch's
 * first-max rule: each output's dy goes to the first window offset (row-major) whose input equals
 * the output, and each input sums what it receives in offset order (float32), so NaN windows pass
 * nothing back. One pass on the host instead of masking k² shifted inputs on the backend.
 */
export function maxPoolBackward(
  x: Float32Array,
  xShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
  dy: Float32Array,
  o: { readonly k: number; readonly stride: number; readonly pad: number },
): Float32Array {
  const { k, stride, pad } = o;
  const [n, h, w, c] = xShape as [number, number, number, number];
  const [, ho, wo] = yShape as [number, number, number, number];
  if (x.length !== n * h * w * c || y.length !== n * ho * wo * c || dy.length !== y.length) {
    throw new Error(`maxPoolBackward: sizes do not match shapes x [${xShape.join(', ')}], y [${yShape.join(', ')}]`);
  }
  // winner offset (0..k²−1) of every output, −1 when none (NaN window)
  const win = new Int8Array(y.length).fill(-1);
  for (let b = 0; b < n; b++) {
    for (let oi = 0; oi < ho; oi++) {
      for (let oj = 0; oj < wo; oj++) {
        const out = ((b * ho + oi) * wo + oj) * c;
        for (let ch = 0; ch < c; ch++) {
          const v = y[out + ch]!;
          for (let q = 0; q < k * k; q++) {
            const i = oi * stride + ((q / k) | 0) - pad;
            const j = oj * stride + (q % k) - pad;
            const xv = i < 0 || j < 0 || i >= h || j >= w ? -Infinity : x[((b * h + i) * w + j) * c + ch]!;
            if (xv === v) {
              win[out + ch] = q;
              break;
            }
          }
        }
      }
    }
  }
  const dx = new Float32Array(x.length);
  for (let q = 0; q < k * k; q++) {
    const di = ((q / k) | 0) - pad;
    const dj = (q % k) - pad;
    for (let b = 0; b < n; b++) {
      for (let oi = 0; oi < ho; oi++) {
        const i = oi * stride + di;
        if (i < 0 || i >= h) continue;
        for (let oj = 0; oj < wo; oj++) {
          const j = oj * stride + dj;
          if (j < 0 || j >= w) continue;
          const out = ((b * ho + oi) * wo + oj) * c;
          const xi = ((b * h + i) * w + j) * c;
          for (let ch = 0; ch < c; ch++) if (win[out + ch] === q) dx[xi + ch] += dy[out + ch]!;
        }
      }
    }
  }
  return dx;
}

/** 9/count per output cell of a 3×3, pad-1 window at `stride` (count = real cells in the window). */
function countScale(h: number, w: number, stride: number): { data: Float32Array; ho: number; wo: number } {
  const ho = Math.floor((h + 2 - 3) / stride) + 1;
  const wo = Math.floor((w + 2 - 3) / stride) + 1;
  const valid = (start: number, n: number): number => Math.min(start + 3, n) - Math.max(start, 0);
  const data = new Float32Array(ho * wo);
  for (let i = 0; i < ho; i++) for (let j = 0; j < wo; j++) data[i * wo + j] = 9 / (valid(i * stride - 1, h) * valid(j * stride - 1, w));
  return { data, ho, wo };
}

/** PyTorch AvgPool2d(3, stride, padding=1, count_include_pad=False). */
export function avgPool3x3(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (stride === 1) return avgPool(x, 3, 1, true);
  const [, h, w] = x.shape;
  const { data, ho, wo } = countScale(h, w, stride);
  return tf.mul(tf.avgPool(tf.pad(x, pad1), 3, stride, 'valid'), tf.tensor4d(data, [1, ho, wo, 1]));
}

/** DARTS Zero(stride): x·0, subsampled at stride > 1 (keeps NaN/∞ propagation as PyTorch). */
export function zeroOp(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.mul(subsample(x, stride), 0);
}
