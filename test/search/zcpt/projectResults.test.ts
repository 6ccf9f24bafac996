/**
 * The committed Zero-Cost-PT results (data/zcpt/): the seeds and setting its command names, and
 * internal consistency of every search (the chosen candidate is the argmax of its summed
 * validation scores; every proposal decided all six edges; candidates are the distinct proposals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNb201 } from '../../../src/spaces/nb201/arch';
import { loadProjectZcpt, PROJECT_ZCPT_RESULTS } from '../../../src/search/zcpt';

test('committed NB201 Zero-Cost-PT results: seeds 0-3 at the setting of its command, each search consistent', () => {
  const { info, records } = loadProjectZcpt('nb201-cifar10-n10-v20-b64');
  assert.equal(info, PROJECT_ZCPT_RESULTS['nb201-cifar10-n10-v20-b64']);
  assert.deepEqual(records.map((r) => r.settings.seed).sort(), [0, 1, 2, 3]);
  for (const r of records) {
    const s = r.settings;
    assert.deepEqual([s.proposals, s.valBatches, s.batchSize, s.C, s.N, s.proxy, s.edgeOrder, s.dataset, s.bn], [10, 20, 64, 16, 5, 'naswot', 'random', 'cifar10', 'eval']);
    assert.match(info.command, new RegExp(`--proposals ${s.proposals} --val-batches ${s.valBatches} --batch-size ${s.batchSize}`));
    assert.equal(r.proposals.length, s.proposals);
    for (const p of r.proposals) assert.deepEqual([...p.edgeOrder].sort(), [0, 1, 2, 3, 4, 5]);
    const distinct = [...new Set(r.proposals.map((p) => formatNb201(p.arch)))];
    assert.deepEqual(r.validation.candidates.map((c) => c.archString), distinct);
    const sums = r.validation.candidates.map((c) => c.batchScores.reduce((a, b) => a + b, 0));
    for (const [i, c] of r.validation.candidates.entries()) {
      assert.equal(c.batchScores.length, s.valBatches);
      assert.ok(Math.abs(sums[i]! - c.score) <= 1e-9 * Math.abs(c.score));
    }
    assert.equal(r.validation.chosen, sums.indexOf(Math.max(...sums)));
    assert.equal(r.archString, r.validation.candidates[r.validation.chosen]!.archString);
  }
});
