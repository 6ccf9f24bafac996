/**
 * Regularized evolution (REA; Real et al., AAAI 2019, as run on NB201 by Dong & Yang's `R_EA.py`:
 * population 10, tournament sample 3 drawn with replacement, mutate the tournament winner, add the
 * child, drop the oldest), its NASWOT-assisted variant AREA (Mellor et al. 2021 §4: score M random
 * architectures untrained, seed the population with the top P), and random search.
 *
 * Budgets are counted in **queried architectures** (each query = one benchmark lookup, standing
 * for one training run); the NB201 table here has no training times, so the papers' 12,000 s
 * budget cannot be simulated. Fitness defaults to the 12-epoch CIFAR-10 validation accuracy, the
 * signal `R_EA.py` reads with `ea_fast_by_api` (hp=12).
 */
import type { Rng } from '../engine/rng';
import { nanArgmax } from './randomN';
import type { ScorePool } from './scorePool';

/** What an evolutionary search needs from a space and its benchmark. */
export interface EvolutionProblem {
  /** Architectures are 0..spaceSize-1 (official benchmark indices). */
  readonly spaceSize: number;
  /** A neighbour of `index` that differs in exactly one choice. */
  mutate(index: number, rng: Rng): number;
  /** Fitness observed when the architecture is "trained" (a benchmark lookup). */
  fitness(index: number): number;
}

export interface EvolutionOptions {
  /** Number of queried architectures, initial population included. */
  readonly budget: number;
  readonly population?: number;
  readonly sampleSize?: number;
}

export interface SearchResult {
  /** Architecture with the best fitness among those queried. */
  readonly best: number;
  /** Every queried architecture, in query order (length = budget). */
  readonly history: readonly number[];
}

function checkBudget(budget: number, population: number): void {
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`search budget must be a positive integer number of queries, got ${budget}`);
  if (!Number.isInteger(population) || population < 1) throw new Error(`population must be a positive integer, got ${population}`);
}

function bestOf(history: readonly number[], fitness: (i: number) => number): number {
  const k = nanArgmax(history.map(fitness));
  return history[k < 0 ? 0 : k];
}

/** REA from a given initial population (queried first, in order, within the budget). */
export function evolveFrom(problem: EvolutionProblem, initial: readonly number[], opts: EvolutionOptions, rng: Rng): SearchResult {
  const P = opts.population ?? 10;
  const S = opts.sampleSize ?? 3;
  checkBudget(opts.budget, P);
  if (!Number.isInteger(S) || S < 1) throw new Error(`tournament sample size must be a positive integer, got ${S}`);
  const fit = new Map<number, number>();
  const fitness = (i: number): number => {
    let f = fit.get(i);
    if (f === undefined) fit.set(i, (f = problem.fitness(i)));
    return f;
  };
  const history: number[] = [];
  const population: number[] = [];
  for (const i of initial) {
    if (history.length >= opts.budget) break;
    history.push(i);
    population.push(i);
    fitness(i);
  }
  while (population.length < P && history.length < opts.budget) {
    const i = rng.int(problem.spaceSize);
    history.push(i);
    population.push(i);
    fitness(i);
  }
  while (history.length < opts.budget) {
    let parent = population[rng.int(population.length)];
    for (let s = 1; s < S; s++) {
      const c = population[rng.int(population.length)];
      if (fitness(c) > fitness(parent)) parent = c;
    }
    const child = problem.mutate(parent, rng);
    history.push(child);
    fitness(child);
    population.push(child);
    population.shift();
  }
  return { best: bestOf(history, fitness), history };
}

/** REA with a random initial population. */
export function rea(problem: EvolutionProblem, opts: EvolutionOptions, rng: Rng): SearchResult {
  return evolveFrom(problem, [], opts, rng);
}

export interface AreaOptions extends EvolutionOptions {
  /** Untrained architectures scored to seed the population (paper: 20). */
  readonly scored?: number;
}

/**
 * AREA: draw M architectures from the score pool (uniformly, without replacement), keep the
 * P best by score (NaN last) as REA's initial population, then evolve. Scoring is free in the
 * query budget (it needs no training); the initial population's queries count.
 */
export function area(problem: EvolutionProblem, pool: ScorePool, opts: AreaOptions, rng: Rng): SearchResult {
  const M = opts.scored ?? 20;
  const P = opts.population ?? 10;
  if (!Number.isInteger(M) || M < P) throw new Error(`AREA: scored sample M (${M}) must be an integer ≥ population (${P})`);
  if (M > pool.indices.length) throw new Error(`AREA: scored sample M (${M}) exceeds the ${pool.indices.length} architectures in the score pool`);
  const drawn = rng.sampleWithoutReplacement(pool.indices.length, M);
  const key = (p: number): number => (Number.isNaN(pool.scores[p]) ? -Infinity : pool.scores[p]);
  const top = [...drawn].sort((a, b) => key(b) - key(a) || a - b).slice(0, P).map((p) => pool.indices[p]);
  return evolveFrom(problem, top, opts, rng);
}

/** Random search: query `budget` uniformly drawn architectures, keep the fittest. */
export function randomSearch(problem: EvolutionProblem, budget: number, rng: Rng): SearchResult {
  checkBudget(budget, 1);
  const history = Array.from({ length: budget }, () => rng.int(problem.spaceSize));
  return { best: bestOf(history, (i) => problem.fitness(i)), history };
}
