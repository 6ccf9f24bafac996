/**
 * Zero-Cost-PT DARTS search is deterministic by seed (two runs, C=2, 3 layers, batch 4, N=1,
 * V=2, real CIFAR-10 batches; ~25 s), and a proposal depends only on its own seed.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../../src/engine/backend';
import { zcptSearchDarts, type ZcptDartsSearchResult } from '../../../../src/search/zcpt/darts';
import { needsData, CIFAR10_FILE } from '../../../support/data';

const skip = needsData(CIFAR10_FILE);

before(async () => {
  await initBackend({ quiet: true });
});

/** The result without wall-clock times. */
function timeless(r: ZcptDartsSearchResult): unknown {
  return JSON.parse(
    JSON.stringify(r, (k, v: unknown) => (k === 'seconds' || k === 'timing' ? undefined : v)),
  );
}

test('same seed, same search (every removal score, validation scores, genotype)', { skip }, async () => {
  const opts = { C: 2, layers: 3, batchSize: 4, proposals: 1, valBatches: 2, seed: 7 } as const;
  const a = await zcptSearchDarts(opts);
  const b = await zcptSearchDarts(opts);
  assert.deepEqual(timeless(a), timeless(b));
  assert.ok(a.validation.candidates[0]!.batchScores.every(Number.isFinite));
});
