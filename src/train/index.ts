/** Training: SGD with momentum, LR schedules, epoch batches, BN running statistics, evaluation, the trainer. */
export * from './schedule';
export * from './sgd';
export * from './data';
export * from './bnStats';
export * from './metrics';
export * from './trainer';
export * from './fastTraining';
export * from './trainBenchSettings';
export * from './trainBenchFile';
export * from './benchAnalysis';
export * from './benchNested';
export * from './benchPlots';
export { trainBenchArch, trainBenchScoreBatch } from './trainBench';
export * from './benchRecheck';
