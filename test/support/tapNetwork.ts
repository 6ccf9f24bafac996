import { tf } from '../../src/engine/backend';
import type { ForwardOptions, Network } from '../../src/engine/network';

/**
 * A stand-in network whose forward pass reports fixed taps (n = 2 samples): A with codes (1,0,1),
 * (1,1,0) read twice (inside a ReLUConvBN as 'a.inner', then outside as 'a.outer'), and B ('b')
 * with codes (1), (0) off the output path. It records the BN mode it was asked for in `bns`.
 */
export function tapStandInNetwork(): { net: Network; bns: string[] } {
  const bns: string[] = [];
  const forward = (_x: tf.Tensor4D, o: ForwardOptions) => {
    bns.push(o.bn);
    const a = tf.tensor2d([[2, -1, 0.5], [1, 3, 0]]);
    const b = tf.tensor2d([[1], [-1]]);
    o.taps!({ name: 'a.inner', input: a, inWrapper: true, onOutputPath: true });
    o.taps!({ name: 'b', input: b, inWrapper: false, onOutputPath: false });
    o.taps!({ name: 'a.outer', input: a, inWrapper: false, onOutputPath: true });
    return { logits: tf.zeros([2, 1]) as tf.Tensor2D, features: tf.zeros([2, 1]) as tf.Tensor2D };
  };
  return { net: { forward } as unknown as Network, bns };
}
