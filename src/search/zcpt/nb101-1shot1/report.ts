/**
 * Reports of Zero-Cost-PT on NAS-Bench-1Shot1 space 2: the committed multi-seed results file, one
 * row per seed, and the chosen cells as method rows for `spaceBaselines` (../../spaceComparison.ts).
 * The space is the table's distinct cells (index = position among `uniqueNb1Shot1` rows, as the
 * NB101 score tables index them); ground truth is the mean test accuracy over the 3 training seeds,
 * random search may query one seed's validation accuracy. A chosen cell outside the table has no
 * accuracy: rows say so and method rows leave it out (counted, never guessed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../data/root';
import { uniqueNb1Shot1, type Nb1Shot1Row } from '../../../benchmarks/nb101';
import { shot1ToNb101, type Shot1Cell } from '../../../spaces/nb101/shot1';
import { nb101Hash } from '../../../spaces/nb101/hash';
import { methodRow, percentileOf, type MethodRow, type SpaceTruth } from '../../spaceComparison';
import { readZcptShot1Results, type ZcptShot1Record } from './resultsFile';

/**
 * The committed searches. Setting: one-shot model of width C = 8 instead of 16 (stacks of 8/16/32
 * channels per block, 9 cells as the paper), batch 16 instead of 128, N = 3 proposals instead of 10,
 * V = 5 post-validation batches of 16 instead of 100 of 128. Why: one supernet scoring at the
 * paper's width and batch measured 22–24 s on this shared two-core machine (bench/zcptShot1.ts,
 * BENCH_ONLY=zcpt-1shot1), so a paper search (260 supernet scorings plus up to 1,000 validation
 * scorings of the same model) would take about 8 hours; at C = 8 and batch 16 a scoring took
 * 1.0–1.2 s alone (2–4 s while other jobs ran), so N = 3 and V = 5 (at most 93 scorings, 4–6
 * minutes per seed measured while other jobs ran, about 1 minute alone) fit 8–16 seeds in the time
 * available.
 */
export const PROJECT_SHOT1_ZCPT = {
  name: 'nb101-1shot1-cifar10-c8-n3-v5-b16',
  file: 'data/zcpt/nb101-1shot1-cifar10-c8-n3-v5-b16.jsonl',
  description: 'Zero-Cost-PT on NAS-Bench-1Shot1 search space 2, CIFAR-10, NASWOT scorer, reference topology weights (softmax) and taps, one-shot model C 8 (9 cells), N=3, V=5, batch 16',
  command: 'node dist/cli.js search zc-pt --space nb101-1shot1 --seeds 0-15 --channels 8 --proposals 3 --val-batches 5 --batch-size 16 --out data/zcpt/nb101-1shot1-cifar10-c8-n3-v5-b16.jsonl',
} as const;

export type Shot1ZcptFile = typeof PROJECT_SHOT1_ZCPT;

/** Whether the committed results file holds at least one seed. */
export function hasProjectShot1Zcpt(root: string = packageRoot(), info: Shot1ZcptFile = PROJECT_SHOT1_ZCPT): boolean {
  const file = path.join(root, info.file);
  return fs.existsSync(file) && readZcptShot1Results(file).length > 0;
}

/** The committed searches; a missing or empty file is named with the command that writes it. */
export function loadProjectShot1Zcpt(root: string = packageRoot(), info: Shot1ZcptFile = PROJECT_SHOT1_ZCPT): { info: Shot1ZcptFile; records: ZcptShot1Record[] } {
  const file = path.join(root, info.file);
  const records = fs.existsSync(file) ? readZcptShot1Results(file) : [];
  if (records.length === 0) throw new Error(`Zero-Cost-PT 1Shot1 results '${info.name}' are missing or empty (${file}); run:\n  ${info.command}`);
  return { info, records };
}

/** The table's distinct cells as a space for `spaceBaselines`. */
export function shot1Truth(rows: readonly Nb1Shot1Row[]): SpaceTruth & { readonly rows: readonly Nb1Shot1Row[] } {
  const u = uniqueNb1Shot1(rows);
  return { rows: u, size: u.length, truth: (i) => u[i]!.meanTestAccuracy, fitness: (i) => u[i]!.validAccuracies[0]! };
}

/** Mean test accuracy of a cell, or undefined when it is not in the table. */
export function shot1AccuracyOrNone(cell: Shot1Cell, rows: readonly Nb1Shot1Row[]): number | undefined {
  const hash = nb101Hash(shot1ToNb101(cell));
  return uniqueNb1Shot1(rows).find((r) => r.hash === hash)?.meanTestAccuracy;
}

export interface Shot1SeedRow {
  readonly seed: number;
  readonly chosen: string;
  /** Mean test accuracy (%), undefined outside the table. */
  readonly chosenAccuracy: number | undefined;
  readonly percentile: number | undefined;
  readonly proposalsInTable: number;
  readonly uniqueProposals: number;
  readonly searchSeconds: number;
  readonly secondsPerScoring: number;
}

/** One row per seed, accuracies looked up in the table (not trusted from the file). */
export function shot1SeedRows(records: readonly ZcptShot1Record[], rows: readonly Nb1Shot1Row[]): Shot1SeedRow[] {
  const pct = percentileOf(shot1Truth(rows));
  return records.map((r) => {
    const acc = shot1AccuracyOrNone(r.arch, rows);
    return {
      seed: r.settings.seed,
      chosen: r.archString,
      chosenAccuracy: acc,
      percentile: acc === undefined ? undefined : pct(acc),
      proposalsInTable: r.proposals.filter((p) => shot1AccuracyOrNone(p.cell, rows) !== undefined).length,
      uniqueProposals: new Set(r.proposals.map((p) => p.cellString)).size,
      searchSeconds: r.timing.totalSeconds,
      secondsPerScoring: r.timing.secondsPerSupernetScoring,
    };
  });
}

/** Method rows over the cells found in the table (post-validated answer per seed, every proposal), with how many were left out. */
export function shot1ZcptRows(records: readonly ZcptShot1Record[], rows: readonly Nb1Shot1Row[], label = 'Zero-Cost-PT'): { rows: MethodRow[]; outside: { chosen: number; proposals: number } } {
  const pct = percentileOf(shot1Truth(rows));
  const inTable = (cells: readonly Shot1Cell[]): number[] => cells.map((c) => shot1AccuracyOrNone(c, rows)).filter((a): a is number => a !== undefined);
  const chosen = inTable(records.map((r) => r.arch));
  const every = inTable(records.flatMap((r) => r.proposals.map((p) => p.cell)));
  const out: MethodRow[] = [];
  if (chosen.length > 0) out.push(methodRow(`${label}, post-validated`, chosen, pct));
  if (every.length > 0) out.push(methodRow(`${label}, every proposal`, every, pct));
  return { rows: out, outside: { chosen: records.length - chosen.length, proposals: records.reduce((a, r) => a + r.proposals.length, 0) - every.length } };
}

/** The cell with the best mean test accuracy (first on ties, file order). */
export function shot1Optimum(rows: readonly Nb1Shot1Row[]): Nb1Shot1Row {
  return uniqueNb1Shot1(rows).reduce((b, r) => (r.meanTestAccuracy > b.meanTestAccuracy ? r : b));
}
