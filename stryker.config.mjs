// Mutation testing (StrykerJS): `npm run mutation` mutates the statistics, the Fusion Indicator
// fits, log|det|, the Hamming kernel, NASWOT, the DAS atoms and the score-file/resume code, and
// runs only the test files that exercise them (each test file is one "test" for Stryker, so a
// mutant runs just the files that cover it). Reports: the per-file table on stdout and
// reports/mutation/<areas>.html (and .json). One area at a time (its files and its tests only):
//   ZERONAS_MUTATION_AREAS=stats npm run mutation      (comma-separated: stats,fusion,fusion-nested,linalg,naswot,scorefile)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// Stryker runs the tests in a copy under .stryker-tmp/, where the package-relative data root
// (../shared/data, see src/data/root.ts) no longer resolves: hand the copy the root found from here.
if (!process.env.ZERONAS_DATA) {
  const shared = path.resolve(here, '..', 'shared', 'data');
  if (fs.existsSync(shared)) process.env.ZERONAS_DATA = shared;
}

/**
 * Mutated files and the test files that exercise them, per area. With perTest coverage each test
 * file is one Stryker test, so a mutant runs only the files that execute it, in the order listed
 * here (fast, targeted files first), and stops at the first file that fails.
 */
const AREAS = {
  stats: {
    mutate: ['src/stats/**/*.ts'],
    tests: ['correlation', 'clean', 'bands', 'topk', 'summary', 'fitMetrics', 'bootstrap'].map((f) => `test/stats/${f}.test.ts`),
  },
  // nestedSelection.test.ts takes about 20 s: it runs on nestedSelection.ts's mutants only (its own area),
  // not on every mutant of the fits it calls.
  fusion: {
    mutate: ['src/fusion/{compare,cv,data,leastSquares,model,paperTargets,ruleParser,rules,transforms}.ts'],
    tests: ['transforms', 'data', 'leastSquares', 'model', 'cv', 'compare', 'rules'].map((f) => `test/fusion/${f}.test.ts`),
  },
  'fusion-nested': { mutate: ['src/fusion/nestedSelection.ts'], tests: ['test/fusion/nestedSelection.test.ts'] },
  linalg: { mutate: ['src/linalg/**/*.ts'], tests: ['test/linalg/*.test.ts'] },
  naswot: {
    mutate: ['src/proxies/hamming.ts', 'src/proxies/naswot.ts', 'src/proxies/dasAtoms.ts'],
    // The data-free tests (hand-computed kernels, small networks against brute force): the
    // real-network files naswot.test.ts and dasAtomsNetwork.test.ts take about a minute each per mutant.
    tests: ['test/proxies/hamming.test.ts', 'test/proxies/dasAtoms.test.ts', 'test/proxies/naswotKernel.test.ts'],
  },
  scorefile: {
    mutate: ['src/runner/results.ts', 'src/runner/scoreFile.ts', 'src/runner/checkedScores.ts', 'src/provenance/resultFile.ts'],
    tests: ['runner/results', 'runner/checkedScores', 'provenance/resultFileLifecycle', 'runner/scoreFile', 'provenance/resultFile'].map((f) => `test/${f}.test.ts`),
  },
};
const wanted = (process.env.ZERONAS_MUTATION_AREAS ?? Object.keys(AREAS).join(',')).split(',').map((a) => a.trim()).filter(Boolean);
for (const a of wanted) {
  if (!(a in AREAS)) throw new Error(`ZERONAS_MUTATION_AREAS: unknown area '${a}' (areas: ${Object.keys(AREAS).join(', ')})`);
}
const areas = wanted.map((a) => AREAS[a]);
// ZERONAS_MUTATION_TESTS=a.test.ts,b.test.ts narrows a run to those test files (with --mutate: the
// files that test the mutated code directly, when the whole area's tests are too slow per mutant).
const onlyTests = process.env.ZERONAS_MUTATION_TESTS?.split(',').map((t) => t.trim()).filter(Boolean);
const reportName = wanted.length === Object.keys(AREAS).length ? 'mutation' : wanted.join('-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [...areas.flatMap((a) => a.mutate), '!src/**/index.ts'],
  tap: {
    testFiles: onlyTests?.length ? onlyTests : areas.flatMap((a) => a.tests),
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  ignorePatterns: ['dist', 'reports', '.cache', '.scratch', 'notebooks', '.jupyter'],
  concurrency: 2,
  timeoutMS: 10000,
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  // One report per area selection, so areas run one after another keep their reports.
  htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
  jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  disableTypeChecks: 'src/**/*.ts',
};
