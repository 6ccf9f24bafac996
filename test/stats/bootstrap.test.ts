import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapCI, bootstrapCIs, percentileCI, resampleValues } from "../../src/stats/bootstrap";
import { kendallTauB, kendallTauBOnResamples, pearson, rmse, spearman } from "../../src/stats/correlation";
import { tiedData } from "./helpers";
import { refBootstrapCI, refKendallTauB } from "./reference";
import { Rng } from "../../src/engine/rng";

function correlatedSample(seed: number, n: number): { x: number[]; y: number[] } {
  const g = new Rng(seed);
  const r = (): number => g.next();
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = r();
    x.push(a);
    y.push(a + 0.1 * (r() - 0.5));
  }
  return { x, y };
}


test("bootstrapCI is deterministic for a seed and varies with the seed", () => {
  const { x, y } = correlatedSample(3, 60);
  const a = bootstrapCI(x, y, spearman, { resamples: 300, seed: 11 });
  const b = bootstrapCI(x, y, spearman, { resamples: 300, seed: 11 });
  const c = bootstrapCI(x, y, spearman, { resamples: 300, seed: 12 });
  assert.deepEqual(a, b);
  assert.notDeepEqual([a.lo, a.hi], [c.lo, c.hi]);
  assert.equal(a.resamples, 300);
  assert.equal(a.used + a.skipped, 300);
});

test("bootstrapCI contains the point estimate on a strongly correlated sample", () => {
  const { x, y } = correlatedSample(5, 100);
  for (const m of [pearson, spearman, kendallTauB]) {
    const r = bootstrapCI(x, y, m, { resamples: 500, seed: 1, level: 0.95 });
    assert.equal(r.estimate, m(x, y));
    assert.ok(r.lo <= r.estimate && r.estimate <= r.hi, `${m.name}: ${r.lo} ${r.estimate} ${r.hi}`);
    assert.ok(r.lo > 0.8 && r.hi <= 1, `${m.name}: [${r.lo}, ${r.hi}]`);
    assert.equal(r.skipped, 0);
  }
});

test("bootstrapCI skips and counts resamples where the metric is undefined", () => {
  // n = 3: a resample repeats a single pair (constant ⇒ pearson undefined) with prob 3/27 = 1/9
  const x = [1, 2, 3];
  const y = [1, 2, 4];
  const r = bootstrapCI(x, y, pearson, { resamples: 400, seed: 2 });
  assert.ok(r.skipped > 0, `expected skipped resamples, got ${r.skipped}`);
  assert.equal(r.used + r.skipped, 400);
  assert.ok(Number.isFinite(r.lo) && Number.isFinite(r.hi));
});

test("bootstrapCI validates input and options", () => {
  assert.throws(() => bootstrapCI([1, NaN, 3], [1, 2, 3], pearson), /bootstrapCI: x contains 1 non-finite/);
  assert.throws(() => bootstrapCI([1, 2], [1, 2], pearson, { level: 1 }), /level/);
  assert.throws(() => bootstrapCI([1, 2], [1, 2], pearson, { resamples: 0 }), /resamples/);
  assert.throws(() => bootstrapCI([1, 2], [1, 2], pearson, { level: 0 }), { message: "bootstrapCI: level must be in (0, 1), got 0" });
  assert.throws(() => bootstrapCI([1, 2], [1, 2], pearson, { level: -0.5 }), /level must be in \(0, 1\)/);
  // one resample is allowed: both bounds are its value (first draw of seed 1: pairs 0, 1, 1, 2 → 341)
  const one = bootstrapCI(X4, Y4, dot, { resamples: 1, seed: 1 });
  assert.deepEqual([one.lo, one.hi, one.used], [341, 341, 1]);
});

// Independent expected values: the resample indices are the engine Rng's draws replayed here
// (seed 1, n = 4: five resamples of rng.int(4) each), and the quantiles are worked out by hand.
// x·y per pair is [1, 20, 300, 4000], so the metric Σ x_i·y_i of a resample names its pairs.
const X4 = [1, 2, 3, 4];
const Y4 = [1, 10, 100, 1000];
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);

