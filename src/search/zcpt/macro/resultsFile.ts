/**
 * Resumable file of Zero-Cost-PT NAS-Bench-Macro searches, one JSON line per seed, through the
 * shared results-file core (../resultsFile.ts: same rules as NB201; architectures revived).
 */
import { MACRO_TABLE_FILE } from '../../../benchmarks/macro';
import { CIFAR_SPLIT_FILES } from '../../../data/cifar';
import { dataIdentity, hasDataFile } from '../../../data/root';
import { makeSidecar, type Sidecar, type SidecarShard } from '../../../provenance/sidecar';
import { parseMacro } from '../../../spaces/macro/arch';
import { appendResultLine, pendingSeedsOf, readResultsFile, seedlessKey, type ResultsFormat } from '../resultsFile';
import type { ZcptMacroSearchResult, ZcptMacroSettings } from './search';

export interface ZcptMacroRecord extends ZcptMacroSearchResult {
  readonly command: string;
  readonly finishedAt: string;
}

/** The sidecar of a Macro results file: settings without the seed, the CIFAR training files and the Macro table when present. */
export function zcptMacroSidecar(s: ZcptMacroSettings, command?: string, shard?: SidecarShard): Sidecar<Omit<ZcptMacroSettings, 'seed'>> {
  const { seed: _seed, ...rest } = s;
  const files = [...CIFAR_SPLIT_FILES[s.dataset].train, ...(hasDataFile(MACRO_TABLE_FILE) ? [MACRO_TABLE_FILE] : [])];
  return makeSidecar('zcpt-macro', rest, dataIdentity(files), command, shard);
}

export const MACRO_RESULTS_FORMAT: ResultsFormat<ZcptMacroRecord> = {
  label: 'Zero-Cost-PT NAS-Bench-Macro results',
  key: seedlessKey,
  sidecar: zcptMacroSidecar,
  isRecord: (r) => {
    const o = r as Partial<ZcptMacroRecord> | null;
    return !!o && typeof o === 'object' && o.settings?.space === 'macro' && typeof o.settings.seed === 'number' && Array.isArray(o.proposals) && typeof o.archString === 'string';
  },
  expected: "settings with space 'macro', archString, proposals",
  revive: (r) => ({
    ...r,
    arch: parseMacro(r.archString),
    proposals: r.proposals.map((p) => ({ ...p, arch: parseMacro(p.archString) })),
    ...(r.validation ? { validation: { ...r.validation, candidates: r.validation.candidates.map((c) => ({ ...c, arch: parseMacro(c.archString) })) } } : {}),
  }),
};

export const readZcptMacroResults = (file: string): ZcptMacroRecord[] => readResultsFile(file, MACRO_RESULTS_FORMAT);
export const pendingMacroSeeds = (file: string, s: ZcptMacroSettings, wanted: readonly number[], shard?: SidecarShard): number[] =>
  pendingSeedsOf(file, MACRO_RESULTS_FORMAT, s, wanted, shard);
export const appendZcptMacroResult = (file: string, r: ZcptMacroSearchResult, command: string, shard?: SidecarShard): void =>
  appendResultLine(file, MACRO_RESULTS_FORMAT, r, command, shard);
