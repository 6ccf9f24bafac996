/**
 * `zeronas merge FILES… --out FILE`: put the files of a sharded run (shard.ts) back together, or
 * extend an existing table with them. Three kinds of keyed, resumable files are merged:
 *   score files (results.ts; key: architecture index; one CSV row each),
 *   training-bench files (train/trainBenchFile.ts; key: index; the block of epochs 0..E),
 *   Zero-Cost-PT results (search/zcpt/resultsFile.ts and darts/; key: seed; one JSON line).
 *
 * Rules:
 *  - Every input's provenance sidecar (and an existing `--out`'s) must equal the first input's in
 *    every field except `shard` and `command` (each shard's command line names its own shard and
 *    output): kind, every settings field and the data identity (SHA-256 of every data file
 *    read), compared by provenance/sidecar.ts `compareSidecars`, the differing fields named
 *    old → new. A sidecar without data identity is refused (re-derive it first).
 *  - `--out` is written under its write lock (provenance/lock.ts), so a merge and a run (or two
 *    merges) cannot write it at once.
 *  - A key present in several files must hold the same values there (measured seconds, and the
 *    provenance of a search record, aside); differing values are refused, identical ones kept once.
 *  - Shards of one run must agree on the run (`archs` / seed list, N) and be all present, each
 *    holding every key it was given, unless `partial` (then what is there is merged); a shard
 *    given twice (e.g. two copies of a rerun task) is an overlap like any other.
 *  - Order: the rows already in `--out` first, as they are; then the new keys in the position
 *    order of the run's work list (the seeded selection, or the seed list), which is the order an
 *    unsharded run in one thread writes. The sidecar written (for a new `--out`) is the unsharded
 *    run's: the first input's with the shard dropped and the command rewritten to the unsharded
 *    command writing `--out`.
 *  - The output is written to a temporary file and renamed, so a failed merge leaves `--out` as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLock } from '../provenance/lock';
import { prepareOutput, refuseDuplicateKeys } from '../provenance/resultFile';
import { compareSidecars, formatDifferences, readSidecar, recordedKind, sidecarPath, writeSidecar, type Sidecar, type SidecarKind } from '../provenance/sidecar';
import { TRAIN_BENCH_HEADER } from '../train/trainBenchFile';
import { archSet } from './archSets';
import { selectArchs } from './archs';
import type { SpaceName } from './settings';
import { formatShard, shardItems, unshardedCommand, type ShardRecord } from './shard';

export type MergeKind = 'score' | 'train-bench' | 'zc-pt';

/** One keyed unit of a file: its text as written (lines with their line breaks) and the values compared on overlap. */
interface Unit {
  readonly key: number;
  readonly text: string;
  readonly values: string;
}

interface Source {
  readonly file: string;
  readonly kind: MergeKind;
  /** Header line (with its line break); '' for JSON lines. */
  readonly head: string;
  /** The provenance sidecar. */
  readonly sidecar: Sidecar<Record<string, unknown>>;
  /** zc-pt: the search settings of the lines, except the seed (compared besides the sidecar). */
  readonly lineSettings?: Record<string, unknown>;
  readonly shard?: ShardRecord;
  readonly units: readonly Unit[];
}

export interface MergeReport {
  readonly kind: MergeKind;
  readonly out: string;
  /** Keys in `--out` before the merge. */
  readonly kept: number;
  /** Keys added. */
  readonly added: number;
  /** Keys found in more than one place with identical values (kept once). */
  readonly identicalOverlaps: number;
  /** Keys in `--out` after the merge. */
  readonly total: number;
  /** With `partial`: keys of the run's work list that no input holds. */
  readonly missing: number;
}

/** Fields of a settings object left out of `sidecarDiff`: where a file came from, not what it holds. */
const PROVENANCE = ['shard', 'command'] as const;

/** Leaves of a JSON value as `path → JSON`, for a field-by-field comparison. */
function leaves(v: unknown, at: string, out: Map<string, string>): Map<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.set(at, '{}');
    for (const [k, x] of entries) leaves(x, at ? `${at}.${k}` : k, out);
  } else out.set(at, JSON.stringify(v));
  return out;
}

/**
 * Fields in which two JSON objects (settings) differ, leaf by leaf, `shard` and `command` aside,
 * e.g. `batchSize 128 vs 64` (empty when they agree). Sidecars are compared with
 * provenance/sidecar.ts `compareSidecars`; this compares the settings of Zero-Cost-PT lines and a
 * table's settings with the expected ones (tableCheck.ts).
 */
