/** Zero-Cost-PT on the DARTS space (docs/papers.md §5.4): supernet, perturbation, post-validation, search, results file. */
export * from './supernet';
export * from './perturb';
export * from './postValidate';
export * from './search';
export * from './resultsFile';
