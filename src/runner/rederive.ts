/**
 * `zeronas provenance [--rederive] FILE…`: show a result file's provenance sidecar against the data
 * present now, or (`--rederive`) fill in the data identity of a file written before it was
 * recorded: the data files its settings read are hashed, without rescoring anything.
 *
 * Re-derivation first checks the rows (a score file's rows against its benchmark, no repeated
 * key), keeps the recorded settings and command, and is idempotent: a sidecar already holding data
 * identity is rewritten only if the data still match it; data that differ are refused, naming the
 * file, since the rows were then made from other bytes. Formats: score CSVs and training benches
 * (from their sidecar's settings) and Zero-Cost-PT `.jsonl` results (settings from their lines).
 */
import { readZcptMacroResults, zcptMacroSidecar } from '../search/zcpt/macro/resultsFile';
import { readZcptShot1Results, zcptShot1Sidecar } from '../search/zcpt/nb101-1shot1/resultsFile';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { compareDataIdentity, type DataIdentity } from '../data/identity';
import { dataIdentity } from '../data/root';
import { checkInputFile } from '../provenance/resultFile';
import { compareSidecars, describeShard, formatDifferences, readSidecar, sidecarPath, writeSidecar, type Sidecar, type SidecarKind } from '../provenance/sidecar';
import { readZcptDartsResults, zcptDartsSidecar } from '../search/zcpt/darts/resultsFile';
import { readZcptResults, zcptSidecar } from '../search/zcpt/resultsFile';
import { readTrainBench, trainBenchSidecar } from '../train/trainBenchFile';
import type { TrainBenchSettings } from '../train/trainBenchSettings';
import { readScoresForBenchmark } from './checkedScores';
import { scoreSidecar } from './results';
import type { ScoreSettings } from './settings';

export const PROVENANCE_HELP = `zeronas provenance [--rederive] FILE…
  Show each result file's provenance sidecar (FILE.meta.json: kind, settings, data files with
  SHA-256) and whether the data present now match it.
  --rederive               fill in the data identity of files written before it was recorded:
                           hash the data files their settings read (no rescoring), after checking
                           the rows; idempotent, and refused when recorded hashes differ from the
                           data present. Score CSVs, training benches, Zero-Cost-PT .jsonl files.`;

/** The kind of a result file: Zero-Cost-PT by its JSON lines, others by their sidecar's settings. */
function kindOf(file: string): SidecarKind {
  if (file.endsWith('.jsonl')) {
    const first = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.trim() !== '');
    if (first === undefined) throw new Error(`'${file}' holds no results to describe`);
    const space = (JSON.parse(first) as { settings?: { space?: string } }).settings?.space;
    return space === 'darts' ? 'zcpt-darts' : space === 'macro' ? 'zcpt-macro' : space === 'nb101-1shot1' ? 'zcpt-nb101-1shot1' : 'zcpt-nb201';
  }
  const meta = sidecarPath(file);
  if (!fs.existsSync(meta)) throw new Error(`'${file}' has no provenance sidecar '${meta}': there are no settings to derive its data from; recreate it with its command`);
  let raw: { kind?: SidecarKind; settings?: Record<string, unknown> };
  try {
    raw = JSON.parse(fs.readFileSync(meta, 'utf8')) as typeof raw;
  } catch (e) {
    throw new Error(`provenance sidecar '${meta}' is damaged (not valid JSON: ${(e as Error).message}); restore it from version control`);
  }
  if (raw.kind) return raw.kind;
  if (raw.settings && 'proxies' in raw.settings) return 'scores';
  if (raw.settings && 'epochs' in raw.settings) return 'train-bench';
  throw new Error(`cannot tell what kind of result file '${file}' is from its sidecar '${meta}'`);
}

