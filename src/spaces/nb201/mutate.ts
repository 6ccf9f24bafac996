/** Random architectures and one-edge mutations in the NB201 cell space (as NB201's `R_EA.py`). */
import type { Rng } from '../../engine/rng';
import { NB201_NUM_EDGES, NB201_OPS, Nb201Arch, nb201Arch } from './arch';

/** A uniformly random architecture. */
export function randomNb201(rng: Rng): Nb201Arch {
  return nb201Arch(Array.from({ length: NB201_NUM_EDGES }, () => NB201_OPS[rng.int(NB201_OPS.length)]));
}

/** Change the op of one uniformly chosen edge to a uniformly chosen *different* op. */
export function mutateNb201(arch: Nb201Arch, rng: Rng): Nb201Arch {
  const edge = rng.int(NB201_NUM_EDGES);
  const others = NB201_OPS.filter((op) => op !== arch[edge]);
  const ops = [...arch];
  ops[edge] = others[rng.int(others.length)];
  return nb201Arch(ops);
}
