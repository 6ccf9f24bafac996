/**
 * Resumable file of Zero-Cost-PT NAS-Bench-Macro searches, one JSON line per seed, through the
 * shared results-file core (../resultsFile.ts: same rules as NB201; architectures revived).
 */
import { parseMacro } from '../../../spaces/macro/arch';
import { appendResultLine, pendingSeedsOf, readResultsFile, seedlessKey, type ResultsFormat } from '../resultsFile';
import type { ZcptMacroSearchResult, ZcptMacroSettings } from './search';

export interface ZcptMacroRecord extends ZcptMacroSearchResult {
  readonly command: string;
  readonly finishedAt: string;
}

export const MACRO_RESULTS_FORMAT: ResultsFormat<ZcptMacroRecord> = {
  label: 'Zero-Cost-PT NAS-Bench-Macro results',
  key: seedlessKey,
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
export const pendingMacroSeeds = (file: string, s: ZcptMacroSettings, wanted: readonly number[]): number[] => pendingSeedsOf(file, MACRO_RESULTS_FORMAT, s, wanted);
export const appendZcptMacroResult = (file: string, r: ZcptMacroSearchResult, command: string): void => appendResultLine(file, r, command);