export function sidecarDiff(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const strip = (m: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(m).filter(([k]) => !(PROVENANCE as readonly string[]).includes(k)));
  const la = leaves(strip(a), '', new Map());
  const lb = leaves(strip(b), '', new Map());
  return [...new Set([...la.keys(), ...lb.keys()])]
    .sort()
    .filter((k) => la.get(k) !== lb.get(k))
    .map((k) => `${k} ${la.get(k) ?? 'absent'} vs ${lb.get(k) ?? 'absent'}`);
}

const SIDECAR_KIND: Readonly<Record<Exclude<MergeKind, 'zc-pt'>, SidecarKind>> = { score: 'scores', 'train-bench': 'train-bench' };

/** The provenance sidecar of an input (or of `--out`); @throws when it lacks data identity. */
function sourceSidecar(file: string, kind: MergeKind): Sidecar<Record<string, unknown>> {
  const recorded = recordedKind(file);
  const expected = kind === 'zc-pt' ? (recorded?.startsWith('zcpt-') ? recorded : 'zcpt-nb201') : SIDECAR_KIND[kind];
  const sidecar = readSidecar<Record<string, unknown>>(file, expected);
  if (!sidecar.data) {
    throw new Error(
      `merge: '${sidecarPath(file)}' records no data identity (written before it was recorded), so the merge could mix data: ` +
        `re-derive it with 'zeronas provenance --rederive ${file}', then merge again`,
    );
  }
  return sidecar;
}

/** Lines of a file up to its last line break (a killed writer's partial last line is left out). */
function completeLines(text: string): string[] {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n');
  lines.pop();
  return lines;
}

function kindOf(file: string, text: string): MergeKind {
  const first = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')).replace(/\r$/, '');
  if (first.startsWith('{')) return 'zc-pt';
  if (first === TRAIN_BENCH_HEADER) return 'train-bench';
  if (/^index,arch,.*\bseconds\b/.test(first)) return 'score';
  throw new Error(`merge: '${file}' is not a score file, training-bench file or Zero-Cost-PT results file (first line '${first.slice(0, 80)}')`);
}

function keyOf(cell: string, where: string): number {
  if (!/^\d+$/.test(cell)) throw new Error(`merge: ${where}: key '${cell}' is not a non-negative integer`);
  return Number(cell);
}

function readScoreSource(file: string, lines: string[], sidecar: Sidecar<Record<string, unknown>>): Omit<Source, 'shard'> {
  const header = lines[0]!.replace(/\r$/, '').split(',');
  // measured time columns differ between runs; every other cell is a value
  const timed = new Set(header.flatMap((h, k) => (h === 'seconds' || h.endsWith('_seconds') ? [k] : [])));
  const units = lines.slice(1).map((line, r) => {
    const cells = line.replace(/\r$/, '').split(',');
    if (cells.length !== header.length) throw new Error(`merge: ${file} row ${r + 2}: ${cells.length} cells, header has ${header.length}`);
    return { key: keyOf(cells[0]!, `${file} row ${r + 2}`), text: `${line}\n`, values: cells.filter((_, k) => !timed.has(k)).join(',') };
  });
  return { file, kind: 'score', head: `${lines[0]}\n`, sidecar, units };
}

function readTrainBenchSource(file: string, lines: string[], sidecar: Sidecar<Record<string, unknown>>): Omit<Source, 'shard'> {
  const settings = sidecar.settings as { epochs?: unknown } | undefined;
  const epochs = settings?.epochs;
  if (typeof epochs !== 'number') throw new Error(`merge: ${file}.meta.json holds no training-bench settings (epochs)`);
  const secondsCol = TRAIN_BENCH_HEADER.split(',').indexOf('seconds');
  const units: Unit[] = [];
  const body = lines.slice(1);
  for (let i = 0; i < body.length; ) {
    const key = keyOf(body[i]!.split(',')[0]!, `${file} line ${i + 2}`);
    let j = i;
    while (j < body.length && body[j]!.split(',')[0] === String(key)) j++;
    const block = body.slice(i, j);
    // only complete blocks (epochs 0..E in order), as the reader keeps them
    if (block.length === epochs + 1 && block.every((l, e) => l.split(',')[2] === String(e))) {
      units.push({
        key,
        text: block.map((l) => `${l}\n`).join(''),
        values: block.map((l) => l.split(',').filter((_, k) => k !== secondsCol).join(',')).join('\n'),
      });
    }
    i = j;
  }
  return { file, kind: 'train-bench', head: `${lines[0]}\n`, sidecar, units };
}

/** A search record without what is measured or provenance (times, command, finish time). */
function searchValues(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(searchValues);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k]) => !(k === 'timing' || k === 'command' || k === 'finishedAt' || /seconds$/i.test(k)))
        .map(([k, x]) => [k, searchValues(x)]),
    );
  }
  return v;
}

