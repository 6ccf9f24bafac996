/**
 * Supervised training of a `Network` on a CIFAR split: mini-batch SGD (sgd.ts) on the mean
 * cross-entropy, learning rate per step from a schedule (schedule.ts), BN in train mode with
 * running statistics tracked by the trainer (bnStats.ts), evaluation on the test split.
 *
 * Defaults follow the NAS-Bench-201 recipe (docs/papers.md §1.1: SGD, lr 0.1, momentum 0.9, Nesterov,
 * weight decay 5e-4, cosine to 0, crop+flip, NB201 normalisation) except the batch size (64 here,
 * 256 there) and the decayed parameters (conv/linear weights here, all there: `decay: 'all'`).
 *
 * The network's parameters are updated in place: `net.params` holds the trained tensors after
 * every step (the old tensors are disposed), so indicators can score the partially trained network
 * directly (`trainSteps`, or `Trainer.step()` in a loop). Deterministic for a given network
 * initialisation and `seed` (data order and augmentation). Leaves no tensors behind besides the
 * updated parameters and the trainer's state (momentum, BN statistics), freed by `dispose()`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../engine/network';
import { loadCifar, type CifarDataset } from '../data/cifar';
import type { Batch, BatchAugment } from '../data/batch';
import type { NormConstants } from '../data/normalize';
import { Sgd, type SgdOptions } from './sgd';
import { COSINE, lrAt, type LrSchedule } from './schedule';
import { EpochData } from './data';
import { bnInputHooks, networkReportsBnInputs, RunningBnStats, type BnForwardOptions, type BnInputSource } from './bnStats';
import { correctCount, crossEntropy, evaluate, runningStatsForward, type EvalBn, type EvalResult } from './metrics';

export interface TrainOptions extends SgdOptions {
  /** Default 'cifar10'. */
  readonly dataset?: CifarDataset;
  /** Length of training: whole epochs or a number of steps (exactly one of the two). */
  readonly epochs?: number;
  readonly steps?: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Base learning rate (default 0.1). */
  readonly lr?: number;
  /** Default cosine to 0 over the whole run, no warm-up. */
  readonly schedule?: LrSchedule;
  /** Seed of the data order and augmentation (default 1); the weights come from the network's seed. */
  readonly seed?: number;
  /** Default 'crop-flip'. */
  readonly augment?: BatchAugment;
  /** Default: NASWOT/NAS-Bench-201 constants of the dataset. */
  readonly norm?: NormConstants;
  /** Train on the first `trainLimit` training images only (default all). */
  readonly trainLimit?: number;
  /** Drop each epoch's last partial batch (default true). */
  readonly dropLast?: boolean;
  /** PyTorch BN momentum of the running statistics (default 0.1). */
  readonly bnMomentum?: number;
  /** BN at evaluation (default 'running': eval mode with the tracked statistics). */
  readonly evalBn?: EvalBn;
  /** Evaluate on the test split every `evalEvery` epochs and after the last one (default 1; 0: never). */
  readonly evalEvery?: number;
  /** Default 256. */
  readonly evalBatchSize?: number;
  /** Evaluate on the first `evalLimit` test images only (default all). */
  readonly evalLimit?: number;
  /** Called after every step. */
  readonly onStep?: (info: StepInfo, trainer: Trainer) => void;
  /** Called after every epoch (and after a final partial epoch), evaluation included. */
  readonly onEpoch?: (record: EpochRecord, trainer: Trainer) => void;
}

/** One optimisation step. */
export interface StepInfo {
  /** Steps done so far, this one included (1-based). */
  readonly step: number;
  /** Epoch this step's batch belongs to (0-based). */
  readonly epoch: number;
  /** Learning rate used. */
  readonly lr: number;
  /** Mean cross-entropy of the batch before the update. */
  readonly loss: number;
  /** Correctly classified images of the batch before the update. */
  readonly correct: number;
  readonly batchSize: number;
  /** Wall-clock seconds of the step (batch assembly included). */
  readonly seconds: number;
}

