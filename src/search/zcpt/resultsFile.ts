/**
 * Resumable file of Zero-Cost-PT searches (one JSON object per line, one line per seed): what
 * `zeronas search zc-pt --seeds … --out FILE` writes and notebook 04 reads.
 *
 * Every line holds a whole `ZcptSearchResult` (settings, chosen architecture, its NB201
 * accuracies, every proposal with all its removal scores, the validation scores, timings) plus the
 * command that wrote it. A file holds searches of one setting: every line's settings equal the
 * first line's except for the seed. A rerun with the same settings skips the seeds already in the
 * file, so an interrupted multi-seed run loses at most the search in progress; a line is appended
 * only once its search has finished, with one `appendFileSync` (a torn last line, from a kill
 * mid-write, is reported by the reader with its line number).
 *
 * Provenance as for every result file (provenance/): a sidecar `<file>.meta.json` holds the
 * settings without the seed and the identity of the data read (CIFAR training files, the NB201
 * table when present); a resume on other settings or data is refused naming what differs, one
 * writer at a time (lock), and a seed that appears twice is refused by the reader.
 */
import * as fs from 'node:fs';
import { NB201_TABLE_FILE } from '../../benchmarks/nb201';
import { CIFAR_SPLIT_FILES, type CifarDataset } from '../../data/cifar';
import { dataIdentity, hasDataFile } from '../../data/root';
import { appendRecord, checkRecordsResumable, refuseDuplicateKeys } from '../../provenance/resultFile';
import { makeSidecar, type Sidecar, type SidecarShard } from '../../provenance/sidecar';
import { nb201Arch } from '../../spaces/nb201/arch';
import type { Proposal } from './perturb';
import type { ValidationResult } from './postValidate';
import type { ZcptSearchResult, ZcptSettings } from './search';

/** One line of a results file. */
export interface ZcptRecord extends ZcptSearchResult {
  /** The command line that produced the search. */
  readonly command: string;
  /** ISO time the search finished. */
  readonly finishedAt: string;
}

/** Settings that must agree between the lines of one file (all but the seed). */
export function settingsKey(s: ZcptSettings): string {
  return seedlessKey(s);
}

/** Data a Zero-Cost-PT NB201 search reads: the CIFAR training files, and the NB201 table when present (accuracies). */
export function zcptDataFiles(dataset: CifarDataset): string[] {
  return [...CIFAR_SPLIT_FILES[dataset].train, ...(hasDataFile(NB201_TABLE_FILE) ? [NB201_TABLE_FILE] : [])];
}

/** The sidecar of a results file: settings without the seed (the lines' key) and data identity. */
export function zcptSidecar(s: ZcptSettings, command?: string, shard?: SidecarShard): Sidecar<Omit<ZcptSettings, 'seed'>> {
  const { seed: _seed, ...rest } = s;
  return makeSidecar('zcpt-nb201', rest, dataIdentity(zcptDataFiles(s.dataset)), command, shard);
}

function reviveProposal(p: Proposal): Proposal {
  return { ...p, arch: nb201Arch(p.arch) };
}

function reviveValidation(v: ValidationResult): ValidationResult {
  return { ...v, candidates: v.candidates.map((c) => ({ ...c, arch: nb201Arch(c.arch) })) };
}

/** How a space's records are recognised and revived (generic core below; NB201 is one user). */
export interface ResultsFormat<R extends { readonly settings: { readonly seed: number } }> {
  /** Label in error messages, e.g. `Zero-Cost-PT results`. */
  readonly label: string;
  /** Key of the settings that must agree between lines (all but the seed). */
  readonly key: (settings: R['settings']) => string;
  /** The provenance sidecar of a file of these settings (settings without the seed, data identity). */
  readonly sidecar: (settings: R['settings'], command?: string, shard?: SidecarShard) => Sidecar<object>;
  /** Whether a parsed line has the space's record shape (reported with the line when not). */
  readonly isRecord: (r: unknown) => boolean;
  /** What `isRecord` expects, for the error message. */
  readonly expected: string;
  /** Validate and freeze the typed parts (architectures); throws on bad values. */
  readonly revive: (r: R) => R;
}

