/**
 * Zero-Cost-PT on NAS-Bench-Macro: one supernet scoring at the paper's batch (256) and width and at
 * the committed batch (full width and the committed stem 8), the paper search projected from it (N = 10 proposals × 24 scorings), and one
 * whole search at the committed setting (src/search/zcpt/macro/report.ts, seed 0), timed.
 *   node --import tsx bench/zcptMacro.ts     (or BENCH_ONLY=zcpt-macro npm run bench)
 * Env: BENCH_MACRO_SEARCH=0 skips the whole search (it takes minutes).
 */
import { initBackend } from '../src/engine/backend';
import { zcptBatch, zcptSeeds } from '../src/search/zcpt/search';
import { MACRO_SCORINGS_PER_PROPOSAL, removalMixing, uniformMacroMixing, zcptMacroScorer, zcptMacroSettings, zcptMacroSupernet, zcptSearchMacro } from '../src/search/zcpt/macro';

/** Seconds of one supernet scoring (forward + NASWOT) at batch B (stem 32: the paper's supernet). */
export function macroScoringSeconds(B: number, initChannels = 32): number {
  const s = zcptMacroSettings({ batchSize: B, initChannels });
  const sup = zcptMacroSupernet(s, zcptSeeds(s));
  const b = zcptBatch('cifar10', B, 1);
  try {
    const t0 = performance.now();
    zcptMacroScorer(s).score({ net: sup.withMixing(removalMixing(uniformMacroMixing(), 3, 1)) }, b);
    return (performance.now() - t0) / 1000;
  } finally {
    sup.dispose();
    b.x.dispose();
    b.labels.dispose();
  }
}

export async function benchZcptMacro(): Promise<void> {
  await initBackend({ quiet: true });
  console.log('\nZero-Cost-PT on NAS-Bench-Macro (paper supernet: stem 32, head 1280; one thread)');
  for (const [B, C] of [[256, 32], [16, 32], [16, 8]] as const) {
    const sec = macroScoringSeconds(B, C);
    const n = 10 * MACRO_SCORINGS_PER_PROPOSAL;
    console.log(`  one supernet scoring at batch ${B}, stem ${C}: ${sec.toFixed(1)} s → N=10 proposals (${n} scorings) ≈ ${((sec * n) / 60).toFixed(0)} min per search`);
  }
  if (process.env.BENCH_MACRO_SEARCH === '0') return;
  const r = await zcptSearchMacro({ seed: 0, initChannels: 8, proposals: 2, valBatches: 3, batchSize: 16 });
  console.log(`  one search at the committed setting (stem 8, N=2, V=3, batch 16, seed 0): ${(r.timing.totalSeconds / 60).toFixed(1)} min (${r.timing.secondsPerSupernetScoring.toFixed(1)} s per supernet scoring; validation ${r.timing.validationSeconds.toFixed(1)} s)`);
}

if (require.main === module) {
  benchZcptMacro().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
