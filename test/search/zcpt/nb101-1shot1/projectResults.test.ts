/**
 * The committed Zero-Cost-PT 1Shot1 results (data/zcpt/): the setting its command names, and the
 * internal consistency of every search (each op kept is the argmin of its removal scores, each
 * node keeps the parents with the lowest scores, the candidates are the distinct proposals, the
 * chosen one has the largest summed validation score) and of the recorded table lookups.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasDataFile } from '../../../../src/data/root';
import { loadNb1Shot1Space2, NB101_1SHOT1_SPACE2_FILE } from '../../../../src/benchmarks/nb101';
import { SHOT1_OPS, SHOT1_SPACE2_PARENTS } from '../../../../src/spaces/nb101/shot1';
import { keepLowest, loadProjectShot1Zcpt, PROJECT_SHOT1_ZCPT, shot1TableIndex, shot1TableStatus } from '../../../../src/search/zcpt/nb101-1shot1';

test('committed 1Shot1 Zero-Cost-PT results: the setting of its command, each search consistent', () => {
  const { records } = loadProjectShot1Zcpt();
  assert.ok(records.length >= 1);
  const m = /--seeds (\d+)-(\d+) --channels (\d+) --proposals (\d+) --val-batches (\d+) --batch-size (\d+)/.exec(PROJECT_SHOT1_ZCPT.command)!;
  const index = hasDataFile(NB101_1SHOT1_SPACE2_FILE) ? shot1TableIndex(loadNb1Shot1Space2()) : undefined;
  for (const r of records) {
    const s = r.settings;
    assert.ok(s.seed >= Number(m[1]) && s.seed <= Number(m[2]));
    assert.deepEqual([s.C, s.proposals, s.valBatches, s.batchSize, s.layers, s.proxy, s.topologyWeights, s.zeroOpTaps, s.bn], [Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), 9, 'naswot', 'softmax', 'reference', 'eval']);
    assert.equal(r.proposals.length, s.proposals);
    for (const p of r.proposals) {
      assert.deepEqual(p.opSteps.map((o) => o.node).sort(), [1, 2, 3, 4]);
      for (const o of p.opSteps) assert.equal(SHOT1_OPS[o.scores.indexOf(Math.min(...o.scores))], o.chosen);
      assert.deepEqual(p.nodeSteps.map((n) => n.node).slice(-1), [5]);
      for (const n of p.nodeSteps) {
        assert.equal(n.kept.length, SHOT1_SPACE2_PARENTS[n.node]);
        assert.deepEqual(n.kept, keepLowest(n.scores, n.kept.length).map((i) => n.candidates[i]!).sort((a, b) => a - b));
        assert.deepEqual(p.cell.parents[n.node], n.kept);
      }
    }
    const distinct = [...new Set(r.proposals.map((p) => p.cellString))];
    assert.deepEqual(r.validation.candidates.map((c) => c.archString), distinct);
    const sums = r.validation.candidates.map((c) => c.batchScores.reduce((a, b) => a + b, 0));
    for (const [i, c] of r.validation.candidates.entries()) {
      assert.equal(c.batchScores.length, s.valBatches);
      assert.ok(Math.abs(sums[i]! - c.score) <= 1e-9 * Math.abs(c.score));
    }
    assert.equal(r.validation.chosen, sums.indexOf(Math.max(...sums)));
    assert.equal(r.archString, r.validation.candidates[r.validation.chosen]!.archString);
    if (index) {
      const st = shot1TableStatus(r.arch, index);
      assert.deepEqual({ accuracies: r.accuracies, outsideTable: r.outsideTable }, { accuracies: st.accuracies, outsideTable: st.outsideTable });
    }
  }
});