/** Summary of one epoch. */
export interface EpochRecord {
  /** Epochs completed (fractional for a final partial epoch of a `steps` run). */
  readonly epoch: number;
  /** Steps done so far. */
  readonly steps: number;
  /** Mean batch loss and accuracy over the epoch, in train mode on augmented batches. */
  readonly trainLoss: number;
  readonly trainAcc: number;
  /** Test-split loss and accuracy (absent when this epoch was not evaluated). */
  readonly testLoss?: number;
  readonly testAcc?: number;
  /** Learning rate of the epoch's last step. */
  readonly lr: number;
  /** Training seconds of the epoch (evaluation excluded). */
  readonly seconds: number;
  /** Evaluation seconds (0 when not evaluated). */
  readonly evalSeconds: number;
}

interface Resolved {
  readonly dataset: CifarDataset;
  readonly lr: number;
  readonly schedule: LrSchedule;
  readonly evalBn: EvalBn;
  readonly evalEvery: number;
}

/** A training run in progress on `net`. Call `dispose()` when done (the network stays). */
export class Trainer {
  readonly data: EpochData;
  readonly totalSteps: number;
  readonly stats: RunningBnStats;
  readonly records: EpochRecord[] = [];
  private readonly opts: TrainOptions;
  private readonly cfg: Resolved;
  private readonly sgd: Sgd;
  /** How BN inputs are read for the running statistics (undefined: not tracked, evalBn 'batch'). */
  readonly bnSource: BnInputSource | undefined;
  private readonly trainForward: { options: BnForwardOptions; flush(): void };
  private readonly numClasses: number;
  private stepCount = 0;
  private epochIndex = 0;
  private batches: Generator<Batch, void, undefined> | undefined;
  private stepInEpoch = 0;
  private acc = { loss: 0, correct: 0, n: 0, seconds: 0, lr: 0 };
  private disposed = false;

  constructor(
    readonly net: Network,
    opts: TrainOptions = {},
  ) {
    this.opts = opts;
    const dataset = opts.dataset ?? 'cifar10';
    this.data = new EpochData({
      dataset,
      batchSize: opts.batchSize ?? 64,
      seed: opts.seed ?? 1,
      augment: opts.augment ?? 'crop-flip',
      norm: opts.norm,
      limit: opts.trainLimit,
      dropLast: opts.dropLast,
    });
    this.numClasses = loadCifar(dataset, 'train').numClasses;
    if ((opts.epochs === undefined) === (opts.steps === undefined)) {
      throw new Error(`Trainer: give exactly one of epochs and steps (got epochs=${opts.epochs}, steps=${opts.steps})`);
    }
    if (opts.epochs !== undefined && !(Number.isInteger(opts.epochs) && opts.epochs >= 1)) {
      throw new Error(`Trainer: epochs must be a positive integer, got ${opts.epochs}`);
    }
    if (opts.steps !== undefined && !(Number.isInteger(opts.steps) && opts.steps >= 1)) {
      throw new Error(`Trainer: steps must be a positive integer, got ${opts.steps}`);
    }
    this.totalSteps = opts.steps ?? opts.epochs! * this.data.batchesPerEpoch;
    const evalEvery = opts.evalEvery ?? 1;
    if (!(Number.isInteger(evalEvery) && evalEvery >= 0)) throw new Error(`Trainer: evalEvery must be an integer ≥ 0, got ${evalEvery}`);
    if (opts.evalBn !== undefined && opts.evalBn !== 'running' && opts.evalBn !== 'batch') throw new Error(`Trainer: unknown evalBn '${String(opts.evalBn)}'`);
    this.cfg = { dataset, lr: opts.lr ?? 0.1, schedule: opts.schedule ?? COSINE, evalBn: opts.evalBn ?? 'running', evalEvery };
    lrAt(this.cfg.schedule, this.cfg.lr, 0, this.totalSteps); // validate the schedule now
    this.sgd = new Sgd(net.paramKinds, { momentum: opts.momentum ?? 0.9, weightDecay: opts.weightDecay ?? 5e-4, decay: opts.decay, nesterov: opts.nesterov ?? true });
    this.stats = new RunningBnStats(opts.bnMomentum ?? 0.1);
    const observe = (t: tf.Tensor, n: string): void => this.stats.observe(n, t);
    if (this.cfg.evalBn !== 'running') {
      this.bnSource = undefined;
      this.trainForward = { options: { bn: 'train' }, flush: () => {} };
    } else if (networkReportsBnInputs(net)) {
      this.bnSource = 'network';
      this.trainForward = { options: { bn: 'train', bnInputHook: observe }, flush: () => {} };
    } else {
      this.bnSource = 'convention';
      const hooks = bnInputHooks(net, observe);
      this.trainForward = { options: { bn: 'train', ...hooks.options }, flush: hooks.flush };
    }
  }

