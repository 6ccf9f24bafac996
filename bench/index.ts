/**
 * `npm run bench`: speed and memory figures (printed, never asserted).
 *   NASWOT on NAS-Bench-201, CIFAR-10, batch 128, one worker (in-process): median seconds per
 *   architecture over a fixed-seed sample, the backend, and live tensors (must stay flat).
 *   Every registered indicator on NB201 (CIFAR-10, NASLib preset: batch 32), one
 *   worker: median seconds per architecture, and `--proxies all` in one pass against the sum;
 *   jacov and grad_norm again at batch 128 (the batch of the PyTorch reference timing).
 *   The worker pool: NASWOT architectures per second with 1 worker and with all
 *   workers (one per core) on the same fixed-seed sample, and the parallel speed-up with where
 *   the rest goes (slower per-architecture compute when workers share the cores, worker start-up
 *   and the tail); then the same sample as a 2-task Slurm array job on a local single-node
 *   cluster (deploy/slurm/test-local.sh; root, slurm-wlm and munge needed), submission to merged table.
 *   One Zero-Cost-PT search on NB201 at the committed setting (N=10 proposals, V=20
 *   validation batches of 64, seed 0) on one worker per core, beside a budget of 15 minutes per search;
 *   `node --import tsx bench/zcpt.ts` gives the per-step costs and the projections behind it.
 *   The training benches: seconds per architecture-epoch of the DARTS bench recipe, measured live
 *   (bench/trainBench.ts) and as recorded in each committed bench.
 * Env: BENCH_ARCHS (default 30), BENCH_PROXY_ARCHS (default 3), BENCH_POOL_ARCHS (default 24),
 *   The indicator explorer's refit in headless Chromium (bench/explore.ts) against 300 ms.
 *   The statistics behind that refit in Node against the reference implementations (bench/stats.ts).
 *   BENCH_ONLY=naswot|proxies|pool|zcpt|zcpt-macro|zcpt-1shot1|train-bench|explore|stats (zcpt-macro: bench/zcptMacro.ts,
 *   one Macro supernet scoring at batch 256 and 32 and one Macro search at the committed setting;
 *   zcpt-1shot1: bench/zcptShot1.ts, the same for NAS-Bench-1Shot1 space 2).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend';
import { loadNb201Table } from '../src/benchmarks/nb201';
import { ArchScorer } from '../src/runner/scorer';
import { PRESETS, ScoreSettings } from '../src/runner/settings';
import { Rng } from '../src/engine/rng';
import { proxyNames } from '../src/proxies';
import { defaultWorkers, scoreIndices } from '../src/runner/pool';
import { benchZcpt } from './zcpt';
import { benchTrainBenchCommitted, benchTrainBenchLive } from './trainBench';
import { benchZcptMacro } from './zcptMacro';
import { benchZcptShot1 } from './zcptShot1';
import { benchExplore } from './explore';
import { benchStats } from './stats';
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import * as path from 'node:path';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function benchNaswot(): Promise<void> {
  const n = Number(process.env.BENCH_ARCHS ?? 30);
  const settings: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot'] };
  const scorer = await ArchScorer.create(settings, { quiet: true });
  const indices = new Rng(2024).sampleWithoutReplacement(loadNb201Table().size, n + 1);
  scorer.score(indices[0]); // warm-up (wasm compilation, kernel caches)
  const tensorsBefore = tf.memory().numTensors;
  const secs: number[] = [];
  const tensorTrace: number[] = [];
  for (const i of indices.slice(1)) {
    secs.push(scorer.score(i).seconds);
    tensorTrace.push(tf.memory().numTensors);
  }
  scorer.dispose();
  console.log(`NASWOT, NB201, CIFAR-10, batch ${settings.batchSize}, 1 worker, ${n} architectures (seed 2024):`);
  console.log(`  median ${median(secs).toFixed(2)} s/arch   (min ${Math.min(...secs).toFixed(2)}, max ${Math.max(...secs).toFixed(2)})`);
  console.log(`  target ≤ 3.5 s/arch; official PyTorch code on this machine: median 6.8 s/arch`);
  console.log(`  live tensors: ${tensorsBefore} before the loop, ${tensorTrace[0]} after arch 1, ${tensorTrace[tensorTrace.length - 1]} after arch ${n}` +
    (tensorTrace.every((t) => t === tensorsBefore) ? ' (flat)' : ' (GROWING: leak)'));
  console.log(`  tfjs memory: ${(tf.memory().numBytes / 1e6).toFixed(1)} MB in tensors after the run`);
}

/** Reference PyTorch timings measured on this machine, median s per NB201 arch. */
const PYTORCH_REFERENCE: Record<string, string> = { jacov: '2.6 s at batch 128', cj: '2.6 s at batch 128', synflow: '0.39 s' };

