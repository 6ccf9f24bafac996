/**
 * Shards of a run (`--shard I/N`): task I of N takes the positions p of the run's ordered work
 * list (architectures in the seeded selection order, or the seeds of a search) with
 * p mod N = I. The N shards are disjoint, together hold every position exactly once, and each
 * is spread over the whole order (a `sample:N` prefix is shared evenly). Every shard writes its
 * own resumable file whose sidecar records the shard; `zeronas merge` (merge.ts) puts the files
 * back together in the unsharded order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Task `index` of `count` (0 ≤ index < count). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** What a shard file's sidecar records: the shard and the run's whole work list. */
export interface ShardRecord extends Shard {
  /** The selection the positions refer to, as given (`--archs` of score / train-bench; absent for seed lists). */
  readonly archs?: string;
  /** Length of the whole (unsharded) work list. */
  readonly total: number;
  /** The whole seed list of a sharded search (absent for architecture selections). */
  readonly seeds?: readonly number[];
}

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

/**
 * Files without a settings sidecar (Zero-Cost-PT results: settings on every line) record their
 * shard in `<file>.meta.json` as `{ "shard": … }`. Writes it for a new file; @throws when the file
 * belongs to another shard or to an unsharded run.
 */
export function recordShard(file: string, shard: ShardRecord): void {
  const meta = `${file}.meta.json`;
  const what = (s: ShardRecord | undefined): string => (s ? `shard ${formatShard(s)}` : 'an unsharded run');
  if (fs.existsSync(meta)) {
    const had = (JSON.parse(fs.readFileSync(meta, 'utf8')) as { shard?: ShardRecord }).shard;
    if (JSON.stringify(had ?? null) !== JSON.stringify(shard)) throw new Error(`'${file}' belongs to ${what(had)} of another run (${meta}), not ${what(shard)}; choose another --out`);
    return;
  }
  if (fs.existsSync(file) && fs.statSync(file).size > 0) throw new Error(`'${file}' belongs to ${what(undefined)}, not ${what(shard)}; choose another --out`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(meta, JSON.stringify({ shard }, null, 2) + '\n');
}
