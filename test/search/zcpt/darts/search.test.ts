/**
 * End-to-end Zero-Cost-PT search on a tiny DARTS supernet (C=2, 3 layers, batch 4, N=2, V=2) with
 * real CIFAR-10 batches: valid genotype, result structure, timings, no tensor left, JSON round trip
 * through the results file, option checks. (~22 s; C=4 costs ~28 s on a busy machine; determinism by seed: determinism.test.ts.)
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf } from '../../../../src/engine/backend';
import { parseGenotype, sameGenotype } from '../../../../src/spaces/darts/genotype';
import {
  appendZcptDartsResult,
  dartsScoringsPerProposal,
  pendingDartsSeeds,
  readZcptDartsResults,
  ZCPT_DARTS_OPS,
  zcptDartsSettings,
  zcptSearchDarts,
} from '../../../../src/search/zcpt/darts';
import { needsData, CIFAR10_FILE } from '../../../support/data';

const skip = needsData(CIFAR10_FILE);

before(async () => {
  await initBackend({ quiet: true });
});

test('tiny DARTS search: valid genotype, structure, timings, no tensor left, results file round trip', { skip }, async () => {
  const before = tf.memory().numTensors;
  const progress: string[] = [];
  const r = await zcptSearchDarts({ C: 2, layers: 3, batchSize: 4, proposals: 2, valBatches: 2, seed: 3, onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`) });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(r.settings, {
    space: 'darts', proxy: 'naswot', seed: 3, proposals: 2, valBatches: 2, batchSize: 4, valBatchSize: 4, dataset: 'cifar10',
    C: 2, layers: 3, bn: 'eval', counting: 'official', zeroOpTaps: 'skip', topology: 'reference',
  });
  // genotype: each node exactly 2 distinct earlier inputs, 7-op names, string form parses back
  for (const cell of [r.genotype.normal, r.genotype.reduce]) {
    for (let j = 0; j < 4; j++) {
      const [a, b] = [cell[2 * j]!, cell[2 * j + 1]!];
      assert.ok(a.input < b.input && b.input <= j + 1);
      assert.ok((ZCPT_DARTS_OPS as readonly string[]).includes(a.op) && (ZCPT_DARTS_OPS as readonly string[]).includes(b.op));
    }
  }
  assert.deepEqual(r.genotype.normalConcat, [2, 3, 4, 5]);
  assert.ok(sameGenotype(parseGenotype(r.genotypeString), r.genotype));
  assert.equal(r.proposals.length, 2);
  for (const p of r.proposals) {
    assert.equal(p.scorings, dartsScoringsPerProposal('reference'));
    for (const s of p.opSteps) for (const d of [s.normal, s.reduce]) assert.ok(d.removals.every((x) => Number.isFinite(x.score)));
  }
  const unique = new Set(r.proposals.map((p) => p.genotypeString));
  assert.equal(r.validation.candidates.length, unique.size);
  assert.equal(r.validation.candidates[r.validation.chosen]!.genotypeString, r.genotypeString);
  for (const c of r.validation.candidates) {
    assert.equal(c.batchScores.length, 2);
    assert.ok(Math.abs(c.score - c.batchScores[0]! - c.batchScores[1]!) < 1e-9);
  }
  const best = Math.max(...r.validation.candidates.map((c) => c.score));
  assert.equal(r.validation.candidates[r.validation.chosen]!.score, best);
  assert.equal(r.timing.supernetScorings, 2 * dartsScoringsPerProposal('reference'));
  assert.equal(r.timing.validationScorings, 2 * unique.size);
  assert.ok(r.timing.secondsPerSupernetScoring > 0 && r.timing.totalSeconds >= r.timing.proposalSeconds);
  assert.equal(progress.filter((p) => p.startsWith('proposals')).length, r.timing.supernetScorings);
  assert.equal(progress.at(-1), `validation:${2 * unique.size}/${2 * unique.size}`);

  // JSON-serialisable: through the results file and back
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zcpt-darts-'));
  try {
    const file = path.join(dir, 'runs.jsonl');
    assert.deepEqual(pendingDartsSeeds(file, r.settings, [3, 4]), [3, 4]);
    appendZcptDartsResult(file, r, 'test');
    const [back] = readZcptDartsResults(file);
    assert.ok(back && sameGenotype(back.genotype, r.genotype));
    assert.ok(sameGenotype(back.proposals[1]!.genotype, r.proposals[1]!.genotype));
    assert.deepEqual(JSON.parse(JSON.stringify(back.proposals)), JSON.parse(JSON.stringify(r.proposals)));
    assert.equal(back.command, 'test');
    assert.deepEqual(pendingDartsSeeds(file, r.settings, [3, 4]), [4]);
    assert.throws(() => pendingDartsSeeds(file, { ...r.settings, batchSize: 8 }, [4]), /made with other settings or data .*batchSize \d+ → 8/);
    fs.appendFileSync(file, '{"settings": {');
    assert.throws(() => readZcptDartsResults(file), /runs\.jsonl:2: not valid JSON/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('settings: defaults (paper: N=10, V=100, batch 64, C16, 8 layers) and errors naming the option', () => {
  const s = zcptDartsSettings();
  assert.deepEqual([s.proposals, s.valBatches, s.batchSize, s.valBatchSize, s.C, s.layers, s.proxy, s.bn], [10, 100, 64, 64, 16, 8, 'naswot', 'eval']);
  assert.throws(() => zcptDartsSettings({ C: 5 }), /C must be even/);
  assert.throws(() => zcptDartsSettings({ layers: 0 }), /layers must be a positive integer/);
  assert.throws(() => zcptDartsSettings({ batchSize: 1 }), /at least 2/);
  assert.throws(() => zcptDartsSettings({ topology: 'x' as never }), /topology must be reference or cumulative/);
  assert.throws(() => zcptDartsSettings({ zeroOpTaps: 'reference' as never }), /zeroOpTaps must be skip or zero-input/);
  assert.throws(() => zcptDartsSettings({ dataset: 'svhn' as never }), /dataset must be cifar10 or cifar100/);
  assert.throws(() => zcptDartsSettings({ bn: 'batch' as never }), /zc-pt darts: bn must be eval or train, got 'batch'/);
});