async function benchProxies(): Promise<void> {
  const n = Number(process.env.BENCH_PROXY_ARCHS ?? 3);
  const names = proxyNames();
  const indices = new Rng(7).sampleWithoutReplacement(loadNb201Table().size, n);
  // NASLib conventions (batch 32); the reference timings' batch 128 follows below.
  const base: Omit<ScoreSettings, 'proxies'> = { ...PRESETS.naslib, dataset: 'cifar10' };
  console.log(`\nIndicators, NB201, CIFAR-10, NASLib preset (batch ${base.batchSize}), 1 worker, median over ${n} architectures (seed 7):`);
  const sumOfMedians: number[] = [];
  const perArchSum = new Array<number>(n).fill(0);
  for (const name of names) {
    const scorer = await ArchScorer.create({ ...base, proxies: [name] }, { quiet: true });
    scorer.score(indices[0]);
    const secs = indices.map((i, k) => {
      const t = scorer.score(i).seconds;
      perArchSum[k] += t;
      return t;
    });
    scorer.dispose();
    sumOfMedians.push(median(secs));
    const ref = PYTORCH_REFERENCE[name] ? `   (PyTorch reference here: ${PYTORCH_REFERENCE[name]})` : '';
    console.log(`  ${name.padEnd(16)} ${median(secs).toFixed(3)} s/arch${ref}`);
  }
  const scorer = await ArchScorer.create({ ...base, proxies: names }, { quiet: true });
  scorer.score(indices[0]);
  const all = indices.map((i) => scorer.score(i).seconds);
  scorer.dispose();
  console.log(`  --proxies all    ${median(all).toFixed(3)} s/arch in one pass vs ${median(perArchSum).toFixed(3)} s/arch for the parts run separately`);
  // batch 128, as the PyTorch reference timing: differentiated stage by stage (engine/checkpoint.ts)
  for (const name of ['jacov', 'grad_norm']) {
    const s128 = await ArchScorer.create({ ...base, batchSize: 128, proxies: [name] }, { quiet: true });
    s128.score(indices[0]);
    const secs = indices.map((i) => s128.score(i).seconds);
    s128.dispose();
    const ref = PYTORCH_REFERENCE[name] ? `   (PyTorch reference here: ${PYTORCH_REFERENCE[name]})` : '';
    console.log(`  ${name.padEnd(16)} ${median(secs).toFixed(3)} s/arch at batch 128 (bench process RSS now ${(process.memoryUsage().rss / 1e9).toFixed(2)} GB, all runs so far)${ref}`);
  }
  console.log(`  live tensors after the indicator runs: ${tf.memory().numTensors}`);
}

