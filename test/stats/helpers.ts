import { Rng } from "../../src/engine/rng";

/** Random integer data in [0, levels) so that ties are frequent. */
export function tiedData(seed: number, n: number, levels: number): { x: number[]; y: number[] } {
  const g = new Rng(seed);
  const r = (): number => g.next();
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(r() * levels);
    x.push(a);
    // y loosely follows x so the correlation is not always ~0
    y.push(Math.floor((a + r() * levels) / 2));
  }
  return { x, y };
}

export function close(actual: number, expected: number, tol = 1e-12, msg = ""): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${msg} expected ${expected}, got ${actual} (|diff| > ${tol})`);
  }
}