test("bootstrapCI replays the seeded draws: every pair (the last one too) can be drawn", () => {
  const rng = new Rng(1);
  const draws = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => rng.int(4)));
  assert.deepEqual(draws, [[0, 1, 1, 2], [3, 1, 0, 2], [2, 2, 1, 0], [0, 3, 2, 3], [1, 3, 2, 3]]);
  // resample sums: 1+20+20+300 = 341, 4000+20+1+300 = 4321, 300+300+20+1 = 621,
  // 1+4000+300+4000 = 8301, 20+4000+300+4000 = 8320 → sorted [341, 621, 4321, 8301, 8320]
  const r = bootstrapCI(X4, Y4, dot, { resamples: 5, seed: 1, level: 0.5 });
  // level 0.5: type-7 positions (5−1)·0.25 = 1 and (5−1)·0.75 = 3 fall on order statistics
  assert.deepEqual([r.lo, r.hi], [621, 8301]);
  assert.equal(r.estimate, 4321);
  assert.deepEqual([r.level, r.resamples, r.used, r.skipped], [0.5, 5, 5, 0]);
});

test("bootstrapCI at level 0.9 interpolates type-7 quantiles at 0.05 and 0.95 (hand-computed)", () => {
  const r = bootstrapCI(X4, Y4, dot, { resamples: 5, seed: 1, level: 0.9 });
  // position 4·0.05 = 0.2 → 341 + 0.2·(621 − 341) = 397; position 4·0.95 = 3.8 → 8301 + 0.8·(8320 − 8301) = 8316.2
  assert.ok(Math.abs(r.lo - 397) < 1e-9, `lo ${r.lo}`);
  assert.ok(Math.abs(r.hi - 8316.2) < 1e-9, `hi ${r.hi}`);
  // the default level is 0.95: positions 0.1 and 3.9 → 369 and 8318.1
  const d = bootstrapCI(X4, Y4, dot, { resamples: 5, seed: 1 });
  assert.equal(d.level, 0.95);
  assert.ok(Math.abs(d.lo - 369) < 1e-9 && Math.abs(d.hi - 8318.1) < 1e-9, `[${d.lo}, ${d.hi}]`);
});

test("bootstrapCI takes the quantiles over the finite resamples only", () => {
  // NaN whenever a resample holds pair 0: only the fifth resample (pairs 1, 3, 2, 3) is finite
  const m = (a: readonly number[], b: readonly number[]): number => (a.includes(1) ? NaN : dot(a, b));
  const r = bootstrapCI(X4, Y4, m, { resamples: 5, seed: 1, level: 0.9 });
  assert.deepEqual([r.lo, r.hi, r.used, r.skipped], [8320, 8320, 1, 4]);
  const none = bootstrapCI(X4, Y4, () => Infinity, { resamples: 3, seed: 1 });
  assert.ok(Number.isNaN(none.lo) && Number.isNaN(none.hi));
  assert.deepEqual([none.used, none.skipped], [0, 3]);
});

test("bootstrapCIs gives each metric exactly the reference one-metric bootstrap, skipped resamples included", () => {
  const metrics = { plcc: pearson, rmse, srocc: spearman, krocc: kendallTauB, ref: refKendallTauB };
  // The draws depend on the seed only and the level only picks the quantiles: every seed and level
  // on the small samples; one of each on the large one (its O(n²) reference τ dominates the run time).
  const every = { seeds: [1, 2, 99], levels: [0.5, 0.9, 0.95] };
  const cases = [
    { ...correlatedSample(4, 3), what: "n = 3 (many constant resamples)", ...every },
    { x: [1, 1, 2, 2], y: [0, 1, 0, 1], what: "n = 4, ties", ...every },
    { ...tiedData(6, 40, 3), what: "n = 40, 3 levels", ...every },
    { ...tiedData(7, 500, 30), what: "n = 500, 30 levels", seeds: [2], levels: [0.9] },
  ];
  for (const { x, y, what, seeds, levels } of cases) {
    for (const seed of seeds) {
      for (const level of levels) {
        const all = bootstrapCIs(x, y, metrics, { resamples: 120, seed, level });
        for (const [k, m] of Object.entries(metrics)) {
          const ref = refBootstrapCI(x, y, m, 120, seed, level);
          assert.deepEqual(all[k as keyof typeof metrics], ref, `${what}, ${k}, seed ${seed}, level ${level}`);
          assert.deepEqual(bootstrapCI(x, y, m, { resamples: 120, seed, level }), ref, `bootstrapCI ${what}, ${k}`);
        }
      }
    }
  }
  const tiny = bootstrapCIs([1, 2, 3], [1, 2, 4], { p: pearson, s: spearman, k: kendallTauB }, { resamples: 200, seed: 3 });
  for (const r of Object.values(tiny)) assert.ok(r.skipped > 0 && r.used + r.skipped === 200);
});

