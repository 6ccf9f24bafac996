import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleCorrelation } from "simple-statistics";
import { kendallTauB, kendallTauBOnResamples, pearson, pearsonOnResamples, ranks, rmse, rmseOnResamples, spearman, spearmanOnResamples } from "../../src/stats/correlation";
import { Rng } from "../../src/engine/rng";
import { refKendallTauB, refRanks, refSpearman } from "./reference";
import { close, tiedData } from "./helpers";

/** O(n²) reference τ-b straight from the definition. */
function bruteTauB(x: number[], y: number[]): number {
  const n = x.length;
  let s = 0;
  let n1 = 0;
  let n2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      s += dx * dy;
      if (dx === 0) n1++;
      if (dy === 0) n2++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  return s / Math.sqrt((n0 - n1) * (n0 - n2));
}

test("ranks: 1-based average ranks for ties", () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.deepEqual(ranks([3, 3, 3]), [2, 2, 2]);
  assert.deepEqual(ranks([-1, 7, 0, 7, 7]), [1, 4, 2, 4, 4]);
  assert.deepEqual(ranks([]), []);
});

test("pearson: hand-computed case", () => {
  // dx = [-1.5,-.5,.5,1.5], dy = [-3,-1,0,4]: Sxy = 11, Sxx = 5, Syy = 26
  close(pearson([1, 2, 3, 4], [2, 4, 5, 9]), 11 / Math.sqrt(130));
});

test("spearman with ties: hand-computed", () => {
  // ranks x = [1, 2.5, 2.5, 4], ranks y = [1, 3, 2, 4]; both means 2.5
  // Sxy = 2.25 + 0 + 0 + 2.25 = 4.5, Sxx = 4.5, Syy = 5  =>  rho = 4.5/sqrt(22.5) = sqrt(0.9)
  close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), Math.sqrt(0.9));
  // order of pairs must not matter (breaking ties by position would give 0.8 here)
  close(spearman([2, 1, 2, 3], [3, 1, 2, 4]), Math.sqrt(0.9));
  close(spearman([2, 1, 2, 3], [2, 1, 3, 4]), Math.sqrt(0.9));
});

test("kendallTauB: hand-computed cases", () => {
  // no ties: C = 7, D = 3  =>  0.4
  close(kendallTauB([1, 2, 3, 4, 5], [3, 1, 2, 5, 4]), 0.4);
  // one x-tie: n0 = 6, n1 = 1, n2 = 0, C = 5, D = 0  =>  5/sqrt(5*6)
  close(kendallTauB([1, 2, 2, 3], [1, 3, 2, 4]), 5 / Math.sqrt(30));
  // joint tie (x and y tied on the same pair): n0 = 6, n1 = n2 = n3 = 1, C = 5  =>  5/5
  close(kendallTauB([1, 2, 2, 3], [1, 2, 2, 3]), 1);
});

test("kendallTauB matches O(n²) brute force on random tied data", () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    for (const n of [2, 3, 7, 50, 300]) {
      for (const levels of [3, 10, 1000]) {
        const { x, y } = tiedData(seed * 7919 + n + levels, n, levels);
        const ref = bruteTauB(x, y);
        const got = kendallTauB(x, y);
        if (Number.isNaN(ref)) assert.ok(Number.isNaN(got), `seed ${seed} n ${n}`);
        else close(got, ref, 1e-12, `seed ${seed} n ${n} levels ${levels}:`);
      }
    }
  }
});

test("kendallTauB matches brute force with float values incl. negatives", () => {
  const x = [0.5, -1.25, 0.5, 3, 3, -1.25, 2, 0.5, 7.75];
  const y = [1, 1, 0, -2, 5, 1, 0, 1, 1];
  close(kendallTauB(x, y), bruteTauB(x, y));
});

test("perfect and inverse association give ±1", () => {
  const x = [0.1, 0.4, 0.2, 0.9, 0.7, 0.3];
  const up = x.map((v) => Math.exp(3 * v)); // monotone, nonlinear
  const lin = x.map((v) => 2 * v + 1);
  const down = x.map((v) => -v * v * v);
  close(pearson(x, lin), 1);
  close(pearson(x, x.map((v) => -3 * v + 2)), -1);
  for (const f of [spearman, kendallTauB]) {
    assert.equal(f(x, up), 1);
    assert.equal(f(x, down), -1);
  }
});

test("undefined coefficients (constant input) are NaN, not spurious values", () => {
  const c = [0.1, 0.1, 0.1];
  const v = [1, 2, 3.3];
  for (const f of [pearson, spearman, kendallTauB]) {
    assert.ok(Number.isNaN(f(c, v)));
    assert.ok(Number.isNaN(f(v, c)));
  }
});

