/**
 * Re-check of a stored Zero-Cost-PT search (a tiny NB201 supernet, real CIFAR-10 batches): the
 * whole proposal or its first decisions re-run from the proposal's seed; a changed removal score
 * or kept op is caught exactly where it is compared, and only there.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { recheckZcptProposal, zcptSearchNb201, type ZcptSearchResult } from '../../../src/search/zcpt';
import { NB201_OPS } from '../../../src/spaces/nb201/arch';
import { needsData, CIFAR10_FILE } from '../../support/data';
import { errorMessage } from '../../support/errorMessage';

const skip = needsData(CIFAR10_FILE);
let stored: ZcptSearchResult;

before(async () => {
  await initBackend({ quiet: true });
  if (!skip) stored = await zcptSearchNb201({ C: 2, N: 1, batchSize: 6, proposals: 2, valBatches: 1, seed: 3 });
});

/** A deep copy of the stored search with `edit` applied to proposal 0's steps. */
function tampered(edit: (steps: { edge: number; op: string; removals: { score: number }[] }[]) => void): ZcptSearchResult {
  const copy = JSON.parse(JSON.stringify(stored)) as ZcptSearchResult;
  edit(copy.proposals[0]!.steps as unknown as { edge: number; op: string; removals: { score: number }[] }[]);
  return copy;
}

test('the whole proposal and its first decisions re-run equal to the stored ones; no tensor left', { skip }, () => {
  const before = tf.memory().numTensors;
  const all = recheckZcptProposal(stored, 1);
  assert.deepEqual([all.proposal, all.decisions, all.ofDecisions, all.sameDecisions, all.ok], [1, 6, 6, true, true]);
  assert.ok(all.maxRelDiff <= all.tolerance, `${all.maxRelDiff}`);
  const first2 = recheckZcptProposal(stored, 0, 2);
  assert.deepEqual([first2.proposal, first2.decisions, first2.ofDecisions, first2.sameDecisions, first2.ok], [0, 2, 6, true, true]);
  assert.equal(tf.memory().numTensors, before);
});

test('a changed removal score is caught in a compared decision and not past the compared ones', { skip }, () => {
  const late = tampered((steps) => {
    steps[3]!.removals[1]!.score += 0.5;
  });
  assert.equal(recheckZcptProposal(late, 0, 3).ok, true);
  const whole = recheckZcptProposal(late, 0);
  assert.equal(whole.sameDecisions, true);
  assert.equal(whole.ok, false);
  assert.ok(whole.maxRelDiff > whole.tolerance, `${whole.maxRelDiff}`);
  const early = tampered((steps) => {
    steps[0]!.removals[0]!.score *= 1 + 1e-3;
  });
  assert.equal(recheckZcptProposal(early, 0, 1).ok, false);
});

test('a changed kept op or edge is a different decision', { skip }, () => {
  const op = tampered((steps) => {
    const s = steps[1]!;
    s.op = NB201_OPS.find((o) => o !== s.op)!;
  });
  assert.equal(recheckZcptProposal(op, 0, 1).sameDecisions, true);
  const r = recheckZcptProposal(op, 0, 2);
  assert.deepEqual([r.sameDecisions, r.ok], [false, false]);
  const edge = tampered((steps) => {
    steps[0]!.edge = (steps[0]!.edge + 1) % 6;
  });
  assert.equal(recheckZcptProposal(edge, 0, 1).sameDecisions, false);
});

test('bad proposal or decision counts are refused, naming the range', { skip }, () => {
  assert.match(errorMessage(() => recheckZcptProposal(stored, 2)), /seed 3 has 2 proposals, no proposal 2/);
  for (const d of [0, 7, 1.5]) assert.match(errorMessage(() => recheckZcptProposal(stored, 0, d)), new RegExp(`decisions must be an integer in 1\\.\\.6 .*got ${d}`));
});
