/**
 * Resumable file of Zero-Cost-PT DARTS-space searches, one JSON line per seed (the DARTS
 * counterpart of ../resultsFile.ts, same rules): every line holds a whole `ZcptDartsSearchResult`
 * plus the command that wrote it; all lines share the settings except the seed; a rerun skips the
 * seeds already in the file; a line is appended, with one `appendFileSync`, only once its search
 * has finished. Genotypes are revived (validated, frozen) on reading. Provenance (sidecar with the
 * settings without the seed and the data identity, lock, repeated seeds refused) as there.
 */
import * as fs from 'node:fs';
import { CIFAR_SPLIT_FILES } from '../../../data/cifar';
import { dataIdentity } from '../../../data/root';
import { appendRecord, checkRecordsResumable, refuseDuplicateKeys } from '../../../provenance/resultFile';
import { makeSidecar, type Sidecar, type SidecarShard } from '../../../provenance/sidecar';
import { dartsGenotype, type Genotype, type GenotypeSpec } from '../../../spaces/darts/genotype';
import type { ZcptDartsSearchResult, ZcptDartsSettings } from './search';

/** One line of a DARTS results file. */
export interface ZcptDartsRecord extends ZcptDartsSearchResult {
  readonly command: string;
  /** ISO time the search finished. */
  readonly finishedAt: string;
}

/** Settings that must agree between the lines of one file (all but the seed). */
export function dartsSettingsKey(s: ZcptDartsSettings): string {
  const { seed: _seed, ...rest } = s;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))));
}

/** The sidecar of a DARTS results file: settings without the seed and the CIFAR training files read. */
export function zcptDartsSidecar(s: ZcptDartsSettings, command?: string, shard?: SidecarShard): Sidecar<Omit<ZcptDartsSettings, 'seed'>> {
  const { seed: _seed, ...rest } = s;
  return makeSidecar('zcpt-darts', rest, dataIdentity(CIFAR_SPLIT_FILES[s.dataset].train), command, shard);
}

const revive = (g: Genotype): Genotype => dartsGenotype(g as unknown as GenotypeSpec);

/**
 * Read a results file (absent file: no records).
 * @throws naming the file and line on malformed JSON, a bad genotype, mixed settings or a repeated seed.
 */
export function readZcptDartsResults(file: string): ZcptDartsRecord[] {
  if (!fs.existsSync(file)) return [];
  if (fs.statSync(file).isDirectory()) throw new Error(`Zero-Cost-PT results '${file}' is a folder; give the results file itself`);
  const out: ZcptDartsRecord[] = [];
  let key: string | undefined;
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${file}:${i + 1}`;
      let r: ZcptDartsRecord;
      try {
        r = JSON.parse(line) as ZcptDartsRecord;
      } catch (e) {
        throw new Error(`Zero-Cost-PT DARTS results ${where}: not valid JSON (${(e as Error).message}); a run killed while writing leaves a torn last line: delete that line and rerun`);
      }
      if (!r || typeof r !== 'object' || !r.settings || r.settings.space !== 'darts' || typeof r.settings.seed !== 'number' || !Array.isArray(r.proposals) || !r.validation) {
        throw new Error(`Zero-Cost-PT DARTS results ${where}: not a DARTS search record (needs settings with space 'darts', proposals, validation)`);
      }
      const k = dartsSettingsKey(r.settings);
      if (key !== undefined && k !== key) throw new Error(`Zero-Cost-PT DARTS results ${where}: settings differ from the file's first line (${k} vs ${key})`);
      key = k;
      try {
        out.push({
          ...r,
          genotype: revive(r.genotype),
          proposals: r.proposals.map((p) => ({ ...p, genotype: revive(p.genotype) })),
          validation: { ...r.validation, candidates: r.validation.candidates.map((c) => ({ ...c, genotype: revive(c.genotype) })) },
        });
      } catch (e) {
        throw new Error(`Zero-Cost-PT DARTS results ${where}: ${(e as Error).message}`);
      }
    });
  refuseDuplicateKeys(out.map((r) => r.settings.seed), file, 'seed');
  return out;
}

/** Seeds of `wanted` not yet in the file; @throws when the file holds another setting. */
export function pendingDartsSeeds(file: string, settings: ZcptDartsSettings, wanted: readonly number[], shard?: SidecarShard): number[] {
  checkRecordsResumable(file, zcptDartsSidecar(settings, undefined, shard));
  const done = readZcptDartsResults(file);
  if (done.length > 0 && dartsSettingsKey(done[0]!.settings) !== dartsSettingsKey(settings)) {
    throw new Error(`Zero-Cost-PT DARTS results ${file}: its lines hold another setting than its sidecar and this run (${dartsSettingsKey(done[0]!.settings)}); use another --out`);
  }
  const have = new Set(done.map((r) => r.settings.seed));
  return wanted.filter((s) => !have.has(s));
}

/** Append one finished search as a line (under the file's lock; the first line writes the sidecar). */
export function appendZcptDartsResult(file: string, result: ZcptDartsSearchResult, command: string, shard?: SidecarShard): void {
  const record: ZcptDartsRecord = { ...result, command, finishedAt: new Date().toISOString() };
  appendRecord(file, zcptDartsSidecar(result.settings, command, shard), { key: result.settings.seed, keyName: 'seed', text: `${JSON.stringify(record)}\n` }, () =>
    readZcptDartsResults(file).map((r) => r.settings.seed),
  );
}
