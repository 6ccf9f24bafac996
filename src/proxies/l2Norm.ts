/**
 * `l2_norm`: Σ over Conv2d and Linear layers of the Frobenius norm of the layer's weight,
 * s = Σ_l ‖W_l‖₂ (biases and BN parameters excluded), on the untrained network as initialised
 * (PyTorch defaults). No data, no forward pass.
 * Source: NASLib `predictors/utils/pruners/measures/l2_norm.py` (`l.weight.norm()` for every
 * nn.Conv2d / nn.Linear from `p_utils.get_layer_metric_array`, summed in `find_measures`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/network';
import { convLinearWeights } from './grads';
import { proxyValue, registerProxy } from './registry';

/** Σ_l ‖W_l‖_F over the conv/linear weights of `net` (float64 sum of per-layer float32 norms). */
export function l2Norm(net: Network): number {
  let s = 0;
  for (const name of convLinearWeights(net)) {
    const w = net.params.get(name)!;
    const ss = tf.tidy(() => tf.sum(tf.square(w)));
    s += Math.sqrt(ss.dataSync()[0]!);
    ss.dispose();
  }
  return s;
}

registerProxy({
  name: 'l2_norm',
  description: 'Σ over conv/linear layers of ‖W‖₂ at initialisation (NASLib l2_norm)',
  needs: 'none',
  higherIsBetter: true,
  compute: ({ net }) => proxyValue(l2Norm(net)),
});
