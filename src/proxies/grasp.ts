/**
 * grasp (Wang et al., ICLR 2020, as a zero-cost proxy in Abdelfattah et al., ICLR 2021;
 * zero-cost-nas `foresight/pruners/measures/grasp.py`, NASLib
 * `naslib/predictors/utils/pruners/measures/grasp.py`; PAPERS.md §6.1):
 *
 *   pass 1:  g  = ∇_W L                        (detached)
 *   pass 2:  Hg = ∇_W ( Σ_l ⟨g_l, ∇_{W_l} L⟩ )  (gradient of the gradient, NASLib's z.backward())
 *   grasp   = Σ_l Σ −W_l ⊙ (Hg)_l = −Wᵀ H g
 *
 * over the Conv2d / Linear weights W (biases and BN parameters fixed); L = mean cross-entropy of the
 * batch under the run's BN mode (train in NASLib). H is the Hessian PyTorch's autodiff sees: ReLU
 * kinks contribute nothing.
 *
 * NASLib's zc_nasbench201.json, checked against its code (scripts/zc + runners/zc/benchmarks,
 * predictors/zerocost.py, pruners/predictive.py, measures/grasp.py):
 * T = 1 (logits not divided by GraSP's T = 200), num_iters = 1, one `next(iter(train_loader))`
 * batch of 32 (config default), crop + flip, fresh PyTorch-default-initialised network per
 * architecture, train-mode BN (a fresh nn.Module is in training mode and nothing calls eval()),
 * `split_data` = 1 (raised only on a CUDA out-of-memory), every nn.Conv2d and nn.Linear weight of
 * the chosen ops (stem, cell convs, ResNet-block convs including the 1×1 downsample conv, classifier;
 * `none` edges hold no weights), score = Σ −W ⊙ W.grad after net.zero_grad() and z.backward(), no
 * absolute value, summed. This module computes the same quantity, and the parity gap is noise, not a
 * convention: our grasp under settings seeds 1 and 2 (new batch and init) agrees to Spearman ρ 0.79
 * on the first 30 NASLib cifar10 reference archs and 0.52 on the next 30, and ours vs NASLib's
 * single-draw column is 0.80 / 0.85 and 0.60 / 0.50 on the same archs (all 60: our draws 0.66,
 * as `zeronas parity --proxies grasp --limit 60 --seeds 1,2` prints).
 *
 * Two ways to get −Wᵀ H g, tried in this order by the registered proxy:
 *
 * 1. Frozen-ReLU central difference (`graspFrozenRelu`, needs a network that calls `reluHook`):
 *    with H symmetric, Wᵀ H g = gᵀ H W = d/dt ⟨g, ∇L(W·(1+t))⟩, so
 *      −Wᵀ H g ≈ −⟨g, ∇L(W(1+δ)) − ∇L(W(1−δ))⟩ / (2δ),   δ = GRASP_FD_STEP = 1e-2,
 *    i.e. (∇L(W+εv) − ∇L(W−εv))/2ε with v = W and ε = δ: every layer moves by exactly
 *    δ·‖W_l‖, relative to its own scale, whatever ‖g‖ (which spans orders of magnitude between
 *    architectures). Every ReLU is replaced by its input times the 0/1 mask recorded at W, so the
 *    difference stays on the smooth piece whose Hessian autodiff returns; BN (train mode) stays
 *    in the graph, so its second-order terms are included (test/proxies/graspConvention.test.ts
 *    checks this against nested autodiff through a hand-built train-mode BN). Cost: one masked
 *    forward and two gradient passes.
 *    Why the result is a small difference of large terms: a conv followed by train-mode BN is scale
 *    invariant, so ⟨W_l, ∇_l L⟩ ≡ 0 and, differentiating, W_lᵀ (Hg)_l = −‖g_l‖² exactly; hence
 *      grasp = Σ_{BN-followed convs} ‖g_l‖² − gᵀ H W_N,
 *    W_N the classifier and the ResNet downsample convs (no BN after them). The two parts cancel
 *    down to the result (3.4 out of ≈ 100 on #4811; 1.1 out of 27 at batch 32).
 *    Accuracy: δ = 1e-2 balances the O(δ²) truncation against float32 rounding of the gradient
 *    difference (benign NB201 nets: within a few % of the δ → 0 / extrapolated value, e.g. #4811
 *    1.10 vs 1.03–1.05; δ = 1e-3: rounding, ±20 %). In "chaotic" nets (NASLib grad_norm ≳ 100,
 *    e.g. #15106: Σ‖g_l‖² = 3·10⁴ at a loss of 2.4) ⟨g, ∇L(W(1+t))⟩ is a bump only ≈ 0.02 wide
 *    in t and δ = 1e-2 under-estimates |grasp| by ≈ 25 % (−5.2·10⁴ vs ≈ −7·10⁴); `extrapolate`
 *    (Richardson over δ and δ/2, two more gradient passes) removes most of that. It never changed
 *    a rank on the 30 archs tried, because in such nets grasp changes sign between seeds anyway.
 *    Above `ONE_TAPE_MAX_PIXELS` the mask-recording forward and both gradient passes run stage by
 *    stage (engine/checkpoint.ts), so batch 128 fits the wasm heap.
 *    Without frozen masks a finite difference is useless: every pre-activation that crosses zero
 *    adds a jump that does not shrink with ε (measured: −1400 instead of 3.4).
 *
 * 2. Double backprop (`graspScore`), as NASLib: exact, but every op on the path must be twice
 *    differentiable. The loss here is a log-sum-exp cross-entropy whose exp re-derives its gradient
 *    from its input (tfjs's softmaxCrossEntropy keeps its log-softmax as a constant, and tf.exp's
 *    gradient uses its saved output, which a second backward pass does not differentiate through).
 *    The engine layers must do the same (BN batch statistics recomputed from the saved input inside
 *    the BN gradient; conv weight/input gradients without StridedSlice / Conv2DBackpropFilter;
 *    average pooling without AvgPoolGrad): `engineSecondOrderCheck` tests that once per process on
 *    a small conv/BN/pool loss against a difference of gradients. The nested tape is heavy
 *    (≈ 200–500 MB of wasm heap per NB201 sample, 4 GB ceiling), so the batch is processed in
 *    `split` equal parts of at most GRASP_MAX_SPLIT_BATCH samples, like NASLib's `split_data`: g is
 *    the mean of the parts' gradients, Hg the mean of the parts' Hessian–vector products, each part
 *    with its own BN batch statistics. (NASLib with split_data > 1 differs: its pass-1 loop resets
 *    grad_w per part, so g is the last part's gradient, and z.backward() sums the parts' H·g. Its
 *    NB201 table was computed with split_data = 1, where all three agree. With train-mode BN a
 *    split batch is not the same loss as the whole batch, so this route is only a fallback.)
 *
 * When neither is available the proxy reports status 'error' rather than a wrong number.
 */
