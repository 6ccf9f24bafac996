/** Data layer: data-root lookup, CIFAR readers, normalisation constants, seeded batches. */
export * from './root';
export * from './cifar';
export * from './normalize';
export * from './batch';
export * from './identity';
export * from './nds';
