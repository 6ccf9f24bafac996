/**
 * Node microbenchmark of the statistics behind the explorer's refit: on n = 1500 pairs (a
 * fusion table's size, with ties), the milliseconds of 200 × ranks, spearman, kendallTauB, and one
 * `fitMetrics` with 200 bootstrap resamples, for the library against the straightforward
 * reference implementations kept in test/stats/reference.ts (comparator sorts, one bootstrap per
 * metric). Prints the load average: the numbers are only comparable on the same machine load.
 * `node --import tsx bench/stats.ts` (BENCH_STATS_REPS, default 3: median of that many runs).
 */
import * as os from 'node:os';
import { Rng } from '../src/engine/rng';
import { kendallTauB, pearson, ranks, rmse, spearman } from '../src/stats/correlation';
import { fitMetrics } from '../src/stats/fitMetrics';
import { refBootstrapCI, refKendallTauB, refRanks, refSpearman } from '../test/stats/reference';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(reps: number, f: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return median(t);
}

export function benchStats(): void {
  const n = 1500;
  const reps = Number(process.env.BENCH_STATS_REPS ?? 3);
  const g = new Rng(7);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = g.next();
    x.push(Math.round(a * 400) / 400); // ~400 levels: ties, like rounded accuracies
    y.push(Math.round((a + 0.3 * g.next()) * 300) / 300);
  }
  const loops = 200;
  const rows: [string, () => void, () => void][] = [
    ['200 × ranks', () => { for (let i = 0; i < loops; i++) refRanks(x); }, () => { for (let i = 0; i < loops; i++) ranks(x); }],
    ['200 × spearman', () => { for (let i = 0; i < loops; i++) refSpearman(x, y); }, () => { for (let i = 0; i < loops; i++) spearman(x, y); }],
    ['200 × kendallTauB', () => { for (let i = 0; i < loops; i++) refKendallTauB(x, y); }, () => { for (let i = 0; i < loops; i++) kendallTauB(x, y); }],
    [
      'fitMetrics, 200 resamples',
      () => { for (const m of [pearson, rmse, refSpearman, refKendallTauB]) refBootstrapCI(x, y, m, loops, 1, 0.95); },
      () => { fitMetrics(x, y, { bootstrap: loops, seed: 1 }); },
    ],
  ];
  for (const [, a, b] of rows) { a(); b(); } // warm-up (JIT)
  console.log(`stats microbenchmark, n = ${n}, median of ${reps} (Node ${process.version}; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}):`);
  for (const [name, a, b] of rows) {
    const ta = time(reps, a);
    const tb = time(reps, b);
    console.log(`  ${name.padEnd(28)} reference ${ta.toFixed(1).padStart(8)} ms   library ${tb.toFixed(1).padStart(8)} ms   ×${(ta / tb).toFixed(1)}`);
  }
}

if (require.main === module) benchStats();