import * as tf from '@tensorflow/tfjs';
import { avgPool, batchNorm, conv2d } from '../engine/layers';
import type { ReluHook, ForwardOptions } from '../engine/network';
import { forwardByStages, stagedGradients } from '../engine/checkpoint';
import { ceWeightGrads, convLinearWeights, crossEntropy, gradientStages } from './grads';
import { proxyValue, registerProxy, type ProxyContext, type ProxyValue } from './registry';

/** Largest part of the batch run through the nested (second-order) tape at once. */
export const GRASP_MAX_SPLIT_BATCH = 4;

/** Relative step δ of the frozen-ReLU central difference along W. */
export const GRASP_FD_STEP = 1e-2;

/** Forward options with the ReLU hook (engine/network.ts). */
export type ReluHookForwardOptions = ForwardOptions;

export interface GraspFdOptions {
  /** Relative step δ along W (default GRASP_FD_STEP). */
  readonly delta?: number;
  /** Richardson extrapolation (4·D(δ/2) − D(δ))/3: O(δ⁴) truncation for two more gradient passes. */
  readonly extrapolate?: boolean;
}

/**
 * −Wᵀ H g by the central difference along W with every ReLU mask frozen at W (route 1 of the
 * module comment); undefined when the network does not call `reluHook`.
 */
