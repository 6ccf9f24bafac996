/**
 * flops: tensorwatch/NASLib FLOPs of NB201 networks, analytic. Hand-counted cases, the NASLib
 * reference column (every architecture, all three datasets) and the registered proxy.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { naslibNb201Reference, NASLIB_REFERENCE_FILE } from '../../src/benchmarks/naslib';
import { convOutSize, layerFlops, nb201CellFlops, nb201Flops } from '../../src/proxies/flops';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS } from '../../src/runner/settings';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import '../../src/proxies';
import { needsData, CIFAR10_FILE } from '../support/data';

const noRef = needsData(NASLIB_REFERENCE_FILE);
const noCifar = needsData(CIFAR10_FILE);

const ARCH_4811 = '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|';
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
const CFG = { C: 16, N: 5, numClasses: 10 };

before(async () => {
  await initBackend({ quiet: true });
});

test('layer counts by hand: conv k²·Cin·Cout·Hout², BN 2·numel, ReLU numel, pools incl. padding, GAP (H+1)², linear in·out', () => {
  // a single 3×3 conv 3→16 at 32×32, pad 1: 9·3·16·32·32
  assert.equal(convOutSize(32, 3, 1, 1), 32);
  assert.equal(layerFlops.conv(3, 3, 16, 32), 442368);
  assert.equal(convOutSize(32, 3, 2, 1), 16);
  assert.equal(layerFlops.conv(3, 16, 32, convOutSize(32, 3, 2, 1)), 9 * 16 * 32 * 256);
  assert.equal(layerFlops.bn(16, 32), 2 * 16 * 1024);
  assert.equal(layerFlops.relu(16, 32), 16 * 1024);
  assert.equal(layerFlops.avgPool(16, 32, 3, 1, 1), 16 * 1024 * 9);
  assert.equal(layerFlops.avgPool(16, 32, 2, 2, 0), 16 * 256 * 4);
  assert.equal(layerFlops.globalAvgPool(64, 8), 64 * 81);
  assert.equal(layerFlops.linear(64, 10), 640);
  // one stage-1 cell with a conv3×3, a conv1×1 and an avg pool (16 ch, 32×32)
  const cell = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|');
  assert.equal(nb201CellFlops(cell, 16, 32), (16384 + 9 * 256 * 1024 + 32768) + (16384 + 256 * 1024 + 32768) + 16384 * 9);
});

test('whole networks by hand: all-none skeleton and NB201 #4811 (= NASLib 88.307392 M)', () => {
  const skeleton =
    (442368 + 32768) + // stem conv + BN
    (16384 + 1179648 + 16384) + (8192 + 2359296 + 16384) + (16384 + 131072) + // ResNet block 16→32
    (8192 + 1179648 + 8192) + (4096 + 2359296 + 8192) + (8192 + 131072) + // ResNet block 32→64
    (8192 + 4096 + 5184 + 640); // head: BN, ReLU, GAP, linear
  assert.equal(nb201Flops(parseNb201(ALL_NONE), CFG), skeleton);
  // #4811: 2 conv3×3 + 2 conv1×1 per cell; every stage has C²·H·W = 262144
  const perCellConv = (2 * 9 + 2) * 262144;
  const perCellBnRelu = 4 * 3 * (16 * 1024 + 32 * 256 + 64 * 64); // per stage: 4 ops × (BN 2 + ReLU 1)·numel
  const f = nb201Flops(parseNb201(ARCH_4811), CFG);
  assert.equal(f, skeleton + 5 * 3 * perCellConv + 5 * perCellBnRelu);
  assert.equal(f, 88307392);
});

test('NASLib flops column reproduced for every reference architecture (cifar10, cifar100; ImageNet16-120 at 16×16)', { skip: noRef }, (t) => {
  const cases = [
    { ds: 'cifar10', classes: 10, res: 32 },
    { ds: 'cifar100', classes: 100, res: 32 },
    { ds: 'ImageNet16-120', classes: 120, res: 16 },
  ] as const;
  for (const { ds, classes, res } of cases) {
    const rows = naslibNb201Reference(ds);
    let worst = 0;
    for (const r of rows) {
      const ours = nb201Flops(r.arch, { C: 16, N: 5, numClasses: classes }, res) / 1e6;
      const rel = Math.abs(ours - r.proxies.flops!) / r.proxies.flops!;
      worst = Math.max(worst, rel);
      assert.ok(rel <= 0.02, `${ds} #${r.nb201Index}: ours ${ours} vs NASLib ${r.proxies.flops}`);
    }
    t.diagnostic(`${ds}: ${rows.length} archs, worst relative error ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-9, `${ds}: expected an exact match, worst ${worst}`);
  }
});

test('registered proxy via ArchScorer equals nb201Flops/1e6; tensor count flat over 3 archs', { skip: noCifar }, async () => {
  const scorer = await ArchScorer.create({ ...PRESETS.naslib, dataset: 'cifar10', proxies: ['flops'] }, { quiet: true });
  try {
    const table = loadNb201Table();
    const before = tf.memory().numTensors;
    for (const index of [0, 4811, 15624]) {
      const row = scorer.score(index);
      assert.equal(row.values.flops!.status, 'ok');
      assert.equal(row.values.flops!.value, nb201Flops(table.arch(index), CFG) / 1e6);
      assert.equal(tf.memory().numTensors, before, `tensors leaked after #${index}`);
    }
  } finally {
    scorer.dispose();
  }
});
