/**
 * Score tables the project generates and commits under `data/scores/`, each with the
 * exact command that regenerates (or extends) it. Architectures are the seed-1 uniform permutation
 * of all 15,625 (`--archs sample:15625 --seed 1`), so any finished prefix is a uniform sample and a
 * longer run extends the same file (resume).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readScores, readScoreSettings, ScoreTable } from './results';
import type { ScoreSettings } from './settings';
import { recordTableRead } from './tablesRead';
import { readTrainBench, type TrainBench } from '../train/trainBenchFile';
import type { TrainBenchSettings } from '../train/trainBenchSettings';

export interface ProjectScoreTable {
  readonly name: string;
  /** Path relative to the repository root. */
  readonly file: string;
  readonly description: string;
  readonly command: string;
}

/** The Fusion-Indicator four: CJ, OS, NLR, CNNTK. */
export const FUSION_FOUR = ['jacov', 'os_perturbation', 'nlr', 'cnntk'] as const;

/** Indicators of the fusion table: the FI four first, then the NASLib proxies (os_jacobian is left out: 30 s/arch). */
export const FUSION_PROXIES = [...FUSION_FOUR, 'synflow', 'snip', 'grad_norm', 'fisher', 'grasp', 'params', 'flops', 'l2_norm', 'plain', 'zen', 'epe_nas', 'nwot'] as const;

/**
 * Indicators of the NB101 fusion table: the FI four and the cheaper NASLib proxies (fisher, grasp,
 * l2_norm, plain, epe_nas, zen are left out to keep 500 cells affordable on two cores).
 */
export const NB101_FUSION_PROXIES = [...FUSION_FOUR, 'synflow', 'snip', 'grad_norm', 'params', 'nwot'] as const;

const naswotTable = (dataset: 'cifar10' | 'cifar100'): ProjectScoreTable => {
  const file = `data/scores/nb201-${dataset}-naswot.csv`;
  return {
    name: `nb201-${dataset}-naswot`,
    file,
    description: `NASWOT (official counting, batch 128 of ${dataset} train images, seed 1) and the DAS atoms on NB201`,
    command: `node dist/cli.js score --preset naswot --proxies naswot,das_na,das_logdet_s --archs sample:15625 --seed 1 --dataset ${dataset} --out ${file}`,
  };
};