export function graspFrozenRelu(ctx: ProxyContext, opts: GraspFdOptions = {}): number | undefined {
  const delta = opts.delta ?? GRASP_FD_STEP;
  if (!(delta > 0 && delta < 0.5)) throw new Error(`grasp: finite-difference step must be in (0, 0.5), got ${delta}`);
  const names = convLinearWeights(ctx.net);
  if (names.length === 0) return 0;
  const masks = new Map<string, tf.Tensor>();
  try {
    const record: ReluHook = (h, name) => {
      if (!masks.has(name)) masks.set(name, tf.keep(tf.cast(tf.greater(h, 0), 'float32')));
      return tf.relu(h);
    };
    forwardByStages(gradientStages(ctx, { reluHook: record }), ctx.net.params, ctx.x);
    if (masks.size === 0) return undefined;
    const { grads } = ceWeightGrads(ctx);
    const frozen: ReluHook = (h, name) => {
      const m = masks.get(name);
      return m ? tf.mul(h, m) : tf.relu(h);
    };
    const frozenStages = gradientStages(ctx, { reluHook: frozen });
    const loss = (logits: tf.Tensor): tf.Scalar => crossEntropy(logits as tf.Tensor2D, ctx.labels, ctx.numClasses);
    /** −⟨g, ∇L(W(1+d)) − ∇L(W(1−d))⟩ / 2d with the masks frozen (gradients subtracted before the dot product). */
    const central = (d: number): number =>
      tf.tidy(() => {
        const gradsAt = (scale: number): tf.Tensor[] => {
          const p = new Map(ctx.net.params);
          const ws = names.map((n) => tf.mul(p.get(n)!, scale));
          names.forEach((n, i) => p.set(n, ws[i]!));
          const out = stagedGradients(frozenStages, p, ctx.x, loss, { input: false, params: names });
          return names.map((n) => out.paramGrads.get(n)!);
        };
        const plus = gradsAt(1 + d);
        const minus = gradsAt(1 - d);
        const perLayer = tf.stack(names.map((n, i) => tf.sum(tf.mul(grads.get(n)!, tf.sub(plus[i]!, minus[i]!))))).dataSync();
        let gHW = 0;
        for (const v of perLayer) gHW += v;
        return -gHW / (2 * d);
      });
    const coarse = central(delta);
    return opts.extrapolate ? (4 * central(delta / 2) - coarse) / 3 : coarse;
  } finally {
    for (const m of masks.values()) m.dispose();
  }
}

/**
 * exp whose gradient recomputes exp from the saved input. tfjs's own Exp gradient multiplies by the
 * saved *output*, and a saved output is a copy taped before the op itself, so a second backward
 * pass loses the path through it (the Hessian of any exp-based loss comes out wrong; the same holds
 * for tanh, sigmoid and softmax). Here the backward pass runs a fresh exp on the input, whose own
 * gradient is all a second derivative needs.
 */
const expTwice = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return { value: tf.exp(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.exp(saved[0]!)) };
});

/** Mean cross-entropy with a correct second derivative (log-sum-exp around a constant per-row shift). */
export function crossEntropy2(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.tidy(() => {
    const [n, k] = logits.shape;
    const rowMax = tf.max(logits, 1, true).dataSync();
    const shift = tf.tensor2d(Float32Array.from(rowMax, (v) => (Number.isFinite(v) ? v : 0)), [n, 1]);
    const z = tf.sub(logits, shift);
    const lse = tf.add(tf.log(tf.sum(expTwice(z) as tf.Tensor, 1)), tf.reshape(shift, [n]));
    const picked = tf.sum(tf.mul(logits, tf.oneHot(tf.cast(labels, 'int32'), numClasses ?? k)), 1);
    return tf.mean(tf.sub(lse, picked)) as tf.Scalar;
  });
}

