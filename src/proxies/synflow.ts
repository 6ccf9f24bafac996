/**
 * `synflow` (Tanaka et al. 2020, as a zero-cost proxy in Abdelfattah et al. 2021):
 * BN disabled, every parameter replaced by |θ|, input = one all-ones image [1, H, W, 3],
 * R = Σ_k logits_k, S = Σ over Conv2d/Linear weights of |θ ⊙ ∂R/∂θ| (biases and BN excluded);
 * reported as NASLib does: log S (sign-preserving log; S ≥ 0 here; S = 0 is reported as 0).
 * Sources: NASLib `predictors/utils/pruners/measures/synflow.py` (`@measure('synflow', bn=False)`,
 * `linearize` = abs of the whole state_dict, float64, `torch.ones([1] + input_dim)`,
 * `torch.sum(output).backward()`, `abs(layer.weight * layer.weight.grad)` for Conv2d/Linear);
 * NASLib `predictors/zerocost.py` (`math.log(score) if score > 0 else -math.log(-score)`);
 * zero-cost-nas `foresight/pruners/measures/synflow.py` (same).
 *
 * float32 without overflow (NASLib reaches e^114 in float64): with BN off, |θ| and a positive
 * input, every ReLU sees non-negative values and is the identity, so the network is linear in its
 * input and every input→output path crosses every block output. Dividing block b's output by a
 * constant c_b therefore divides R (less the classifier bias) and every θ·∂R/∂θ by Π c_b. The
 * `blockHook` divides each cell / ResNet-block output by its own max (read with dataSync, a fresh
 * scalar that carries no gradient) and
 *   log S = log Σ|θ ⊙ ∂R'/∂θ| + Σ_b log c_b   (R' the rescaled network's output sum).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/network';
import type { ParamMap } from '../engine/params';
import { convLinearWeights } from './grads';
import { proxyValue, registerProxy } from './registry';

export interface SynflowResult {
  /** log S (NASLib's reported value); 0 where S = 0. */
  readonly score: number;
  /** log Σ|θ ⊙ ∂R'/∂θ| of the (possibly rescaled) float32 network. */
  readonly logRaw: number;
  /** Σ_b log c_b removed by the block rescaling (0 without it). */
  readonly logScale: number;
}

export interface SynflowOptions {
  /** Input image side and channels, NHWC without the batch (default [32, 32, 3]). */
  readonly inputShape?: readonly [number, number, number];
  /** Divide each block output by its max (default true); false = plain float32 synflow. */
  readonly rescale?: boolean;
}

/** Synflow of `net` (its parameters are left untouched; every temporary tensor is freed). */
export function synflow(net: Network, opts: SynflowOptions = {}): SynflowResult {
  const [h, w, c] = opts.inputShape ?? [32, 32, 3];
  const rescale = opts.rescale ?? true;
  const names = convLinearWeights(net);
  const absParams: ParamMap = new Map();
  for (const [n, t] of net.params) absParams.set(n, tf.abs(t));
  let logScale = 0;
  try {
    const sum = tf.tidy(() => {
      const x = tf.ones([1, h, w, c]) as tf.Tensor4D;
      const blockHook = (out: tf.Tensor4D): tf.Tensor4D => {
        const m = tf.tidy(() => tf.max(out));
        const v = m.dataSync()[0]!;
        m.dispose();
        if (!(v > 0) || !Number.isFinite(v)) return out; // zero block (dead cell) or already overflowed
        logScale += Math.log(v);
        return tf.div(out, tf.scalar(v));
      };
      const ws = names.map((n) => absParams.get(n)!);
      const f = (): tf.Scalar => {
        logScale = 0;
        return tf.sum(net.forward(x, { bn: 'off', params: absParams, blockHook: rescale ? blockHook : undefined }).logits);
      };
      // allowNoGradients: weights cut off from the output (all-`none` cells) get a zero gradient,
      // as PyTorch's x·0 gives them in NASLib.
      const { grads } = tf.engine().gradients(f, ws, undefined, true);
      const terms = ws.map((wt, i) => {
        const g = grads[i] as tf.Tensor | null | undefined;
        return g ? tf.sum(tf.abs(tf.mul(wt, g))) : tf.scalar(0);
      });
      return tf.addN(terms) as tf.Scalar;
    });
    const s = sum.dataSync()[0]!;
    sum.dispose();
    const logRaw = Math.log(s);
    // NASLib: a zero score is reported as 0, a positive one as log(score).
    const score = s === 0 ? 0 : logRaw + logScale;
    return { score, logRaw, logScale };
  } finally {
    for (const t of absParams.values()) t.dispose();
  }
}

registerProxy({
  name: 'synflow',
  description: 'log Σ|θ·∂R/∂θ| over conv/linear weights, |θ|, BN off, all-ones input (NASLib synflow; exact float32 via block rescaling)',
  needs: 'weight-gradient',
  higherIsBetter: true,
  compute: ({ net, x }) => {
    const [, h, w, c] = x.shape;
    const r = synflow(net, { inputShape: [h, w, c] });
    return proxyValue(r.score, 'synflow overflowed or is undefined');
  },
});