test("strict metrics throw on NaN/Infinity, naming metric and count", () => {
  assert.throws(() => pearson([1, NaN, 3], [1, 2, 3]), /pearson: x contains 1 non-finite/);
  assert.throws(() => spearman([1, 2, 3], [Infinity, NaN, 3]), /spearman: y contains 2 non-finite/);
  assert.throws(() => kendallTauB([1, 2, -Infinity], [1, 2, 3]), /kendallTauB: x contains 1 non-finite/);
  assert.throws(() => rmse([1, 2], [NaN, 2]), /rmse: y contains 1 non-finite/);
  assert.throws(() => ranks([1, NaN]), /ranks: x contains 1 non-finite/);
});

test("strict metrics throw on length mismatch and too few pairs", () => {
  assert.throws(() => pearson([1, 2, 3], [1, 2]), /pearson: length mismatch/);
  assert.throws(() => kendallTauB([1], [1]), /kendallTauB: needs at least 2/);
  assert.throws(() => rmse([], []), /rmse: needs at least 1/);
});

test("rmse: simple case", () => {
  // diffs 0, -2, 2  =>  sqrt(8/3)
  close(rmse([1, 2, 3], [1, 4, 1]), Math.sqrt(8 / 3));
  assert.equal(rmse([5], [5]), 0);
});

/** Tied data with negatives, fractions, −0 and +0, at several tie densities. */
function mixedData(seed: number, n: number, levels: number): { x: number[]; y: number[] } {
  const { x, y } = tiedData(seed, n, levels);
  const g = new Rng(seed + 1);
  const f = (v: number): number => (v === 0 ? (g.next() < 0.5 ? -0 : 0) : (v - levels / 2) / 4 + (g.next() < 0.1 ? g.next() : 0));
  return { x: x.map(f), y: y.map(f) };
}

test("ranks, spearman and kendallTauB are bit-identical to the reference implementations", () => {
  for (const seed of [1, 5, 77, 2024]) {
    for (const n of [2, 3, 4, 9, 64, 257, 1500]) {
      for (const levels of [1, 2, 5, 40, 1e6]) {
        const { x, y } = mixedData(seed * 131 + n + levels, n, levels);
        const at = `seed ${seed} n ${n} levels ${levels}`;
        assert.deepEqual(ranks(x), refRanks(x), `ranks ${at}`);
        assert.ok(Object.is(spearman(x, y), refSpearman(x, y)), `spearman ${at}: ${spearman(x, y)} vs ${refSpearman(x, y)}`);
        assert.ok(Object.is(kendallTauB(x, y), refKendallTauB(x, y)), `kendallTauB ${at}: ${kendallTauB(x, y)} vs ${refKendallTauB(x, y)}`);
      }
    }
  }
});

test("rank metrics after a larger call still work on smaller inputs (reused buffers)", () => {
  const big = mixedData(9, 3000, 50);
  kendallTauB(big.x, big.y);
  spearman(big.x, big.y);
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  close(kendallTauB([1, 2, 3, 4, 5], [3, 1, 2, 5, 4]), 0.4);
});

test("spearmanOnResamples / kendallTauBOnResamples equal the metric on the gathered resample", () => {
  for (const seed of [3, 8]) {
    for (const [n, levels] of [[2, 2], [3, 2], [5, 3], [200, 7], [1500, 400]] as const) {
      const { x, y } = mixedData(seed * 17 + n, n, levels);
      const sp = spearmanOnResamples(x, y);
      const kt = kendallTauBOnResamples(x, y);
      const pe = pearsonOnResamples(x, y);
      const se = rmseOnResamples(x, y);
      const g = new Rng(seed);
      for (let b = 0; b < 30; b++) {
        const idx = new Int32Array(n);
        for (let i = 0; i < n; i++) idx[i] = g.int(n);
        const bx = Array.from(idx, (i) => x[i]);
        const by = Array.from(idx, (i) => y[i]);
        assert.ok(Object.is(sp(idx), spearman(bx, by)), `spearman n ${n} b ${b}`);
        assert.ok(Object.is(kt(idx), kendallTauB(bx, by)), `kendallTauB n ${n} b ${b}`);
        assert.ok(Object.is(pe(idx), pearson(bx, by)), `pearson n ${n} b ${b}`);
        assert.ok(Object.is(se(idx), rmse(bx, by)), `rmse n ${n} b ${b}`);
      }
    }
  }
  assert.throws(() => spearmanOnResamples([1, NaN], [1, 2]), /spearman: x contains 1 non-finite/);
  assert.throws(() => kendallTauBOnResamples([1], [1]), /kendallTauB: needs at least 2/);
  assert.throws(() => pearsonOnResamples([1, 2], [1, Infinity]), /pearson: y contains 1 non-finite/);
  assert.throws(() => rmseOnResamples([1, 2], [1]), /rmse/);
});

