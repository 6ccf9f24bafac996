/**
 * Memory-lean gradients by checkpointing at stage boundaries (Chen et al. 2016, "Training Deep
 * Nets with Sublinear Memory Cost"). A network that cuts its forward pass into stages
 * h_{k+1} = s_k(h_k; θ_k), logits = s_{n-1}(h_{n-1}) (`Network.stages`) is differentiated as
 *
 *   forward:  h_1 … h_{n-1} computed without a tape (only the stage inputs are kept)
 *   backward: for k = n-1 … 0:  (∂L/∂h_k, ∂L/∂θ_k) = VJP of s_k at h_k with cotangent ∂L/∂h_{k+1}
 *             (s_k re-run on one tape, so peak memory is one stage's tape, not the network's)
 *
 * The result is the one-tape gradient (same ops, same batch statistics in train-mode BN) at the
 * cost of a second forward pass. Weights that the loss does not reach get zero gradients, as with
 * `allowNoGradients` on one tape.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardStage } from './network';
import type { ParamMap } from './params';

export interface StagedGradients {
  /** The loss value. */
  readonly value: tf.Scalar;
  /** ∂L/∂x (only when asked for). */
  readonly inputGrad?: tf.Tensor;
  /** ∂L/∂θ for the requested parameters (zeros where the loss does not depend on θ). */
  readonly paramGrads: Map<string, tf.Tensor>;
  /** ∂L/∂t for the requested other tensors, in their order (zeros where the loss does not depend on t). */
  readonly otherGrads: tf.Tensor[];
}

/**
 * A tensor other than a parameter that one stage reads, e.g. through a hook given to
 * `Network.stages` (fisher's per-layer output probes); `stage` is its index in the stage list.
 */
export interface StageTensor {
  readonly tensor: tf.Tensor;
  readonly stage: number;
}

/**
 * Runs `stages` on `params` from `x` keeping only one stage's tensors at a time, for what the
 * stages' hooks record; disposes everything it makes, the logits included.
 */
export function forwardByStages(stages: readonly ForwardStage[], params: ParamMap, x: tf.Tensor): void {
  let h = x;
  for (const s of stages) {
    const next = tf.tidy(() => s.run(h, params));
    if (h !== x) h.dispose();
    h = next;
  }
  if (h !== x) h.dispose();
}

/** Index of the stage that reads parameter `name`. @throws when no stage reads it. */
export function stageOf(stages: readonly ForwardStage[], name: string): number {
  const k = stages.findIndex((s) => s.paramNames.includes(name));
  if (k < 0) throw new Error(`stageOf: parameter '${name}' belongs to no stage`);
  return k;
}

/**
 * Gradients of `loss(logits)` w.r.t. the input, the parameters `wrt.params` (names of `params`) and
 * the other tensors `wrt.others`, through `stages` run on `params`. The backward pass stops at the
 * lowest stage that holds something asked for. Leaves only the returned tensors behind.
 * @throws when a name of `wrt.params` is read by no stage, an other tensor names no stage, or
 * nothing is asked for.
 */
export function stagedGradients(
  stages: readonly ForwardStage[],
  params: ParamMap,
  x: tf.Tensor,
  loss: (logits: tf.Tensor) => tf.Scalar,
  wrt: { readonly input: boolean; readonly params: readonly string[]; readonly others?: readonly StageTensor[] },
): StagedGradients {
  if (stages.length === 0) throw new Error('stagedGradients: the network has no stages');
  const owner = new Map<string, number>();
  stages.forEach((s, k) => s.paramNames.forEach((n) => owner.set(n, k)));
  for (const n of wrt.params) {
    if (!owner.has(n)) throw new Error(`stagedGradients: parameter '${n}' belongs to no stage`);
    if (!params.has(n)) throw new Error(`stagedGradients: missing parameter '${n}'`);
  }
  const others = wrt.others ?? [];
  others.forEach((o, i) => {
    if (!(Number.isInteger(o.stage) && o.stage >= 0 && o.stage < stages.length)) {
      throw new Error(`stagedGradients: other tensor ${i} names stage ${o.stage}, the network has stages 0..${stages.length - 1}`);
    }
  });
  const otherGrads: (tf.Tensor | undefined)[] = others.map(() => undefined);
  // the backward pass goes down to the lowest stage that holds something asked for
  const asked = [...wrt.params.map((n) => owner.get(n)!), ...others.map((o) => o.stage)];
  if (!wrt.input && asked.length === 0) throw new Error('stagedGradients: nothing to differentiate (no input, parameter or other tensor asked for)');
  const lowest = wrt.input ? 0 : Math.min(...asked);
  // forward without a tape: the input of every stage
  const inputs: tf.Tensor[] = [x];
  for (let k = 0; k < stages.length - 1; k++) inputs.push(tf.tidy(() => stages[k]!.run(inputs[k]!, params)));
  const paramGrads = new Map<string, tf.Tensor>();
  let dy: tf.Tensor | undefined;
  let value: tf.Scalar | undefined;
  try {
    for (let k = stages.length - 1; k >= lowest; k--) {
      const h = inputs[k]!;
      const names = wrt.params.filter((n) => owner.get(n) === k);
      const mine = others.flatMap((o, i) => (o.stage === k ? [i] : []));
      // ∂L/∂h is needed above the lowest stage, and at it only when the input gradient is asked for
      const withH = k > lowest || wrt.input ? 1 : 0;
      const xs = [...(withH ? [h] : []), ...names.map((n) => params.get(n)!), ...mine.map((i) => others[i]!.tensor)];
      const last = k === stages.length - 1;
      const f = (): tf.Tensor => (last ? loss(stages[k]!.run(h, params)) : stages[k]!.run(h, params));
      const out = tf.engine().gradients(f, xs, dy, true);
      if (last) value = out.value as tf.Scalar;
      else out.value.dispose();
      dy?.dispose();
      dy = undefined;
      names.forEach((n, i) => paramGrads.set(n, out.grads[withH + i] ?? tf.zerosLike(xs[withH + i]!)));
      mine.forEach((o, j) => (otherGrads[o] = out.grads[withH + names.length + j] ?? tf.zerosLike(others[o]!.tensor)));
      if (withH) dy = out.grads[0] ?? tf.zerosLike(h);
    }
  } catch (e) {
    dy?.dispose();
    value?.dispose();
    for (const g of paramGrads.values()) g.dispose();
    for (const g of otherGrads) g?.dispose();
    throw e;
  } finally {
    for (let k = 1; k < inputs.length; k++) inputs[k]!.dispose();
  }
  let inputGrad: tf.Tensor | undefined;
  if (wrt.input) inputGrad = dy;
  else dy?.dispose();
  const done = { value: value!, paramGrads, otherGrads: otherGrads as tf.Tensor[] };
  return inputGrad ? { ...done, inputGrad } : done;
}
