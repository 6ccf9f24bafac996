/**
 * Resumable file of Zero-Cost-PT searches on NAS-Bench-1Shot1 space 2, one JSON line per seed,
 * through the shared results-file core (../resultsFile.ts: same rules as the other spaces; cells
 * revived and checked from their text form).
 */
import { NB101_1SHOT1_SPACE2_FILE } from '../../../benchmarks/nb101';
import { CIFAR_SPLIT_FILES } from '../../../data/cifar';
import { dataIdentity, hasDataFile } from '../../../data/root';
import { makeSidecar, type Sidecar, type SidecarShard } from '../../../provenance/sidecar';
import { parseShot1 } from '../../../spaces/nb101/shot1';
import { appendResultLine, pendingSeedsOf, readResultsFile, seedlessKey, type ResultsFormat } from '../resultsFile';
import type { ZcptShot1SearchResult, ZcptShot1Settings } from './search';

export interface ZcptShot1Record extends ZcptShot1SearchResult {
  readonly command: string;
  readonly finishedAt: string;
}

/** The sidecar: settings without the seed, the CIFAR training files and the 1Shot1 table when present. */
export function zcptShot1Sidecar(s: ZcptShot1Settings, command?: string, shard?: SidecarShard): Sidecar<Omit<ZcptShot1Settings, 'seed'>> {
  const { seed: _seed, ...rest } = s;
  const files = [...CIFAR_SPLIT_FILES[s.dataset].train, ...(hasDataFile(NB101_1SHOT1_SPACE2_FILE) ? [NB101_1SHOT1_SPACE2_FILE] : [])];
  return makeSidecar('zcpt-nb101-1shot1', rest, dataIdentity(files), command, shard);
}

export const SHOT1_RESULTS_FORMAT: ResultsFormat<ZcptShot1Record> = {
  label: 'Zero-Cost-PT NAS-Bench-1Shot1 results',
  key: seedlessKey,
  sidecar: zcptShot1Sidecar,
  isRecord: (r) => {
    const o = r as Partial<ZcptShot1Record> | null;
    return !!o && typeof o === 'object' && o.settings?.space === 'nb101-1shot1' && typeof o.settings.seed === 'number' && Array.isArray(o.proposals) && typeof o.archString === 'string' && !!o.validation;
  },
  expected: "settings with space 'nb101-1shot1', archString, proposals, validation",
  revive: (r) => ({
    ...r,
    arch: parseShot1(r.archString),
    proposals: r.proposals.map((p) => ({ ...p, cell: parseShot1(p.cellString) })),
    validation: { ...r.validation, candidates: r.validation.candidates.map((c) => ({ ...c, arch: parseShot1(c.archString) })) },
  }),
};

export const readZcptShot1Results = (file: string): ZcptShot1Record[] => readResultsFile(file, SHOT1_RESULTS_FORMAT);
export const pendingShot1Seeds = (file: string, s: ZcptShot1Settings, wanted: readonly number[], shard?: SidecarShard): number[] =>
  pendingSeedsOf(file, SHOT1_RESULTS_FORMAT, s, wanted, shard);
export const appendZcptShot1Result = (file: string, r: ZcptShot1SearchResult, command: string, shard?: SidecarShard): void =>
  appendResultLine(file, SHOT1_RESULTS_FORMAT, r, command, shard);