test("bootstrapCIs validates input, options and the metric set", () => {
  assert.throws(() => bootstrapCIs([1, 2], [1, 2], {}), /bootstrapCIs: no metrics/);
  assert.throws(() => bootstrapCIs([1, Infinity], [1, 2], { p: pearson }), /bootstrapCIs: x contains 1 non-finite/);
  assert.throws(() => bootstrapCIs([1, 2], [1, 2], { p: pearson }, { resamples: 1.5 }), /bootstrapCIs: resamples/);
});

test("resampleValues replays bootstrapCI's draws: a paired τ ratio of one resample equals the gathered reference, skipped resamples included", () => {
  const cases = [
    { ...tiedData(11, 3, 2), what: "n = 3 (many undefined ratios)" },
    { ...tiedData(12, 6, 2), what: "n = 6, 2 levels" },
    { ...tiedData(13, 40, 4), what: "n = 40, 4 levels" },
  ];
  for (const { x, y, what } of cases) {
    const base = x.map((v, i) => (i % 3 === 0 ? y[i] : v));
    const pos = x.map((_, i) => i);
    const gathered = (v: readonly number[], idx: readonly number[]) => idx.map((i) => v[i]);
    const refRatio = (idx: readonly number[]) => refKendallTauB(gathered(x, idx), gathered(y, idx)) / refKendallTauB(gathered(base, idx), gathered(y, idx));
    const tx = kendallTauBOnResamples(x, y);
    const tb = kendallTauBOnResamples(base, y);
    for (const seed of [1, 5]) {
      for (const level of [0.8, 0.95]) {
        const ref = refBootstrapCI(pos, pos, refRatio, 90, seed, level);
        const opts = { resamples: 90, seed };
        const baseTaus = resampleValues(x.length, tb, opts);
        const ratios = resampleValues(x.length, tx, opts).map((t, k) => t / baseTaus[k]!);
        const got = percentileCI(ratios, refRatio(pos), level);
        assert.deepEqual(got, ref, `${what}, seed ${seed}, level ${level}`);
      }
    }
  }
  const few = percentileCI(resampleValues(3, () => NaN, { resamples: 4 }), 0.5);
  assert.deepEqual([few.used, few.skipped, few.estimate], [0, 4, 0.5]);
  assert.ok(Number.isNaN(few.lo) && Number.isNaN(few.hi));
});

test("resampleValues and percentileCI validate n and the options", () => {
  assert.throws(() => resampleValues(1, () => 0), /^Error: resampleValues: need an integer n ≥ 2 rows, got 1$/);
  assert.throws(() => resampleValues(2.5, () => 0), /got 2\.5$/);
  assert.throws(() => resampleValues(5, () => 0, { resamples: 0 }), /^Error: resampleValues: resamples must be a positive integer, got 0$/);
  assert.throws(() => percentileCI([1, 2], 0, 1), /^Error: percentileCI: level must be in \(0, 1\), got 1$/);
  assert.throws(() => percentileCI([], 0), /^Error: percentileCI: resamples must be a positive integer, got 0$/);
  assert.deepEqual(Array.from(resampleValues(2, (idx) => idx.length, { resamples: 3 })), [2, 2, 2]);
  const r = percentileCI([3, NaN, 1, Infinity, 2], 7, 0.5);
  assert.deepEqual([r.lo, r.hi, r.estimate, r.used, r.skipped, r.resamples], [1.5, 2.5, 7, 3, 2, 5]);
});
