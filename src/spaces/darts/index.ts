/** DARTS / NAS-Bench-301 search space: genotypes, NASLib encoding, sampling, network. */
export * from './genotype';
export * from './naslib';
export * from './sample';
export * from './plan';
export * from './ops';
export * from './network';
