import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapCI, bootstrapCIs } from "../../src/stats/bootstrap";
import { kendallTauB, pearson, rmse, spearman } from "../../src/stats/correlation";
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
});

test("bootstrapCIs gives each metric exactly the reference one-metric bootstrap, skipped resamples included", () => {
  const metrics = { plcc: pearson, rmse, srocc: spearman, krocc: kendallTauB, ref: refKendallTauB };
  const cases = [
    { ...correlatedSample(4, 3), what: "n = 3 (many constant resamples)" },
    { x: [1, 1, 2, 2], y: [0, 1, 0, 1], what: "n = 4, ties" },
    { ...tiedData(6, 40, 3), what: "n = 40, 3 levels" },
    { ...tiedData(7, 500, 30), what: "n = 500, 30 levels" },
  ];
  for (const { x, y, what } of cases) {
    for (const seed of [1, 2, 99]) {
      for (const level of [0.5, 0.9, 0.95]) {
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
