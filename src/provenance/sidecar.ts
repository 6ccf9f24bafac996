/**
 * The provenance sidecar of a result file (`<file>.meta.json`): what produced the rows, so that a
 * resume, a reader or a merge can refuse to mix results of different origin.
 *
 *   { kind, settingsKey, settings, data: { files: [{ rel, root, sha256, bytes }] }, shard?, command? }
 *
 * - `kind` names the file format (score CSV, training bench, Zero-Cost-PT results);
 * - `settings` are everything besides the row key that determines a row (score settings; the
 *   training-bench settings; Zero-Cost-PT settings without the seed, which keys its lines);
 *   `settingsKey` is their canonical JSON (sorted keys), the value compared;
 * - `data` is the identity of every data file the settings read (CIFAR batch files, benchmark
 *   table), with SHA-256: a resume on other bytes is refused naming the file;
 * - `shard` is the part of a split run the file holds (`--shard I/N`, runner/shard.ts): task I of
 *   N and the whole work list it was cut from; absent for an unsharded run. A resume compares it
 *   (a file of shard 0/4 is continued by shard 0/4 of the same list only); a merge of the shards
 *   compares everything else.
 * - `command` is informative (the CLI line), never compared.
 *
 * `compareSidecars` reports differences field by field (`old → new`), the one comparison used by
 * resumes and by anything that combines result files.
 */
import * as fs from 'node:fs';
import { compareDataIdentity, validateDataIdentity, type DataIdentity } from '../data/identity';
import { describeFsError } from './fsErrors';

export type SidecarKind = 'scores' | 'train-bench' | 'zcpt-nb201' | 'zcpt-darts' | 'zcpt-macro' | 'zcpt-nb101-1shot1';

const KIND_NAMES: Readonly<Record<SidecarKind, string>> = {
  scores: 'score file',
  'train-bench': 'training-bench file',
  'zcpt-nb201': 'Zero-Cost-PT NB201 results',
  'zcpt-macro': 'Zero-Cost-PT NAS-Bench-Macro results',
  'zcpt-darts': 'Zero-Cost-PT DARTS results',
  'zcpt-nb101-1shot1': 'Zero-Cost-PT NAS-Bench-1Shot1 results',
};

/**
 * The shard a file holds: task `index` of `count` of a run's work list (positions p with
 * p mod count = index), and that whole list: `archs` (the `--archs` selection, with the settings'
 * space and seed) or `seeds` (a search's seed list), `total` its length.
 */
export interface SidecarShard {
  readonly index: number;
  readonly count: number;
  readonly archs?: string;
  readonly total: number;
  readonly seeds?: readonly number[];
}

/** `I/N of sample:100`, or `unsharded`. */
export function describeShard(s: SidecarShard | undefined): string {
  if (!s) return 'unsharded';
  return `${s.index}/${s.count} of ${s.archs ?? (s.seeds ? `seeds ${s.seeds.join(',')}` : `${s.total} items`)}`;
}

/** @throws naming the sidecar when `v` is not a shard record. */
function validateShard(v: unknown, meta: string): SidecarShard {
  const o = v as Record<string, unknown> | null;
  const nat = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0;
  const ok =
    o !== null && typeof o === 'object' && !Array.isArray(o) &&
    nat(o.index) && nat(o.count) && (o.count as number) >= 1 && (o.index as number) < (o.count as number) && nat(o.total) &&
    (o.archs === undefined || typeof o.archs === 'string') &&
    (o.seeds === undefined || (Array.isArray(o.seeds) && o.seeds.every(nat) && o.seeds.length === o.total)) &&
    (o.archs !== undefined || o.seeds !== undefined);
  if (!ok) throw new Error(`provenance sidecar '${meta}' holds a malformed shard record (needs index < count, total, and archs or seeds): restore it or recreate the file with its command`);
  return o as unknown as SidecarShard;
}

/** What a sidecar holds; `S` is the settings type of the file format. */
export interface Sidecar<S> {
  readonly kind: SidecarKind;
  readonly settingsKey: string;
  readonly settings: S;
  /** Absent only in sidecars written before data identity was recorded (readable, not resumable). */
  readonly data?: DataIdentity;
  /** The part of a split run this file holds; absent for an unsharded run. */
  readonly shard?: SidecarShard;
  readonly command?: string;
}

/** Canonical JSON of a settings object: keys sorted, `undefined` fields left out. */
export function canonicalKey(settings: object): string {
  const o = settings as Record<string, unknown>;
  return JSON.stringify(Object.fromEntries(Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => [k, o[k]])));
}

/** A sidecar for `settings` (its key computed here, so the two cannot disagree); `shard` for a shard's file. */
export function makeSidecar<S extends object>(kind: SidecarKind, settings: S, data: DataIdentity, command?: string, shard?: SidecarShard): Sidecar<S> {
  return { kind, settingsKey: canonicalKey(settings), settings, data, ...(shard ? { shard } : {}), ...(command ? { command } : {}) };
}

/** The kind a sidecar records (undefined when it has none, or none can be read). */
export function recordedKind(file: string): SidecarKind | undefined {
  try {
    const k = (JSON.parse(fs.readFileSync(sidecarPath(file), 'utf8')) as { kind?: unknown }).kind;
    return typeof k === 'string' && k in KIND_NAMES ? (k as SidecarKind) : undefined;
  } catch {
    return undefined;
  }
}

export function sidecarPath(file: string): string {
  return `${file}.meta.json`;
}

export function kindName(kind: SidecarKind): string {
  return KIND_NAMES[kind];
}

