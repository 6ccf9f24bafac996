/** Group values by bands of another variable (e.g. scores by accuracy band, NASWOT Fig. 2). */

export interface Band {
  readonly label: string;
  readonly lo: number;
  readonly hi: number;
  readonly values: number[];
}

/**
 * Split `values[i]` into bands of `by[i]`: [−∞, e0), [e0, e1), …, [e_last, ∞). Pairs with a
 * non-finite value or key are left out; `edges` must increase strictly.
 */
export function splitByBands(values: readonly number[], by: readonly number[], edges: readonly number[], unit = ''): Band[] {
  if (values.length !== by.length) throw new Error(`splitByBands: ${values.length} values but ${by.length} keys`);
  for (let k = 1; k < edges.length; k++) if (!(edges[k] > edges[k - 1])) throw new Error(`splitByBands: edges must increase strictly, got ${edges.join(', ')}`);
  const bounds = [-Infinity, ...edges, Infinity];
  const bands: Band[] = bounds.slice(0, -1).map((lo, k) => {
    const hi = bounds[k + 1];
    const label = lo === -Infinity ? `< ${hi}${unit}` : hi === Infinity ? `≥ ${lo}${unit}` : `${lo}–${hi}${unit}`;
    return { label, lo, hi, values: [] };
  });
  values.forEach((v, i) => {
    const b = by[i];
    if (!Number.isFinite(v) || !Number.isFinite(b)) return;
    bands.find((band) => b >= band.lo && b < band.hi)!.values.push(v);
  });
  return bands;
}
