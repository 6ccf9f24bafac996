/**
 * Zero-Cost-PT post-validation (de-duplication, sum over V batches, nanargmax) with a fake scorer,
 * and the NB201 accuracy look-up.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { loadNb201Table, NB201_TABLE_FILE } from '../../../src/benchmarks/nb201';
import { convOpCount, formatNb201, parseNb201 } from '../../../src/spaces/nb201/arch';
import { nb201TestAccuracies, postValidate, uniqueArchs, type ZcptBatch, type ZcptScorer } from '../../../src/search/zcpt';
import { needsData } from '../../support/data';

before(async () => {
  await initBackend({ quiet: true });
});

const A = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|'); // 3 convs
const B = parseNb201('|skip_connect~0|+|none~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|skip_connect~2|'); // 1 conv
const C = parseNb201('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'); // 6 convs
const NET = { C: 2, N: 1, numClasses: 10 };

function batchMaker(): { batch: (v: number) => ZcptBatch; made: number[]; live: () => number } {
  const made: number[] = [];
  const all: ZcptBatch[] = [];
  return {
    made,
    batch: (v) => {
      made.push(v);
      const b = { x: tf.fill([2, 4, 4, 3], v) as tf.Tensor4D, labels: tf.zeros([2], 'int32') as tf.Tensor1D };
      all.push(b);
      return b;
    },
    live: () => all.filter((b) => !b.x.isDisposed).length,
  };
}

test('uniqueArchs keeps first appearances and the proposals behind each', () => {
  const u = uniqueArchs([A, B, A, C, B, A]);
  assert.deepEqual(u.map((x) => formatNb201(x.arch)), [A, B, C].map(formatNb201));
  assert.deepEqual(u.map((x) => x.proposals), [[0, 2, 5], [1, 4], [3]]);
});

test('postValidate sums V batch scores per unique architecture and picks the largest sum', () => {
  // score = (#conv ops) − 4·[batch value is 1 and arch is C]: C wins batch 0 but loses the sum.
  const scorer: ZcptScorer = {
    name: 'fake',
    score: ({ arch, net }, b) => {
      assert.ok(net.numParams > 0, 'a standalone network is built');
      const v = b.x.dataSync()[0]!;
      return convOpCount(arch!) - (v >= 1 && arch === C ? 4 : 0);
    },
  };
  const bm = batchMaker();
  const before = tf.memory().numTensors;
  const r = postValidate([A, B, C, A], { scorer, valBatches: 3, batch: bm.batch, netConfig: NET, netSeed: 1 });
  assert.equal(tf.memory().numTensors, before, 'networks and batches disposed');
  assert.deepEqual(bm.made, [0, 1, 2], 'each batch made once, shared by the candidates');
  assert.equal(bm.live(), 0);
  assert.equal(r.candidates.length, 3);
  assert.deepEqual(r.candidates.map((c) => c.batchScores), [[3, 3, 3], [1, 1, 1], [6, 2, 2]]);
  assert.deepEqual(r.candidates.map((c) => c.score), [9, 3, 10]);
  assert.equal(r.chosen, 2);
  assert.deepEqual(r.candidates[0]!.proposals, [0, 3]);
});

test('postValidate: NaN never wins, −∞ loses, errors name the problem', () => {
  const scorer: ZcptScorer = { name: 'fake', score: ({ arch }) => (arch === A ? NaN : arch === B ? -Infinity : 1) };
  const r = postValidate([A, B, C], { scorer, valBatches: 2, batch: batchMaker().batch, netConfig: NET, netSeed: 1 });
  assert.equal(r.chosen, 2);
  const onlyNan = postValidate([A], { scorer, valBatches: 1, batch: batchMaker().batch, netConfig: NET, netSeed: 1 });
  assert.equal(onlyNan.chosen, 0);
  assert.throws(() => postValidate([], { scorer, valBatches: 1, batch: batchMaker().batch, netConfig: NET, netSeed: 1 }), /at least one proposal/);
  assert.throws(() => postValidate([A], { scorer, valBatches: 0, batch: batchMaker().batch, netConfig: NET, netSeed: 1 }), /positive integer/);
});

test('nb201TestAccuracies reads the 200-epoch test accuracies of the three datasets', { skip: needsData(NB201_TABLE_FILE) }, () => {
  const table = loadNb201Table();
  const acc = nb201TestAccuracies(C, table);
  assert.equal(acc.index, table.indexOf(C));
  assert.equal(acc.cifar10, table.accuracy(acc.index, 'cifar10-test'));
  assert.equal(acc.cifar100, table.accuracy(acc.index, 'cifar100-test'));
  assert.equal(acc.imagenet16, table.accuracy(acc.index, 'imagenet16-test'));
  assert.ok(acc.cifar10 > 80 && acc.cifar10 < 100);
});
