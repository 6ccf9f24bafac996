/**
 * grad_norm (Abdelfattah et al., ICLR 2021; zero-cost-nas `foresight/pruners/measures/grad_norm.py`,
 * NASLib `naslib/predictors/utils/pruners/measures/grad_norm.py`; PAPERS.md §6.1):
 *
 *   grad_norm = Σ_l ‖∂L/∂W_l‖₂
 *
 * over every Conv2d / Linear weight W_l (not biases, not BN), L the mean cross-entropy of one batch
 * under the run's BN mode (train in NASLib). The per-layer Frobenius norms are summed (NASLib
 * returns one norm per layer and `find_measures` sums the array), not the norm of the whole
 * gradient vector. The gradients are the shared `ceWeightGrads(ctx)` (memo 'ce-weight-grads').
 */
import * as tf from '@tensorflow/tfjs';
import { ceWeightGrads } from './grads';
import { proxyValue, registerProxy, type ProxyContext, type ProxyValue } from './registry';

/** Σ_l ‖g_l‖₂ over the given per-layer gradients, summed in float64. */
export function sumOfLayerNorms(grads: Iterable<tf.Tensor>): number {
  const list = [...grads];
  if (list.length === 0) return 0;
  return tf.tidy(() => {
    const norms = tf.stack(list.map((g) => tf.sqrt(tf.sum(tf.square(g))))).dataSync();
    let s = 0;
    for (const v of norms) s += v;
    return s;
  });
}

export function gradNorm(ctx: ProxyContext): ProxyValue {
  const { grads } = ceWeightGrads(ctx);
  return proxyValue(sumOfLayerNorms(grads.values()));
}

registerProxy({
  name: 'grad_norm',
  description: 'Σ over conv/linear layers of ‖∂L/∂W‖₂, CE loss on one batch (zero-cost-nas / NASLib)',
  needs: 'weight-gradient',
  lossBased: true,
  higherIsBetter: true,
  compute: gradNorm,
});
