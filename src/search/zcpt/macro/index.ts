/** Zero-Cost-PT on NAS-Bench-Macro: supernet, layer perturbation, post-validation, search, results file. */
export * from './supernet';
export * from './perturb';
export * from './postValidate';
export * from './search';
export * from './resultsFile';
export * from './report';
