/**
 * Re-check of a committed training bench: train one of its architectures again now and compare
 * every epoch's row with the committed one.
 *
 * The tolerance is zero (every value column equal, the wall-clock `seconds` aside), because that
 * is what was measured:
 *  - training is bit-for-bit deterministic: the network's weights come from its seed, the data
 *    order and augmentation from the bench seed (trainer.ts, data.ts), and the wasm backend runs
 *    one thread; two trainings of an NB201 C8 N1 network for 3 epochs in one process, and in two
 *    processes, gave identical rows (test/train/benchRecheck.test.ts checks both on a small bench);
 *  - a change of float rounding alone is amplified by SGD far beyond any useful tolerance: the BN
 *    reductions and the average-pool gradient summed in another order (the untrained atoms move by
 *    2e-7 relative for the NASWOT score, 2e-6 for log|S|) left the mean
 *    training loss of epoch 1 within 0.1 % but moved the test accuracy after epoch 1 by 5.1 pp and
 *    after epoch 3 by 0.8 pp on the bench's first architecture (lr 0.1, 79 steps per epoch).
 * So a tolerance could only hide a table written by other kernels, never absorb run-to-run noise:
 * the epoch-0 atoms tell the two apart (equal: same kernels; different at float rounding: the
 * table predates a kernel change and has to be regenerated with its command).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ArchSet } from '../runner/archSets';
import { trainBenchArch } from './trainBench';
import type { TrainBenchArch, TrainBenchRow } from './trainBenchFile';
import type { TrainBenchSettings } from './trainBenchSettings';

/** The value columns compared (all but the identifiers and the wall-clock seconds). */
export const RECHECK_COLUMNS = ['trainLoss', 'trainAcc', 'testLoss', 'testAcc', 'naswot', 'dasNa', 'dasLogDetS'] as const satisfies readonly (keyof TrainBenchRow)[];

/** The untrained atoms, compared on their own: they separate a kernel change from a training change. */
const ATOM_COLUMNS = ['naswot', 'dasNa', 'dasLogDetS'] as const satisfies readonly (keyof TrainBenchRow)[];

export interface BenchRecheck {
  readonly index: number;
  /** Epochs compared after the untrained row. */
  readonly epochs: number;
  /** Epochs of the bench's run when only its first `epochs` were re-trained (absent: all were). */
  readonly ofEpochs?: number;
  /** Epoch-0 atoms (naswot, N_A, log|S|) equal to the committed ones. */
  readonly atomsEqual: boolean;
  /** Largest relative |Δ| of the epoch-0 atoms, |a − b| / max(1, |b|). */
  readonly atomsMaxRel: number;
  /** Every value column of every epoch equal. */
  readonly rowsEqual: boolean;
  /** Largest |Δ| of the test accuracy over the trained epochs (fraction, not pp). */
  readonly testAccMaxDiff: number;
  /** Largest relative |Δ| of the mean training loss over the trained epochs. */
  readonly trainLossMaxRel: number;
  /** First differing cell, for the message ('' when the rows are equal). */
  readonly firstDifference: string;
}

/** Same number, NaN equal to NaN (diverged or untrained cells). */
function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function relDiff(a: number, b: number): number {
  if (same(a, b)) return 0;
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/**
 * Compare live rows (epochs 0..E) with the committed ones of the same architecture.
 * @throws when the two are not the same architecture or epochs.
 */
export function compareBenchRows(live: readonly TrainBenchRow[], committed: readonly TrainBenchRow[]): BenchRecheck {
  if (live.length !== committed.length) throw new Error(`bench re-check: ${live.length} live rows vs ${committed.length} committed rows (epochs 0..E each)`);
  if (live.length === 0) throw new Error('bench re-check: no rows to compare');
  live.forEach((r, e) => {
    const c = committed[e]!;
    if (r.index !== c.index || r.arch !== c.arch || r.epoch !== e || c.epoch !== e) {
      throw new Error(`bench re-check: row ${e} is #${r.index} epoch ${r.epoch} live vs #${c.index} epoch ${c.epoch} committed`);
    }
  });
  const atomsMaxRel = Math.max(...ATOM_COLUMNS.map((k) => relDiff(live[0]![k], committed[0]![k])));
  let firstDifference = '';
  for (let e = 0; e < live.length && !firstDifference; e++) {
    const k = RECHECK_COLUMNS.find((col) => !same(live[e]![col], committed[e]![col]));
    if (k) firstDifference = `epoch ${e} ${k}: ${live[e]![k]} live vs ${committed[e]![k]} committed`;
  }
  const trained = live.slice(1).map((r, i) => [r, committed[i + 1]!] as const);
  const maxOf = (xs: number[]): number => xs.reduce((m, x) => (Number.isNaN(x) || x > m ? x : m), 0);
  return {
    index: live[0]!.index,
    epochs: live.length - 1,
    atomsEqual: ATOM_COLUMNS.every((k) => same(live[0]![k], committed[0]![k])),
    atomsMaxRel,
    rowsEqual: firstDifference === '',
    testAccMaxDiff: maxOf(trained.map(([r, c]) => (same(r.testAcc, c.testAcc) ? 0 : Math.abs(r.testAcc - c.testAcc)))),
    trainLossMaxRel: maxOf(trained.map(([r, c]) => relDiff(r.trainLoss, c.trainLoss))),
    firstDifference,
  };
}

/**
 * Train `arch` of a bench again (its settings, the bench's scoring batch `x`) and compare with its
 * committed rows: all epochs, or epochs 0..`throughEpoch` (trained on the whole run's schedule and
 * stopped there, so they are the run's own first rows; a cheaper check of the same determinism).
 */
export function recheckBenchArch(set: ArchSet, arch: TrainBenchArch, settings: TrainBenchSettings, x: tf.Tensor4D, throughEpoch: number = settings.epochs): BenchRecheck {
  const live = trainBenchArch(set, arch.index, settings, x, undefined, throughEpoch);
  return { ...compareBenchRows(live, arch.rows.slice(0, throughEpoch + 1)), ofEpochs: settings.epochs };
}

/** One line for a write-up: what was compared, the differences and the verdict with its reason. */
export function formatBenchRecheck(r: BenchRecheck, command: string): string {
  const which = r.ofEpochs !== undefined && r.ofEpochs !== r.epochs ? `first ${r.epochs} of its ${r.ofEpochs} epochs` : `${r.epochs} epochs`;
  const head = `re-trained bench architecture #${r.index} (${which}) in this run`;
  const diffs = `test accuracy max |Δ| ${(100 * r.testAccMaxDiff).toFixed(2)} pp, mean training loss max relative |Δ| ${r.trainLossMaxRel.toExponential(1)}`;
  if (r.rowsEqual) return `${head}: every epoch's row equal to the committed one (seconds aside; ${diffs}): reproduced`;
  if (!r.atomsEqual) {
    return `${head}: NOT reproduced — the untrained atoms already differ (relative |Δ| ${r.atomsMaxRel.toExponential(1)}), so the table was written by kernels ` +
      `that round differently, and SGD amplifies rounding (${diffs}); regenerate the table with:\n  ${command}`;
  }
  return `${head}: NOT reproduced — the untrained atoms are equal but training differs (${r.firstDifference}; ${diffs}); training is deterministic, so the training code or its settings changed since the table was written`;
}
