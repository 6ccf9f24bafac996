/** Benchmark tables: NAS-Bench-201 accuracies and NASLib reference proxy scores. */
export * from './csv';
export * from './nb201';
export * from './naslib';
export * from './nb101';
export * from './nb301';
export * from './macro';