/** The sidecar the file's rows imply with the data present now (rows checked on the way). */
function derive(file: string, kind: SidecarKind): { derived: Sidecar<unknown>; recorded?: Sidecar<unknown> } {
  const has = fs.existsSync(sidecarPath(file));
  switch (kind) {
    case 'scores': {
      const recorded = readSidecar<ScoreSettings>(file, kind);
      readScoresForBenchmark(file);
      return { derived: scoreSidecar(recorded.settings, recorded.command), recorded };
    }
    case 'train-bench': {
      const recorded = readSidecar<TrainBenchSettings>(file, kind);
      readTrainBench(file);
      return { derived: trainBenchSidecar(recorded.settings, recorded.command), recorded };
    }
    case 'zcpt-nb201': {
      const [r] = readZcptResults(file);
      return { derived: zcptSidecar(r!.settings, r!.command), ...(has ? { recorded: readSidecar(file, kind) } : {}) };
    }
    case 'zcpt-darts': {
      const [r] = readZcptDartsResults(file);
      return { derived: zcptDartsSidecar(r!.settings, r!.command), ...(has ? { recorded: readSidecar(file, kind) } : {}) };
    }
    case 'zcpt-macro': {
      const [r] = readZcptMacroResults(file);
      return { derived: zcptMacroSidecar(r!.settings, r!.command), ...(has ? { recorded: readSidecar(file, kind) } : {}) };
    }
    case 'zcpt-nb101-1shot1': {
      const [r] = readZcptShot1Results(file);
      return { derived: zcptShot1Sidecar(r!.settings, r!.command), ...(has ? { recorded: readSidecar(file, kind) } : {}) };
    }
  }
}

/**
 * Fill in (or confirm) the data identity of `file`'s sidecar. @returns what was done, in words.
 * @throws when the rows are inconsistent, the settings of lines and sidecar differ, or recorded
 *   hashes differ from the data present.
 */
export function rederiveProvenance(file: string): string {
  checkInputFile(file, 'result file');
  const kind = kindOf(file);
  const d = derive(file, kind);
  const recorded = d.recorded;
  // a shard's file keeps its shard (what part of a split run it holds is not derived from data)
  const derived = recorded?.shard ? { ...d.derived, shard: recorded.shard } : d.derived;
  if (recorded) {
    const diffs = compareSidecars(recorded, derived);
    if (diffs.length > 0) {
      throw new Error(`'${file}': the data present now differ from its sidecar (${formatDifferences(diffs)}); its rows were made from other data, so they are not re-derived`);
    }
    if (recorded.data) return `${file}: data identity already recorded and matching (${recorded.data.files.length} files); unchanged`;
  }
  writeSidecar(file, { ...derived, command: recorded?.command ?? derived.command });
  return `${file}: recorded the data identity of ${derived.data!.files.length} files (${derived.data!.files.map((f) => f.rel).join(', ')}) → ${sidecarPath(file)}`;
}

/** A one-screen description of a file's sidecar against the data present now. */
export function describeProvenance(file: string): string {
  checkInputFile(file, 'result file');
  const kind = kindOf(file);
  const s = readSidecar<Record<string, unknown>>(file, kind);
  const lines = [`${file} (${kind}; sidecar ${sidecarPath(file)})`, `settings: ${s.settingsKey}`];
  if (s.shard) lines.push(`shard: ${describeShard(s.shard)} (${s.shard.total} in the whole run)`);
  if (s.command) lines.push(`command: ${s.command}`);
  if (!s.data) {
    lines.push(`data: not recorded; run 'zeronas provenance --rederive ${file}'`);
    return lines.join('\n');
  }
  let now: DataIdentity | undefined;
  try {
    now = dataIdentity(s.data.files.map((f) => f.rel));
  } catch (e) {
    lines.push(`data present now: ${(e as Error).message}`);
  }
  for (const f of s.data.files) lines.push(`  ${f.sha256}  ${f.rel} (${f.bytes} bytes, read from ${f.root})`);
  if (now) {
    const diffs = compareDataIdentity(s.data, now);
    lines.push(diffs.length === 0 ? 'data present now: identical' : `data present now differ: ${diffs.map((d) => `${d.rel} ${d.old} → ${d.new}`).join('; ')}`);
  }
  return lines.join('\n');
}

export function cmdProvenance(argv: readonly string[]): void {
  const { values: v, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { rederive: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (v.help) return void console.log(PROVENANCE_HELP);
  if (positionals.length === 0) throw new Error(`provenance needs at least one FILE\n\n${PROVENANCE_HELP}`);
  for (const f of positionals) console.log(v.rederive ? rederiveProvenance(f) : describeProvenance(f));
}
