import { assertFinitePairs } from "./clean";

/**
 * Indices of the k largest values of v, ties broken by lower index first
 * (deterministic; a stable descending sort).
 */
function topKIndices(v: readonly number[], k: number): number[] {
  return v
    .map((_, i) => i)
    .sort((a, b) => v[b] - v[a] || a - b)
    .slice(0, k);
}

function checkK(metric: string, k: number, n: number): void {
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new Error(`${metric}: k must be an integer in [1, ${n}], got ${k}`);
  }
}

/**
 * Top-k hit rate: |TopK(score) ∩ TopK(acc)| / k, the fraction of the true
 * top-k architectures (by accuracy) that the proxy also ranks in its top-k
 * (a.k.a. top-k precision/overlap, e.g. Abdelfattah et al., "Zero-Cost Proxies
 * for Lightweight NAS", ICLR 2021). Higher is better; larger score = better.
 * Ties at the k-th place are broken by lower index (deterministic).
 * @throws Error on length mismatch, non-finite values or k outside [1, n].
 */
export function topKHitRate(score: readonly number[], acc: readonly number[], k: number): number {
  assertFinitePairs("topKHitRate", score, acc, 1);
  checkK("topKHitRate", k, score.length);
  const trueTop = new Set(topKIndices(acc, k));
  let hits = 0;
  for (const i of topKIndices(score, k)) if (trueTop.has(i)) hits++;
  return hits / k;
}

/**
 * Best accuracy reachable by training only the proxy's top-k:
 * max{ acc[i] : i ∈ TopK(score) }. The search regret is then
 * max(acc) - bestOfTopK(score, acc, k). Larger score = better; ties at the
 * k-th place are broken by lower index (deterministic).
 * @throws Error on length mismatch, non-finite values or k outside [1, n].
 */
export function bestOfTopK(score: readonly number[], acc: readonly number[], k: number): number {
  assertFinitePairs("bestOfTopK", score, acc, 1);
  checkK("bestOfTopK", k, score.length);
  let best = -Infinity;
  for (const i of topKIndices(score, k)) if (acc[i] > best) best = acc[i];
  return best;
}
