/**
 * Shards of a run (`--shard I/N`): task I of N takes the positions p of the run's ordered work
 * list (architectures in the seeded selection order, or the seeds of a search) with
 * p mod N = I. The N shards are disjoint, together hold every position exactly once, and each
 * is spread over the whole order (a `sample:N` prefix is shared evenly). Every shard writes its
 * own resumable file whose provenance sidecar records the shard (a resume by another shard is refused); `zeronas merge` (merge.ts) puts the files
 * back together in the unsharded order.
 */
import type { SidecarShard } from '../provenance/sidecar';

/** Task `index` of `count` (0 ≤ index < count). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** What a shard file's provenance sidecar records: the shard and the run's whole work list (provenance/sidecar.ts). */
export type ShardRecord = SidecarShard;

/** Parse `I/N`; @throws naming the option and the accepted form. */
export function parseShard(spec: string, option = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new Error(`${option} must look like I/N (task I of N, 0 ≤ I < N), got '${spec}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new Error(`${option} ${spec}: need N ≥ 1 and 0 ≤ I < N`);
  return { index, count };
}

/** The items of shard `s`: positions p ≡ s.index (mod s.count), in their order. */
export function shardItems<T>(items: readonly T[], s: Shard): T[] {
  if (!(Number.isInteger(s.index) && Number.isInteger(s.count) && s.count >= 1 && s.index >= 0 && s.index < s.count)) {
    throw new Error(`shard ${s.index}/${s.count}: need integers with 0 ≤ I < N`);
  }
  return items.filter((_, p) => p % s.count === s.index);
}

/** `I/N` as written on the command line. */
export function formatShard(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/**
 * The command line an unsharded run writing to `out` would have recorded, from a shard's
 * (space-separated tokens): `--shard I/N` removed and `--out X` replaced by `--out out`.
 */
export function unshardedCommand(command: string, out: string): string {
  const t = command.split(' ');
  const kept: string[] = [];
  for (let k = 0; k < t.length; k++) {
    if (t[k] === '--shard') k++;
    else if (t[k]!.startsWith('--shard=')) continue;
    else if (t[k] === '--out') {
      kept.push('--out', out);
      k++;
    } else if (t[k]!.startsWith('--out=')) kept.push(`--out=${out}`);
    else kept.push(t[k]!);
  }
  return kept.join(' ');
}
