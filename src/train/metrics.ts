/**
 * Loss and accuracy of a classifier, and evaluation of a network on a CIFAR split.
 * Loss: mean softmax cross-entropy (PyTorch `nn.CrossEntropyLoss`), shared with the gradient
 * proxies (proxies/grads.ts). Accuracy: top-1, ties broken towards the lower class (argmax).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/network';
import { loadCifar, type CifarDataset, type CifarSplit } from '../data/cifar';
import { NASWOT_NORM, type NormConstants } from '../data/normalize';
import { crossEntropy } from '../proxies/grads';
import { batchOf } from './data';
import { RunningBnStats, type BnForwardOptions, type BnInputSource } from './bnStats';

export { crossEntropy };

/** Number of rows of `logits` whose argmax equals the label (a scalar tensor). */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32')) as tf.Scalar);
}

/**
 * How evaluation treats BN: 'running' normalises with the trainer's running statistics (eval
 * mode, PyTorch `model.eval()`); 'batch' keeps train-mode BN and normalises every evaluation
 * batch with its own statistics (no running statistics needed; results depend mildly on the
 * batch size and composition).
 */
export type EvalBn = 'running' | 'batch';

export interface EvalOptions {
  readonly dataset: CifarDataset;
  /** Default 'test'. */
  readonly split?: CifarSplit;
  /** Default 256. */
  readonly batchSize?: number;
  /** Evaluate on the first `limit` images only (default all). */
  readonly limit?: number;
  /** Default: NASWOT/NAS-Bench-201 constants of the dataset. */
  readonly norm?: NormConstants;
  readonly bn: EvalBn;
  /** Running statistics, required for bn 'running'. */
  readonly stats?: RunningBnStats;
  /**
   * How the network takes them: 'convention' folds them into γ, β (default; any network whose
   * BN layers are all affine), 'network' passes `bnRunning` (networks with the BN hooks).
   */
  readonly statsVia?: BnInputSource;
}

/**
 * Forward options for an evaluation pass with running BN statistics (eval mode), and what to
 * dispose afterwards.
 */
export function runningStatsForward(net: Network, stats: RunningBnStats, via: BnInputSource = 'convention'): { options: BnForwardOptions; dispose(): void } {
  if (via === 'network') return { options: { bn: 'eval', bnRunning: stats.running() }, dispose: () => {} };
  const params = stats.foldedParams(net.params);
  return { options: { bn: 'eval', params }, dispose: () => RunningBnStats.disposeFolded(params, net.params) };
}

export interface EvalResult {
  /** Mean cross-entropy. */
  readonly loss: number;
  /** Top-1 accuracy in [0, 1]. */
  readonly acc: number;
  /** Images evaluated. */
  readonly n: number;
}

/**
 * Loss and accuracy of `net` on the first `limit` images of a split, in order, without
 * augmentation. Leaves no tensor behind.
 */
export function evaluate(net: Network, opts: EvalOptions): EvalResult {
  const split = opts.split ?? 'test';
  const set = loadCifar(opts.dataset, split);
  const n = opts.limit ?? set.n;
  const bs = opts.batchSize ?? 256;
  const norm = opts.norm ?? NASWOT_NORM[opts.dataset];
  if (!(Number.isInteger(n) && n >= 1 && n <= set.n)) throw new Error(`evaluate: limit must be an integer in 1..${set.n}, got ${opts.limit}`);
  if (!(Number.isInteger(bs) && bs >= 1)) throw new Error(`evaluate: batchSize must be a positive integer, got ${bs}`);
  if (opts.bn !== 'running' && opts.bn !== 'batch') throw new Error(`evaluate: unknown bn mode '${String(opts.bn)}'`);
  if (opts.bn === 'running' && !opts.stats) throw new Error("evaluate: bn 'running' needs the trainer's running statistics (stats)");
  const fwd = opts.bn === 'running' ? runningStatsForward(net, opts.stats!, opts.statsVia) : { options: { bn: 'train' } as const, dispose: () => {} };
  let lossSum = 0;
  let correct = 0;
  try {
    for (let start = 0; start < n; start += bs) {
      const idx = Array.from({ length: Math.min(bs, n - start) }, (_, i) => start + i);
      const b = batchOf(set, idx, norm);
      const [l, c] = tf.tidy(() => {
        const x = tf.tensor4d(b.x, [...b.shape]);
        const y = tf.tensor1d(b.labels, 'int32');
        const { logits } = net.forward(x, fwd.options);
        return [tf.mul(crossEntropy(logits, y, set.numClasses), idx.length), correctCount(logits, y)];
      });
      lossSum += l.dataSync()[0]!;
      correct += c.dataSync()[0]!;
      l.dispose();
      c.dispose();
    }
  } finally {
    fwd.dispose();
  }
  return { loss: lossSum / n, acc: correct / n, n };
}
