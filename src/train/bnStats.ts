/**
 * Running statistics of batch normalisation, kept by the trainer (the networks hold no buffers).
 *
 * Update after every training step, PyTorch `BatchNorm2d(momentum=0.1)`:
 *   μ_run ← (1 − m)·μ_run + m·μ_B,   σ²_run ← (1 − m)·σ²_run + m·σ²_B·M/(M − 1)
 * (μ_B, σ²_B: the batch's per-channel mean and biased variance over M = N·H·W values, the ones
 * the train-mode forward normalised with; the running variance takes the unbiased estimate).
 * Initial values μ_run = 0, σ²_run = 1.
 *
 * Two ways to read each BN layer's input during the train-mode forward pass:
 *  - 'network': the network calls `bnInputHook(input, bnName)` for every BN layer (affine or not),
 *    an addition to `ForwardOptions` proposed with `bnRunning` below (`BnForwardOptions`); found
 *    by `networkReportsBnInputs`, a probe forward pass.
 *  - 'convention' (until networks have that hook): through the existing hooks by naming convention
 *    (NAS-Bench-201, NAS-Bench-101): BN `P.bn` normalises the output of conv `P.conv.weight`
 *    (`layerOutputHook`), and at most one BN without such a conv (NB201's head `lastact.bn`)
 *    normalises the last block's output (`blockHook`). Only affine BNs (with `P.bn.weight` in
 *    `paramKinds`) are seen.
 *
 * Evaluation with running statistics: networks with the hook take them as `bnRunning`; for the
 * others they are folded into the affine parameters passed as a `params` override, since in eval
 * mode the networks normalise with μ = 0, σ² = 1 (engine/layers.ts `batchNorm` without `running`):
 *   γ' = γ·√(1 + ε)/√(σ²_run + ε),   β' = β − γ·μ_run/√(σ²_run + ε)
 * gives γ'·x/√(1 + ε) + β' = γ·(x − μ_run)/√(σ²_run + ε) + β exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { BN_EPS, type BnRunning } from '../engine/layers';
import type { ForwardOptions, Network, ParamKind } from '../engine/network';
import type { ParamMap } from '../engine/params';

/** Sink for a BN layer's input during a train-mode forward pass. */
export type BnInputHook = (input: tf.Tensor, bnName: string) => void;

/**
 * `ForwardOptions` with the two fields this module asks of networks (proposed for
 * engine/network.ts): in train mode call `bnInputHook` with every BN layer's input and name; in
 * eval mode normalise BN layer `name` with `bnRunning.get(name)` when present (else μ=0, σ²=1).
 * Networks that do not know these fields ignore them.
 */
export interface BnForwardOptions extends ForwardOptions {
  readonly bnInputHook?: BnInputHook;
  readonly bnRunning?: ReadonlyMap<string, BnRunning>;
}

/** How the trainer sees BN inputs (module comment). */
export type BnInputSource = 'network' | 'convention';

/**
 * Whether `net` calls `bnInputHook` (probe: one train-mode forward pass of two blank 32×32×3 images).
 */
export function networkReportsBnInputs(net: Network, imageShape: readonly [number, number, number] = [32, 32, 3]): boolean {
  let calls = 0;
  tf.tidy(() => {
    const x = tf.zeros([2, ...imageShape]) as tf.Tensor4D;
    const opts: BnForwardOptions = { bn: 'train', bnInputHook: () => void calls++ };
    net.forward(x, opts);
  });
  return calls > 0;
}

/** Names of the affine BN layers of a network (`X` for every BN weight `X.weight`), in parameter order. */
export function bnLayerNames(kinds: ReadonlyMap<string, ParamKind>): string[] {
  const names: string[] = [];
  for (const [n, k] of kinds) {
    if (k !== 'bn-weight') continue;
    if (!n.endsWith('.weight')) throw new Error(`BN weight '${n}' does not end in '.weight'`);
    const layer = n.slice(0, -'.weight'.length);
    if (kinds.get(`${layer}.bias`) !== 'bn-bias') throw new Error(`BN layer '${layer}' has no bn-bias '${layer}.bias'`);
    names.push(layer);
  }
  return names;
}

/** Forward-option hooks that report BN inputs, and `flush()` to call after the forward pass. */
export interface BnInputHooks {
  readonly options: Pick<ForwardOptions, 'layerOutputHook' | 'blockHook'>;
  /** Report the inputs only known at the end of the forward pass (the last block's output). */
  flush(): void;
}

/**
 * Hooks that report every affine BN layer's input to `sink` by the naming convention (module
 * comment). Call `flush()` after each forward pass, inside the same tidy scope.
 * @throws if the network's BN layers do not follow the convention (names them in the error).
 */
export function bnInputHooks(net: Pick<Network, 'paramKinds'>, sink: BnInputHook): BnInputHooks {
  const convToBn = new Map<string, string>();
  const tail: string[] = [];
  for (const bn of bnLayerNames(net.paramKinds)) {
    const conv = bn.endsWith('.bn') ? `${bn.slice(0, -'.bn'.length)}.conv.weight` : undefined;
    if (conv !== undefined && net.paramKinds.get(conv) === 'conv') convToBn.set(conv, bn);
    else tail.push(bn);
  }
  if (tail.length > 1) {
    throw new Error(
      `bnInputHooks: BN layers ${tail.join(', ')} follow no 'X.conv.weight' conv; only one (the head's, reading the last block) ` +
        'is supported until the network calls bnInputHook itself (or train with evalBn: "batch")',
    );
  }
  const tailBn = tail[0];
  let lastBlock: tf.Tensor | undefined;
  return {
    options: {
      layerOutputHook: (out, weightName) => {
        const bn = convToBn.get(weightName);
        if (bn !== undefined) sink(out, bn);
        return out;
      },
      blockHook: (h) => {
        lastBlock = h;
        return h;
      },
    },
    flush: () => {
      if (tailBn !== undefined) {
        if (lastBlock === undefined) throw new Error(`bnInputHooks: no block output seen for '${tailBn}'`);
        sink(lastBlock, tailBn);
      }
      lastBlock = undefined;
    },
  };
}

