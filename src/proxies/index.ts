/**
 * All indicators: importing this module registers every proxy in the registry.
 * One module per indicator; each registers itself with `registerProxy`.
 */
export * from './registry';
export * from './hamming';
export * from './naswot';
export * from './grads';
export * from './gradNorm';
export * from './snip';
export * from './grasp';
export * from './fisher';
export * from './synflow';
export * from './flops';
export * from './l2Norm';
export * from './plain';
export * from './zen';
export * from './jacov';
export * from './epeNas';
export * from './outputSensitivity';
export * from './linearRegions';
export * from './ntk';
export * from './dasAtoms';
