export { pairFinite, assertFinite, assertFinitePairs, type FinitePairs } from "./clean";
export { ranks, pearson, spearman, kendallTauB, rmse, spearmanOnResamples, kendallTauBOnResamples, pearsonOnResamples, rmseOnResamples, type ResampleMetric } from "./correlation";
export { bootstrapCI, bootstrapCIs, type BootstrapOptions, type BootstrapResult, type PairedMetric } from "./bootstrap";
export { topKHitRate, bestOfTopK } from "./topk";
export { summarize, type Summary, type SummaryCI, type SummarizeOptions } from "./summary";
export { splitByBands, type Band } from "./bands";
