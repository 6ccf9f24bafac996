/**
 * Per-architecture memo of shared proxy work (`ProxyContext.memo`): values computed once and
 * reused by several proxies (one CE backward, one input Jacobian, ...). Tensors inside a value are
 * kept alive past each proxy's `tf.tidy` and disposed together by `dispose()`.
 */
import * as tf from '@tensorflow/tfjs';

/** Tensors inside a memo value (tensor, array, Map or plain object, nested up to depth 4). */
export function tensorsIn(v: unknown, out: tf.Tensor[] = [], depth = 0): tf.Tensor[] {
  if (v instanceof tf.Tensor) out.push(v);
  else if (depth > 4 || v === null || typeof v !== 'object') return out;
  else if (v instanceof Map) for (const x of v.values()) tensorsIn(x, out, depth + 1);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out, depth + 1);
  else if (!ArrayBuffer.isView(v)) for (const x of Object.values(v)) tensorsIn(x, out, depth + 1);
  return out;
}

export class TensorMemo {
  private readonly values = new Map<string, unknown>();

  /** The value under `key`, computed on first use; its tensors survive until `dispose`. */
  readonly get = <T>(key: string, compute: () => T): T => {
    if (!this.values.has(key)) {
      const v = compute();
      for (const t of tensorsIn(v)) tf.keep(t);
      this.values.set(key, v);
    }
    return this.values.get(key) as T;
  };

  dispose(): void {
    for (const v of this.values.values()) for (const t of tensorsIn(v)) t.dispose();
    this.values.clear();
  }
}