export const PROJECT_SCORE_TABLES = {
  'nb201-cifar10-naswot': naswotTable('cifar10'),
  'nb201-cifar100-naswot': naswotTable('cifar100'),
  'nb201-cifar10-fusion': {
    name: 'nb201-cifar10-fusion',
    file: 'data/scores/nb201-cifar10-fusion.csv',
    description: 'The Fusion-Indicator four (jacov = CJ, os_perturbation = OS, nlr, cnntk) and the NASLib zero-cost proxies on NB201, NASLib conventions (batch 32 of CIFAR-10 train images, crop+flip, seed 1)',
    command: `node dist/cli.js score --preset naslib --proxies ${FUSION_PROXIES.join(',')} --archs sample:15625 --seed 1 --dataset cifar10 --out data/scores/nb201-cifar10-fusion.csv`,
  },
  'nb201-cifar100-fusion': {
    name: 'nb201-cifar100-fusion',
    file: 'data/scores/nb201-cifar100-fusion.csv',
    description: 'The Fusion-Indicator four on NB201 scored on CIFAR-100 itself: NASLib conventions with a batch of 32 CIFAR-100 train images and 100-class networks (crop+flip, seed 1)',
    command: `node dist/cli.js score --preset naslib --proxies ${FUSION_FOUR.join(',')} --archs sample:15625 --seed 1 --dataset cifar100 --out data/scores/nb201-cifar100-fusion.csv`,
  },
  'nb101-cifar10-naswot': {
    name: 'nb101-cifar10-naswot',
    file: 'data/scores/nb101-cifar10-naswot.csv',
    description: 'NASWOT (NASWOT NB101 network: stem 16, 3×3 modules, explicit init; batch 128 of CIFAR-10 train images, seed 1) and the DAS atoms on the distinct NAS-Bench-1Shot1 space-2 cells',
    command: 'node dist/cli.js score --space nb101 --preset naswot --proxies naswot,das_na,das_logdet_s --archs sample:3258 --seed 1 --dataset cifar10 --out data/scores/nb101-cifar10-naswot.csv',
  },
  'nb101-naslib-cifar10-naswot': {
    name: 'nb101-naslib-cifar10-naswot',
    file: 'data/scores/nb101-naslib-cifar10-naswot.csv',
    description:
      "NASWOT (official counting, batch 128 of CIFAR-10 train images, no augmentation, seed 1) and the DAS atoms on NASLib's 500 NB101 cells, " +
      "on NASWOT's stem-16 NB101 network; ground truth: NASLib's single-seed validation accuracy",
    command: 'node dist/cli.js score --space nb101-naslib --preset naswot --proxies naswot,das_na,das_logdet_s --archs sample:500 --seed 1 --dataset cifar10 --out data/scores/nb101-naslib-cifar10-naswot.csv',
  },
  'nb101-naslib-cifar10-fusion': {
    name: 'nb101-naslib-cifar10-fusion',
    file: 'data/scores/nb101-naslib-cifar10-fusion.csv',
    description:
      "The Fusion-Indicator four and the cheaper NASLib proxies on NASLib's 500 NB101 cells: NASLib conventions (batch 32 of CIFAR-10 train images, crop+flip, 10 classes, seed 1) " +
      "on NASWOT's stem-16 NB101 network (NASLib scored stem 128: 64× the FLOPs); TE-NAS thin networks widened to each cell's output fan-in",
    command: `node dist/cli.js score --space nb101-naslib --preset naslib --width 16 --proxies ${NB101_FUSION_PROXIES.join(',')} --archs sample:500 --seed 1 --dataset cifar10 --out data/scores/nb101-naslib-cifar10-fusion.csv`,
  },
  'macro-cifar10-naswot': {
    name: 'macro-cifar10-naswot',
    file: 'data/scores/macro-cifar10-naswot.csv',
    description:
      "NASWOT on NAS-Bench-Macro (the benchmark's network: stem 32, head 1280; NASWOT preset with batch 64 of CIFAR-10 train images, seed 1), " +
      'a prefix of the seed-1 permutation of all 6,561 architectures (batch 64 instead of 128: one forward of the largest network took 17 s at 128 on two shared cores)',
    command: 'node dist/cli.js score --space macro --preset naswot --proxies naswot --archs sample:1000 --batch-size 64 --seed 1 --dataset cifar10 --out data/scores/macro-cifar10-naswot.csv',
  },
} as const satisfies Record<string, ProjectScoreTable>;

export type ProjectScoreTableName = keyof typeof PROJECT_SCORE_TABLES;

/**
 * NASWOT's robustness checks (Mellor et al., ICML 2021, §3.1): the same fixed sample of NB201
 * architectures scored under one changed condition at a time. The sample is the first
 * `ROBUSTNESS_ARCHS` of the seed-1 uniform permutation, i.e. the first rows of the committed
 * NASWOT tables, so the reference condition (batch 128 of CIFAR-10 train images, seed 1 for the
 * batch and the weights, no augmentation) and the CIFAR-100 batch are read from
 * `nb201-cifar10-naswot` and `nb201-cifar100-naswot` (same weights: the network seed depends on
 * the seed and the architecture only). Every other condition is one score file below.
 */
export const ROBUSTNESS_ARCHS = 200;

/** What a robustness condition varies (the plot groups conditions by it). */
export type RobustnessFactor = 'reference' | 'batch' | 'init' | 'batch size' | 'data' | 'augmentation';

export interface RobustnessCondition {
  readonly name: string;
  readonly factor: RobustnessFactor;
  /** Short label for plots and tables. */
  readonly label: string;
  /** Where the scores are: a committed project score table or a robustness file (command given). */
  readonly source: { readonly table: ProjectScoreTableName } | ProjectScoreTable;
  /** Batch size of the condition (log|K_H| grows with it, so the plot normalises per size). */
  readonly batchSize: number;
}

