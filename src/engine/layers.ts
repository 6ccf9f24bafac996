/**
 * Layer functions whose forward *and* backward passes run on every tfjs backend, wasm included.
 *
 * The wasm backend has no `Conv2DBackpropFilter` kernel and `tf.batchNorm` has no gradient there,
 * so both get explicit gradients:
 *  - conv2d: a replacement gradient of the Conv2D kernel (CONV2D_GRAD, below): dW as one
 *    convolution of the padded input with dY (see conv2dWeightGrad); dX as a convolution with the
 *    flipped kernel (stride 1) or `conv2dTranspose`; each only when the backward pass needs it.
 *  - batchNorm (`tf.customGrad`): y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε). Train mode uses batch statistics with the
 *    biased variance (PyTorch); the backward pass is the closed form
 *    dx = γ/(M·√(σ²+ε)) · (M·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy (sums over N,H,W).
 *    Eval mode normalises with running statistics (μ=0, σ²=1 at init): dx = γ·dy/√(σ²+ε).
 * Layout is NHWC throughout; conv weights are HWIO.
 */
import * as tf from '@tensorflow/tfjs';

export type BnMode = 'train' | 'eval';
export const BN_EPS = 1e-5;

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

function explicitPad(p: number): Pad4 {
  return [[0, 0], [p, p], [p, p], [0, 0]];
}

/**
 * Weight gradient of a 2-D convolution (works where Conv2DBackpropFilter is missing), as one
 * convolution: dW[i,j,c,o] = Σ_{n,h,w} x_pad[n, h·s+i·d, w·s+j·d, c]·dY[n,h,w,o] is a valid
 * convolution of x_pad (channels as batch, samples as channels, [C, H, W, N]) with dY as the
 * filter ([Ho, Wo, N, O]), dilated by the stride s and strided by the dilation d.
 */
export function conv2dWeightGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kh: number,
  kw: number,
  stride: number,
  pad: number,
  dilation: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    if (stride > 1 && dilation > 1) return conv2dWeightGradByOffsets(x, dy, kh, kw, stride, pad, dilation);
    const xp = pad > 0 ? tf.pad(x, explicitPad(pad)) : x;
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [cin, Hp, Wp, n]
    const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, n, cout]
    const g = tf.conv2d(xt, f, dilation, 'valid', 'NHWC', stride); // [cin, >=kh, >=kw, cout]
    const gk = g.shape[1] === kh && g.shape[2] === kw ? g : tf.slice(g, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(gk, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** The same gradient as one matmul per kernel offset (any stride and dilation; slower on wasm). */
export function conv2dWeightGradByOffsets(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kh: number,
  kw: number,
  stride: number,
  pad: number,
  dilation: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, , , cin] = x.shape;
    const [, ho, wo, cout] = dy.shape;
    const xp = pad > 0 ? tf.pad(x, explicitPad(pad)) : x;
    const m = n * ho * wo;
    const dyT = tf.transpose(tf.reshape(dy, [m, cout])); // [cout, m]
    const rows: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const xs = tf.stridedSlice(
          xp,
          [0, i * dilation, j * dilation, 0],
          [n, i * dilation + (ho - 1) * stride + 1, j * dilation + (wo - 1) * stride + 1, cin],
          [1, stride, stride, 1],
        ) as tf.Tensor4D;
        rows.push(tf.matMul(dyT, tf.reshape(xs, [m, cin]))); // [cout, cin]
      }
    }
    // [kh*kw, cout, cin] -> [kh, kw, cin, cout]
    return tf.transpose(tf.reshape(tf.stack(rows), [kh, kw, cout, cin]), [0, 1, 3, 2]) as tf.Tensor4D;
  });
}

/**
 * Input gradient of a 2-D convolution. Stride 1: a convolution of dY with the spatially flipped,
 * in/out-swapped kernel, padding d·(k−1)−p (faster than Conv2DBackpropInput on wasm); otherwise
 * `conv2dTranspose` (dilation 1 only).
 */
export function conv2dInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: [number, number, number, number], stride: number, pad: number, dilation: number): tf.Tensor4D {
  const [kh, kw] = w.shape;
  if (stride === 1 && kh === kw && dilation * (kh - 1) - pad >= 0) {
    return tf.tidy(() => {
      const wf = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const q = dilation * (kh - 1) - pad;
      return tf.conv2d(dy, wf, 1, explicitPad(q), 'NHWC', dilation);
    });
  }
  if (dilation !== 1) throw new Error('conv2d: input gradient with stride > 1 and dilation > 1 is not supported');
  return tf.conv2dTranspose(dy, w, xShape, stride, pad);
}