function readZcptSource(file: string, lines: string[], sidecar: Sidecar<Record<string, unknown>>): Omit<Source, 'shard'> {
  let settings: Record<string, unknown> | undefined;
  const units = lines.flatMap((line, i): Unit[] => {
    if (line.trim() === '') return [];
    let r: { settings?: Record<string, unknown> };
    try {
      r = JSON.parse(line) as typeof r;
    } catch (e) {
      throw new Error(`merge: ${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    if (!r.settings || typeof r.settings.seed !== 'number') throw new Error(`merge: ${file}:${i + 1}: not a Zero-Cost-PT search record (settings.seed missing)`);
    const { seed, ...rest } = r.settings;
    if (settings === undefined) settings = rest;
    else if (sidecarDiff(settings, rest).length > 0) throw new Error(`merge: ${file}:${i + 1}: settings differ from the file's first line: ${sidecarDiff(settings, rest).join('; ')}`);
    return [{ key: seed as number, text: `${line}\n`, values: JSON.stringify(searchValues(r)) }];
  });
  return { file, kind: 'zc-pt', head: '', sidecar, ...(settings ? { lineSettings: settings } : {}), units };
}

/** Read one file of any of the three kinds. */
function readSource(file: string): Source {
  if (!fs.existsSync(file)) throw new Error(`merge: '${file}' does not exist`);
  const text = fs.readFileSync(file, 'utf8');
  if (text.length === 0) throw new Error(`merge: '${file}' is empty`);
  const kind = kindOf(file, text);
  const lines = completeLines(text);
  const sidecar = sourceSidecar(file, kind);
  const base =
    kind === 'score'
      ? readScoreSource(file, lines, sidecar)
      : kind === 'train-bench'
        ? readTrainBenchSource(file, lines, sidecar)
        : readZcptSource(file, lines, sidecar);
  refuseDuplicateKeys(base.units.map((u) => u.key), file, kind === 'zc-pt' ? 'seed' : 'architecture index');
  const shard: ShardRecord | undefined = sidecar.shard;
  return { ...base, ...(shard ? { shard } : {}) };
}

/** The whole work list of a sharded run, in its order (keys). */
function workList(src: Source): number[] {
  const s = src.shard!;
  if (Array.isArray(s.seeds)) return [...s.seeds];
  const settings = src.sidecar.settings as { space?: SpaceName; seed?: number } | undefined;
  if (!s.archs || !settings?.space || typeof settings.seed !== 'number') {
    throw new Error(`merge: ${src.file}.meta.json: shard ${formatShard(s)} records neither its seeds nor its --archs with the settings' space and seed`);
  }
  const list = selectArchs(s.archs, archSet(settings.space), settings.seed);
  if (list.length !== s.total) throw new Error(`merge: ${src.file}: --archs ${s.archs} selects ${list.length} architectures now, the shard recorded ${s.total}`);
  return list;
}

export interface MergeOptions {
  /** Merge what the shards hold even when shards or keys are missing (reported in `missing`). */
  readonly partial?: boolean;
}

/** Merge `files` into `out` (created, or extended when it exists). @throws naming the file and the conflict. */
export function mergeFiles(files: readonly string[], out: string, opts: MergeOptions = {}): MergeReport {
  if (files.length === 0) throw new Error('merge: give the files to merge');
  const outAbs = path.resolve(out);
  if (files.some((f) => path.resolve(f) === outAbs)) throw new Error(`merge: '${out}' is both an input and --out; list only the new files`);
  const sources = files.map(readSource);
  const first = sources[0]!;
  for (const s of sources) {
    if (s.kind !== first.kind) throw new Error(`merge: '${s.file}' is a ${s.kind} file, '${first.file}' a ${first.kind} file`);
    if (s.head !== first.head) throw new Error(`merge: '${s.file}' has another column layout than '${first.file}'`);
    const d = compareSidecars(first.sidecar, s.sidecar, { exceptShard: true });
    if (d.length) throw new Error(`merge: '${s.file}' was written with other settings or data than '${first.file}': ${formatDifferences(d)}`);
    const l = sidecarDiff(first.lineSettings ?? {}, s.lineSettings ?? {});
    if (l.length) throw new Error(`merge: '${s.file}' holds searches with other settings than '${first.file}': ${l.join('; ')}`);
  }
  prepareOutput(out);
  const release = acquireLock(out, { onStale: (m) => process.stderr.write(`${m}\n`) });
  try {
    return mergeLocked(sources, out, opts);
  } finally {
    release();
  }
}

/** The merge proper, `--out` locked. */
function mergeLocked(sources: readonly Source[], out: string, opts: MergeOptions): MergeReport {
  const first = sources[0]!;
  const outAbs = path.resolve(out);
  const existing = fs.existsSync(out) && fs.statSync(out).size > 0 ? readSource(out) : undefined;
  if (existing) {
    if (existing.kind !== first.kind) throw new Error(`merge: --out '${out}' is a ${existing.kind} file, the inputs are ${first.kind} files`);
    if (existing.shard) throw new Error(`merge: --out '${out}' is the file of shard ${formatShard(existing.shard)}; merge into an unsharded table`);
    if (existing.head !== first.head) throw new Error(`merge: --out '${out}' has another column layout than '${first.file}'`);
    const d = compareSidecars(existing.sidecar, first.sidecar, { exceptShard: true });
    if (d.length) throw new Error(`merge: --out '${out}' was written with other settings or data than '${first.file}': ${formatDifferences(d)}`);
    const l = sidecarDiff(existing.lineSettings ?? {}, first.lineSettings ?? {});
    if (l.length) throw new Error(`merge: --out '${out}' holds searches with other settings than '${first.file}': ${l.join('; ')}`);
  }

  // the run the shards belong to, their completeness, and the position order
  const sharded = sources.filter((s) => s.shard);
  let order: number[] | undefined;
  let missing = 0;
  if (sharded.length > 0) {
    const run = sharded[0]!;
    const runOf = (s: ShardRecord): string => JSON.stringify({ count: s.count, archs: s.archs ?? null, total: s.total, seeds: s.seeds ?? null });
    for (const s of sharded) {
      if (runOf(s.shard!) !== runOf(run.shard!)) throw new Error(`merge: '${s.file}' is a shard of another run than '${run.file}' (${runOf(s.shard!)} vs ${runOf(run.shard!)})`);
    }
    order = workList(run);
    const problems: string[] = [];
    const seenShards = new Set<number>();
    for (const s of sharded) {
      seenShards.add(s.shard!.index);
      const have = new Set(s.units.map((u) => u.key));
      const want = shardItems(order, s.shard!);
      const wanted = new Set(want);
      const lacking = want.filter((k) => !have.has(k)).length;
      if (lacking > 0) problems.push(`${s.file} (shard ${formatShard(s.shard!)}) lacks ${lacking} of its ${want.length}`);
      const foreign = [...have].filter((k) => !wanted.has(k));
      if (foreign.length > 0) throw new Error(`merge: '${s.file}' holds keys outside its shard ${formatShard(s.shard!)}: ${foreign.slice(0, 5).join(', ')}`);
    }
    const absent = Array.from({ length: run.shard!.count }, (_, i) => i).filter((i) => !seenShards.has(i));
    if (absent.length > 0) problems.push(`shards ${absent.map((i) => `${i}/${run.shard!.count}`).join(', ')} not given`);
    if (problems.length > 0 && !opts.partial) throw new Error(`merge: incomplete run: ${problems.join('; ')} (rerun the missing tasks, or merge --partial)`);
  }

  // overlaps: identical values kept once, differing refused
  const have = new Map<number, { unit: Unit; file: string }>();
  for (const u of existing?.units ?? []) have.set(u.key, { unit: u, file: out });
  let identicalOverlaps = 0;
  const added: Unit[] = [];
  for (const s of sources) {
    for (const u of s.units) {
      const prior = have.get(u.key);
      if (prior) {
        if (prior.unit.values !== u.values) {
          throw new Error(`merge: ${first.kind === 'zc-pt' ? 'seed' : 'index'} ${u.key} has different values in '${prior.file}' and '${s.file}'`);
        }
        identicalOverlaps++;
        continue;
      }
      have.set(u.key, { unit: u, file: s.file });
      added.push(u);
    }
  }
  if (order) {
    const pos = new Map(order.map((k, p) => [k, p]));
    const at = (u: Unit): number => pos.get(u.key) ?? Number.MAX_SAFE_INTEGER;
    added.sort((a, b) => at(a) - at(b)); // stable: keys outside the work list keep their input order
    missing = order.filter((k) => !have.has(k)).length;
  }

  const rewrite = (u: Unit): string => {
    if (first.kind !== 'zc-pt') return u.text;
    const r = JSON.parse(u.text) as Record<string, unknown>;
    return typeof r.command === 'string' ? `${JSON.stringify({ ...r, command: unshardedCommand(r.command, out) })}\n` : u.text;
  };
  const text = first.head + (existing?.units ?? []).map((u) => u.text).join('') + added.map(rewrite).join('');
  fs.mkdirSync(path.dirname(outAbs), { recursive: true });
  const tmp = `${out}.merge-${process.pid}`;
  fs.writeFileSync(tmp, text);
  try {
    if (!existing) {
      const { shard: _shard, command, ...unsharded } = first.sidecar;
      writeSidecar(out, { ...unsharded, ...(command ? { command: unshardedCommand(command, out) } : {}) });
    }
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return { kind: first.kind, out, kept: existing?.units.length ?? 0, added: added.length, identicalOverlaps, total: have.size, missing };
}