const robustnessFile = (name: string, flags: string, description: string): ProjectScoreTable => {
  const file = `data/robustness/nb201-cifar10-${name}.csv`;
  return {
    name: `robustness-${name}`,
    file,
    description,
    command: `node dist/cli.js score --preset naswot --proxies naswot --archs sample:${ROBUSTNESS_ARCHS} --sample-seed 1 --dataset cifar10 ${flags} --out ${file}`,
  };
};

export const ROBUSTNESS_CONDITIONS: readonly RobustnessCondition[] = [
  { name: 'reference', factor: 'reference', label: 'reference (batch 128, seed 1)', source: { table: 'nb201-cifar10-naswot' }, batchSize: 128 },
  ...[2, 3].map((s): RobustnessCondition => ({
    name: `batch-s${s}`, factor: 'batch', label: `batch seed ${s}`, batchSize: 128,
    source: robustnessFile(`batch-s${s}`, `--seed ${s} --init-seed 1`, `NASWOT with another random batch of 128 CIFAR-10 train images (batch seed ${s}), the reference weights (seed 1)`),
  })),
  ...[2, 3].map((s): RobustnessCondition => ({
    name: `init-s${s}`, factor: 'init', label: `init seed ${s}`, batchSize: 128,
    source: robustnessFile(`init-s${s}`, `--seed 1 --init-seed ${s}`, `NASWOT with the reference batch (seed 1) and other weights (initialisation seed ${s})`),
  })),
  ...[32, 64, 256].map((b): RobustnessCondition => ({
    name: `bs${b}`, factor: 'batch size', label: `batch size ${b}`, batchSize: b,
    source: robustnessFile(`bs${b}`, `--seed 1 --batch-size ${b}`, `NASWOT on a batch of ${b} CIFAR-10 train images (seed 1)`),
  })),
  {
    name: 'noise', factor: 'data', label: 'Gaussian noise', batchSize: 128,
    source: robustnessFile('noise', '--seed 1 --select noise', 'NASWOT on 128 Gaussian-noise images (N(0,1) per value in the normalised input space), reference weights'),
  },
  { name: 'cifar100', factor: 'data', label: 'CIFAR-100 batch', source: { table: 'nb201-cifar100-naswot' }, batchSize: 128 },
  {
    name: 'augment', factor: 'augmentation', label: 'crop + flip', batchSize: 128,
    source: robustnessFile('augment', '--seed 1 --augment crop-flip', 'NASWOT on the reference batch with random crop (padding 4) and horizontal flip, reference weights'),
  },
];

/** The commands that compute the robustness files (resumable; run them in this order). */
export function robustnessCommands(): string[] {
  return ROBUSTNESS_CONDITIONS.flatMap((c) => ('command' in c.source ? [c.source.command] : []));
}

/** Repository root (this file lives in src/runner or dist/runner). */
const ROOT = path.resolve(__dirname, '..', '..');

/** Read a committed score table; a missing file is named with the command that writes it. */
export interface ProjectScores extends ScoreTable {
  readonly info: ProjectScoreTable;
  /** Absolute path of the CSV. */
  readonly path: string;
  readonly settings: ScoreSettings;
}

/** Whether a committed score table is present. */
export function hasProjectScores(name: ProjectScoreTableName, root: string = ROOT): boolean {
  return fs.existsSync(path.join(root, PROJECT_SCORE_TABLES[name].file));
}

export function loadProjectScores(name: ProjectScoreTableName, root: string = ROOT): ProjectScores {
  const info = PROJECT_SCORE_TABLES[name];
  const file = path.join(root, info.file);
  if (!fs.existsSync(file)) {
    throw new Error(`project score table '${name}' is missing (${file}); regenerate it with:\n  ${info.command}`);
  }
  const settings = readScoreSettings(file);
  recordTableRead({ name, path: file, command: info.command, settings });
  return { ...readScores(file), info, path: file, settings };
}

/**
 * Training benches the project generates and commits under `data/train-bench/`, each
 * with the command that regenerates (or, resumably, extends) it and the settings it must hold.
 */
export interface ProjectTrainBench {
  readonly name: string;
  /** Path relative to the repository root. */
  readonly file: string;
  readonly description: string;
  readonly command: string;
  /** Architectures the command trains (a running or killed run holds a prefix). */
  readonly plannedArchs: number;
  /** Settings the file must have been written with (checked on load). */
  readonly expect: Readonly<Pick<TrainBenchSettings, 'space' | 'dataset' | 'C' | 'N' | 'epochs' | 'seed'> & Partial<Pick<TrainBenchSettings, 'batchSize' | 'trainLimit'>>>;
}

