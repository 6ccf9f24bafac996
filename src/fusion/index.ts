/**
 * Fusion: MSE-fitted weighted sums of indicators (the Fusion Indicator), seeded cross-validation,
 * held-out and cross-dataset comparison with PLCC / RMSE / SROCC / KROCC, and the DAS rule
 * expressions (rules.ts).
 */
export * from './transforms';
export * from './data';
export * from './leastSquares';
export * from './model';
export * from './cv';
export * from './compare';
export * from './rules';
export * from './nestedSelection';
export * from './paperTargets';
export * from '../stats/fitMetrics';
export { evaluateExpr, ruleNames, RULE_FUNCTIONS, POINTWISE_FUNCTIONS, POPULATION_FUNCTIONS, type RuleFunction, type BinaryOp } from './ruleParser';