  /** Steps done. */
  get steps(): number {
    return this.stepCount;
  }

  /** Whether all `totalSteps` steps are done. */
  get done(): boolean {
    return this.stepCount >= this.totalSteps;
  }

  /** Learning rate of the next step. */
  get nextLr(): number {
    return lrAt(this.cfg.schedule, this.cfg.lr, Math.min(this.stepCount, this.totalSteps - 1), this.totalSteps);
  }

  /** One SGD step on the next batch; ends (and evaluates) the epoch when it is the epoch's last. */
  step(): StepInfo {
    this.checkLive();
    if (this.done) throw new Error(`Trainer.step: all ${this.totalSteps} steps are done`);
    const t0 = performance.now();
    if (!this.batches) this.batches = this.data.epoch(this.epochIndex);
    const next = this.batches.next();
    if (next.done) throw new Error('Trainer.step: epoch ran out of batches (internal error)');
    const b = next.value;
    const lr = lrAt(this.cfg.schedule, this.cfg.lr, this.stepCount, this.totalSteps);
    const { loss, correct } = this.sgdStep(b.x, b.labels, lr);
    const seconds = (performance.now() - t0) / 1000;
    this.stepCount++;
    this.stepInEpoch++;
    const n = b.labels.length;
    this.acc.loss += loss * n;
    this.acc.correct += correct;
    this.acc.n += n;
    this.acc.seconds += seconds;
    this.acc.lr = lr;
    const info: StepInfo = { step: this.stepCount, epoch: this.epochIndex, lr, loss, correct, batchSize: n, seconds };
    this.opts.onStep?.(info, this);
    const epochEnd = this.stepInEpoch === this.data.batchesPerEpoch;
    if (epochEnd || this.done) this.endEpoch(epochEnd);
    return info;
  }

  /** `k` steps (fewer if the run ends first); returns the steps done. */
  run(k: number): StepInfo[] {
    if (!(Number.isInteger(k) && k >= 0)) throw new Error(`Trainer.run: k must be an integer ≥ 0, got ${k}`);
    const out: StepInfo[] = [];
    while (out.length < k && !this.done) out.push(this.step());
    return out;
  }

  /** Train to the end; returns the epoch records. */
  runToEnd(): EpochRecord[] {
    while (!this.done) this.step();
    return this.records;
  }

  /** Loss and accuracy on the test split (or per options), BN as configured. */
  evaluate(opts: { split?: 'train' | 'test'; limit?: number } = {}): EvalResult {
    this.checkLive();
    return evaluate(this.net, {
      dataset: this.cfg.dataset,
      split: opts.split ?? 'test',
      batchSize: this.opts.evalBatchSize,
      limit: opts.limit ?? (opts.split === 'train' ? undefined : this.opts.evalLimit),
      norm: this.opts.norm,
      bn: this.cfg.evalBn,
      stats: this.stats,
      statsVia: this.bnSource,
    });
  }

  /**
   * Forward options for eval-mode passes with the running BN statistics (folded into γ, β, or as
   * `bnRunning` for networks with the BN hooks; see bnStats.ts); call the returned `dispose` after
   * use. Example: `const ev = trainer.evalForward(); net.forward(x, ev.options); ev.dispose()`.
   */
  evalForward(): { options: BnForwardOptions; dispose(): void } {
    this.checkLive();
    if (this.bnSource === undefined) throw new Error("Trainer.evalForward: running statistics are tracked only with evalBn 'running'");
    return runningStatsForward(this.net, this.stats, this.bnSource);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sgd.dispose();
    this.stats.dispose();
    this.batches = undefined;
  }

  private checkLive(): void {
    if (this.disposed) throw new Error('Trainer: used after dispose()');
  }