/** A Conv2D `pad` attribute as one symmetric amount, or undefined when it is not one. */
function symmetricPad(pad: unknown): number | undefined {
  if (pad === 'valid') return 0;
  if (typeof pad === 'number') return pad;
  if (Array.isArray(pad) && pad.length === 4) {
    const [n, h, w, c] = pad as number[][];
    if (n?.[0] === 0 && n[1] === 0 && c?.[0] === 0 && c[1] === 0 && h?.[0] === h?.[1] && w?.[0] === w?.[1] && h?.[0] === w?.[0]) return h![0];
  }
  return undefined;
}

function sameScalar(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2 && v[0] === v[1]) return v[0] as number;
  return undefined;
}

/**
 * The Conv2D kernel's gradient as we replace it (tfjs's own needs the Conv2DBackpropFilter kernel
 * that wasm lacks): NHWC convolutions with symmetric padding get conv2dInputGrad /
 * conv2dWeightGrad; anything else keeps tfjs's gradient. Each gradient is computed only when the
 * backward pass needs it (an input Jacobian computes no weight gradient).
 */
const CONV2D_GRAD: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const a = attrs as unknown as { strides: unknown; pad: unknown; dataFormat: string; dilations: unknown };
    const pad = symmetricPad(a.pad);
    const stride = sameScalar(a.strides);
    const dilation = sameScalar(a.dilations);
    if (a.dataFormat !== 'NHWC' || pad === undefined || stride === undefined || dilation === undefined) {
      if (!tfjsConv2dGrad) throw new Error('conv2d: no tfjs gradient to fall back on for this convolution');
      return tfjsConv2dGrad.gradFunc(dy, saved, attrs);
    }
    const [x, w] = saved as [tf.Tensor4D, tf.Tensor4D];
    const dy4 = dy as tf.Tensor4D;
    return {
      x: () => conv2dInputGrad(dy4, w, x.shape, stride, pad, dilation),
      filter: () => conv2dWeightGrad(x, dy4, w.shape[0], w.shape[1], stride, pad, dilation),
    };
  },
};
let tfjsConv2dGrad: tf.GradConfig | undefined;

/**
 * Make CONV2D_GRAD the registered Conv2D gradient. Checked on every conv2d call because loading
 * another tfjs-core copy (the probe for `@tensorflow/tfjs-node`) registers tfjs's gradients again.
 */
export function ensureConv2dGradient(): void {
  const current = tf.getGradient(tf.Conv2D);
  if (current === CONV2D_GRAD) return;
  if (current) tfjsConv2dGrad = current;
  tf.registerGradient(CONV2D_GRAD);
}

/**
 * 2-D convolution, NHWC, symmetric zero padding `pad`; its gradient is the Conv2D gradient above,
 * so it works on wasm. Input gradients for dilation > 1 need stride 1.
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride = 1, pad = 0, dilation = 1): tf.Tensor4D {
  ensureConv2dGradient();
  return tf.conv2d(x, w, stride, explicitPad(pad), 'NHWC', dilation);
}

/**
 * Per-channel mean over N,H,W of an NHWC tensor (over N of an [N, C] one). For 4-D input it is the
 * mean over N of global average pools: on wasm, reductions over outer axes transpose first and
 * were 10–15× slower at 128×32×32×16, and this two-level sum is also closer to the float64 mean.
 */
function channelMean(x: tf.Tensor): tf.Tensor1D {
  if (x.rank !== 4) return tf.mean(x, 0) as tf.Tensor1D;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return tf.mean(tf.reshape(tf.avgPool(x as tf.Tensor4D, [h, w], 1, 'valid'), [n, c]), 0) as tf.Tensor1D;
}

