/**
 * NASWOT's robustness checks on a fixed sample (docs/papers.md §2.3; conditions and commands in
 * `ROBUSTNESS_CONDITIONS`): per condition, Kendall τ of the score with accuracy and the rank
 * agreement (Kendall τ) with the reference condition, each with a bootstrap CI, on the
 * architectures of the sample that condition has scored (a run in progress covers a prefix of the
 * sample, so every condition is a uniform sample of it, and the row says how many).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Nb201AccuracyKey, Nb201Table } from '../benchmarks/nb201';
import { packageRoot } from '../data/root';
import { Rng } from '../engine/rng';
import { summarize } from '../stats/summary';
import { loadProjectScores, ROBUSTNESS_ARCHS, ROBUSTNESS_CONDITIONS, type RobustnessCondition } from './projectTables';
import { readScores, readScoreSettings } from './results';
import { recordTableRead } from './tablesRead';

export interface RobustnessScores {
  readonly condition: RobustnessCondition;
  /** NASWOT score per NB201 index (only the sample's architectures). */
  readonly scores: ReadonlyMap<number, number>;
}

export interface RobustnessData {
  /** The fixed sample: the first ROBUSTNESS_ARCHS of the seed-1 permutation. */
  readonly sample: readonly number[];
  /** Conditions with a score file (others are listed in `missing` with their command). */
  readonly conditions: readonly RobustnessScores[];
  readonly missing: readonly RobustnessCondition[];
  /** Sample architectures every available condition has scored, in sample order. */
  readonly common: readonly number[];
}

/** Load every available condition, restricted to the fixed sample. */
export function loadRobustness(root: string = packageRoot()): RobustnessData {
  const sample = new Rng(1).sampleWithoutReplacement(15625, ROBUSTNESS_ARCHS);
  const inSample = new Set(sample);
  const conditions: RobustnessScores[] = [];
  const missing: RobustnessCondition[] = [];
  for (const c of ROBUSTNESS_CONDITIONS) {
    let rows: ReturnType<typeof readScores>['rows'];
    if ('table' in c.source) rows = loadProjectScores(c.source.table, root).rows;
    else {
      const file = path.join(root, c.source.file);
      if (!fs.existsSync(file)) {
        missing.push(c);
        continue;
      }
      recordTableRead({ name: c.source.name, path: file, command: c.source.command, settings: readScoreSettings(file) });
      rows = readScores(file).rows;
    }
    const scores = new Map<number, number>();
    for (const r of rows) if (inSample.has(r.index)) scores.set(r.index, r.values.naswot!);
    if (scores.size === 0) missing.push(c);
    else conditions.push({ condition: c, scores });
  }
  const common = sample.filter((i) => conditions.every((c) => c.scores.has(i)));
  return { sample, conditions, missing, common };
}

export interface RobustnessRow {
  readonly condition: RobustnessCondition;
  /** Architectures used (those the condition has scored, finite scores). */
  readonly n: number;
  /** Kendall τ-b of the score with accuracy, with its 95 % bootstrap CI. */
  readonly tauAccuracy: { readonly estimate: number; readonly ci: readonly [number, number] };
  /** Kendall τ-b with the reference condition's scores (rank agreement), with its CI. */
  readonly tauReference: { readonly estimate: number; readonly ci: readonly [number, number] };
}

/** Fewest architectures a condition needs to be reported (τ and its CI are meaningless below). */
export const ROBUSTNESS_MIN_ARCHS = 10;

/** Architectures of the sample a condition has scored, in sample order. */
export function scoredArchs(data: RobustnessData, c: RobustnessScores): number[] {
  return data.sample.filter((i) => c.scores.has(i));
}

/**
 * τ with accuracy and with the reference per condition, each on the architectures that condition
 * has scored (conditions with fewer than ROBUSTNESS_MIN_ARCHS are left out).
 */
export function robustnessReport(data: RobustnessData, table: Nb201Table, key: Nb201AccuracyKey, bootstrap = 1000): RobustnessRow[] {
  const ref = data.conditions.find((c) => c.condition.factor === 'reference');
  if (!ref) throw new Error('robustness: the reference condition (nb201-cifar10-naswot) is missing');
  const acc = table.accuracies(key);
  return data.conditions.flatMap((c) => {
    const archs = scoredArchs(data, c).filter((i) => ref.scores.has(i));
    if (archs.length < ROBUSTNESS_MIN_ARCHS) return [];
    const s = archs.map((i) => c.scores.get(i)!);
    const withAcc = summarize(s, archs.map((i) => acc[i]!), { bootstrap, seed: 1 });
    const withRef = summarize(s, archs.map((i) => ref.scores.get(i)!), { bootstrap, seed: 1 });
    return [{
      condition: c.condition,
      n: withAcc.n,
      tauAccuracy: { estimate: withAcc.krocc, ci: withAcc.ci!.krocc },
      tauReference: { estimate: withRef.krocc, ci: withRef.ci!.krocc },
    }];
  });
}

/**
 * Scores normalised per batch size as NASWOT's robustness figure does: log|K_H| grows with the
 * batch size N, so each condition's scores (its scored architectures, sample order) are divided by
 * the smallest finite score among the conditions of the same batch size.
 */
export function normalisedScores(data: RobustnessData): Map<string, { archs: number[]; values: number[] }> {
  const minBySize = new Map<number, number>();
  for (const c of data.conditions) {
    for (const v of c.scores.values()) {
      if (Number.isFinite(v)) minBySize.set(c.condition.batchSize, Math.min(minBySize.get(c.condition.batchSize) ?? Infinity, v));
    }
  }
  return new Map(data.conditions.map((c) => {
    const archs = scoredArchs(data, c);
    return [c.condition.name, { archs, values: archs.map((i) => c.scores.get(i)! / minBySize.get(c.condition.batchSize)!) }];
  }));
}
