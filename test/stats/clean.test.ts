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
