/**
 * PyTorch-default initialisation, from our seeded RNG.
 *
 * nn.Conv2d / nn.Linear: weight ~ kaiming_uniform(a=√5) = U(−b, b) with
 * b = gain·√(3/fan_in), gain = √(2/(1+a²)) = √(1/3), hence b = 1/√fan_in; bias ~ U(−1/√fan_in, 1/√fan_in).
 * nn.BatchNorm2d: γ = 1, β = 0, running mean 0, running var 1.
 * Layouts are tfjs's: conv weights HWIO [kh, kw, cin, cout], linear weights [in, out].
 */
import { Rng } from './rng';

function uniformArray(rng: Rng, n: number, bound: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * rng.next() - 1) * bound;
  return a;
}

/** Conv weight [kh, kw, cin/groups, cout], U(−1/√fan_in, 1/√fan_in), fan_in = (cin/groups)·kh·kw. */
export function convWeight(rng: Rng, kh: number, kw: number, cinPerGroup: number, cout: number): Float32Array {
  return uniformArray(rng, kh * kw * cinPerGroup * cout, 1 / Math.sqrt(cinPerGroup * kh * kw));
}

/** Linear weight [in, out], U(−1/√in, 1/√in). */
export function linearWeight(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  return uniformArray(rng, fanIn * fanOut, 1 / Math.sqrt(fanIn));
}

/** Conv/linear bias, U(−1/√fan_in, 1/√fan_in). */
export function bias(rng: Rng, fanIn: number, n: number): Float32Array {
  return uniformArray(rng, n, 1 / Math.sqrt(fanIn));
}

/** Kaiming-normal (TE-NAS, NB101 style): N(0, gain²/fan), gain = √2. */
export function kaimingNormal(rng: Rng, n: number, fan: number, gain = Math.SQRT2): Float32Array {
  const std = gain / Math.sqrt(fan);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
  return a;
}
