/** Zero-Cost-PT on NAS-Bench-1Shot1 search space 2: one-shot model, op and topology steps, search, results file. */
export * from './supernet';
export * from './perturb';
export * from './search';
export * from './resultsFile';
export * from './report';
