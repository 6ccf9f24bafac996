/** Named parameter store of a network (PyTorch state_dict-like, tfjs layouts). */
import * as tf from '@tensorflow/tfjs';

export type ParamMap = Map<string, tf.Tensor>;

/** Total number of scalar parameters. */
export function countParams(params: ParamMap): number {
  let n = 0;
  for (const t of params.values()) n += t.size;
  return n;
}

/** Dispose every tensor of a parameter map. */
export function disposeParams(params: ParamMap): void {
  for (const t of params.values()) t.dispose();
  params.clear();
}

/** Look a parameter up, failing loudly with its name. */
export function param<T extends tf.Tensor>(params: ParamMap, name: string): T {
  const t = params.get(name);
  if (!t) throw new Error(`missing parameter '${name}'`);
  return t as T;
}
