/** What every search space's network offers the indicators. */
import type * as tf from '@tensorflow/tfjs';
import type { BnMode } from './layers';
import type { ParamMap } from './params';
import type { TapSink } from './taps';

export interface ForwardOptions {
  readonly bn: BnMode;
  readonly taps?: TapSink;
  /** Parameters to use instead of the network's own (same names), e.g. |θ| for synflow. */
  readonly params?: ParamMap;
}

export interface ForwardResult {
  readonly logits: tf.Tensor2D;
  readonly features: tf.Tensor2D;
}

export interface Network {
  readonly params: ParamMap;
  readonly numParams: number;
  /** Forward pass on an NHWC batch; call inside `tf.tidy` or dispose the results. */
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult;
  dispose(): void;
}