export const PROJECT_TRAIN_BENCHES = {
  'nb201-c8n1-e3': {
    name: 'nb201-c8n1-e3',
    file: 'data/train-bench/nb201-c8n1-e3.csv',
    description: 'NB201 C8 N1 networks, the first 60 of the seed-1 uniform permutation, 3 epochs of SGD (batch 64, lr 0.1 cosine, crop+flip) on CIFAR-10 train; test accuracy and NASWOT/DAS atoms after each epoch',
    command: 'node dist/cli.js train-bench --space nb201 --archs sample:60 --epochs 3 --channels 8 --out data/train-bench/nb201-c8n1-e3.csv',
    plannedArchs: 60,
    expect: { space: 'nb201', dataset: 'cifar10', C: 8, N: 1, epochs: 3, seed: 1 },
  },
  'darts-c4n5-e4-b32-t1024': {
    name: 'darts-c4n5-e4-b32-t1024',
    file: 'data/train-bench/darts-c4n5-e4-b32-t1024.csv',
    description:
      "DARTS networks (4 initial channels, 5 cells: reductions at cells 1 and 3) of 48 of NASLib's 725 NB301 genotypes (the first 48 of the seed-1 uniform permutation), " +
      '4 epochs of SGD (batch 32, lr 0.1 cosine, crop+flip) on the first 1,024 CIFAR-10 training images (32 steps per epoch); test accuracy on the whole test subset with batch-statistics BN and NASWOT/DAS atoms after each epoch; ' +
      'ground truth: the NB301 surrogate validation accuracy',
    command: 'node dist/cli.js train-bench --space darts --archs sample:48 --epochs 4 --channels 4 --cells 5 --batch-size 32 --train-limit 1024 --out data/train-bench/darts-c4n5-e4-b32-t1024.csv',
    plannedArchs: 48,
    expect: { space: 'darts', dataset: 'cifar10', C: 4, N: 5, epochs: 4, seed: 1, batchSize: 32, trainLimit: 1024 },
  },
} as const satisfies Record<string, ProjectTrainBench>;

export type ProjectTrainBenchName = keyof typeof PROJECT_TRAIN_BENCHES;

export interface LoadedProjectTrainBench extends TrainBench {
  readonly info: ProjectTrainBench;
  /** Absolute path of the CSV. */
  readonly path: string;
}

/** Whether a committed training bench is present. */
export function hasProjectTrainBench(name: ProjectTrainBenchName, root: string = ROOT): boolean {
  return fs.existsSync(path.join(root, PROJECT_TRAIN_BENCHES[name].file));
}

/**
 * Read a committed training bench (complete architectures only).
 * @throws naming the file and the command that writes it when it is missing, or the differing
 *   settings when it was written with others.
 */
export function loadProjectTrainBench(name: ProjectTrainBenchName, root: string = ROOT): LoadedProjectTrainBench {
  const info: ProjectTrainBench | undefined = (PROJECT_TRAIN_BENCHES as Record<string, ProjectTrainBench>)[name];
  if (!info) throw new Error(`unknown project training bench '${String(name)}' (known: ${Object.keys(PROJECT_TRAIN_BENCHES).join(', ')})`);
  const file = path.join(root, info.file);
  if (!fs.existsSync(file)) {
    throw new Error(`project training bench '${name}' is missing (${file}); regenerate it with:\n  ${info.command}`);
  }
  const bench = readTrainBench(file);
  const s = bench.settings as unknown as Record<string, unknown>;
  const diffs = Object.entries(info.expect).filter(([k, v]) => s[k] !== v).map(([k, v]) => `${k} ${JSON.stringify(s[k])} in the file, ${JSON.stringify(v)} expected`);
  if (diffs.length) throw new Error(`project training bench '${name}' (${file}) was written with other settings: ${diffs.join('; ')}; regenerate it with:\n  ${info.command}`);
  recordTableRead({ name, path: file, command: info.command, settings: bench.settings });
  return { ...bench, info, path: file };
}
