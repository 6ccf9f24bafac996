/**
 * All indicators: importing this module registers every proxy in the registry.
 * One module per indicator; each registers itself with `registerProxy`.
 */
export * from './registry';
export * from './hamming';
export * from './naswot';
export * from './grads';
// [gradient proxies: grad_norm, snip, grasp, fisher]
// [data-free proxies: synflow, flops, l2_norm, plain, zen]
// [jacobian proxies: jacov/cj, epe_nas, os]
// [TE-NAS proxies: nlr, cnntk]