  /** Forward, backward and update on one batch; returns the batch loss and correct count. */
  private sgdStep(xData: Float32Array, labelData: Int32Array, lr: number): { loss: number; correct: number } {
    const net = this.net;
    const names = [...net.params.keys()];
    const xs = names.map((n) => net.params.get(n)!);
    const x = tf.tensor4d(xData, [labelData.length, 32, 32, 3]);
    const y = tf.tensor1d(labelData, 'int32');
    let correctT: tf.Scalar | undefined;
    let value: tf.Scalar | undefined;
    let grads: (tf.Tensor | null)[] = [];
    try {
      const f = (): tf.Scalar => {
        const { logits } = net.forward(x, this.trainForward.options);
        this.trainForward.flush();
        correctT = tf.keep(correctCount(logits, y));
        return crossEntropy(logits, y, this.numClasses);
      };
      const out = tf.engine().gradients(f, xs, undefined, true);
      value = out.value as tf.Scalar;
      grads = out.grads;
      const loss = value.dataSync()[0]!;
      const correct = correctT!.dataSync()[0]!;
      if (!Number.isFinite(loss)) throw new Error(`Trainer: loss is ${loss} at step ${this.stepCount + 1} (lr ${lr}); lower the learning rate`);
      const gradMap = new Map<string, tf.Tensor>();
      names.forEach((n, i) => {
        const g = grads[i] ?? tf.zerosLike(xs[i]!);
        grads[i] = g;
        gradMap.set(n, g);
      });
      this.sgd.step(net.params, gradMap, lr);
      this.stats.commit();
      return { loss, correct };
    } finally {
      this.stats.discardPending();
      for (const g of grads) g?.dispose();
      value?.dispose();
      correctT?.dispose();
      x.dispose();
      y.dispose();
    }
  }

  private endEpoch(complete: boolean): void {
    const a = this.acc;
    const epoch = complete ? this.epochIndex + 1 : this.epochIndex + this.stepInEpoch / this.data.batchesPerEpoch;
    const due = this.cfg.evalEvery > 0 && (this.done || (complete && (this.epochIndex + 1) % this.cfg.evalEvery === 0));
    let ev: EvalResult | undefined;
    let evalSeconds = 0;
    if (due) {
      const t0 = performance.now();
      ev = this.evaluate();
      evalSeconds = (performance.now() - t0) / 1000;
    }
    const record: EpochRecord = {
      epoch,
      steps: this.stepCount,
      trainLoss: a.loss / a.n,
      trainAcc: a.correct / a.n,
      ...(ev ? { testLoss: ev.loss, testAcc: ev.acc } : {}),
      lr: a.lr,
      seconds: a.seconds,
      evalSeconds,
    };
    this.records.push(record);
    if (complete) {
      this.epochIndex++;
      this.batches = undefined;
      this.stepInEpoch = 0;
    }
    this.acc = { loss: 0, correct: 0, n: 0, seconds: 0, lr: 0 };
    this.opts.onEpoch?.(record, this);
  }
}

export interface TrainResult {
  readonly records: EpochRecord[];
  readonly steps: number;
  /** Training seconds (evaluation excluded). */
  readonly seconds: number;
}

/** Train `net` in place for the configured epochs or steps; returns the per-epoch records. */
export function train(net: Network, opts: TrainOptions): TrainResult {
  const t = new Trainer(net, opts);
  try {
    const records = t.runToEnd();
    return { records, steps: t.steps, seconds: records.reduce((s, r) => s + r.seconds, 0) };
  } finally {
    t.dispose();
  }
}

/**
 * `k` training steps on `net` (parameters updated in place), e.g. to score an indicator after k
 * steps. The schedule spans `opts.steps` when given (≥ k), else k steps. Returns the trainer: call
 * `run()` to continue (a sweep over k), `evalParams()` for eval-mode passes, and `dispose()`.
 */
export function trainSteps(net: Network, k: number, opts: Omit<TrainOptions, 'epochs'> = {}): Trainer {
  if (!(Number.isInteger(k) && k >= 0)) throw new Error(`trainSteps: k must be an integer ≥ 0, got ${k}`);
  const total = opts.steps ?? Math.max(k, 1);
  if (total < k) throw new Error(`trainSteps: k = ${k} exceeds the run's ${total} steps`);
  const t = new Trainer(net, { evalEvery: 0, ...opts, steps: total });
  try {
    t.run(k);
  } catch (e) {
    t.dispose();
    throw e;
  }
  return t;
}
