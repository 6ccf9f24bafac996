/**
 * Mini training bench ("our DTB"): train a fixed-seed sample of architectures for a few
 * epochs and record, per epoch, train loss/accuracy, test loss/accuracy and the NASWOT/DAS atoms
 * (score, N_A, log|S|) on a fixed scoring batch, into a resumable file (trainBenchFile.ts).
 *
 * Per architecture i: network `archSet(space).build(i, {C, N, numClasses}, networkSeed(seed, i))`
 * (the weights `zeronas score` uses for the same seed and size); atoms at epoch 0 (untrained);
 * then `epochs` epochs of SGD (trainer.ts; data order/augmentation seeded by `seed`), and after
 * each epoch the test evaluation and the atoms again. Atoms use BN in train mode on the NASWOT
 * batch (`makeBatch`: `scoreBatchSize` random training images of seed `seed`, no augmentation,
 * NASWOT normalisation), as the untrained score and fastTraining.ts do.
 *
 * A network whose loss becomes non-finite (the trainer stops it) is kept with `nan` in every
 * measured column of the remaining epochs, so a rerun does not retry it forever.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { makeBatch } from '../data/batch';
import { loadCifar, type CifarDataset } from '../data/cifar';
import { NASWOT_NORM } from '../data/normalize';
import { initBackend } from '../engine/backend';
import type { ReluCounting } from '../engine/taps';
import { naswot } from '../proxies/naswot';
import { archSet, type ArchSet } from '../runner/archSets';
import { selectArchs } from '../runner/archs';
import { MAX_SEED, networkSeed, SPACE_NAMES, type SpaceName } from '../runner/settings';
import { parseShard, shardItems, type Shard, type ShardRecord } from '../runner/shard';
import type { BatchAugment } from '../data/batch';
import type { EvalBn } from './metrics';
import type { DecayScope } from './sgd';
import { networkReportsBnInputs } from './bnStats';
import { Trainer } from './trainer';
import { announceDataRoots } from '../data/identity';
import { openTrainBenchFile, readTrainBench, trainBenchSidecar, type TrainBench, type TrainBenchArch, type TrainBenchRow } from './trainBenchFile';
import { defaultTrainBenchSettings, validateTrainBenchSettings, type TrainBenchSettings } from './trainBenchSettings';

export * from './trainBenchSettings';
export * from './trainBenchFile';

/** The fixed NASWOT scoring batch of a bench (normalised NHWC); the caller disposes it. */
export function trainBenchScoreBatch(s: TrainBenchSettings): tf.Tensor4D {
  const b = makeBatch({ dataset: s.dataset, split: 'train', batchSize: s.scoreBatchSize, seed: s.seed, select: 'random', augment: 'none', norm: NASWOT_NORM[s.dataset] });
  return tf.tensor4d(b.x, [...b.shape]);
}

/**
 * Refuse batch sizes the data on disk cannot fill (training batch, scoring batch, limits).
 * @throws naming the option and the number of images available.
 */
export function validateTrainBenchData(s: TrainBenchSettings): void {
  const train = loadCifar(s.dataset, 'train').n;
  const test = loadCifar(s.dataset, 'test').n;
  const usable = Math.min(train, s.trainLimit ?? train);
  if (s.trainLimit !== undefined && s.trainLimit > train) throw new Error(`--train-limit ${s.trainLimit} exceeds the ${train} ${s.dataset} training images in the data folder`);
  if (s.evalLimit !== undefined && s.evalLimit > test) throw new Error(`--eval-limit ${s.evalLimit} exceeds the ${test} ${s.dataset} test images in the data folder`);
  if (s.batchSize > usable) throw new Error(`--batch-size ${s.batchSize} exceeds the ${usable} ${s.dataset} training images available`);
  if (s.scoreBatchSize > train) throw new Error(`--score-batch-size ${s.scoreBatchSize} exceeds the ${train} ${s.dataset} training images in the data folder`);
}

/** Whether `e` is the trainer's non-finite-loss stop (trainer.ts `sgdStep`). */
function isDivergence(e: unknown): boolean {
  return e instanceof Error && /^Trainer: loss is /.test(e.message);
}

/**
 * Train one architecture and return its rows for epochs 0..E (backend initialised, `x` from
 * `trainBenchScoreBatch`). Leaves no tensors behind.
 */
