// Mutation testing (StrykerJS): `npm run mutation` mutates the statistics, the Fusion Indicator
// fits, log|det|, the Hamming kernel, NASWOT, the DAS atoms and the score-file/resume code, and
// runs only the test files that exercise them (each test file is one "test" for Stryker, so a
// mutant runs just the files that cover it). Reports: the per-file table on stdout and
// reports/mutation/mutation.html. One area at a time (its files and its tests only):
//   ZERONAS_MUTATION_AREAS=stats npm run mutation      (comma-separated: stats,fusion,linalg,naswot,scorefile)
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
 * file is one Stryker test, so a mutant runs only the files that execute it. fusion has many small
 * test files that all reach the same code: test/mutation/fusion.ts imports them all, so a mutant
 * costs one Node start there.
 */
const AREAS = {
  stats: { mutate: ['src/stats/**/*.ts'], tests: ['test/stats/*.test.ts'] },
  fusion: { mutate: ['src/fusion/**/*.ts'], tests: ['test/mutation/fusion.ts'] },
  linalg: { mutate: ['src/linalg/**/*.ts'], tests: ['test/linalg/*.test.ts'] },
  naswot: {
    mutate: ['src/proxies/hamming.ts', 'src/proxies/naswot.ts', 'src/proxies/dasAtoms.ts'],
    // The data-free tests (hand-computed kernels, small networks against brute force): the
    // real-network files naswot.test.ts and dasAtomsNetwork.test.ts take about a minute each per mutant.
    tests: ['test/proxies/hamming.test.ts', 'test/proxies/naswotKernel.test.ts', 'test/proxies/dasAtoms.test.ts'],
  },
  scorefile: {
    mutate: ['src/runner/results.ts', 'src/runner/scoreFile.ts', 'src/runner/checkedScores.ts', 'src/provenance/resultFile.ts'],
    tests: ['test/runner/results.test.ts', 'test/runner/scoreFile.test.ts', 'test/runner/checkedScores.test.ts', 'test/provenance/resultFile.test.ts'],
  },
};
const wanted = (process.env.ZERONAS_MUTATION_AREAS ?? Object.keys(AREAS).join(',')).split(',').map((a) => a.trim()).filter(Boolean);
for (const a of wanted) {
  if (!(a in AREAS)) throw new Error(`ZERONAS_MUTATION_AREAS: unknown area '${a}' (areas: ${Object.keys(AREAS).join(', ')})`);
}
const areas = wanted.map((a) => AREAS[a]);

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
    testFiles: areas.flatMap((a) => a.tests),
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  ignorePatterns: ['dist', 'reports', '.cache', '.scratch', 'notebooks', '.jupyter'],
  concurrency: 2,
  timeoutMS: 10000,
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  // One report per area selection, so areas run one after another keep their reports.
  htmlReporter: { fileName: `reports/mutation/${wanted.join('-')}.html` },
  jsonReporter: { fileName: `reports/mutation/${wanted.join('-')}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  disableTypeChecks: 'src/**/*.ts',
};