test("spearman is simple-statistics' sampleCorrelation of the average ranks, bit for bit", () => {
  for (const seed of [1, 2, 3]) {
    for (const [n, levels] of [[2, 2], [7, 3], [300, 20], [1455, 1455]] as const) {
      const { x, y } = mixedData(seed * 7 + n, n, levels);
      const ref = sampleCorrelation(ranks(x), ranks(y));
      const want = Number.isNaN(ref) ? NaN : Math.max(-1, Math.min(1, ref));
      assert.ok(Object.is(spearman(x, y), want) || (Number.isNaN(want) && Number.isNaN(spearman(x, y))), `seed ${seed}, n ${n}: ${spearman(x, y)} vs ${want}`);
    }
  }
});

test("spearman / kendallTauB re-rank the second argument when the caller changes it in place (ranks reused by value only)", () => {
  const { x, y } = mixedData(5, 200, 30);
  const first = [spearman(x, y), kendallTauB(x, y)];
  const yy = [...y];
  yy.reverse(); // same array object below, new values
  const fresh = [refSpearman(x, yy), refKendallTauB(x, yy)];
  y.reverse();
  close(spearman(x, y), fresh[0]);
  close(kendallTauB(x, y), fresh[1]);
  y.reverse();
  assert.deepEqual([spearman(x, y), kendallTauB(x, y)], first, "the original values give the original results again");
  // many different columns of one length: results stay those of a fresh ranking
  for (let k = 0; k < 12; k++) {
    const z = mixedData(100 + k, 200, 5 + k).y;
    close(spearman(x, z), refSpearman(x, z), 1e-12, `column ${k}`);
    close(kendallTauB(x, z), refKendallTauB(x, z), 1e-12, `column ${k}`);
  }
});

test("spearman / kendallTauB rank a longer second argument afresh even when it starts with a column ranked before", () => {
  // y = [1, 2, 3] is ranked (and kept) first; [1, 2, 3, 0] begins with the same values
  close(spearman([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(kendallTauB([3, 1, 2], [1, 2, 3]), -1 / 3);
  // ranks x = [1, 2, 3, 4], y = [2, 3, 4, 1]; centred Σ = .75 − .25 + .75 − 2.25 = −1, Σdx² = Σdy² = 5 ⇒ ρ = −0.2
  close(spearman([1, 2, 3, 4], [1, 2, 3, 0]), -0.2);
  // pairs 12, 13, 23 concordant, 14, 24, 34 discordant ⇒ τ = 0
  assert.equal(kendallTauB([1, 2, 3, 4], [1, 2, 3, 0]), 0);
});

test("pearson clamps a round-off below −1 to exactly −1", () => {
  const x = [99.1, 95.6, 74.5];
  const y = x.map((v) => -1.2 * v + 0.3);
  assert.ok(sampleCorrelation(x, y) < -1, "unclamped, this input rounds below −1");
  assert.equal(pearson(x, y), -1);
  assert.equal(pearsonOnResamples(x, y)(Int32Array.from([0, 1, 2])), -1);
});

test("pearsonOnResamples: a resample constant in one column is NaN even when its mean carries round-off", () => {
  // three copies of 0.1 have mean 0.10000000000000002 (compensated sum / 3), so without the exact
  // constancy check the deviations would be tiny non-zeros and r a spurious number
  assert.equal(sampleCorrelation([0.1, 0.1, 0.1], [1, 2, 1]), -1.5700924586837754e-16);
  const idx = Int32Array.from([0, 1, 0]);
  assert.ok(Number.isNaN(pearsonOnResamples([0.1, 0.1, 0.7], [1, 2, 3])(idx)), "constant x");
  assert.ok(Number.isNaN(pearsonOnResamples([1, 2, 3], [0.1, 0.1, 0.7])(idx)), "constant y");
  assert.ok(Number.isNaN(pearson([0.1, 0.1, 0.1], [1, 2, 1])));
});

test("pearsonOnResamples' compensated means are simple-statistics' sum, bit for bit, where the compensation changes the result", () => {
  // 1002 among values near 1: the running sum loses low bits that Neumaier's correction restores;
  // dropping, flipping or mis-branching the correction changes the last bit of r here
  const x = [1.3, 1002, 0.5, 1.4];
  const y = [0.6, 0.1, 0.6, 0.8];
  const r = pearsonOnResamples(x, y)(Int32Array.from([0, 1, 2, 3]));
  assert.ok(Object.is(r, sampleCorrelation(x, y)), `${r} vs ${sampleCorrelation(x, y)}`);
  assert.ok(Object.is(pearsonOnResamples(y, x)(Int32Array.from([0, 1, 2, 3])), sampleCorrelation(y, x)));
});
