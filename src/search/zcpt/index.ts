/** Zero-Cost-PT on NAS-Bench-201 (docs/papers.md §5): supernet, perturbation scoring, post-validation. */
export * from './supernet';
export * from './scorers';
export * from './perturb';
export * from './postValidate';
export * from './search';
export * from './resultsFile';
export * from './report';
export * from './projectResults';
export * from './recheck';
export * as darts from './darts';
export * as macro from './macro';
export * as shot1 from './nb101-1shot1';
