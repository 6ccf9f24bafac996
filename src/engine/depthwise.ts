/**
 * Depthwise 2-D convolution (channel multiplier 1) with a gradient that runs on every tfjs
 * backend, wasm included.
 *
 * y[n,o,p,c] = Σ_{i,j} x_pad[n, o·s + i·d, p·s + j·d, c] · w[i, j, c, 0]
 * with symmetric zero padding `pad`, stride s and dilation d (PyTorch `nn.Conv2d(C, C, k,
 * stride=s, padding=pad, dilation=d, groups=C)`, as DARTS's sep/dil convs use it).
 *
 * The wasm backend has DepthwiseConv2dNative but neither DepthwiseConv2dNativeBackpropInput nor
 * ...BackpropFilter, and tfjs's own gradient refuses dilation > 1; tfjs's forward refuses stride > 1
 * together with dilation > 1 (DARTS's dil_conv in reduction cells). So:
 *  - forward: tf.depthwiseConv2d; for s > 1 and d > 1 the stride-1 output subsampled every s-th
 *    row/column (y_s[o] = y_1[o·s], same padding);
 *  - gradients: a stride-s problem is first turned into the stride-1 one by spreading dy onto the
 *    stride-1 output grid (zeros in between), dy₁[o·s] = dy[o]; then, with L₁ = H + 2p − d(k−1):
 *      dX = depthwise(pad(dy₁, q), flip(w), stride 1, dilation d, 'valid'),  q = d(k−1) − p
 *           (the adjoint: a correlation with the spatially flipped kernel);
 *      dW[i,j,c] = Σ_{n,o,p} x_pad[n, o + i·d, p + j·d, c] · dy₁[n, o, p, c], computed as one
 *           depthwise convolution of x_pad (samples moved into channels, batch 1) with dy₁ as the
 *           filter, stride d, cropped to k×k, then summed over samples.
 * Layout NHWC; filter [kh, kw, C, 1] as tf.depthwiseConv2d.
 */
import * as tf from '@tensorflow/tfjs';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

function symPad(p: number): Pad4 {
  return [[0, 0], [p, p], [p, p], [0, 0]];
}

