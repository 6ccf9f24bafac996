/** NAS-Bench-101 search space: cell specs, benchmark hash, sampling, channel rules, network. */
export * from './spec';
export * from './hash';
export * from './sample';
export * from './channels';
export * from './network';
export * from './shot1';
