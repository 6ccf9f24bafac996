/**
 * Zero-Cost-PT DARTS proposal logic with a synthetic scorer (a linear function of the mixing
 * weights, no tensors): argmin op choice, highest-score edge deletion ('reference' and
 * 'cumulative'), a valid genotype, determinism by seed, heatmap matrices, state errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Network } from '../../../../src/engine/network';
import { Rng } from '../../../../src/engine/rng';
import type { CellType } from '../../../../src/spaces/darts/genotype';
import type { ZcptBatch, ZcptScorer } from '../../../../src/search/zcpt';
import {
  DartsPerturbState,
  dartsEdgeRemovalScores,
  dartsRemovalMatrix,
  dartsScoringsPerProposal,
  lastNanArgmax,
  randomDartsAlpha,
  runDartsProposal,
  ZCPT_DARTS_OPS,
  type DartsMixing,
  type DartsProposalOptions,
  type TopologyMode,
} from '../../../../src/search/zcpt/darts';

/** score(w) = Σ_cell Σ_e Σ_o w[e][o]·c[cell][e][o] with fixed random c; the view just carries w. */
function syntheticOptions(seed: number, topology: TopologyMode, batches: { n: number }): DartsProposalOptions {
  const cr = new Rng(1234);
  const c = { normal: randomDartsAlpha(cr, 1).normal, reduce: randomDartsAlpha(cr, 1).reduce };
  const scorer: ZcptScorer = {
    name: 'synthetic',
    score: (target) => {
      const w = (target.net as unknown as { mixing: DartsMixing }).mixing;
      let s = 0;
      for (const cell of ['normal', 'reduce'] as const) w[cell].forEach((row, e) => row.forEach((v, o) => (s += v * c[cell][e]![o]!)));
      return s;
    },
  };
  const dummy = { dispose: () => undefined } as unknown as ZcptBatch['x'];
  return {
    view: (w) => ({ mixing: w }) as unknown as Network,
    scorer,
    nextBatch: () => {
      batches.n++;
      return { x: dummy, labels: dummy as unknown as ZcptBatch['labels'] };
    },
    rng: new Rng(seed),
    topology,
  };
}

function checkGenotypeShape(cellEdges: readonly { op: string; input: number }[]): void {
  assert.equal(cellEdges.length, 8);
  for (let j = 0; j < 4; j++) {
    const [a, b] = [cellEdges[2 * j]!, cellEdges[2 * j + 1]!];
    assert.ok(a.input < b.input && b.input < j + 2, `node ${j + 2}: inputs ${a.input}, ${b.input}`);
    for (const p of [a, b]) assert.ok((ZCPT_DARTS_OPS as readonly string[]).includes(p.op));
  }
}