export function trainBenchArch(
  set: ArchSet,
  index: number,
  settings: TrainBenchSettings,
  x: tf.Tensor4D,
  onRow?: (row: TrainBenchRow) => void,
  throughEpoch: number = settings.epochs,
): TrainBenchRow[] {
  const s = validateTrainBenchSettings(settings);
  if (!(Number.isInteger(throughEpoch) && throughEpoch >= 1 && throughEpoch <= s.epochs)) {
    throw new Error(`train bench: throughEpoch must be an integer in 1..${s.epochs} (the run's epochs), got ${throughEpoch}`);
  }
  const numClasses = loadCifar(s.dataset, 'train').numClasses;
  const arch = set.archString(index);
  const net = set.build(index, { C: s.C, N: s.N, numClasses }, networkSeed(s.seed, index));
  if (s.evalBn === 'running' && s.space === 'darts' && !networkReportsBnInputs(net)) {
    net.dispose();
    throw new Error("train bench: DARTS cells use BN without affine parameters, whose running statistics the trainer cannot track yet (bnStats.ts); use evalBn 'batch' (--eval-bn batch)");
  }
  const rows: TrainBenchRow[] = [];
  const push = (r: TrainBenchRow): void => {
    rows.push(r);
    onRow?.(r);
  };
  const atoms = (): Pick<TrainBenchRow, 'naswot' | 'dasNa' | 'dasLogDetS'> => {
    const r = naswot(net, x, { counting: s.counting, bn: 'train' });
    return { naswot: r.score, dasNa: r.numUnits, dasLogDetS: r.logDetS };
  };
  try {
    push({ index, arch, epoch: 0, trainLoss: NaN, trainAcc: NaN, testLoss: NaN, testAcc: NaN, seconds: 0, ...atoms() });
    const trainer = new Trainer(net, {
      dataset: s.dataset,
      epochs: s.epochs,
      batchSize: s.batchSize,
      lr: s.lr,
      momentum: s.momentum,
      weightDecay: s.weightDecay,
      decay: s.decay,
      nesterov: s.nesterov,
      augment: s.augment,
      evalBn: s.evalBn,
      seed: s.seed,
      trainLimit: s.trainLimit,
      evalLimit: s.evalLimit,
      evalEvery: 1,
      onEpoch: (r) =>
        push({
          index, arch, epoch: Math.round(r.epoch),
          trainLoss: r.trainLoss, trainAcc: r.trainAcc, testLoss: r.testLoss ?? NaN, testAcc: r.testAcc ?? NaN, seconds: r.seconds,
          ...atoms(),
        }),
    });
    try {
      // the schedule is the whole run's (cosine over every epoch); stopping early gives its first rows
      while (!trainer.done && rows.length <= throughEpoch) trainer.step();
    } catch (e) {
      if (!isDivergence(e)) throw e;
      for (let epoch = rows.length; epoch <= throughEpoch; epoch++) {
        push({ index, arch, epoch, trainLoss: NaN, trainAcc: NaN, testLoss: NaN, testAcc: NaN, seconds: NaN, naswot: NaN, dasNa: NaN, dasLogDetS: NaN });
      }
    } finally {
      trainer.dispose();
    }
  } finally {
    net.dispose();
  }
  return rows;
}

