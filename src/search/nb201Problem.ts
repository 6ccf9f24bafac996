/** NB201 as an evolutionary search problem over official indices, with a benchmark fitness. */
import type { Nb201AccuracyKey, Nb201Table } from '../benchmarks/nb201';
import { mutateNb201 } from '../spaces/nb201/mutate';
import type { EvolutionProblem } from './evolution';

/** Fitness as in NB201's `R_EA.py` with `ea_fast_by_api`: 12-epoch CIFAR-10 validation accuracy. */
export const DEFAULT_FITNESS_KEY: Nb201AccuracyKey = 'cifar10-valid-12ep';

export function nb201Problem(table: Nb201Table, fitnessKey: Nb201AccuracyKey = DEFAULT_FITNESS_KEY): EvolutionProblem {
  const fit = table.accuracies(fitnessKey);
  return {
    spaceSize: table.size,
    mutate: (index, rng) => table.indexOf(mutateNb201(table.arch(index), rng)),
    fitness: (index) => fit[index],
  };
}