for (const topology of ['reference', 'cumulative'] as const) {
  test(`proposal (${topology}): argmin ops, highest-score edges deleted, valid genotype, batch per step`, () => {
    const batches = { n: 0 };
    const p = runDartsProposal(syntheticOptions(5, topology, batches));
    assert.equal(batches.n, 14 + 3);
    assert.equal(p.opSteps.length, 14);
    assert.equal(p.topologySteps.length, 3);
    assert.equal(p.scorings, dartsScoringsPerProposal(topology));
    assert.equal(p.scorings, topology === 'reference' ? 196 + 24 : 196 + 44);
    checkGenotypeShape(p.genotype.normal);
    checkGenotypeShape(p.genotype.reduce);
    assert.match(p.genotypeString, /^Genotype\(normal=\[\('/);
    for (const cell of ['normal', 'reduce'] as CellType[]) {
      // every edge decided once, on the op of the lowest removal score
      assert.deepEqual(p.opSteps.map((s) => s[cell].edge).sort((a, b) => a - b), [...Array(14).keys()]);
      for (const s of p.opSteps) {
        const d = s[cell];
        assert.equal(d.removals.length, 7);
        const min = Math.min(...d.removals.map((r) => r.score));
        assert.equal(d.removals.find((r) => r.score === min)!.op, d.op);
      }
      // topology: nodes 3, 4, 5 once each; the deleted edge has the round's highest score
      assert.deepEqual(p.topologySteps.map((s) => s[cell].node).sort(), [3, 4, 5]);
      for (const s of p.topologySteps) {
        const d = s[cell];
        assert.equal(d.rounds.length, d.node - 2);
        d.rounds.forEach((r, k) => {
          assert.equal(r.reused, topology === 'reference' && k > 0);
          const max = Math.max(...r.scores.map((x) => x.score));
          assert.equal(r.scores.find((x) => x.edge === r.deleted)!.score, max);
        });
        if (topology === 'reference') {
          // keeps the two lowest first-round scores
          const sorted = [...d.rounds[0]!.scores].sort((a, b) => a.score - b.score);
          assert.deepEqual([...d.kept].sort(), [sorted[0]!.edge, sorted[1]!.edge].sort());
        }
        // the genotype's node reads the kept inputs, with the ops decided on those edges
        const g = cell === 'normal' ? p.genotype.normal : p.genotype.reduce;
        const pairs = [g[2 * (d.node - 2)]!, g[2 * (d.node - 2) + 1]!];
        assert.deepEqual(pairs.map((x) => x.input), [...d.inputs]);
        d.kept.forEach((e, i) => assert.equal(pairs[i]!.op, p.opSteps.find((s2) => s2[cell].edge === e)![cell].op));
      }
      const m = dartsRemovalMatrix(p, cell);
      assert.equal(m.length, 14);
      assert.ok(m.every((r) => r.length === 7 && r.every(Number.isFinite)));
      const es = dartsEdgeRemovalScores(p, cell);
      es.forEach((v, e) => assert.equal(Number.isNaN(v), e < 2, `edge ${e}`));
    }
  });
}

test('proposal: deterministic by seed, another seed differs, JSON round trip keeps it', () => {
  const a = runDartsProposal(syntheticOptions(9, 'reference', { n: 0 }));
  const b = runDartsProposal(syntheticOptions(9, 'reference', { n: 0 }));
  const c = runDartsProposal(syntheticOptions(10, 'reference', { n: 0 }));
  const strip = (p: typeof a): unknown => JSON.parse(JSON.stringify({ ...p, seconds: 0, opSteps: p.opSteps.map((s) => ({ ...s, seconds: 0 })), topologySteps: p.topologySteps.map((s) => ({ ...s, seconds: 0 })) }));
  assert.deepEqual(strip(a), strip(b));
  assert.notDeepEqual(
    a.opSteps.map((s) => s.normal.edge),
    c.opSteps.map((s) => s.normal.edge),
  );
});

test('lastNanArgmax: largest, last on ties, NaN ignored, all NaN → last', () => {
  assert.equal(lastNanArgmax([1, 3, 2]), 1);
  assert.equal(lastNanArgmax([3, 1, 3]), 2);
  assert.equal(lastNanArgmax([NaN, 2, NaN]), 1);
  assert.equal(lastNanArgmax([NaN, NaN]), 1);
  assert.equal(lastNanArgmax([-Infinity, -Infinity]), 1);
});

test('DartsPerturbState: mixing rows, removals, errors name the bad input', () => {
  const st = new DartsPerturbState(randomDartsAlpha(new Rng(1)));
  const w = st.mixing();
  assert.ok(Math.abs(w.normal[0]!.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  st.decide('normal', 3, 4);
  assert.deepEqual(st.mixing().normal[3], [0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual(st.mixing({ cell: 'normal', edge: 3, op: 4 }).normal[3], [0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(st.mixing({ cell: 'reduce', edge: 3 }).reduce[3], [0, 0, 0, 0, 0, 0, 0]);
  assert.equal(st.mixing({ cell: 'reduce', edge: 5, op: 2 }).reduce[5]![2], 0);
  assert.notEqual(st.mixing({ cell: 'reduce', edge: 5, op: 2 }).normal[5]![2], 0);
  assert.throws(() => st.decide('normal', 3, 1), /normal edge 3 is already decided/);
  assert.throws(() => st.decide('reduce', 14, 1), /reduce edge must be an integer in 0\.\.13, got 14/);
  assert.throws(() => st.keepEdges('reduce', 4, [5, 5]), /reduce node 4 must keep 2 distinct edges of 5, 6, 7, 8/);
  assert.throws(() => st.keepEdges('reduce', 2, [0, 1]), /node 2 has no topology step/);
  st.keepEdges('reduce', 4, [5, 8]);
  assert.deepEqual(st.liveEdges('reduce', 4), [5, 8]);
  assert.deepEqual(st.mixing().reduce[6], [0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => st.genotype(), /normal edges 0, 1, 2, 4, .* are still undecided/);
  assert.throws(() => new DartsPerturbState({ normal: [[1]], reduce: [] }), /α of the normal cell must be 14×7/);
});

test('a scorer that gives NaN for every removal stops the proposal, naming the cell and edge', () => {
  const opts = syntheticOptions(9, 'reference', { n: 0 });
  const nan: ZcptScorer = { name: 'nan', score: () => NaN };
  assert.throws(() => runDartsProposal({ ...opts, scorer: nan }), /^Error: Zero-Cost-PT: every removal score is NaN on normal edge \d+$/);
});