/** Running mean and variance of the BN layers seen so far. Call `dispose()` when done. */
export class RunningBnStats {
  private readonly stats = new Map<string, BnRunning>();
  private readonly pending = new Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number }>();

  /** `momentum`: PyTorch's BN momentum m (default 0.1). */
  constructor(readonly momentum = 0.1) {
    if (!(Number.isFinite(momentum) && momentum > 0 && momentum <= 1)) throw new Error(`RunningBnStats: momentum must lie in (0, 1], got ${momentum}`);
  }

  /**
   * Record the batch statistics of BN layer `bnName` from its input (NHWC or [N, C]); applied by
   * `commit()`. May be called inside a tidy scope or a gradient tape (the statistics are kept).
   */
  observe(bnName: string, input: tf.Tensor): void {
    if (this.pending.has(bnName)) throw new Error(`RunningBnStats: BN layer '${bnName}' observed twice in one step`);
    const c = input.shape[input.shape.length - 1]!;
    const old = this.stats.get(bnName);
    if (old && old.mean.shape[0] !== c) throw new Error(`RunningBnStats: BN layer '${bnName}' had ${old.mean.shape[0]} channels, now ${c}`);
    const axes = input.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.tidy(() => {
      const m = tf.moments(input, axes);
      return { mean: m.mean as tf.Tensor1D, variance: m.variance as tf.Tensor1D };
    });
    this.pending.set(bnName, { mean: tf.keep(mean), variance: tf.keep(variance), count: input.size / c });
  }

  /** Fold the observed batch statistics into the running ones (layers not observed keep theirs). */
  commit(): void {
    const m = this.momentum;
    for (const [name, b] of this.pending) {
      const old = this.stats.get(name);
      const next = tf.tidy(() => {
        const unbiased = b.count > 1 ? tf.mul(b.variance, b.count / (b.count - 1)) : b.variance;
        const oldMean = old?.mean ?? tf.zerosLike(b.mean);
        const oldVar = old?.variance ?? tf.onesLike(b.variance);
        return {
          mean: tf.add(tf.mul(oldMean, 1 - m), tf.mul(b.mean, m)) as tf.Tensor1D,
          variance: tf.add(tf.mul(oldVar, 1 - m), tf.mul(unbiased, m)) as tf.Tensor1D,
        };
      });
      this.stats.set(name, next);
      old?.mean.dispose();
      old?.variance.dispose();
      b.mean.dispose();
      b.variance.dispose();
    }
    this.pending.clear();
  }

  /** Drop statistics observed since the last commit. */
  discardPending(): void {
    for (const b of this.pending.values()) {
      b.mean.dispose();
      b.variance.dispose();
    }
    this.pending.clear();
  }

  /** Names of the layers with statistics (updated at least once), in order of first update. */
  get layers(): string[] {
    return [...this.stats.keys()];
  }

  /** Running mean and variance of a layer as arrays (undefined before its first update). */
  get(bnName: string): { mean: Float32Array; variance: Float32Array } | undefined {
    const s = this.stats.get(bnName);
    if (!s) return undefined;
    return { mean: s.mean.dataSync() as Float32Array, variance: s.variance.dataSync() as Float32Array };
  }

  /** The running statistics as tensors, for `BnForwardOptions.bnRunning` (owned by this object). */
  running(): ReadonlyMap<string, BnRunning> {
    return this.stats;
  }

  /**
   * A parameter map for eval-mode forward passes that normalise with the running statistics:
   * the network's parameters with every tracked BN's γ, β replaced by the folded γ', β' (module
   * comment). Dispose with `disposeFolded` (it disposes only the new tensors).
   * @throws for a tracked BN layer without affine parameters (nothing to fold into).
   */
  foldedParams(params: ParamMap, eps = BN_EPS): ParamMap {
    const out: ParamMap = new Map(params);
    try {
      for (const [name, s] of this.stats) {
        const gamma = params.get(`${name}.weight`);
        const beta = params.get(`${name}.bias`);
        if (!gamma || !beta) {
          throw new Error(`foldedParams: BN layer '${name}' has no affine parameters to fold its running statistics into (the network must take bnRunning)`);
        }
        const [g2, b2] = tf.tidy(() => {
          const inv = tf.rsqrt(tf.add(s.variance, eps));
          return [tf.mul(gamma, tf.mul(inv, Math.sqrt(1 + eps))), tf.sub(beta, tf.mul(gamma, tf.mul(s.mean, inv)))];
        });
        out.set(`${name}.weight`, g2);
        out.set(`${name}.bias`, b2);
      }
    } catch (e) {
      RunningBnStats.disposeFolded(out, params);
      throw e;
    }
    return out;
  }

  /** Dispose the tensors `foldedParams` created (those not in `params`). */
  static disposeFolded(folded: ParamMap, params: ParamMap): void {
    for (const [n, t] of folded) if (params.get(n) !== t) t.dispose();
  }

  dispose(): void {
    this.discardPending();
    for (const s of this.stats.values()) {
      s.mean.dispose();
      s.variance.dispose();
    }
    this.stats.clear();
  }
}
