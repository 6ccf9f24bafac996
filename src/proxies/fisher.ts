/**
 * fisher (Theis et al. 2018 / Turner et al. 2020, as a zero-cost proxy in Abdelfattah et al.,
 * ICLR 2021; zero-cost-nas `foresight/pruners/measures/fisher.py`, NASLib
 * `naslib/predictors/utils/pruners/measures/fisher.py`; PAPERS.md §6.1):
 *
 *   g_{n,k} = Σ_spatial a_{n,k} · ∂L/∂a_{n,k}       (a = output of a Conv2d / Linear, bias included)
 *   F_k     = ½ · mean_n g_{n,k}²
 *   fisher  = Σ_layers Σ_k F_k · fanIn                (F_k broadcast over the channel's C_in·kh·kw weights)
 *
 * L is the mean cross-entropy of one batch under the run's BN mode (train in NASLib). NASLib puts an
 * identity "dummy" after every conv/linear and reads the activation and its gradient in a backward
 * hook. Here each conv/linear output a is replaced, through `layerOutputHook`, by a·(1 + p) with a
 * probe p = 0 of shape [N, 1, 1, C_out] ([N, C_out] for linear outputs); then ∂L/∂p_{n,k} equals
 * Σ_spatial a·∂L/∂a = g_{n,k} exactly, for every layer in one backward pass.
 *
 * The hook is needed: with train-mode BN every sample's gradient depends on the whole batch, and a
 * conv directly followed by BN is scale invariant, so Σ_n g_{n,k} = ⟨W_k, ∂L/∂W_k⟩ = 0 and the
 * per-sample-loss route ⟨W_k, ∂ℓ_n/∂W_k⟩ is 0 for every n as well (scaling channel k for all
 * samples leaves every ℓ_n unchanged). Only the per-(sample, channel) split of a·∂L/∂a carries the
 * signal, and weight gradients cannot give it. A network that does not call `layerOutputHook`
 * yields status 'error'. Layers whose outputs the hook never sees (no path to the loss) count 0,
 * as NASLib's zero fisher for layers without gradient. Above `ONE_TAPE_MAX_PIXELS` the probes'
 * gradients are taken stage by stage (engine/checkpoint.ts), the same values in less memory.
 */
import * as tf from '@tensorflow/tfjs';
import { stagedGradients, stageOf } from '../engine/checkpoint';
import type { ForwardOptions, LayerOutputHook } from '../engine/network';
import { convLinearWeights, crossEntropy, gradientStages } from './grads';
import { proxyValue, registerProxy, type ProxyContext, type ProxyValue } from './registry';

/** Forward options with the conv/linear output hook (engine/network.ts). */
export type LayerHookForwardOptions = ForwardOptions;

export interface FisherResult {
  /** Σ_layers Σ_k F_k·fanIn, NaN when the network offers no layer-output hook. */
  readonly value: number;
  /** Per conv/linear weight: Σ_k F_k·fanIn. */
  readonly perLayer: ReadonlyMap<string, number>;
  /** Whether the network called the hook at all. */
  readonly hooked: boolean;
}

/** Fisher per layer via output probes (see the module comment). */
export function fisherScore(ctx: ProxyContext): FisherResult {
  const names = convLinearWeights(ctx.net);
  const n = ctx.x.shape[0];
  const perLayer = new Map<string, number>();
  if (names.length === 0) return { value: 0, perLayer, hooked: false };
  const state = { hooked: false };
  const values = tf.tidy(() => {
    const probes = new Map<string, tf.Tensor>();
    for (const name of names) {
      const w = ctx.net.params.get(name)!;
      const cout = w.shape[w.rank - 1]!;
      probes.set(name, tf.zeros(w.rank === 2 ? [n, cout] : [n, ...new Array<number>(w.rank - 2).fill(1), cout]));
    }
    const seen = new Set<string>();
    const layerOutputHook: LayerOutputHook = (out, name) => {
      const p = probes.get(name);
      if (!p) return out;
      seen.add(name);
      return tf.add(out, tf.mul(out, p));
    };
    const list = names.map((name) => probes.get(name)!);
    const loss = (logits: tf.Tensor): tf.Scalar => crossEntropy(logits as tf.Tensor2D, ctx.labels, ctx.numClasses);
    const stages = gradientStages(ctx, { layerOutputHook });
    const others = names.map((name, i) => ({ tensor: list[i]!, stage: stageOf(stages, name) }));
    const grads = stagedGradients(stages, ctx.net.params, ctx.x, loss, { input: false, params: [], others }).otherGrads;
    state.hooked = seen.size > 0;
    if (!state.hooked) return new Float32Array(0);
    const terms = names.map((name, i) => {
      const g = grads[i];
      const w = ctx.net.params.get(name)!;
      const cout = w.shape[w.rank - 1]!;
      if (!seen.has(name)) return tf.scalar(0);
      const u = tf.reshape(g, [n, cout]);
      return tf.mul(tf.sum(tf.mul(tf.mean(tf.square(u), 0), 0.5)), w.size / cout);
    });
    return tf.stack(terms).dataSync() as Float32Array;
  });
  if (!state.hooked) return { value: NaN, perLayer, hooked: false };
  let total = 0;
  names.forEach((name, i) => {
    perLayer.set(name, values[i]!);
    total += values[i]!;
  });
  return { value: total, perLayer, hooked: true };
}

export function fisher(ctx: ProxyContext): ProxyValue {
  const r = fisherScore(ctx);
  if (!r.hooked && Number.isNaN(r.value)) {
    return {
      value: NaN,
      status: 'error',
      reason: 'fisher needs conv/linear output activations: the network does not call ForwardOptions.layerOutputHook',
    };
  }
  return proxyValue(r.value);
}

registerProxy({
  name: 'fisher',
  description: 'Σ_layers Σ_k ½·mean_n(Σ_spatial a·∂L/∂a)²·fan-in over conv/linear output channels (zero-cost-nas / NASLib fisher)',
  needs: 'weight-gradient',
  lossBased: true,
  higherIsBetter: true,
  compute: fisher,
});