/**
 * Read the sidecar of `file`, expecting `kind` (a sidecar without `kind`, from before it was
 * recorded, is taken as `kind`).
 * @throws one message per problem, each naming the sidecar: missing, not JSON, no settings,
 *   another kind, a settings key that does not match its settings, malformed data identity.
 */
export function readSidecar<S>(file: string, kind: SidecarKind): Sidecar<S> {
  const meta = sidecarPath(file);
  if (!fs.existsSync(meta)) {
    throw new Error(
      `${kindName(kind)} '${file}' has no provenance sidecar '${meta}' (settings and data identity): its rows cannot be ` +
        'trusted or resumed; recreate the file with its command (or move it away)',
    );
  }
  let text: string;
  try {
    if (fs.statSync(meta).isDirectory()) throw new Error(`'${meta}' is a folder, not a provenance sidecar; move it away`);
    text = fs.readFileSync(meta, 'utf8');
  } catch (e) {
    throw describeFsError(e, meta, 'read');
  }
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`provenance sidecar '${meta}' of '${file}' is damaged (not valid JSON: ${(e as Error).message}); restore it from version control or recreate '${file}' with its command`);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error(`provenance sidecar '${meta}' is not a JSON object`);
  if (o.kind !== undefined && o.kind !== kind) throw new Error(`'${meta}' describes a ${kindName(o.kind as SidecarKind) ?? String(o.kind)}, not a ${kindName(kind)}: '${file}' is not a ${kindName(kind)}`);
  if (!o.settings || typeof o.settings !== 'object') throw new Error(`provenance sidecar '${meta}' holds no settings`);
  const key = canonicalKey(o.settings as object);
  if (typeof o.settingsKey === 'string' && o.settingsKey !== key) {
    throw new Error(`provenance sidecar '${meta}' is inconsistent (its settingsKey does not match its settings): it was edited by hand; restore it or recreate '${file}'`);
  }
  const data = o.data === undefined ? undefined : validateDataIdentity(o.data, meta);
  const shard = o.shard === undefined ? undefined : validateShard(o.shard, meta);
  return {
    kind, settingsKey: key, settings: o.settings as S, ...(data ? { data } : {}), ...(shard ? { shard } : {}),
    ...(typeof o.command === 'string' ? { command: o.command } : {}),
  };
}

/** Write a sidecar atomically (temporary file, then rename). */
export function writeSidecar(file: string, sidecar: Sidecar<unknown>): void {
  const meta = sidecarPath(file);
  const tmp = `${meta}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(sidecar, null, 2) + '\n');
    fs.renameSync(tmp, meta);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw describeFsError(e, meta, 'write');
  }
}

/** One difference between two sidecars: a settings field or a data file, old → new. */
export interface SidecarDifference {
  /** `kind`, a settings field name, `data <rel>`, or `shard`. */
  readonly field: string;
  readonly old: string;
  readonly new: string;
}

const canonicalShard = (s: SidecarShard | undefined): string => (s ? canonicalKey(s) : 'none');

const show = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));

/**
 * Differences between two sidecars, field by field: the kind, every settings field (absent on one
 * side included), every data file whose bytes differ, and the shard (unless `exceptShard`: files
 * of one run's shards, being merged). Data is compared only when both sides record it; `command`
 * and data roots are never compared.
 */
export function compareSidecars(a: Sidecar<unknown>, b: Sidecar<unknown>, opts: { readonly exceptShard?: boolean } = {}): SidecarDifference[] {
  const out: SidecarDifference[] = [];
  if (a.kind !== b.kind) out.push({ field: 'kind', old: a.kind, new: b.kind });
  const sa = a.settings as Record<string, unknown>;
  const sb = b.settings as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(sa), ...Object.keys(sb)])].sort()) {
    if (JSON.stringify(sa[k]) !== JSON.stringify(sb[k])) out.push({ field: k, old: show(sa[k]), new: show(sb[k]) });
  }
  if (a.data && b.data) for (const d of compareDataIdentity(a.data, b.data)) out.push({ field: `data ${d.rel}`, old: d.old, new: d.new });
  if (!opts.exceptShard && canonicalShard(a.shard) !== canonicalShard(b.shard)) out.push({ field: 'shard', old: describeShard(a.shard), new: describeShard(b.shard) });
  return out;
}

/** `seed 1 → 2; data cifar10/data_batch_1.bin sha256 ea2c… → 57dc…`. */
export function formatDifferences(diffs: readonly SidecarDifference[]): string {
  return diffs.map((d) => `${d.field} ${d.old} → ${d.new}`).join('; ');
}

/**
 * Check that `file` (holding rows) may be continued by a run described by `next`.
 * @throws naming the sidecar problem, or every difference old → new, or a sidecar without data
 *   identity (with the command that re-derives it).
 */
export function checkResumable<S>(file: string, next: Sidecar<S>): Sidecar<S> {
  const old = readSidecar<S>(file, next.kind);
  const diffs = compareSidecars(old, next);
  if (diffs.length > 0) {
    throw new Error(
      `'${file}' holds ${kindName(next.kind)} rows made with other settings or data (${sidecarPath(file)}): ${formatDifferences(diffs)}; ` +
        'choose another --out, or delete the file and its sidecar to start afresh',
    );
  }
  if (!old.data) {
    throw new Error(
      `'${sidecarPath(file)}' records no data identity (written before it was recorded), so a resume could mix data: ` +
        `re-derive it with 'zeronas provenance --rederive ${file}' (hashes the data files its settings read), then rerun`,
    );
  }
  return old;
}
