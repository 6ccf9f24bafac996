/**
 * Zero-Cost-PT perturbation loop with a fake scorer whose values we control:
 * S(w) = Σ_e Σ_o V[e][o]·w[e][o], so removing op o of an undecided edge e lowers S by V[e][o]·w[e][o]
 * and the kept op (lowest post-removal score) is argmax_o V[e][o] (w ≈ 0.2 each).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/engine/backend';
import { Rng } from '../../../src/engine/rng';
import type { Network } from '../../../src/engine/network';
import { NB201_OPS } from '../../../src/spaces/nb201/arch';
import {
  removalStep,
  EDGE_ORDERS,
  nanArgmin,
  PerturbState,
  removalMatrix,
  runProposal,
  type EdgeOrder,
  type Mixing,
  type ProposalOptions,
  type ZcptBatch,
  type ZcptScorer,
} from '../../../src/search/zcpt';

before(async () => {
  await initBackend({ quiet: true });
});

// Distinct per-edge maxima (edge 2 largest, then 4, 0, 5, 1, 3) and distinct per-edge means.
const V = [
  [1, 5, 30, 2, 0], // max op 2, max 30
  [3, 11, 0, 1, 2], // max op 1, max 11
  [60, 1, 2, 3, 4], // max op 0, max 60
  [0, 0, 0, 0, 7], // max op 4, max 7
  [2, 2, 45, 40, 1], // max op 2, max 45  (mean 18)
  [1, 20, 2, 3, 0.5], // max op 1, max 20
];
const EXPECTED = V.map((row) => NB201_OPS[row.indexOf(Math.max(...row))]!);

const linearScorer: ZcptScorer = {
  name: 'fake',
  score: ({ mixing }) => mixing!.reduce((s, row, e) => s + row.reduce((a, w, o) => a + V[e]![o]! * w, 0), 0),
};

const stubNet = (w: Mixing): Network => ({ params: new Map(), paramKinds: new Map(), numParams: 0, forward: () => { throw new Error(`stub ${w.length}`); }, dispose: () => undefined });

function counters(): { opts: Pick<ProposalOptions, 'view' | 'nextBatch'>; made: () => number; live: () => number } {
  let made = 0;
  const batches: ZcptBatch[] = [];
  return {
    opts: {
      view: stubNet,
      nextBatch: () => {
        made++;
        const b = { x: tf.zeros([2, 2, 2, 3]) as tf.Tensor4D, labels: tf.zeros([2], 'int32') as tf.Tensor1D };
        batches.push(b);
        return b;
      },
    },
    made: () => made,
    live: () => batches.filter((b) => !b.x.isDisposed || !b.labels.isDisposed).length,
  };
}

test('every order decides each edge once and keeps argmin-after-removal (= argmax V)', () => {
  for (const order of EDGE_ORDERS) {
    const c = counters();
    const p = runProposal({ ...c.opts, scorer: linearScorer, order, rng: new Rng(3) });
    assert.deepEqual([...p.arch], EXPECTED, order);
    assert.deepEqual([...p.edgeOrder].sort(), [0, 1, 2, 3, 4, 5], order);
    assert.equal(p.steps.length, 6);
    for (const s of p.steps) {
      assert.equal(s.removals.length, 5, `${order}: every op scored on the decided edge`);
      assert.ok(s.removals.every((r) => r.edge === s.edge));
      const best = s.removals.reduce((a, b) => (b.score < a.score ? b : a));
      assert.equal(s.op, best.op);
    }
    const perStep = order === 'global-edge-greedy' ? 2 : 1;
    assert.equal(c.made(), 6 * perStep, `${order}: a fresh batch per scoring round`);
    assert.equal(c.live(), 0, `${order}: batches disposed`);
  }
});

test('edge orders: fixed, reverse, global-op-greedy (largest V·w first), global-edge-greedy (largest mean first)', () => {
  const run = (order: EdgeOrder, seed = 1) => runProposal({ ...counters().opts, scorer: linearScorer, order, rng: new Rng(seed) });
  assert.deepEqual(run('fixed').edgeOrder, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(run('reverse').edgeOrder, [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(run('global-op-greedy').edgeOrder, [2, 4, 0, 5, 1, 3]);
  const means = V.map((r) => r.reduce((a, b) => a + b, 0) / 5);
  const byMean = [0, 1, 2, 3, 4, 5].sort((a, b) => means[b]! - means[a]!);
  assert.deepEqual(run('global-edge-greedy').edgeOrder, byMean);
  const g = run('global-op-greedy');
  assert.equal(g.steps[0]!.edgeSelection!.length, 30);
  assert.equal(g.steps[5]!.edgeSelection!.length, 5);
  assert.equal(g.steps.reduce((a, s) => a + s.scorings, 0), 5 * 21);
});

test('random order: a permutation, deterministic by seed, varying across seeds', () => {
  const orders = [1, 2, 3, 4, 5, 6].map((seed) => runProposal({ ...counters().opts, scorer: linearScorer, rng: new Rng(seed) }).edgeOrder.join(''));
  const again = runProposal({ ...counters().opts, scorer: linearScorer, rng: new Rng(1) });
  assert.equal(again.edgeOrder.join(''), orders[0]);
  assert.ok(new Set(orders).size > 1, `orders ${orders.join(' ')}`);
});

test('scores seen by the scorer: undecided edges softmax(α) (no renormalisation), decided one-hot, removed op 0', () => {
  const seen: Mixing[] = [];
  const alpha = Array.from({ length: 6 }, (_, e) => [0, 0, 0, 0, e === 0 ? Math.log(2) : 0]);
  const scorer: ZcptScorer = { name: 'spy', score: (t) => (seen.push(t.mixing!), linearScorer.score(t, undefined as unknown as ZcptBatch)) };
  runProposal({ ...counters().opts, scorer, order: 'fixed', rng: new Rng(1), alpha });
  // first scoring: edge 0, op 0 removed; edge 0's weights are softmax([0,0,0,0,ln2]) = [1,1,1,1,2]/6
  const first = seen[0]!;
  [0, 1 / 6, 1 / 6, 1 / 6, 2 / 6].forEach((v, o) => assert.ok(Math.abs(first[0]![o]! - v) < 1e-12, `op ${o}`));
  assert.deepEqual(first[1], [0.2, 0.2, 0.2, 0.2, 0.2]);
  // after edge 0 is decided (op 2), it is one-hot in every later scoring
  for (const m of seen.slice(5)) assert.deepEqual(m[0], [0, 0, 1, 0, 0]);
  assert.equal(seen.length, 30);
});

test('NaN scores are ignored (nanargmin); all-NaN fails; −∞ wins', () => {
  assert.equal(nanArgmin([NaN, 3, 1, NaN, 1]), 2);
  assert.equal(nanArgmin([2, -Infinity, NaN]), 1);
  assert.equal(nanArgmin([NaN, NaN]), -1);
  // NaN when op 2 is removed from edge 0 while edge 0 is undecided
  const nanSome: ZcptScorer = {
    name: 'nan',
    score: (t) => {
      const row = t.mixing![0]!;
      return row.filter((v) => v > 0).length > 1 && row[2] === 0 ? NaN : linearScorer.score(t, undefined as unknown as ZcptBatch);
    },
  };
  const p = runProposal({ ...counters().opts, scorer: nanSome, order: 'fixed', rng: new Rng(1) });
  assert.equal(p.arch[0], 'skip_connect', 'op 2 (NaN when removed) cannot be kept; next best is op 1');
  const c = counters();
  const allNan: ZcptScorer = { name: 'nan', score: () => NaN };
  assert.throws(() => runProposal({ ...c.opts, scorer: allNan, order: 'fixed', rng: new Rng(1) }), /every removal score is NaN on edge 0/);
  assert.equal(c.live(), 0, 'batch disposed on failure');
});

test('PerturbState: masks, decisions, errors; removalMatrix', () => {
  const st = new PerturbState(Array.from({ length: 6 }, () => [0, 0, 0, 0, 0]));
  st.removeOp(1, 3);
  assert.deepEqual(st.presentOps(1), [0, 1, 2, 4]);
  assert.deepEqual(st.mixing()[1], [0.2, 0.2, 0.2, 0, 0.2]);
  assert.deepEqual(st.mixing({ edge: 1, op: 0 })[1], [0, 0.2, 0.2, 0, 0.2]);
  assert.throws(() => st.decide(1, 3), /was removed/);
  st.decide(1, 4);
  assert.throws(() => st.decide(1, 4), /already decided/);
  assert.throws(() => st.removeOp(1, 0), /already decided/);
  assert.deepEqual(st.undecided(), [0, 2, 3, 4, 5]);
  assert.throws(() => st.arch(), /still undecided/);
  assert.throws(() => st.presentOps(6), /edge must be/);
  assert.throws(() => new PerturbState([[0]]), /6×5/);
  const p = runProposal({ ...counters().opts, scorer: linearScorer, order: 'fixed', rng: new Rng(1) });
  const m = removalMatrix(p);
  assert.equal(m.length, 6);
  for (const s of p.steps) for (const r of s.removals) assert.equal(m[r.edge]![NB201_OPS.indexOf(r.op)], r.score);
  assert.ok(m.flat().every((v) => Number.isFinite(v)));
});

test('removalStep: scores each removal once in op order, keeps the lowest non-NaN (first on ties); all NaN names the decision', () => {
  const seen: number[] = [];
  const r = removalStep(5, (o) => {
    seen.push(o);
    return [4, NaN, 2, 2, 3][o]!;
  }, 'on edge 3');
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  assert.deepEqual(r.scores, [4, NaN, 2, 2, 3]);
  assert.equal(r.kept, 2);
  assert.equal(removalStep(3, (o) => [1, -Infinity, NaN][o]!, 'x').kept, 1);
  assert.throws(() => removalStep(2, () => NaN, 'on layer 5'), /^Error: Zero-Cost-PT: every removal score is NaN on layer 5$/);
});