/** Gradients of f with respect to xs; zeros where f does not depend on an x (dead conv). */
function gradsOrZeros(f: () => tf.Scalar, xs: readonly tf.Tensor[]): tf.Tensor[] {
  const { value, grads } = tf.engine().gradients(f, [...xs], undefined, true);
  value.dispose();
  return xs.map((x, i) => grads[i] ?? tf.zerosLike(x));
}

export interface GraspOptions {
  /** Number of equal parts the batch is split into (default ⌈N / GRASP_MAX_SPLIT_BATCH⌉). */
  readonly split?: number;
}

/** −Wᵀ H g by nested autodiff (see the module comment). */
export function graspScore(ctx: ProxyContext, opts: GraspOptions = {}): number {
  const names = convLinearWeights(ctx.net);
  if (names.length === 0) return 0;
  const n = ctx.x.shape[0];
  const split = opts.split ?? Math.max(1, Math.ceil(n / GRASP_MAX_SPLIT_BATCH));
  if (!(Number.isInteger(split) && split >= 1 && split <= n)) throw new Error(`grasp: invalid split ${split} for batch ${n}`);
  const W = names.map((name) => ctx.net.params.get(name)!);
  const parts = Array.from({ length: split }, (_, sp) => {
    const st = Math.floor((sp * n) / split);
    const en = Math.floor(((sp + 1) * n) / split);
    return { st, len: en - st };
  });
  const lossOn = (ws: readonly tf.Tensor[], st: number, len: number): tf.Scalar => {
    const p = new Map(ctx.net.params);
    names.forEach((name, i) => p.set(name, ws[i]!));
    const x = split === 1 ? ctx.x : (tf.slice(ctx.x, [st, 0, 0, 0], [len, -1, -1, -1]) as tf.Tensor4D);
    const y = split === 1 ? ctx.labels : (tf.slice(ctx.labels, [st], [len]) as tf.Tensor1D);
    return crossEntropy2(ctx.net.forward(x, { bn: ctx.bn, params: p }).logits, y, ctx.numClasses);
  };
  // pass 1: g = mean over parts of ∇L_part (detached)
  const g = tf.tidy(() => {
    const acc = W.map((w) => tf.zerosLike(w));
    for (const { st, len } of parts) {
      const gp = gradsOrZeros(() => lossOn(W, st, len), W);
      gp.forEach((t, i) => {
        const next = tf.add(acc[i]!, t);
        acc[i]!.dispose();
        acc[i] = next;
      });
    }
    return acc.map((t) => tf.div(t, split));
  });
  try {
    // pass 2: Hg = ∇_W Σ_l ⟨g_l, ∇_l L_part⟩, mean over parts; score = −Σ W ⊙ Hg
    let wHg = 0;
    for (const { st, len } of parts) {
      wHg += tf.tidy(() => {
        const z = (): tf.Scalar => {
          const inner = gradsOrZeros(() => lossOn(W, st, len), W);
          return tf.addN(inner.map((t, i) => tf.sum(tf.mul(t, g[i]!)))) as tf.Scalar;
        };
        const hg = gradsOrZeros(z, W);
        const perLayer = tf.stack(hg.map((h, i) => tf.sum(tf.mul(h, W[i]!)))).dataSync();
        let s = 0;
        for (const v of perLayer) s += v;
        return s;
      });
    }
    return -wHg / split;
  } finally {
    for (const t of g) t.dispose();
  }
}

/** Deterministic test values in [−1, 1). */
function probeValues(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(12.9898 * (i + 1) + 78.233 * seed) % 1);
}

