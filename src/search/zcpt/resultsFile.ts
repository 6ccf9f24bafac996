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
  const { seed: _seed, ...rest } = s;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))));
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

/**
 * Read a results file (absent file: no records).
 * @throws naming the file and line on malformed JSON, a wrong architecture or mixed settings.
 */
export function readZcptResults(file: string): ZcptRecord[] {
  if (!fs.existsSync(file)) return [];
  if (fs.statSync(file).isDirectory()) throw new Error(`Zero-Cost-PT results '${file}' is a folder; give the results file itself`);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: ZcptRecord[] = [];
  let key: string | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    let r: ZcptRecord;
    try {
      r = JSON.parse(line) as ZcptRecord;
    } catch (e) {
      throw new Error(`Zero-Cost-PT results ${where}: not valid JSON (${(e as Error).message}); a run killed while writing leaves a torn last line: delete that line and rerun`);
    }
    if (!r || typeof r !== 'object' || !r.settings || typeof r.settings.seed !== 'number' || !Array.isArray(r.proposals) || !r.validation) {
      throw new Error(`Zero-Cost-PT results ${where}: not a search record (needs settings, proposals, validation)`);
    }
    const k = settingsKey(r.settings);
    if (key !== undefined && k !== key) throw new Error(`Zero-Cost-PT results ${where}: settings differ from the file's first line (${k} vs ${key})`);
    key = k;
    try {
      out.push({ ...r, arch: nb201Arch(r.arch), proposals: r.proposals.map(reviveProposal), validation: reviveValidation(r.validation) });
    } catch (e) {
      throw new Error(`Zero-Cost-PT results ${where}: ${(e as Error).message}`);
    }
  });
  refuseDuplicateKeys(out.map((r) => r.settings.seed), file, 'seed');
  return out;
}

/**
 * Seeds of `wanted` not yet in the file.
 * @throws when the file holds another setting or other data (its sidecar), naming the differences.
 */
export function pendingSeeds(file: string, settings: ZcptSettings, wanted: readonly number[], shard?: SidecarShard): number[] {
  checkRecordsResumable(file, zcptSidecar(settings, undefined, shard));
  const done = readZcptResults(file);
  if (done.length > 0 && settingsKey(done[0]!.settings) !== settingsKey(settings)) {
    throw new Error(`Zero-Cost-PT results ${file}: its lines hold another setting than its sidecar and this run (${settingsKey(done[0]!.settings)}); use another --out`);
  }
  const have = new Set(done.map((r) => r.settings.seed));
  return wanted.filter((s) => !have.has(s));
}

/** Append one finished search as a line (under the file's lock; the first line writes the sidecar). */
export function appendZcptResult(file: string, result: ZcptSearchResult, command: string, shard?: SidecarShard): void {
  const record: ZcptRecord = { ...result, command, finishedAt: new Date().toISOString() };
  appendRecord(file, zcptSidecar(result.settings, command, shard), { key: result.settings.seed, keyName: 'seed', text: `${JSON.stringify(record)}\n` }, () =>
    readZcptResults(file).map((r) => r.settings.seed),
  );
}
