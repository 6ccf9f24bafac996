export { pairFinite, assertFinite, assertFinitePairs, type FinitePairs } from "./clean";
export { ranks, pearson, spearman, kendallTauB, rmse } from "./correlation";
export { bootstrapCI, type BootstrapOptions, type BootstrapResult, type PairedMetric } from "./bootstrap";
export { topKHitRate, bestOfTopK } from "./topk";
export { summarize, type Summary, type SummaryCI, type SummarizeOptions } from "./summary";
export { splitByBands, type Band } from "./bands";
