/** Progress bar on stderr (rate and ETA) for long scoring runs; silent when not wanted. */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  tick(): void;
  stop(): void;
}

export function progressBar(total: number, label: string, enabled = true): Progress {
  if (!enabled || total === 0) return { tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} | {rate} arch/s | ETA {eta_formatted}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 10000,
      etaBuffer: 50,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const t0 = Date.now();
  let n = 0;
  bar.start(total, 0, { rate: '0.00' });
  return {
    tick: () => {
      n++;
      bar.update(n, { rate: (n / ((Date.now() - t0) / 1000)).toFixed(2) });
    },
    stop: () => bar.stop(),
  };
}
