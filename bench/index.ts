/**
 * `npm run bench`: speed and memory figures (printed, never asserted).
 *   NASWOT on NAS-Bench-201, CIFAR-10, batch 128, one worker (in-process): median seconds per
 *   architecture over a fixed-seed sample, the backend, and live tensors (must stay flat).
 * Env: BENCH_ARCHS (default 30).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend';
import { loadNb201Table } from '../src/benchmarks/nb201';
import { ArchScorer } from '../src/runner/scorer';
import { PRESETS, ScoreSettings } from '../src/runner/settings';
import { Rng } from '../src/engine/rng';

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

async function main(): Promise<void> {
  const backend = await initBackend({ quiet: true });
  console.log(`backend: ${backend}`);
  await benchNaswot();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
