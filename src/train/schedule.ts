/**
 * Learning-rate schedules, evaluated per optimisation step.
 *
 * Cosine (SGDR without restarts; PyTorch `CosineAnnealingLR` stepped per iteration, as the
 * NAS-Bench-201 trainer does): after `warmupSteps` steps of linear warm-up,
 *   lr(t) = lrMin + (lr₀ − lrMin) · ½ · (1 + cos(π · (t − w) / (T − w))),   w ≤ t < T,
 * with T the total number of steps. Warm-up is linear from lr₀/w at step 0 to lr₀ at step w
 * (step t uses lr₀·(t+1)/w), so no step runs with lr 0.
 */

export type LrSchedule =
  | { readonly kind: 'constant' }
  | {
      readonly kind: 'cosine';
      /** Steps of linear warm-up before the cosine decay (default 0). */
      readonly warmupSteps?: number;
      /** Final learning rate reached at the last step's end (default 0, PyTorch's eta_min). */
      readonly minLr?: number;
    };

/** Cosine decay to 0 over all steps, no warm-up (the NAS-Bench-201 recipe). */
export const COSINE: LrSchedule = Object.freeze({ kind: 'cosine' });

/**
 * Learning rate of step `step` (0-based) out of `totalSteps`, for base rate `baseLr`.
 * @throws if the step is outside [0, totalSteps) or the schedule's numbers are invalid.
 */
export function lrAt(schedule: LrSchedule, baseLr: number, step: number, totalSteps: number): number {
  if (!(Number.isFinite(baseLr) && baseLr >= 0)) throw new Error(`lrAt: base learning rate must be ≥ 0, got ${baseLr}`);
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) throw new Error(`lrAt: totalSteps must be a positive integer, got ${totalSteps}`);
  if (!(Number.isInteger(step) && step >= 0 && step < totalSteps)) {
    throw new Error(`lrAt: step must be an integer in [0, ${totalSteps}), got ${step}`);
  }
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'cosine': {
      const w = schedule.warmupSteps ?? 0;
      const lrMin = schedule.minLr ?? 0;
      if (!(Number.isInteger(w) && w >= 0 && w < totalSteps)) {
        throw new Error(`lrAt: warmupSteps must be an integer in [0, ${totalSteps}), got ${w}`);
      }
      if (!(Number.isFinite(lrMin) && lrMin >= 0 && lrMin <= baseLr)) {
        throw new Error(`lrAt: minLr must lie in [0, ${baseLr}], got ${lrMin}`);
      }
      if (step < w) return (baseLr * (step + 1)) / w;
      const t = (step - w) / (totalSteps - w);
      return lrMin + (baseLr - lrMin) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
    default: {
      const never: never = schedule;
      throw new Error(`lrAt: unknown schedule ${JSON.stringify(never)}`);
    }
  }
}