/** Settings as a sorted-key JSON string without the seed. */
export function seedlessKey(s: { readonly seed: number }): string {
  const { seed: _seed, ...rest } = s;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * Read a results file of any space (absent file: no records).
 * @throws naming the file and line on malformed JSON, a bad record, mixed settings or a repeated seed.
 */
export function readResultsFile<R extends { readonly settings: { readonly seed: number } }>(file: string, f: ResultsFormat<R>): R[] {
  if (!fs.existsSync(file)) return [];
  if (fs.statSync(file).isDirectory()) throw new Error(`${f.label} '${file}' is a folder; give the results file itself`);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: R[] = [];
  let key: string | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    let r: R;
    try {
      r = JSON.parse(line) as R;
    } catch (e) {
      throw new Error(`${f.label} ${where}: not valid JSON (${(e as Error).message}); a run killed while writing leaves a torn last line: delete that line and rerun`);
    }
    if (!f.isRecord(r)) throw new Error(`${f.label} ${where}: not a search record (needs ${f.expected})`);
    const k = f.key(r.settings);
    if (key !== undefined && k !== key) throw new Error(`${f.label} ${where}: settings differ from the file's first line (${k} vs ${key})`);
    key = k;
    try {
      out.push(f.revive(r));
    } catch (e) {
      throw new Error(`${f.label} ${where}: ${(e as Error).message}`);
    }
  });
  refuseDuplicateKeys(out.map((r) => r.settings.seed), file, 'seed');
  return out;
}

/**
 * Seeds of `wanted` not yet in the file.
 * @throws when the file holds another setting or other data (its sidecar), naming the differences.
 */
export function pendingSeedsOf<R extends { readonly settings: { readonly seed: number } }>(
  file: string,
  f: ResultsFormat<R>,
  settings: R['settings'],
  wanted: readonly number[],
  shard?: SidecarShard,
): number[] {
  checkRecordsResumable(file, f.sidecar(settings, undefined, shard));
  const done = readResultsFile(file, f);
  if (done.length > 0 && f.key(done[0]!.settings) !== f.key(settings)) {
    throw new Error(`${f.label} ${file}: its lines hold another setting than its sidecar and this run (${f.key(done[0]!.settings)}); use another --out`);
  }
  const have = new Set(done.map((r) => r.settings.seed));
  return wanted.filter((s) => !have.has(s));
}

/**
 * Append one finished search of any space as a line, with the command and the finishing time
 * (under the file's lock; the first line writes the sidecar, with the shard of a sharded run; a
 * seed already there is refused).
 */
export function appendResultLine<R extends { readonly settings: { readonly seed: number } }>(
  file: string,
  f: ResultsFormat<R>,
  result: Omit<R, 'command' | 'finishedAt'>,
  command: string,
  shard?: SidecarShard,
): void {
  const record = { ...result, command, finishedAt: new Date().toISOString() };
  appendRecord(file, f.sidecar(result.settings, command, shard), { key: result.settings.seed, keyName: 'seed', text: `${JSON.stringify(record)}\n` }, () =>
    readResultsFile(file, f).map((r) => r.settings.seed),
  );
}

const NB201_FORMAT: ResultsFormat<ZcptRecord> = {
  label: 'Zero-Cost-PT results',
  key: settingsKey,
  sidecar: zcptSidecar,
  isRecord: (r) => {
    const o = r as Partial<ZcptRecord> | null;
    return !!o && typeof o === 'object' && !!o.settings && typeof o.settings.seed === 'number' && Array.isArray(o.proposals) && !!o.validation;
  },
  expected: 'settings, proposals, validation',
  revive: (r) => ({ ...r, arch: nb201Arch(r.arch), proposals: r.proposals.map(reviveProposal), validation: reviveValidation(r.validation) }),
};

/**
 * Read a results file (absent file: no records).
 * @throws naming the file and line on malformed JSON, a wrong architecture, mixed settings or a repeated seed.
 */
export function readZcptResults(file: string): ZcptRecord[] {
  return readResultsFile(file, NB201_FORMAT);
}

/** Seeds of `wanted` not yet in the file; @throws when the file holds another setting or other data. */
export function pendingSeeds(file: string, settings: ZcptSettings, wanted: readonly number[], shard?: SidecarShard): number[] {
  return pendingSeedsOf(file, NB201_FORMAT, settings, wanted, shard);
}

/** Append one finished search as a line (under the file's lock; the first line writes the sidecar). */
export function appendZcptResult(file: string, result: ZcptSearchResult, command: string, shard?: SidecarShard): void {
  appendResultLine(file, NB201_FORMAT, result, command, shard);
}
