/** What every search space's network offers the indicators. */
import type * as tf from '@tensorflow/tfjs';
import type { BnMode } from './layers';
import type { ParamMap } from './params';
import type { TapSink } from './taps';

/** BN behaviour of a forward pass; 'off' skips BN layers entirely (synflow, as zero-cost-nas). */
export type NetBnMode = BnMode | 'off';

/** What a parameter is, for proxies that sum over conv/linear weights only (NASLib convention). */
export type ParamKind = 'conv' | 'linear' | 'bias' | 'bn-weight' | 'bn-bias';

export type LayerOutputHook = (out: tf.Tensor, weightName: string) => tf.Tensor;
export type ReluHook = (preActivation: tf.Tensor, name: string) => tf.Tensor;

export interface ForwardOptions {
  readonly bn: NetBnMode;
  /**
   * Applied to the output of every block (cell, reduction block) before the next block, e.g. to
   * rescale activations by a constant and avoid float32 overflow in synflow.
   */
  readonly blockHook?: (h: tf.Tensor4D, blockName: string) => tf.Tensor4D;
  /** Applied to every conv output and to the classifier output, named by the weight (fisher). */
  readonly layerOutputHook?: LayerOutputHook;
  /** Replaces ReLU; `name` is unique per ReLU application (grasp's frozen-mask difference). */
  readonly reluHook?: ReluHook;
  readonly taps?: TapSink;
  /** Parameters to use instead of the network's own (same names), e.g. |θ| for synflow. */
  readonly params?: ParamMap;
}

export interface ForwardResult {
  readonly logits: tf.Tensor2D;
  readonly features: tf.Tensor2D;
}

/** The forward hooks a network's stages accept (no block hooks, no taps). */
export type StageHooks = Pick<ForwardOptions, 'layerOutputHook' | 'reluHook'>;

/**
 * One segment of a forward pass cut for gradient checkpointing (engine/checkpoint.ts): the
 * network's logits are stages[n-1].run(… stages[0].run(x) …). Stages take the hooks given to
 * `Network.stages` (layer outputs, ReLUs), no block hooks and no taps.
 */
export interface ForwardStage {
  readonly name: string;
  /** The parameters the stage reads (names of `Network.params`). */
  readonly paramNames: readonly string[];
  /** The stage's output from its input; the last stage returns the logits [N, K]. */
  run(h: tf.Tensor, params: ParamMap): tf.Tensor;
}

export interface Network {
  readonly params: ParamMap;
  /** Kind of every parameter in `params`. */
  readonly paramKinds: ReadonlyMap<string, ParamKind>;
  readonly numParams: number;
  /** Forward pass on an NHWC batch; call inside `tf.tidy` or dispose the results. */
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult;
  /**
   * The same forward pass (with the given layer-output / ReLU hooks) cut into stages for
   * memory-lean gradients; networks without it are differentiated on one tape.
   */
  stages?(bn: NetBnMode, hooks?: StageHooks): readonly ForwardStage[];
  dispose(): void;
}