let secondOrderOk: boolean | undefined;
let secondOrderWhy = '';

/**
 * Whether the engine layers (conv2d with stride 1 and 2, train-mode batchNorm, average pooling
 * 'same' and 'valid') have correct second derivatives on the active backend: the Hessian–vector
 * product of a small smooth loss built from them by nested autodiff must match a central
 * difference of gradients (float32, relative error < 1e-2; stale BN statistics give ≈ 20 %).
 * Run once per process.
 */
export function engineSecondOrderCheck(): { ok: boolean; reason: string } {
  if (secondOrderOk === undefined) {
    try {
      const rel = tf.tidy(() => {
        const x = tf.tensor4d(probeValues(2 * 8 * 8 * 3, 1), [2, 8, 8, 3]);
        const ws = [
          tf.tensor4d(probeValues(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]),
          tf.tensor4d(probeValues(3 * 3 * 4 * 4, 3), [3, 3, 4, 4]),
          tf.tensor4d(probeValues(4 * 2, 4), [1, 1, 4, 2]),
        ];
        const v = ws.map((w, i) => tf.tensor(probeValues(w.size, 10 + i), w.shape));
        const loss = (p: readonly tf.Tensor[]): tf.Scalar => {
          const a = batchNorm(conv2d(x, p[0] as tf.Tensor4D, 1, 1), 'train') as tf.Tensor4D;
          const b = conv2d(avgPool(a, 3, 1, true), p[1] as tf.Tensor4D, 2, 1);
          const c = conv2d(avgPool(b, 2, 2, false), p[2] as tf.Tensor4D, 1, 0);
          return tf.sum(tf.square(c)) as tf.Scalar;
        };
        const hv = gradsOrZeros(() => {
          const gr = gradsOrZeros(() => loss(ws), ws);
          return tf.addN(gr.map((t, i) => tf.sum(tf.mul(t, v[i]!)))) as tf.Scalar;
        }, ws);
        const eps = 1e-2;
        const gp = gradsOrZeros(() => loss(ws.map((w, i) => tf.add(w, tf.mul(v[i]!, eps)))), ws);
        const gm = gradsOrZeros(() => loss(ws.map((w, i) => tf.sub(w, tf.mul(v[i]!, eps)))), ws);
        let num = 0;
        let den = 0;
        hv.forEach((h, i) => {
          const fd = tf.div(tf.sub(gp[i]!, gm[i]!), 2 * eps);
          num += tf.sum(tf.square(tf.sub(h, fd))).dataSync()[0]!;
          den += tf.sum(tf.square(fd)).dataSync()[0]!;
        });
        return Math.sqrt(num / den);
      });
      secondOrderOk = rel < 1e-2;
      secondOrderWhy = secondOrderOk ? '' : `second derivatives of the engine layers are wrong (relative error ${rel.toExponential(1)})`;
    } catch (e) {
      secondOrderOk = false;
      secondOrderWhy = `engine layers are not twice differentiable: ${(e as Error).message}`;
    }
  }
  return { ok: secondOrderOk, reason: secondOrderWhy };
}

registerProxy({
  name: 'grasp',
  description: '−Σ W ⊙ Hg over conv/linear weights, g = ∇L, H the CE Hessian (GraSP; zero-cost-nas / NASLib); frozen-ReLU difference or double backprop',
  needs: 'weight-gradient',
  lossBased: true,
  higherIsBetter: true,
  compute: (ctx): ProxyValue => {
    const fd = graspFrozenRelu(ctx);
    if (fd !== undefined) return proxyValue(fd);
    const check = engineSecondOrderCheck();
    if (!check.ok) {
      return {
        value: NaN,
        status: 'error',
        reason: `grasp needs Hessian–vector products: the network does not call ForwardOptions.reluHook and ${check.reason}`,
      };
    }
    return proxyValue(graspScore(ctx));
  },
});
