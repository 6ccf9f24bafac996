/**
 * Activation taps: a network calls the sink once per ReLU module with that module's *input*
 * (pre-activation), the way NASWOT's forward hooks read it.
 *
 * `inWrapper` marks a ReLU that sits inside a NAS-Bench-201 `ReLUConvBN` module: the official
 * NASWOT code hooks every module whose class name contains "ReLU", so such a ReLU is counted
 * twice there (wrapper + inner nn.ReLU, same input tensor), once in NASLib (docs/papers.md §2.2).
 * `onOutputPath` is true when the output depends on the module through the graph (NASWOT's
 * backward-visited filter); `none` ops are multiplications by 0 and keep the path alive.
 */
import type * as tf from '@tensorflow/tfjs';

export interface ReluTap {
  readonly name: string;
  readonly input: tf.Tensor;
  readonly inWrapper: boolean;
  readonly onOutputPath: boolean;
}

export type TapSink = (tap: ReluTap) => void;

/** NASWOT counting conventions: official code (BayesWatch) vs NASLib. */
export type ReluCounting = 'official' | 'naslib';

/** How many times a tapped ReLU enters the kernel under a counting convention. */
export function tapMultiplicity(tap: Pick<ReluTap, 'inWrapper'>, counting: ReluCounting): number {
  return counting === 'official' && tap.inWrapper ? 2 : 1;
}