/** Running statistics of a BN layer (PyTorch initial values: mean 0, var 1). */
export interface BnRunning {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Batch normalisation over N,H,W of an NHWC tensor (or N of an [N, C] tensor) with explicit
 * gradients. `gamma`/`beta` undefined means affine=False.
 */
export function batchNorm(
  x: tf.Tensor4D | tf.Tensor2D,
  mode: BnMode,
  gamma?: tf.Tensor1D,
  beta?: tf.Tensor1D,
  running?: BnRunning,
  eps = BN_EPS,
): tf.Tensor {
  const c = x.shape[x.shape.length - 1];
  const g = gamma ?? tf.ones([c]);
  const b = beta ?? tf.zeros([c]);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, gi, bi, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const m = xi.size / c;
    let mean: tf.Tensor1D;
    let invStd: tf.Tensor1D;
    let value: tf.Tensor;
    if (mode === 'train') {
      // two-pass biased variance mean((x − μ)²), as PyTorch (E[x²] − μ² loses precision in float32);
      // y = (x − μ)·γ/σ + β from the centred x (on wasm faster than tf.moments + tf.batchNorm)
      mean = channelMean(xi);
      const centred = tf.sub(xi, mean);
      const variance = channelMean(tf.square(centred));
      invStd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
      value = tf.add(tf.mul(centred, tf.mul(gi, invStd)), bi);
    } else {
      mean = running?.mean ?? tf.zeros([c]);
      invStd = tf.rsqrt(tf.add(running?.variance ?? tf.ones([c]), eps)) as tf.Tensor1D;
      const scale = tf.mul(gi, invStd);
      value = tf.add(tf.mul(xi, scale), tf.sub(bi, tf.mul(mean, scale)));
    }
    save([xi, gi, mean, invStd]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xs, gs, mu, inv] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
      const xhat = tf.mul(tf.sub(xs, mu), inv);
      const meanDy = channelMean(dy);
      const meanDyXhat = channelMean(tf.mul(dy, xhat));
      const a = tf.mul(gs, inv);
      let dx: tf.Tensor;
      if (mode === 'train') {
        // dx = a·dy − a·mean(dy) − x̂·a·mean(dy·x̂),  a = γ/σ (per-channel factors folded first)
        dx = tf.sub(tf.mul(dy, a), tf.add(tf.mul(xhat, tf.mul(a, meanDyXhat)), tf.mul(a, meanDy)));
      } else {
        dx = tf.mul(dy, a);
      }
      return [dx, tf.mul(meanDyXhat, m), tf.mul(meanDy, m)];
    };
    return { value, gradFunc };
  });
  return f(x, g, b);
}

/** Fully connected layer y = x·W + b, W as [in, out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const y = tf.matMul(x, w);
  return (b ? tf.add(y, b) : y) as tf.Tensor2D;
}

/**
 * Average pool k×k, stride s; with `same`, padding (k−1)/2 whose cells are not counted (PyTorch
 * count_include_pad=False; TensorFlow's SAME semantics). tfjs's own gradient divides by k² at the
 * borders too, so the `same` case carries its gradient: dx = AvgPoolGrad(dy · k²/count), count the
 * number of valid cells of each window (for stride 1 and odd k computed as a padded average pool).
 */
export function avgPool(x: tf.Tensor4D, k: number, stride: number, same: boolean): tf.Tensor4D {
  if (!same) return tf.avgPool(x, k, stride, 'valid');
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    save([xi]);
    const value = tf.avgPool(xi, k, stride, 'same');
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor => {
      const xs = saved[0] as tf.Tensor4D;
      const scale = tf.tensor4d(windowScale(xs.shape[1], xs.shape[2], dy.shape[1], dy.shape[2], k, stride), [1, dy.shape[1], dy.shape[2], 1]);
      const scaled = tf.mul(dy, scale) as tf.Tensor4D;
      if (stride === 1 && k % 2 === 1) {
        // stride 1, odd k: each input cell receives Σ over the k×k windows covering it of dy·scale/k²,
        // i.e. a zero-padded 'valid' average pool of dy·scale (on wasm ≈ 10× faster than AvgPoolGrad)
        const p = (k - 1) / 2;
        return tf.avgPool(tf.pad(scaled, explicitPad(p)), k, 1, 'valid');
      }
      const attrs = { filterSize: k, strides: stride, pad: 'same' } as unknown as tf.NamedAttrMap;
      return tf.engine().runKernel(tf.AvgPoolGrad, { dy: scaled, input: xs }, attrs) as tf.Tensor;
    };
    return { value, gradFunc };
  });
  return f(x) as tf.Tensor4D;
}

/** k²/count per output cell of a SAME-padded k×k window (TensorFlow's padding split). */
function windowScale(h: number, w: number, ho: number, wo: number, k: number, s: number): Float32Array {
  const padTop = Math.floor(Math.max((ho - 1) * s + k - h, 0) / 2);
  const padLeft = Math.floor(Math.max((wo - 1) * s + k - w, 0) / 2);
  const valid = (start: number, n: number): number => Math.min(start + k, n) - Math.max(start, 0);
  const out = new Float32Array(ho * wo);
  for (let i = 0; i < ho; i++) {
    for (let j = 0; j < wo; j++) out[i * wo + j] = (k * k) / (valid(i * s - padTop, h) * valid(j * s - padLeft, w));
  }
  return out;
}

/** Global average pool NHWC → [N, C] as a matmul-free mean over H, W. */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}
