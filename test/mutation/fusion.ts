/**
 * All test/fusion tests in one process, for the mutation run (stryker.config.mjs): one Node start per
 * mutant instead of one per test file. Not a test file itself (npm test runs the files directly).
 */
import '../fusion/compare.test';
import '../fusion/cv.test';
import '../fusion/leastSquares.test';
import '../fusion/model.test';
import '../fusion/rules.test';
import '../fusion/transforms.test';
