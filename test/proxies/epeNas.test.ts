/**
 * epe_nas (NASLib's EPE-NAS): hand-checked per-class scores for both of NASLib's rules (K ≤ 100:
 * Σ_c |s_c|; K > 100: pairwise differences of s_c / m_c), NaN flagging, a NAS-Bench-201 run
 * and tensor hygiene. Parity with NASLib's `epe_nas` column is asserted in jacov.test.ts (both
 * proxies share one Jacobian pass there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/backend';
import { epeScore } from '../../src/proxies/epeNas';
import { JACOV_K } from '../../src/proxies/jacov';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS, ScoreSettings } from '../../src/runner/settings';
import { needsData, CIFAR10_FILE } from '../support/data';

const skip = needsData(CIFAR10_FILE);
const L = (c: number): number => Math.log(Math.abs(c) + JACOV_K);

function close(a: number, b: number, rel: number, msg = ''): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${msg} ${a} vs ${b}`);
}

// class 0: rows e1, e2 (r = −1/3); class 1: one row; class 2: a and −a (r = −1)
const ROWS = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [3, 1, 4, 1],
  [1, 2, 0, 5],
  [-1, -2, 0, -5],
];
const LABELS = [0, 0, 1, 2, 2];
const s0 = 2 * L(1) + 2 * L(-1 / 3);
const s1 = L(1);
const s2 = 4 * L(1);

test('epe_nas, K ≤ 100 (NASLib rule B): Σ_c |Σ_ab ln(|C_c[a,b]| + k)|, single-sample class counts ln(1+k)', () => {
  const v = epeScore(ROWS.flat(), LABELS, 5, 4, 10);
  assert.equal(v.status, 'ok');
  close(v.value, Math.abs(s0) + Math.abs(s1) + Math.abs(s2), 1e-12);
  // the order of the samples does not matter
  const perm = [4, 2, 0, 3, 1];
  close(epeScore(perm.flatMap((i) => ROWS[i]!), perm.map((i) => LABELS[i]!), 5, 4, 10).value, v.value, 1e-12);
  // K = 100 is still rule B
  close(epeScore(ROWS.flat(), LABELS, 5, 4, 100).value, v.value, 1e-15);
});

test('epe_nas, K > 100 (NASLib rule A): s_c / m_c, single-sample classes dropped, Σ_c Σ_c\' |s_c − s_c\'| / #classes', () => {
  const v = epeScore(ROWS.flat(), LABELS, 5, 4, 120);
  assert.equal(v.status, 'ok');
  const a = s0 / 2;
  const b = s2 / 2;
  close(v.value, (2 * Math.abs(a - b)) / 2, 1e-12);
  // only single-sample classes → nothing kept → 0
  assert.equal(epeScore([1, 2, 3, 3, 1, 2], [0, 1], 2, 3, 120).value, 0);
});

test('epe_nas flags zero-variance Jacobian rows (in a class or alone) as nan with a reason', () => {
  const inClass = epeScore([1, 1, 1, 1, 2, 3], [4, 4], 2, 3, 10);
  assert.equal(inClass.status, 'nan');
  assert.match(inClass.reason!, /class 4/);
  const alone = epeScore([1, 1, 1, 1, 2, 3], [4, 5], 2, 3, 10);
  assert.equal(alone.status, 'nan');
  assert.equal(epeScore([NaN, 1, 1, 1, 2, 3], [4, 5], 2, 3, 10).status, 'nan');
  assert.throws(() => epeScore([1, 2, 3], [0, 1], 1, 3, 10), /labels/);
});

test('epe_nas on NAS-Bench-201 networks (NASLib preset, CIFAR-10 batch 32): finite and positive; shares jacov\'s Jacobian; tensor count flat over 3 archs', { skip }, async (t) => {
  const settings: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', proxies: ['jacov', 'epe_nas'] };
  const scorer = await ArchScorer.create(settings, { quiet: true });
  try {
    const counts: number[] = [];
    for (const index of [982, 5480, 3114]) {
      const before = tf.memory().numTensors;
      const row = scorer.score(index);
      counts.push(tf.memory().numTensors - before);
      const e = row.values.epe_nas!;
      t.diagnostic(`${index}: epe_nas ${e.value.toFixed(3)} (${row.proxySeconds.epe_nas!.toFixed(2)} s after jacov ${row.proxySeconds.jacov!.toFixed(1)} s)`);
      assert.equal(e.status, 'ok');
      assert.ok(e.value > 0 && Number.isFinite(e.value));
      // the Jacobian comes from the memo: epe_nas costs a fraction of the backward pass
      assert.ok(row.proxySeconds.epe_nas! < row.proxySeconds.jacov!);
    }
    assert.deepEqual(counts, [0, 0, 0]);
  } finally {
    scorer.dispose();
  }
});
