import { test } from "node:test";
import assert from "node:assert/strict";
import { pairFinite } from "../../src/stats/clean";

test("pairFinite drops pairs with NaN/±Infinity on either side and counts them", () => {
  const r = pairFinite([1, NaN, 3, 4, Infinity, 6], [10, 20, -Infinity, 40, 50, 60]);
  assert.deepEqual(r, { x: [1, 4, 6], y: [10, 40, 60], dropped: 3, n: 3 });
});

test("pairFinite keeps everything when clean", () => {
  assert.deepEqual(pairFinite([1, 2], [3, 4]), { x: [1, 2], y: [3, 4], dropped: 0, n: 2 });
});

test("pairFinite rejects a length mismatch", () => {
  assert.throws(() => pairFinite([1, 2], [1]), /length mismatch/);
});

test("assertFinite and assertFinitePairs: exact messages, counts and minimum sizes", async () => {
  const { assertFinite, assertFinitePairs } = await import("../../src/stats/clean");
  assert.throws(
    () => assertFinite("m", [1, NaN, -Infinity, 2]),
    { message: "m: input contains 2 non-finite value(s) (NaN/Infinity) out of 4; drop them explicitly with pairFinite() or use summarize()" },
  );
  assert.throws(() => assertFinite("m", [], 1), { message: "m: needs at least 1 value(s), got 0" });
  assert.throws(() => assertFinite("m", [1], 2, "scores"), { message: "m: needs at least 2 value(s), got 1" });
  assert.doesNotThrow(() => assertFinite("m", [1, 2], 2));
  assert.throws(() => assertFinite("m", []), /needs at least 1 value/);
  assert.doesNotThrow(() => assertFinite("m", [], 0));
  assert.throws(() => assertFinite("m", [Infinity], 1, "scores"), /^Error: m: scores contains 1 non-finite/);
  assert.throws(() => assertFinitePairs("p", [1, 2], [1]), { message: "p: length mismatch (x has 2, y has 1)" });
  assert.throws(() => assertFinitePairs("p", [1, 2], [1, NaN]), /^Error: p: y contains 1 non-finite value\(s\) \(NaN\/Infinity\) out of 2/);
  assert.throws(() => assertFinitePairs("p", [NaN, 2], [1, 2]), /^Error: p: x contains 1 non-finite/);
  assert.throws(() => assertFinitePairs("p", [1], [1]), { message: "p: needs at least 2 pairs, got 1" });
  assert.doesNotThrow(() => assertFinitePairs("p", [1, 2], [3, 4]));
  assert.doesNotThrow(() => assertFinitePairs("p", [1], [2], 1));
});
