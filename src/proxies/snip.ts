/**
 * snip (Lee et al., ICLR 2019, as a zero-cost proxy in Abdelfattah et al., ICLR 2021;
 * zero-cost-nas `foresight/pruners/measures/snip.py`, NASLib
 * `naslib/predictors/utils/pruners/measures/snip.py`; PAPERS.md §6.1):
 *
 *   snip = Σ_l Σ |W_l ⊙ ∂L/∂W_l|
 *
 * The reference multiplies each Conv2d / Linear weight by an all-ones mask m and takes |∂L/∂m|;
 * at m = 1, ∂L/∂m = W ⊙ ∂L/∂(W·m) = W ⊙ ∂L/∂W, so the shared CE weight gradients
 * (`ceWeightGrads(ctx)`, mean cross-entropy of one batch, the run's BN mode) suffice.
 */
import * as tf from '@tensorflow/tfjs';
import { ceWeightGrads } from './grads';
import { proxyValue, registerProxy, type ProxyContext, type ProxyValue } from './registry';

export function snip(ctx: ProxyContext): ProxyValue {
  const { grads } = ceWeightGrads(ctx);
  if (grads.size === 0) return proxyValue(0);
  const perLayer = tf.tidy(() =>
    tf.stack([...grads].map(([name, g]) => tf.sum(tf.abs(tf.mul(ctx.net.params.get(name)!, g))))).dataSync(),
  );
  let s = 0;
  for (const v of perLayer) s += v;
  return proxyValue(s);
}

registerProxy({
  name: 'snip',
  description: 'Σ |W ⊙ ∂L/∂W| over conv/linear weights, CE loss on one batch (SNIP saliency; zero-cost-nas / NASLib)',
  needs: 'weight-gradient',
  lossBased: true,
  higherIsBetter: true,
  compute: snip,
});
