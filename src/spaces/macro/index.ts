/** NAS-Bench-Macro search space: 8-digit architectures and the benchmark's network. */
export * from './arch';
export * from './network';
