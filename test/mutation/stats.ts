/**
 * All test/stats tests in one process, for the mutation run (stryker.config.mjs): one Node start per
 * mutant instead of one per test file. Not a test file itself (npm test runs the files directly).
 */
import '../stats/bands.test';
import '../stats/bootstrap.test';
import '../stats/clean.test';
import '../stats/correlation.test';
import '../stats/fitMetrics.test';
import '../stats/summary.test';
import '../stats/topk.test';
