/**
 * Published numbers notebook 03 puts beside ours (docs/papers.md §2.6 and §4; the FI paper's own
 * tables are not available, docs/papers.md §4).
 *
 * - TE-NAS (Chen, Gong, Wang, ICLR 2021, Fig. 1; docs/papers.md §4): Kendall τ of each indicator with
 *   NB201 test accuracy under the TE-NAS protocol — κ_N (our `cnntk`) −0.42, R_N (our `nlr`) 0.50.
 * - NASWOT v1 README (BayesWatch, 500 runs; docs/papers.md §2.6): CIFAR-10 test accuracy (mean ± std)
 *   of the architecture the correlation-of-Jacobians score (our `jacov` = CJ) picks among N random
 *   ones, searched on CIFAR-10 with a batch of 256.
 */
import type { MeanStd } from '../search/table2a';

/** Kendall τ(indicator, NB201 test accuracy), TE-NAS protocol. */
export const TENAS_KENDALL: Readonly<Record<'nlr' | 'cnntk', number>> = Object.freeze({ nlr: 0.5, cnntk: -0.42 });

/** CJ random-N, CIFAR-10 test accuracy (%), 500 runs: N → mean ± std. */
export const CJ_V1_RANDOM_N_C10: Readonly<Record<number, MeanStd>> = Object.freeze({
  10: Object.freeze({ mean: 91.58, std: 1.7 }),
  100: Object.freeze({ mean: 91.24, std: 1.7 }),
});