async function benchPool(): Promise<void> {
  const n = Number(process.env.BENCH_POOL_ARCHS ?? 24);
  const settings: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot'] };
  const indices = new Rng(99).sampleWithoutReplacement(loadNb201Table().size, n);
  const all = defaultWorkers();
  console.log(`\nWorker pool, NASWOT (batch ${settings.batchSize}), NB201, CIFAR-10, ${n} architectures (seed 99), worker start-up included:`);
  console.log(`  load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores (other processes slow the 2-worker run first)`);
  const runs: { workers: number; rate: number; wall: number; compute: number }[] = [];
  for (const workers of all > 1 ? [1, all] : [1]) {
    const t0 = performance.now();
    const rows = await scoreIndices(settings, indices, { workers });
    const wall = (performance.now() - t0) / 1000;
    const compute = rows.reduce((a, r) => a + r.seconds, 0);
    runs.push({ workers, rate: rows.length / wall, wall, compute });
    console.log(`  ${String(workers).padStart(2)} worker(s): ${(rows.length / wall).toFixed(3)} archs/s (${wall.toFixed(1)} s; compute ${(compute / rows.length).toFixed(2)} s/arch per worker)`);
  }
  if (runs.length === 2) {
    const [one, many] = runs as [(typeof runs)[0], (typeof runs)[0]];
    const speedup = many.rate / one.rate;
    // wall = overhead + compute / workers: the overhead is worker start-up, feeding and the tail
    const overhead = (r: (typeof runs)[0]): number => Math.max(0, r.wall - r.compute / r.workers);
    console.log(`  speed-up with ${all} workers: ${speedup.toFixed(2)}× (ideal ${all}×)`);
    console.log(
      `  where the rest goes: compute per architecture ${(many.compute / one.compute).toFixed(2)}× slower with ${all} workers sharing the cores ` +
        `(that alone caps the speed-up at ${(all * one.compute / many.compute).toFixed(2)}×); start-up, feeding and the tail ` +
        `${overhead(one).toFixed(1)} s with 1 worker, ${overhead(many).toFixed(1)} s with ${all} (${((100 * overhead(many)) / many.wall).toFixed(0)} % of the ${all}-worker run)`,
    );
  }
  benchSlurm(n, settings);
}

/** The pool's sample size as a 2-task Slurm array job on a local cluster (deploy/slurm/test-local.sh). */
function benchSlurm(n: number, settings: ScoreSettings): void {
  const script = path.join(__dirname, '..', 'deploy', 'slurm', 'test-local.sh');
  if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v slurmctld && command -v munged']).status !== 0) {
    console.log('  Slurm, 2 tasks: skipped (needs root, slurm-wlm and munge: bash scripts/install.sh)');
    return;
  }
  const r = spawnSync('bash', [script, '--archs', String(n), '--proxies', settings.proxies.join(','), '--batch-size', String(settings.batchSize), '--no-compare'], { encoding: 'utf8' });
  const line = /slurm 2 tasks: .*/.exec(r.stdout)?.[0];
  if (r.status !== 0 || !line) {
    console.log(`  Slurm, 2 tasks: FAILED (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return;
  }
  console.log(`  ${line} (sample of seed 3: same size, another draw; each task starts node and loads the benchmark table)`);
}

/** One NB201 Zero-Cost-PT search at the committed setting (data/zcpt/, projectResults.ts), all cores. */
async function benchZcptSearch(): Promise<void> {
  console.log('\nZero-Cost-PT on NB201: one search at the committed setting (N=10, V=20, batch 64; the paper: N=10, V=100, batch 256)');
  const env = process.env;
  env.BENCH_ZCPT_N ??= '10';
  env.BENCH_ZCPT_V ??= '20';
  env.BENCH_ZCPT_B ??= '64';
  env.BENCH_ZCPT_MEASURE ??= '0';
  env.BENCH_ZCPT_SEEDS ??= '1';
  env.BENCH_ZCPT_WORKERS ??= String(defaultWorkers());
  for (const r of await benchZcpt()) {
    const [N, V, B] = r.setting;
    const min = r.totalSeconds / 60;
    console.log(`  Zero-Cost-PT search N=${N}, V=${V}, batch ${B}, ${r.workers} worker(s), seed ${r.seed}: ${min.toFixed(1)} min — target ≤ 15 min: ${min <= 15 ? 'met' : 'NOT met'}`);
  }
}

async function main(): Promise<void> {
  const backend = await initBackend({ quiet: true });
  console.log(`backend: ${backend}`);
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'naswot') await benchNaswot();
  if (!only || only === 'proxies') await benchProxies();
  if (!only || only === 'pool') await benchPool();
  if (!only || only === 'zcpt') await benchZcptSearch();
  if (!only || only === 'train-bench') {
    await benchTrainBenchLive();
    benchTrainBenchCommitted();
  }
  if (!only || only === 'zcpt-macro') await benchZcptMacro();
  if (!only || only === 'zcpt-1shot1') await benchZcptShot1();
  if (!only || only === 'explore') await benchExplore();
  if (!only || only === 'stats') benchStats();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
