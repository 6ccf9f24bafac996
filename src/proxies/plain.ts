/**
 * `plain`: s = Σ over Conv2d and Linear weights of W ⊙ ∂L/∂W (signed, no absolute value), with L
 * the mean cross-entropy of one batch, BN in the run's mode (train: batch statistics).
 * Source: NASLib `predictors/utils/pruners/measures/plain.py` (net.zero_grad(), loss.backward(),
 * `layer.weight.grad * layer.weight` for every nn.Conv2d / nn.Linear, summed in `find_measures`;
 * its NB201 table used one batch of 32, split_data = 1, train-mode BN, T = 1); same gradients as
 * snip without the absolute value, so they are shared through the `ce-weight-grads` memo (grads.ts).
 *
 * What it measures: a layer followed by train-mode BN leaves L invariant to its scale, so its
 * ⟨W_l, ∂L/∂W_l⟩ = d/dc L(c·W_l) is exactly 0 (float32 leaves rounding only). On NB201, plain is
 * therefore d/dt L at t = 0 with the classifier and the two ResNet downsample convs scaled by
 * (1 + t): a small, sign-changing quantity that depends on the init and the batch. On the 725 NASLib
 * cifar10 reference archs our draws agree with each other at Spearman ρ 0.095 and with NASLib's
 * single-draw column at 0.125, and NASLib's ρ with accuracy (−0.257) lies inside the range of ours
 * over 8 draws (−0.209 ± 0.037): noise, not a convention difference
 * (`zeronas parity --proxies plain --limit 725 --seeds 1-8`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/network';
import { ceWeightGrads } from './grads';
import { proxyValue, registerProxy, type ProxyContext } from './registry';

/** Σ_W Σ W ⊙ G over the weights that have a gradient in `grads`. */
export function plainFromGrads(net: Network, grads: ReadonlyMap<string, tf.Tensor>): number {
  let s = 0;
  for (const [name, g] of grads) {
    const w = net.params.get(name);
    if (!w) throw new Error(`plain: gradient for unknown parameter '${name}'`);
    const t = tf.tidy(() => tf.sum(tf.mul(w, g)));
    s += t.dataSync()[0]!;
    t.dispose();
  }
  return s;
}

/** ∂L/∂W of the conv/linear weights, shared with the other gradient proxies (zeros for weights cut off from the loss). */
export function plainWeightGrads(ctx: ProxyContext): ReadonlyMap<string, tf.Tensor> {
  return ceWeightGrads(ctx).grads;
}

export function plain(ctx: ProxyContext): number {
  return plainFromGrads(ctx.net, plainWeightGrads(ctx));
}

registerProxy({
  name: 'plain',
  description: 'Σ over conv/linear weights of W·∂L/∂W, cross-entropy of one batch (NASLib plain)',
  needs: 'weight-gradient',
  lossBased: true,
  higherIsBetter: true,
  compute: (ctx) => proxyValue(plain(ctx)),
});
