/**
 * Stochastic gradient descent with momentum and weight decay, PyTorch `torch.optim.SGD`
 * semantics (dampening 0):
 *   d = g + λ·θ                      (λ = weight decay, only for the decayed parameters)
 *   v ← μ·v + d                      (v = 0 before the first step, so v₁ = d as in PyTorch)
 *   step = d + μ·v (Nesterov) or v
 *   θ ← θ − η·step
 * Parameters live in a `ParamMap`; `step` replaces each updated tensor in the map by a new one
 * and disposes the old one (references to the old tensors held elsewhere become invalid).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamKind } from '../engine/network';
import type { ParamMap } from '../engine/params';

/**
 * Which parameters weight decay applies to:
 *  - 'weights': conv and linear weights only (default; biases and BN γ/β are not decayed, the
 *    usual modern choice, e.g. timm's `no_weight_decay` for 1-D parameters);
 *  - 'all': every parameter, as `torch.optim.SGD(model.parameters(), weight_decay=…)` does in the
 *    NAS-Bench-201 trainer (BN γ/β and the classifier bias included).
 */
export type DecayScope = 'weights' | 'all';

export interface SgdOptions {
  /** Momentum μ (default 0.9). */
  readonly momentum?: number;
  /** Weight decay λ (default 5e-4, NAS-Bench-201). */
  readonly weightDecay?: number;
  /** Default 'weights'. */
  readonly decay?: DecayScope;
  /** Nesterov momentum (default false, PyTorch's default; NAS-Bench-201 uses true). */
  readonly nesterov?: boolean;
}

/** Whether weight decay applies to a parameter of kind `kind` under `scope`. */
export function isDecayed(kind: ParamKind, scope: DecayScope): boolean {
  return scope === 'all' || kind === 'conv' || kind === 'linear';
}

/** SGD state: one momentum buffer per parameter name. Call `dispose()` when done. */
export class Sgd {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly decay: DecayScope;
  readonly nesterov: boolean;
  private readonly buffers = new Map<string, tf.Tensor>();

  constructor(
    private readonly kinds: ReadonlyMap<string, ParamKind>,
    opts: SgdOptions = {},
  ) {
    this.momentum = opts.momentum ?? 0.9;
    this.weightDecay = opts.weightDecay ?? 5e-4;
    this.decay = opts.decay ?? 'weights';
    this.nesterov = opts.nesterov ?? false;
    if (!(Number.isFinite(this.momentum) && this.momentum >= 0 && this.momentum < 1)) {
      throw new Error(`Sgd: momentum must lie in [0, 1), got ${this.momentum}`);
    }
    if (!(Number.isFinite(this.weightDecay) && this.weightDecay >= 0)) throw new Error(`Sgd: weightDecay must be ≥ 0, got ${this.weightDecay}`);
    if (this.decay !== 'weights' && this.decay !== 'all') throw new Error(`Sgd: unknown decay scope '${String(this.decay)}'`);
    if (this.nesterov && this.momentum === 0) throw new Error('Sgd: Nesterov momentum needs momentum > 0');
  }

  /**
   * One update of every parameter named in `grads` (others are left alone, as PyTorch skips a
   * parameter whose .grad is None). A parameter the loss does not reach should be given a zero
   * gradient to be decayed, as PyTorch does for NB201's `none` edges (x·0 gives a zero .grad).
   * Tensors of `grads` are not disposed.
   */
  step(params: ParamMap, grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`Sgd.step: learning rate must be ≥ 0, got ${lr}`);
    const { momentum: mu, weightDecay: wd } = this;
    for (const [name, g] of grads) {
      const theta = params.get(name);
      if (theta === undefined) throw new Error(`Sgd.step: gradient for unknown parameter '${name}'`);
      const kind = this.kinds.get(name);
      if (kind === undefined) throw new Error(`Sgd.step: parameter '${name}' has no kind`);
      if (!sameShape(g.shape, theta.shape)) {
        throw new Error(`Sgd.step: gradient of '${name}' has shape [${g.shape}], parameter [${theta.shape}]`);
      }
      const decayed = wd > 0 && isDecayed(kind, this.decay);
      const old = this.buffers.get(name);
      const [next, buf] = tf.tidy(() => {
        const d = decayed ? tf.add(g, tf.mul(theta, wd)) : g;
        let upd = d;
        let v: tf.Tensor | undefined;
        if (mu > 0) {
          v = old ? tf.add(tf.mul(old, mu), d) : tf.clone(d);
          upd = this.nesterov ? tf.add(d, tf.mul(v, mu)) : v;
        }
        return [tf.sub(theta, tf.mul(upd, lr)), v] as const;
      });
      params.set(name, next);
      theta.dispose();
      if (buf) {
        this.buffers.set(name, buf);
        old?.dispose();
      }
    }
  }

  /** Number of momentum buffers held. */
  get bufferCount(): number {
    return this.buffers.size;
  }

  dispose(): void {
    for (const t of this.buffers.values()) t.dispose();
    this.buffers.clear();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
