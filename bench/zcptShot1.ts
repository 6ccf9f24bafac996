/**
 * Zero-Cost-PT on NAS-Bench-1Shot1 space 2: one supernet scoring at the paper's batch (128) and
 * width (C = 16) and at the committed setting (C = 8, batch 16), the paper search projected from
 * it (N = 10 proposals × 26 scorings, plus up to 10 candidates × V = 100 validation scorings of the
 * same cost: the reference scores the one-shot model under each cell's 0/1 weights), and one whole
 * search at the committed setting (src/search/zcpt/nb101-1shot1/report.ts, seed 0), timed.
 *   node --import tsx bench/zcptShot1.ts     (or BENCH_ONLY=zcpt-1shot1 npm run bench)
 * Env: BENCH_SHOT1_SEARCH=0 skips the whole search (it takes minutes).
 */
import { initBackend } from '../src/engine/backend';
import { zcptBatch, zcptSeeds } from '../src/search/zcpt/search';
import { SHOT1_SCORINGS_PER_PROPOSAL, topologyMixing, Shot1Supernet, zcptSearchShot1, zcptShot1NetConfig, zcptShot1Scorer, zcptShot1Settings } from '../src/search/zcpt/nb101-1shot1';
import { parseShot1 } from '../src/spaces/nb101/shot1';

/** Seconds of one supernet scoring (forward + NASWOT) at batch B and width C. */
export function shot1ScoringSeconds(B: number, C = 16): number {
  const s = zcptShot1Settings({ batchSize: B, C });
  const sup = new Shot1Supernet({ ...zcptShot1NetConfig(s), zeroOpTaps: s.zeroOpTaps }, zcptSeeds(s).supernet);
  const b = zcptBatch('cifar10', B, 1);
  const cell = parseShot1('c3-c1-mp-c3|2:0|3:0,1|4:1,2|5:0,3,4');
  try {
    const t0 = performance.now();
    zcptShot1Scorer(s).score({ net: sup.withMixing(topologyMixing(cell.ops, cell.parents, 'softmax')) }, b);
    return (performance.now() - t0) / 1000;
  } finally {
    sup.dispose();
    b.x.dispose();
    b.labels.dispose();
  }
}

export async function benchZcptShot1(): Promise<void> {
  await initBackend({ quiet: true });
  console.log('\nZero-Cost-PT on NAS-Bench-1Shot1 space 2 (paper one-shot model: C 16, 9 cells; one thread)');
  for (const [B, C] of [[128, 16], [16, 16], [16, 8]] as const) {
    const sec = shot1ScoringSeconds(B, C);
    const n = 10 * SHOT1_SCORINGS_PER_PROPOSAL;
    console.log(`  one supernet scoring at batch ${B}, C ${C}: ${sec.toFixed(1)} s → N=10 proposals (${n} scorings) ≈ ${((sec * n) / 60).toFixed(0)} min, + V=100 post-validation (≤ 1000 scorings) ≈ ${((sec * (n + 1000)) / 60).toFixed(0)} min per search`);
  }
  if (process.env.BENCH_SHOT1_SEARCH === '0') return;
  const r = await zcptSearchShot1({ seed: 0, C: 8, proposals: 3, valBatches: 5, batchSize: 16 });
  console.log(`  one search at the committed setting (C 8, N=3, V=5, batch 16, seed 0): ${(r.timing.totalSeconds / 60).toFixed(1)} min (${r.timing.secondsPerSupernetScoring.toFixed(1)} s per supernet scoring; validation ${r.timing.validationSeconds.toFixed(1)} s)`);
}

if (require.main === module) {
  benchZcptShot1().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
