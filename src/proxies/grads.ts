/**
 * Gradients shared by several proxies, computed once per architecture through `ctx.memo`.
 * NASLib / zero-cost-nas conventions (docs/papers.md §6.1): train-mode BN, one batch, cross-entropy
 * loss, per-layer quantities summed over Conv2d and Linear weights (not biases, not BN).
 * At large batches, networks that expose `stages` are differentiated stage by stage
 * (engine/checkpoint.ts): the same gradients with one stage's tape in memory, so gradient proxies
 * run at batch 128 and beyond.
 */
import * as tf from '@tensorflow/tfjs';
import { stagedGradients } from '../engine/checkpoint';
import type { ForwardStage, Network, StageHooks } from '../engine/network';
import type { ProxyContext } from './registry';

/**
 * Largest batch (samples × pixels) differentiated on one tape. One tape of the NB201 C=16 N=5
 * network peaks near 1.5 GB at 32 CIFAR images, and the wasm heap ends at 4 GB; above this, networks
 * that offer stages are differentiated stage by stage, which costs a second forward pass (1.4–2×
 * the time at batch 32, measured) but keeps one stage's tape in memory (batch 128: under 1 GB).
 */
export const ONE_TAPE_MAX_PIXELS = 48 * 32 * 32;

/**
 * The stages (running `hooks`) to differentiate `ctx.net` by, or undefined for one tape (small
 * batch, or no stages).
 */
export function stagesFor(ctx: Pick<ProxyContext, 'net' | 'x' | 'bn'>, hooks?: StageHooks): readonly ForwardStage[] | undefined {
  const [n, h, w] = ctx.x.shape;
  return n * h * w > ONE_TAPE_MAX_PIXELS ? ctx.net.stages?.(ctx.bn, hooks) : undefined;
}

/**
 * The stages every gradient here is taken through: `stagesFor` above the one-tape limit, else the
 * whole forward pass (with `hooks`) as a single stage, i.e. one tape. One route for both cases.
 */
export function gradientStages(ctx: Pick<ProxyContext, 'net' | 'x' | 'bn'>, hooks: StageHooks = {}): readonly ForwardStage[] {
  const { net, bn } = ctx;
  return stagesFor(ctx, hooks) ?? [{ name: 'network', paramNames: [...net.params.keys()], run: (h, P) => net.forward(h as tf.Tensor4D, { ...hooks, bn, params: P }).logits }];
}

/** Names of the conv and linear weights of a network, in parameter order. */
export function convLinearWeights(net: Network): string[] {
  return [...net.paramKinds].filter(([, k]) => k === 'conv' || k === 'linear').map(([n]) => n);
}

/** Mean cross-entropy of logits [N, K] against integer labels [N]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  if (!(numClasses >= 2)) {
    throw new Error(`cross-entropy needs a classifier with at least 2 outputs, this network has ${numClasses} (the naswot preset builds num_classes = 1, as NASWOT does): score loss-based proxies with --preset naslib`);
  }
  return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(labels, 'int32'), numClasses), logits) as tf.Scalar;
}

export interface WeightGrads {
  /** ∂L/∂W for every conv/linear weight (kept until the scorer disposes the memo). */
  readonly grads: ReadonlyMap<string, tf.Tensor>;
  readonly loss: number;
}

/**
 * ∂L/∂W of the batch's mean cross-entropy for the conv/linear weights `weights` (name → tensor used
 * in place of the network's own), the other parameters unchanged. A weight the loss does not
 * depend on (a conv whose only way out is a `none` edge) gets a zero gradient, as in NASLib (whose
 * Zero op multiplies by 0), where `tf.grads` would throw.
 */
export function ceGradsAt(ctx: ProxyContext, weights: ReadonlyMap<string, tf.Tensor>): { grads: Map<string, tf.Tensor>; loss: tf.Scalar } {
  const p = new Map(ctx.net.params);
  for (const [n, w] of weights) p.set(n, w);
  const loss = (logits: tf.Tensor): tf.Scalar => crossEntropy(logits as tf.Tensor2D, ctx.labels, ctx.numClasses);
  const out = stagedGradients(gradientStages(ctx), p, ctx.x, loss, { input: false, params: [...weights.keys()] });
  return { grads: out.paramGrads, loss: out.value };
}

/** ∂L/∂W of the batch's cross-entropy for every conv/linear weight (memo key 'ce-weight-grads'). */
export function ceWeightGrads(ctx: ProxyContext): WeightGrads {
  return ctx.memo('ce-weight-grads', () => {
    const names = convLinearWeights(ctx.net);
    if (names.length === 0) return { grads: new Map<string, tf.Tensor>(), loss: NaN };
    const { grads, loss } = ceGradsAt(ctx, new Map(names.map((n) => [n, ctx.net.params.get(n)!])));
    const l = loss.dataSync()[0];
    loss.dispose();
    return { grads, loss: l };
  });
}

/**
 * ∂(Σ_k logits_k)/∂x per sample, shape of the batch (memo key 'input-jacobian'); zeros when the
 * output does not depend on the input (e.g. every path from the input is a `none` edge).
 */
export function inputJacobian(ctx: ProxyContext): tf.Tensor4D {
  return ctx.memo('input-jacobian', () => {
    const out = stagedGradients(gradientStages(ctx), ctx.net.params, ctx.x, (logits) => tf.sum(logits), { input: true, params: [] });
    out.value.dispose();
    return out.inputGrad as tf.Tensor4D;
  });
}