export interface TrainBenchRunOptions {
  /** Called after every row (epoch) of every architecture trained now. */
  readonly onRow?: (row: TrainBenchRow) => void;
  /** Called after an architecture's rows are written. */
  readonly onArch?: (arch: TrainBenchArch) => void;
  /** No messages on stderr (backend, resume, one line per architecture). */
  readonly quiet?: boolean;
  /** The command line, recorded in the sidecar. */
  readonly command?: string;
  /** `indices` are this shard of a run (recorded in the sidecar; runner/shard.ts). */
  readonly shard?: ShardRecord;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.round(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : seconds >= 60 ? `${m} min` : `${seconds.toFixed(0)} s`;
}

/**
 * Train every architecture of `indices` not yet complete in `out` (resume), one at a time, and
 * return the bench restricted to `indices`, in their order.
 */
export async function runTrainBench(settings: TrainBenchSettings, indices: readonly number[], out: string, opts: TrainBenchRunOptions = {}): Promise<TrainBench> {
  const s = validateTrainBenchSettings(settings);
  const quiet = opts.quiet ?? false;
  const log = (m: string): void => void (quiet || process.stderr.write(m + '\n'));
  const set = archSet(s.space);
  for (const i of indices) if (!(Number.isInteger(i) && i >= 0 && i < set.size)) throw new Error(`train bench: ${s.space} architecture index ${i} is outside 0..${set.size - 1}`);
  await initBackend({ quiet });
  const sidecar = trainBenchSidecar(s, opts.command, opts.shard);
  announceDataRoots(sidecar.data!, quiet);
  // everything that can refuse the settings (data present, batch sizes) runs before the file is created
  validateTrainBenchData(s);
  const x = trainBenchScoreBatch(s);
  let file: ReturnType<typeof openTrainBenchFile>;
  try {
    file = openTrainBenchFile(out, s, { sidecar, onStale: log });
  } catch (e) {
    x.dispose();
    throw e;
  }
  if (file.droppedRows > 0) log(`${out}: dropped ${file.droppedRows} rows of incomplete architectures (killed run); they are trained again`);
  const unique = [...new Set(indices)];
  const todo = unique.filter((i) => !file.done.has(i));
  if (file.done.size > 0) log(`resuming ${out}: ${unique.length - todo.length} of ${unique.length} architectures already trained`);
  const t0 = performance.now();
  try {
    todo.forEach((index, k) => {
      const a0 = performance.now();
      const rows = trainBenchArch(set, index, s, x, opts.onRow);
      file.append(rows);
      const last = rows[rows.length - 1]!;
      const elapsed = (performance.now() - t0) / 1000;
      log(
        `train-bench [${k + 1}/${todo.length}] #${index}: test acc ${(100 * last.testAcc).toFixed(1)} % after ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, ` +
          `naswot ${rows[0]!.naswot.toFixed(1)} → ${last.naswot.toFixed(1)}, ${((performance.now() - a0) / 1000).toFixed(0)} s ` +
          `(ETA ${duration((elapsed / (k + 1)) * (todo.length - k - 1))})`,
      );
      opts.onArch?.({ index, arch: rows[0]!.arch, rows });
    });
  } finally {
    x.dispose();
    file.close();
  }
  if (todo.length > 0) log(`trained ${todo.length} architectures in ${duration((performance.now() - t0) / 1000)} → ${out}`);
  const all = readTrainBench(out);
  const byIndex = new Map(all.archs.map((a) => [a.index, a]));
  return { settings: all.settings, archs: unique.map((i) => byIndex.get(i)).filter((a): a is TrainBenchArch => a !== undefined) };
}

const D = defaultTrainBenchSettings('nb201');

export const TRAIN_BENCH_HELP = `zeronas train-bench --archs SPEC --out FILE [options]
  Train a fixed-seed sample of architectures for a few epochs on CIFAR and record per epoch the
  train loss/accuracy, test loss/accuracy and the NASWOT/DAS atoms (naswot, N_A, log|S|) in a
  long CSV (one row per architecture and epoch 0..E; epoch 0 = untrained). Resumable: rerunning
  with the same settings trains only the missing architectures; other settings are refused.
  --space NAME             ${SPACE_NAMES.join(' | ')} (default nb201)
  --archs SPEC             all | sample:N | FILE (one index or arch string per line)
  --out FILE               CSV to write (settings in FILE.meta.json)
  --epochs N               training epochs (default ${D.epochs})
  --channels N             base width C (default: nb201 16, nb101 16 stem, darts 16)
  --cells N                depth N (default: nb201 1 cell per stage, nb101 1 module per stack,
                           darts 5 cells)
  --batch-size N           training batch (default ${D.batchSize})
  --lr X                   base learning rate, cosine to 0 per step (default ${D.lr})
  --momentum X             SGD momentum (default ${D.momentum})
  --weight-decay X         (default ${D.weightDecay})
  --decay SCOPE            weights (conv/linear weights) | all parameters (default ${D.decay})
  --nesterov BOOL          true | false (default ${D.nesterov})
  --augment MODE           crop-flip | none (default ${D.augment})
  --eval-bn MODE           running (eval mode, running statistics) | batch (default: running;
                           darts: batch, its non-affine cell BNs have no tracked statistics yet)
  --seed N                 seed of the sample, data order, scoring batch and weights (default ${D.seed})
  --score-batch-size N     images in the scoring batch of the atoms (default ${D.scoreBatchSize})
  --counting MODE          official | naslib (NASWOT ReLU counting; default ${D.counting})
  --dataset NAME           cifar10 | cifar100 (default cifar10)
  --train-limit N          train on the first N training images only (default all)
  --eval-limit N           evaluate on the first N test images only (default all)
  --shard I/N              train only task I of N of the selection (positions p with p mod N = I,
                           recorded in the sidecar); 'zeronas merge' joins the N files
  --quiet                  no messages on stderr
  Example: zeronas train-bench --space nb201 --archs sample:60 --epochs 3 --out data/train-bench/nb201-c16n1-e3.csv`;

export type TrainBenchArgs =
  | { readonly help: true }
  | { readonly help: false; readonly settings: TrainBenchSettings; readonly archsSpec: string; readonly out: string; readonly quiet: boolean; readonly shard?: Shard };

/** Parse `zeronas train-bench` arguments (no side effects). @throws naming the bad option. */
export function parseTrainBenchArgs(argv: readonly string[]): TrainBenchArgs {
  const str = { type: 'string' } as const;
  const { values: v, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      space: str, archs: str, out: str, epochs: str, channels: str, cells: str, 'batch-size': str, lr: str, momentum: str,
      'weight-decay': str, decay: str, nesterov: str, augment: str, 'eval-bn': str, seed: str, 'score-batch-size': str,
      counting: str, dataset: str, 'train-limit': str, 'eval-limit': str, shard: str, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) return { help: true };
  if (positionals.length > 0) throw new Error(`train-bench: unexpected argument '${positionals[0]}' (options start with --)`);
  const int = (name: keyof typeof v, dflt: number, min = 1): number => {
    const t = v[name];
    if (t === undefined) return dflt;
    if (typeof t !== 'string' || !/^\d+$/.test(t) || Number(t) < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${String(t)}'`);
    return Number(t);
  };
  const optInt = (name: keyof typeof v): number | undefined => (v[name] === undefined ? undefined : int(name, 0));
  const num = (name: keyof typeof v, dflt: number, ok: (x: number) => boolean, want: string): number => {
    const t = v[name];
    if (t === undefined) return dflt;
    const x = typeof t === 'string' && t.trim() !== '' ? Number(t) : NaN;
    if (!Number.isFinite(x) || !ok(x)) throw new Error(`--${name} must be ${want}, got '${String(t)}'`);
    return x;
  };
  const oneOf = <T extends string>(name: keyof typeof v, allowed: readonly T[], dflt: T): T => {
    const t = v[name];
    if (t === undefined) return dflt;
    if (!allowed.includes(t as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got '${String(t)}'`);
    return t as T;
  };
  const space = oneOf<SpaceName>('space', SPACE_NAMES, 'nb201');
  const d = defaultTrainBenchSettings(space);
  if (!v.archs) throw new Error('train-bench needs --archs all|sample:N|FILE');
  if (!v.out) throw new Error('train-bench needs --out FILE');
  const trainLimit = optInt('train-limit');
  const evalLimit = optInt('eval-limit');
  const settings: TrainBenchSettings = {
    space,
    dataset: oneOf<CifarDataset>('dataset', ['cifar10', 'cifar100'], d.dataset),
    C: int('channels', d.C),
    N: int('cells', d.N),
    epochs: int('epochs', d.epochs),
    batchSize: int('batch-size', d.batchSize),
    lr: num('lr', d.lr, (x) => x > 0, 'a positive number'),
    momentum: num('momentum', d.momentum, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    weightDecay: num('weight-decay', d.weightDecay, (x) => x >= 0, 'a number ≥ 0'),
    decay: oneOf<DecayScope>('decay', ['weights', 'all'], d.decay),
    nesterov: oneOf('nesterov', ['true', 'false'], d.nesterov ? 'true' : 'false') === 'true',
    augment: oneOf<BatchAugment>('augment', ['crop-flip', 'none'], d.augment),
    evalBn: oneOf<EvalBn>('eval-bn', ['running', 'batch'], d.evalBn),
    seed: int('seed', d.seed, 0),
    scoreBatchSize: int('score-batch-size', d.scoreBatchSize),
    counting: oneOf<ReluCounting>('counting', ['official', 'naslib'], d.counting),
    ...(trainLimit !== undefined ? { trainLimit } : {}),
    ...(evalLimit !== undefined ? { evalLimit } : {}),
  };
  if (settings.seed > MAX_SEED) throw new Error(`--seed must be in 0..${MAX_SEED} (seeds are 32-bit), got ${settings.seed}`);
  if (trainLimit !== undefined && settings.batchSize > trainLimit) throw new Error(`--batch-size ${settings.batchSize} exceeds --train-limit ${trainLimit}`);
  const shard = v.shard !== undefined ? { shard: parseShard(v.shard) } : {};
  return { help: false, settings: validateTrainBenchSettings(settings), archsSpec: v.archs, out: v.out, quiet: v.quiet ?? false, ...shard };
}

/** `zeronas train-bench`: parse, select the architectures (seeded by --seed) and run the bench. */
export async function cmdTrainBench(argv: readonly string[]): Promise<void> {
  const a = parseTrainBenchArgs(argv);
  if (a.help) return void console.log(TRAIN_BENCH_HELP);
  const all = selectArchs(a.archsSpec, archSet(a.settings.space), a.settings.seed);
  const indices = a.shard ? shardItems(all, a.shard) : all;
  const shard = a.shard ? { shard: { ...a.shard, archs: a.archsSpec, total: all.length } } : {};
  const command = ['zeronas', 'train-bench', ...argv.filter((x) => x !== '--quiet')].join(' ');
  const bench = await runTrainBench(a.settings, indices, a.out, { quiet: a.quiet, command, ...shard });
  if (!a.quiet) {
    const final = bench.archs.map((r) => r.rows[r.rows.length - 1]!.testAcc).filter(Number.isFinite);
    const mean = final.reduce((t, v) => t + v, 0) / Math.max(1, final.length);
    console.log(`${bench.archs.length} architectures in ${a.out}; mean test accuracy after ${a.settings.epochs} epoch${a.settings.epochs === 1 ? '' : 's'} ${(100 * mean).toFixed(1)} %`);
  }
}