function checkArgs(xShape: readonly number[], wShape: readonly number[], stride: number, pad: number, dilation: number): void {
  if (wShape.length !== 4 || wShape[3] !== 1) {
    throw new Error(`depthwiseConv2d: filter must be [kh, kw, C, 1] (channel multiplier 1), got [${wShape.join(', ')}]`);
  }
  if (xShape[3] !== wShape[2]) {
    throw new Error(`depthwiseConv2d: input has ${xShape[3]} channels but the filter has ${wShape[2]}`);
  }
  for (const [name, v, min] of [['stride', stride, 1], ['pad', pad, 0], ['dilation', dilation, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`depthwiseConv2d: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

/** Output side of a convolution: ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1. */
export function convOutSize(n: number, k: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((n + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

/** Rows/columns 0, s, 2s, … of an NHWC tensor (no gradient: used inside custom gradients only). */
function subsampleNoGrad(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.stridedSlice(x, [0, 0, 0, 0], [n, h, w, c], [1, s, s, 1]) as tf.Tensor4D;
}

/**
 * Spread dy [N, Ho, Wo, C] onto a stride-1 grid of side (h1, w1): out[o·s, p·s] = dy[o, p], zeros
 * elsewhere (h1 ≥ (Ho−1)·s + 1).
 */
export function spreadStride(dy: tf.Tensor4D, s: number, h1: number, w1: number): tf.Tensor4D {
  if (s === 1) return dy;
  return tf.tidy(() => {
    const [n, ho, wo, c] = dy.shape;
    const z = tf.pad(tf.reshape(dy, [n, ho, 1, wo, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]);
    const full = tf.reshape(z, [n, ho * s, wo * s, c]) as tf.Tensor4D;
    // ho·s ≥ h1 − s + 1; trim or extend to exactly (h1, w1)
    const cut = tf.slice(full, [0, 0, 0, 0], [n, Math.min(ho * s, h1), Math.min(wo * s, w1), c]) as tf.Tensor4D;
    const eh = h1 - cut.shape[1];
    const ew = w1 - cut.shape[2];
    return eh > 0 || ew > 0 ? (tf.pad(cut, [[0, 0], [0, eh], [0, ew], [0, 0]]) as tf.Tensor4D) : cut;
  });
}

/** Pad (q ≥ 0) or crop (q < 0) both spatial sides of an NHWC tensor by |q|. */
function padOrCrop(x: tf.Tensor4D, q: number): tf.Tensor4D {
  if (q === 0) return x;
  if (q > 0) return tf.pad(x, symPad(q));
  const [n, h, w, c] = x.shape;
  return tf.slice(x, [0, -q, -q, 0], [n, h + 2 * q, w + 2 * q, c]);
}

/**
 * Input gradient of `depthwiseConv2d`: dX for upstream gradient dy, filter w [kh, kw, C, 1] and
 * input shape `xShape` (see the module comment).
 */
export function depthwiseInputGrad(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: readonly [number, number, number, number],
  stride: number,
  pad: number,
  dilation: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = w.shape;
    if (kh !== kw) throw new Error(`depthwiseInputGrad: square kernels only, got ${kh}×${kw}`);
    const [, h, wd] = xShape;
    const h1 = h + 2 * pad - dilation * (kh - 1);
    const w1 = wd + 2 * pad - dilation * (kw - 1);
    const dy1 = spreadStride(dy, stride, h1, w1);
    const q = dilation * (kh - 1) - pad;
    const wf = tf.reverse(w, [0, 1]) as tf.Tensor4D;
    return tf.depthwiseConv2d(padOrCrop(dy1, q), wf, 1, 'valid', 'NHWC', dilation);
  });
}

/**
 * Filter gradient of `depthwiseConv2d`: dW [kh, kw, C, 1] for input x and upstream gradient dy
 * (see the module comment).
 */
export function depthwiseFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kh: number,
  kw: number,
  stride: number,
  pad: number,
  dilation: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const h1 = h + 2 * pad - dilation * (kh - 1);
    const w1 = w + 2 * pad - dilation * (kw - 1);
    const dy1 = spreadStride(dy, stride, h1, w1); // [n, h1, w1, c]
    const xp = pad > 0 ? tf.pad(x, symPad(pad)) : x; // [n, hp, wp, c]
    const hp = h + 2 * pad;
    const wp = w + 2 * pad;
    // samples into channels: input [1, hp, wp, n·c], filter [h1, w1, n·c, 1]
    const xin = tf.reshape(tf.transpose(xp, [1, 2, 0, 3]), [1, hp, wp, n * c]) as tf.Tensor4D;
    const f = tf.reshape(tf.transpose(dy1, [1, 2, 0, 3]), [h1, w1, n * c, 1]) as tf.Tensor4D;
    const g = tf.depthwiseConv2d(xin, f, dilation, 'valid'); // [1, ≥kh, ≥kw, n·c]
    const gk = g.shape[1] === kh && g.shape[2] === kw ? g : tf.slice(g, [0, 0, 0, 0], [1, kh, kw, n * c]);
    return tf.reshape(tf.sum(tf.reshape(gk, [kh, kw, n, c]), 2), [kh, kw, c, 1]) as tf.Tensor4D;
  });
}

/** The filter gradient as one multiply-and-sum per kernel offset (reference for tests). */
export function depthwiseFilterGradByOffsets(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kh: number,
  kw: number,
  stride: number,
  pad: number,
  dilation: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, , , c] = x.shape;
    const [, ho, wo] = dy.shape;
    const xp = pad > 0 ? tf.pad(x, symPad(pad)) : x;
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const xs = tf.stridedSlice(
          xp,
          [0, i * dilation, j * dilation, 0],
          [n, i * dilation + (ho - 1) * stride + 1, j * dilation + (wo - 1) * stride + 1, c],
          [1, stride, stride, 1],
        );
        rows.push(tf.sum(tf.mul(xs, dy), [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(rows), [kh, kw, c, 1]) as tf.Tensor4D;
  });
}

/**
 * Depthwise convolution, NHWC, filter [kh, kw, C, 1], symmetric zero padding `pad`, any stride and
 * dilation (also both > 1), with explicit gradients (see the module comment).
 */
export function depthwiseConv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride = 1, pad = 0, dilation = 1): tf.Tensor4D {
  checkArgs(x.shape, w.shape, stride, pad, dilation);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x4, w4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, w4]);
    const value =
      stride > 1 && dilation > 1
        ? tf.tidy(() => subsampleNoGrad(tf.depthwiseConv2d(x4, w4, 1, symPad(pad), 'NHWC', dilation), stride))
        : tf.depthwiseConv2d(x4, w4, stride, symPad(pad), 'NHWC', dilation);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dx = depthwiseInputGrad(dy, ws, xs.shape, stride, pad, dilation);
      const dw = depthwiseFilterGrad(xs, dy, ws.shape[0], ws.shape[1], stride, pad, dilation);
      return [dx, dw];
    };
    return { value, gradFunc };
  });
  return f(x, w) as tf.Tensor4D;
}
